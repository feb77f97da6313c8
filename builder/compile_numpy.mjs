// Compiles NumPy's Python modules to bytecode with the runtime's own Python (3.12, which the build
// machine's CPython need not be). Run by build.py (step 4) with Node, from the verified runtime:
//   node compile_numpy.mjs <runtime dir with pyodide.mjs> <numpy wheel> <output .zip>
// The output zip maps each module's path in the wheel ("numpy/_core/numeric.py") to its .pyc.
// build.py puts those in the page's NumPy bundle in place of the sources: importing NumPy then
// reads bytecode instead of compiling about 170 modules on every start.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [runtime, wheel, out] = process.argv.slice(2);
if (!runtime || !wheel || !out) {
  console.error("usage: node compile_numpy.mjs RUNTIME_DIR NUMPY_WHEEL OUT.zip");
  process.exit(2);
}
const indexURL = resolve(runtime) + "/";
const { loadPyodide } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const pyodide = await loadPyodide({ indexURL, stdout: () => {}, stderr: (line) => console.error(line) });
pyodide.FS.writeFile("/tmp/numpy.whl", readFileSync(wheel));
pyodide.runPython(`
import py_compile, site, zipfile
# Unchecked-hash bytecode is never compared with a source (there is none in the bundle), and the
# name recorded for tracebacks is where the module is installed in the page.
MODE = py_compile.PycInvalidationMode.UNCHECKED_HASH
installed = site.getsitepackages()[0]
with zipfile.ZipFile("/tmp/numpy.whl") as whl, zipfile.ZipFile("/tmp/out.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(n for n in whl.namelist() if n.endswith(".py")):
        with open("/tmp/module.py", "wb") as f:
            f.write(whl.read(name))
        py_compile.compile("/tmp/module.py", cfile="/tmp/module.pyc", dfile=f"{installed}/{name}",
                           doraise=True, invalidation_mode=MODE)
        with open("/tmp/module.pyc", "rb") as f:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), f.read(), zipfile.ZIP_DEFLATED)
`);
writeFileSync(out, pyodide.FS.readFile("/tmp/out.zip"));
