// Writes a gzipped memory snapshot of a started Pyodide interpreter.
// Run by build.py (startup_files.py) with Node, from the runtime it has just verified:
//   node make_snapshot.mjs <runtime dir with pyodide.mjs> <NumPy wheel> <app wheel> <output .gz>
// The page restores it instead of starting Python from scratch (about 1.5 s less). Pyodide 0.27.7
// cannot snapshot an interpreter that holds JS objects, and NumPy's libraries live outside linear
// memory, so NumPy and the app are not in it. The standard-library modules that installing and
// importing them use are: the runtime's standard library is source only, and compiling those
// modules took about 0.1 s a start. A first interpreter installs and imports the app to learn which
// they are; a second imports them and is snapshotted. It only fits the exact pyodide.asm.wasm.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const [runtime, numpyWheel, appWheel, out] = process.argv.slice(2);
if (!out) {
  console.error("usage: node make_snapshot.mjs RUNTIME_DIR NUMPY_WHEEL APP_WHEEL OUT.gz");
  process.exit(2);
}
const indexURL = resolve(runtime) + "/";
const { loadPyodide } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const quiet = { indexURL, stdout: () => {}, stderr: () => {} };

// The standard-library modules (from python312.zip, or built in) that the page's install and
// import of app.api add to a started interpreter.
async function stdlibTheAppUses() {
  const pyodide = await loadPyodide(quiet);
  pyodide.FS.writeFile("/tmp/numpy.whl", readFileSync(numpyWheel));
  pyodide.FS.writeFile("/tmp/app.whl", readFileSync(appWheel));
  return pyodide.runPython(`
import sys
before = set(sys.modules)
import site, zipfile
for wheel in ("/tmp/numpy.whl", "/tmp/app.whl"):
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site.getsitepackages()[0])
import app.api
def stdlib(name):
    where = getattr(sys.modules[name], "__file__", None) or ""
    return where.startswith(sys.path[1]) or (not where and name in sys.builtin_module_names)
" ".join(sorted(n for n in set(sys.modules) - before if stdlib(n)))`).split(" ").filter(Boolean);
}

const modules = await stdlibTheAppUses();
const pyodide = await loadPyodide({ ...quiet, _makeSnapshot: true });
pyodide.runPython(modules.map((m) => `import ${m}`).join("\n"));
const snapshot = pyodide.makeMemorySnapshot();
// Mostly zeros: 21 MB → about 5 MB. The page unpacks it with DecompressionStream("gzip").
writeFileSync(out, gzipSync(snapshot, { level: 9 }));
console.log(JSON.stringify({ raw: snapshot.length, modules }));
