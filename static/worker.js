// The only file that touches Pyodide. Runs as a module Web Worker.
//
// Messages in:  {id, type: "compute", settings, image?: {data: Float32Array, height, width}}
//               {id, type: "decode", bytes: ArrayBuffer, size}  (uploads; loads Pillow on first use)
//               {id, type: "learn", config, images?: [{data, height, width}], steps}  (gradient descent)
//               {id, type: "code", code, exercise, action}  (code mode: only in the separate code worker)
//               {id, type: "channels", settings, pixels: Float32Array, shape: [3, H, W]}  (channels mode)
// Messages out: {type: "progress", stage, detail}                while starting
//               {type: "ready"} | {type: "failed", error} once
//               {id, ok: true, result} | {id, ok: false, error}  one per request
// Results carry plain JSON and fresh Float32Arrays (transferred); no PyProxy
// leaves this file and every one made here is destroyed.

let api = null;
let loadPillow = null;

function progress(stage, detail) {
  postMessage({ type: "progress", stage, detail });
}

// Pyodide waits forever on a .wasm served with the wrong type, so ask the server first.
async function checkRuntime(base) {
  const wasm = `${base}pyodide.asm.wasm`;
  let response;
  try {
    response = await fetch(wasm, { method: "HEAD" });
  } catch (err) {
    throw new Error(`the Python runtime could not be reached (${err.message}); check the connection and reload`);
  }
  if (!response.ok) {
    throw new Error(`the Python runtime is missing from this site (${wasm} gave HTTP ${response.status}); ` +
      "the site must be published with the whole dist/ folder");
  }
  const type = response.headers.get("content-type") || "";
  if (!type.startsWith("application/wasm")) {
    throw new Error(`the server sends .wasm files as "${type || "no type"}", but browsers need ` +
      '"application/wasm"; the site\'s administrator must add that MIME type');
  }
}

async function start() {
  progress("runtime", "Starting Python (WebAssembly)…");
  const info = await (await fetch(new URL("./build-info.json", import.meta.url))).json();
  const megabytes = (info.bytesBeforeReady / 1e6).toFixed(0);
  progress("runtime", `Starting Python (WebAssembly; ${megabytes} MB to download the first time, then cached)…`);
  const base = new URL(`../${info.pyodidePath}`, import.meta.url).href;
  const [{ loadPyodide }] = await Promise.all([import(`${base}pyodide.mjs`), checkRuntime(base)]);
  // Packages the first view needs are fetched while the interpreter boots.
  const pyodide = await loadPyodide({
    indexURL: base,
    packages: ["numpy", "micropip"],
    stdout: () => {},
    stderr: (line) => console.warn("python:", line),
  });
  // loadPyodide logs a package that failed to download and goes on: check, and say what happened.
  const missing = ["numpy", "micropip"].filter((name) => !(name in pyodide.loadedPackages));
  if (missing.length) {
    throw new Error(`${missing.join(" and ")} could not be downloaded (the connection may have dropped); check it and reload`);
  }
  progress("packages", "Installing the explorer's Python package…");
  const micropip = pyodide.pyimport("micropip");
  const wheel = new URL(`../${info.appWheel}`, import.meta.url).href;
  await micropip.install(wheel, { deps: false });
  micropip.destroy();
  api = pyodide.pyimport("app.api");
  // Pillow is needed only for uploads: load it on the first one, not before ready.
  let pillow = null;
  loadPillow = () => (pillow ??= pyodide.loadPackage("pillow"));
  progress("ready", "Ready");
  return pyodide;
}

// Copy a float32 NumPy array out of WASM memory into a transferable Float32Array.
function takeFloat32(proxy) {
  const buffer = proxy.getBuffer("f32");
  try {
    return buffer.data.slice();
  } finally {
    buffer.release();
    proxy.destroy();
  }
}

// A (meta_json, float32 array) pair from app.api → {meta, data} or {error}.
function takePair(pair) {
  try {
    const meta = JSON.parse(pair.get(0));
    if (meta.error) return { error: meta.error };
    return { meta, data: takeFloat32(pair.get(1)) };
  } finally {
    pair.destroy();
  }
}

function compute({ settings, image }) {
  if (image) api.set_image(image.data, image.height, image.width);
  return takePair(api.compute(JSON.stringify(settings)));
}

// Gradient descent: a new run when config and images come, then `steps` steps a request,
// short enough that pausing takes effect at once.
function learn({ config, images, steps }) {
  if (images) {
    const out = takePair(api.learn_start(JSON.stringify(config), images.map((i) => i.data), images.map((i) => [i.height, i.width])));
    if (out.error) return out;
  }
  return takePair(api.learn_steps(steps));
}

async function decode({ bytes, size, color }) {
  await loadPillow();
  return takePair(api.decode_image(new Uint8Array(bytes), size, !!color));
}

const ready = start().then(
  () => postMessage({ type: "ready" }),
  (err) => {
    postMessage({ type: "failed", error: String(err && err.message || err) });
    throw err;
  },
);

self.onmessage = async (event) => {
  const { id, type } = event.data;
  const arrived = performance.timeOrigin + performance.now();
  try {
    await ready;
    const t0 = performance.now();
    let out;
    if (type === "compute") out = compute(event.data);
    else if (type === "decode") out = await decode(event.data);
    else if (type === "learn") out = learn(event.data);
    else if (type === "channels") {
      const { settings, pixels, shape } = event.data;
      out = takePair(api.compute_channels(JSON.stringify(settings), pixels, shape));
    } else if (type === "code") out = takePair(api.run_code(event.data.code, event.data.exercise, event.data.action));
    else return postMessage({ id, ok: false, error: `unknown request ${type}` });
    if (out.error) return postMessage({ id, ok: false, error: out.error, invalid: true });
    out.meta.computeMs = performance.now() - t0;
    out.meta.arrivedAt = arrived; // absolute times, so the page can tell transit from compute
    out.meta.repliedAt = performance.timeOrigin + performance.now();
    postMessage({ id, ok: true, result: out }, [out.data.buffer]);
  } catch (err) {
    // A Python exception other than ValueError: show its last line, keep the traceback in the console.
    const text = String(err && err.message || err);
    console.error(text);
    const last = text.trim().split("\n").pop();
    postMessage({ id, ok: false, error: `The Python core failed: ${last}` });
  }
};
