// The bare page's worker (served as bench-bare/worker.js): loadPyodide with NumPy and import numpy, nothing else.
const base = new URL("../pyodide/PYODIDE_VERSION/", import.meta.url).href;
try {
  const { loadPyodide } = await import(base + "pyodide.mjs");
  const pyodide = await loadPyodide({ indexURL: base, packages: ["numpy"] });
  pyodide.runPython("import numpy");
  postMessage({ type: "ready" });
} catch (err) {
  postMessage({ type: "failed", error: String(err && err.message || err) });
}
