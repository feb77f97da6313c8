// The only file that touches Pyodide. Runs as a module Web Worker: a SharedWorker that every explorer
// of the site in this browser shares, or a dedicated one where sharing is refused (see connect.js).
//
// Messages in:  {id, type: "compute", settings, image?: {data: Float32Array, height, width}}
//               {id, type: "decode", bytes: ArrayBuffer, size}  (uploads; loads Pillow on first use)
//               {id, type: "learn", config, images?: [{data, height, width}], steps}  (gradient descent)
//               {id, type: "code", code, exercise, action}  (code mode: only in the separate code worker)
//               {id, type: "channels", settings, pixels: Float32Array, shape: [3, H, W]}  (channels mode)
//               {id, type: "transposed", settings}  (transposed mode: its small input is in settings; the
//               gradient of explore's layer is taken on the client's image, sent by "compute")
//               {id, type: "signal", settings, samples?: Float32Array}  (1-D mode; samples: a recording)
//               {id, type: "network-load", spec: string, npz: ArrayBuffer, name, heldout?: ArrayBuffer}  (network mode)
//               {id, type: "network", edits, pixels: Float32Array (C·24·24), probe}  (one image, moved by the
//               probe {dy, dx, angle, scale}, through the network)
//               {id, type: "network-accuracy"}  (held-out accuracy with the current weights: a part a call)
//               {id, type: "network-sweep", request}  (a sweep over the held-out digits: start, step, flips, stop)
//               {id, type: "network-field", unit, pixels, probe}  (one unit's gradient; its held-out mean a part a call)
//               {id, type: "network-train", request, train?: ArrayBuffer}  (training in the page, a part a call)
//               {id, type: "prepare", mode}  (import what a mode's requests need, as it opens)
//               {type: "bye"}  (the page is going: forget its image, learning run and network)
// Messages out: {type: "progress", stage, detail}                at connection and while starting
//               {type: "ready", timings} | {type: "failed", error} once (at connection, if Python is
//               up already: then "ready" says joined: true)
//               {id, ok: true, result} | {id, ok: false, error}  one per request
// Results carry plain JSON and fresh Float32Arrays (transferred); no PyProxy
// leaves this file and every one made here is destroyed.

import { untarGz } from "./untar.js";

let api = null;
let loadPillow = null;

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

// Start-up runs in named phases; each one's start (ms since the worker began) goes out with "ready".
//   runtime:     read build-info.json; start fetching NumPy's bundle and the app wheel; import
//                pyodide.mjs and check the .wasm's type meanwhile.
//   interpreter: loadPyodide, then fetch and unpack the snapshot while it loads pyodide.asm.js;
//                restore Python from it when it pays, or start Python from scratch. NumPy's bundle
//                downloads and unpacks meanwhile.
//   packages:    copy NumPy's files and the app's into site-packages (waiting for any not yet here).
//   imports:     import app.api, and with it NumPy.
//   after ready: in idle moments, fetch a snapshot that was not used, for the next visit.
const timings = {};
const site = (path) => new URL(`../../${path}`, import.meta.url).href; // a path in build-info.json → URL
function phase(name) {
  timings[name] = Math.round(performance.now());
}

// A snapshot saves about 1.5 s of CPU but is 5 MB more to download: use it when it is cached or
// arrives fast enough, not on a slow first visit. It is judged when Pyodide asks for it (after
// pyodide.asm.js has arrived): it must have arrived, or be on course to arrive within
// SNAPSHOT_BUDGET_MS at the rate seen so far. A link that is plainly too slow is seen sooner: at
// SNAPSHOT_EARLY_MS, on course for more than three budgets. Either way its download is stopped, so
// it takes no bandwidth from the rest (at 20 Mbit/s, judging late wasted 1.4 MB), and Python starts
// from scratch.
const SNAPSHOT_BUDGET_MS = 1000;
const SNAPSHOT_EARLY_MS = 250;

function fetchSnapshot(url, size) {
  const controller = new AbortController();
  const began = performance.now();
  let received = 0;
  let outcome = null; // "done" | Error
  const bytes = fetch(url, { signal: controller.signal }).then(async (response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const counted = response.body.pipeThrough(new TransformStream({
      transform(chunk, out) { received += chunk.byteLength; out.enqueue(chunk); },
    }));
    const raw = await new Response(counted.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    outcome = "done";
    return new Uint8Array(raw);
  });
  bytes.catch((err) => { outcome = err; });
  let declined = null;
  /** "used" if it has arrived or will within budget ms; else stop its download and say why not. */
  const judge = (budget) => {
    if (declined) return declined;
    if (outcome === "done") return "used";
    if (outcome) return `failed (${outcome.message})`;
    const elapsed = performance.now() - began;
    const left = received ? (size - received) * elapsed / received : Infinity;
    if (left <= budget) return "used";
    controller.abort();
    declined = `declined (${(received / 1e6).toFixed(1)} of ${(size / 1e6).toFixed(1)} MB in ${elapsed.toFixed(0)} ms)`;
    return declined;
  };
  let decided = false; // once Pyodide has it, nothing may stop it
  setTimeout(() => decided || judge(3 * SNAPSHOT_BUDGET_MS), SNAPSHOT_EARLY_MS);
  return { bytes, decide: () => { decided = true; return judge(SNAPSHOT_BUDGET_MS); } };
}

async function bootPython(loadPyodide, base, info) {
  let snapshot = null; // fetched once loadPyodide has begun: its own downloads go first
  const options = {
    indexURL: base,
    stdout: () => {},
    stderr: (line) => console.warn("python:", line),
  };
  if (info.snapshot) {
    // loadPyodide 0.27.7 reads options._loadSnapshot once pyodide.asm.js is loaded, while the .wasm
    // downloads: a getter makes the choice then, with the most known about the link. (Not enumerable,
    // so loadPyodide's copy of the options does not read it early.)
    let choice;
    Object.defineProperty(options, "_loadSnapshot", {
      get() {
        choice ??= snapshot.decide();
        timings.snapshot = choice;
        return choice === "used" ? snapshot.bytes : undefined;
      },
    });
    const booting = loadPyodide(options);
    snapshot = fetchSnapshot(site(info.snapshot), info.snapshotBytes);
    try {
      const pyodide = await booting;
      // A restored interpreter has the random state it was snapshotted with: every visit would draw
      // the same numbers.
      if (choice === "used") pyodide.runPython("import random; random.seed()");
      return pyodide;
    } catch (err) {
      if (choice !== "used") throw err;
      // A snapshot that does not fit (another pyodide.asm.wasm) must not stop the page.
      console.warn("The interpreter snapshot could not be restored; starting Python from scratch:", err);
      timings.snapshot = `failed (${err.message})`;
    }
  }
  return loadPyodide({ ...options }); // the copy leaves the getter behind
}

// A file the page needs from this site, read by read(response); or an error that says what to do.
async function download(path, what, read) {
  let response;
  try {
    response = await fetch(site(path));
  } catch {
    throw new Error(`${what} could not be downloaded (the connection may have dropped); check it and reload`);
  }
  if (!response.ok) {
    throw new Error(`${what} is missing from this site (HTTP ${response.status}); the site must be published with the whole dist/ folder`);
  }
  try {
    return await read(response);
  } catch {
    throw new Error(`${what} could not be downloaded whole (the connection may have dropped); check it and reload`);
  }
}

// NumPy and the app go into site-packages as files: no package manager runs before the first map.
// NumPy's bundle holds the official wheel's run-time files, its modules compiled to bytecode by the
// build (builder/startup_files.py); the app is one small pure-Python wheel, and unpacking it is all an
// install needs (its .dist-info included, so importlib.metadata knows both packages).
function install(pyodide, numpyFiles, appWheel) {
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  for (const [name, bytes] of numpyFiles) {
    const path = `${sitePackages}/${name}`;
    pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    pyodide.FS.writeFile(path, bytes);
  }
  pyodide.loadedPackages.numpy = "the explorer's bundle"; // so loadPackage("numpy") keeps this one
  pyodide.FS.writeFile("/tmp/app.whl", new Uint8Array(appWheel));
  // Only site-packages' finder has a listing to forget: importlib.invalidate_caches() would also
  // import importlib.metadata, from source (about 0.3 s here).
  const where = JSON.stringify(sitePackages); // a JSON string is a Python string literal
  pyodide.runPython(`import sys, zipfile
with zipfile.ZipFile("/tmp/app.whl") as z:
    z.extractall(${where})
sys.path_importer_cache.pop(${where}, None)`);
  pyodide.FS.unlink("/tmp/app.whl");
}

async function start() {
  phase("runtime");
  progress("runtime", "Starting Python (WebAssembly)…");
  const info = await (await fetch(new URL("../build-info.json", import.meta.url))).json();
  const megabytes = (info.bytesBeforeReady / 1e6).toFixed(0);
  progress("runtime", `Starting Python (WebAssembly; ${megabytes} MB to download the first time, then cached)…`);
  const base = new URL(`../../${info.pyodidePath}`, import.meta.url).href;
  const numpy = download(info.numpy, "NumPy", untarGz);
  const wheel = download(info.appWheel, "The explorer's Python package", (r) => r.arrayBuffer());
  numpy.catch(() => {}); // awaited below
  wheel.catch(() => {});
  const [{ loadPyodide }] = await Promise.all([import(`${base}pyodide.mjs`), checkRuntime(base)]);
  timings.snapshot = info.snapshot ? "not asked for" : "not in this build";

  phase("interpreter");
  const pyodide = await bootPython(loadPyodide, base, info);

  phase("packages");
  progress("packages", "Installing NumPy and the explorer's Python package…");
  install(pyodide, await numpy, await wheel);
  phase("imports");
  api = pyodide.pyimport("app.api");
  // Pillow is needed only for uploads: load it on the first one, not before ready.
  let pillow = null;
  loadPillow = () => (pillow ??= pyodide.loadPackage("pillow"));
  phase("ready"); // (no progress "ready": the ready message ends every page's indicator, joined ones too)
  return { pyodide, info, snapshotURL: info.snapshot && site(info.snapshot) };
}

// --- background work ---------------------------------------------------------------------------
// Work nobody is waiting for (today: a snapshot this visit declined, fetched for the next one) never
// delays a learner. It begins once no request has come for QUIET_MS, and each of its steps waits
// while a request is being answered, so an edit finds the worker free within one step.
const QUIET_MS = 1500;
let answering = 0; // requests arrived and not yet answered
let lastRequest = 0; // performance.now() when the latest request arrived
let idleWaiters = [];
let idleTimer = null;

/** Resolves when no request is being answered and none has come for QUIET_MS. */
function whenIdle() {
  return new Promise((resolve) => {
    idleWaiters.push(resolve);
    wakeIdle();
  });
}

function wakeIdle() {
  clearTimeout(idleTimer);
  if (answering || !idleWaiters.length) return;
  const wait = lastRequest + QUIET_MS - performance.now();
  if (wait > 0) {
    idleTimer = setTimeout(wakeIdle, wait);
    return;
  }
  const waiters = idleWaiters;
  idleWaiters = [];
  waiters.forEach((resolve) => resolve());
}

/**
 * Fetch url into the HTTP cache, a chunk at a time in idle moments: while a request is answered the
 * body is not read, so the download also stops taking the link.
 */
async function cacheForNextVisit(url) {
  await whenIdle();
  const reader = (await fetch(url)).body.getReader();
  for (;;) {
    await whenIdle();
    if ((await reader.read()).done) return;
  }
}

/** After ready: background work only. */
function afterReady({ snapshotURL }) {
  if (!snapshotURL || !timings.snapshot.startsWith("declined")) return;
  // If it fails, the next visit starts without the snapshot, as this one did: nothing to tell.
  cacheForNextVisit(snapshotURL).catch(() => {});
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

function compute({ settings, image }, client) {
  if (image) api.set_image(image.data, image.height, image.width, client);
  return takePair(api.compute(JSON.stringify(settings), client));
}

// Gradient descent: a new run when config and images come, then `steps` steps a request,
// short enough that pausing takes effect at once.
function learn({ config, images, steps }, client) {
  if (images) {
    const out = takePair(api.learn_start(JSON.stringify(config), images.map((i) => i.data), images.map((i) => [i.height, i.width]), client));
    if (out.error) return out;
  }
  return takePair(api.learn_steps(steps, client));
}

// Learner code may import Pillow, which the page loads only for uploads: load it first, so that the
// import works as in any Python.
const IMPORTS_PILLOW = /^\s*(?:import|from)\s+PIL\b/m;

async function runCode({ code, exercise, action }) {
  if (IMPORTS_PILLOW.test(code)) await loadPillow();
  return takePair(api.run_code(code, exercise, action));
}

async function decode({ bytes, size, color }) {
  await loadPillow();
  return takePair(api.decode_image(new Uint8Array(bytes), size, !!color));
}

// --- clients ---------------------------------------------------------------------------------
// As a dedicated worker this serves one page (client 0). As a SharedWorker it serves every explorer
// of the site open in this browser (each embed on a course page, each tab): each connection is a
// client with its own number, its own image and learning run in app.api, and gets start-up progress
// and "ready" itself.
const clients = new Map(); // client number -> send(message, transfer)
let nextClient = 1;
let lastProgress = { type: "progress", stage: "runtime", detail: "Starting Python (WebAssembly)…" };
let readyMessage = null; // {type: "ready"} | {type: "failed"}, once known

function progress(stage, detail) {
  lastProgress = { type: "progress", stage, detail };
  for (const send of clients.values()) send(lastProgress);
}

function settle(message) {
  readyMessage = message;
  for (const send of clients.values()) send(message);
}

const ready = start().then(
  (started) => {
    settle({ type: "ready", timings });
    afterReady(started);
  },
  (err) => {
    settle({ type: "failed", error: String(err && err.message || err) });
    throw err;
  },
);

/** Answer one request; background work waits meanwhile. */
async function answer(data, client, send) {
  answering += 1;
  lastRequest = performance.now();
  try {
    await respond(data, client, send);
  } finally {
    answering -= 1;
    wakeIdle();
  }
}

async function respond(data, client, send) {
  const { id, type } = data;
  const arrived = performance.timeOrigin + performance.now();
  try {
    await ready;
    const t0 = performance.now();
    let out;
    if (type === "compute") out = compute(data, client);
    else if (type === "decode") out = await decode(data);
    else if (type === "learn") out = learn(data, client);
    else if (type === "channels") {
      const { settings, pixels, shape } = data;
      out = takePair(api.compute_channels(JSON.stringify(settings), pixels, shape));
    } else if (type === "transposed") out = takePair(api.compute_transposed(JSON.stringify(data.settings), client));
    else if (type === "signal") out = takePair(api.compute_signal(JSON.stringify(data.settings), data.samples ?? null));
    else if (type === "network-load") {
      const { spec, npz, name, heldout } = data;
      out = takePair(api.network_load(spec, new Uint8Array(npz), name, heldout ? new Uint8Array(heldout) : null, client));
    } else if (type === "network") {
      out = takePair(api.network_run(JSON.stringify(data.edits), data.pixels, client, JSON.stringify(data.probe ?? {})));
    } else if (type === "network-accuracy") out = takePair(api.network_accuracy(client));
    else if (type === "network-sweep") out = takePair(api.network_sweep(JSON.stringify(data.request), client));
    else if (type === "network-train") {
      out = takePair(api.network_train(JSON.stringify(data.request), data.train ? new Uint8Array(data.train) : null, client));
    } else if (type === "network-field") {
      out = takePair(api.network_field(JSON.stringify(data.unit), data.pixels, client, JSON.stringify(data.probe)));
    }
    else if (type === "code") out = await runCode(data);
    else if (type === "prepare") out = takePair(api.prepare(data.mode));
    else return send({ id, ok: false, error: `unknown request ${type}` });
    if (out.error) return send({ id, ok: false, error: out.error, invalid: true });
    out.meta.computeMs = performance.now() - t0;
    out.meta.arrivedAt = arrived; // absolute times, so the page can tell transit from compute
    out.meta.repliedAt = performance.timeOrigin + performance.now();
    send({ id, ok: true, result: out }, [out.data.buffer]);
  } catch (err) {
    // A Python exception other than ValueError: show its last line, keep the traceback in the console.
    const text = String(err && err.message || err);
    console.error(text);
    const last = text.trim().split("\n").pop();
    send({ id, ok: false, error: `The Python core failed: ${last}` });
  }
}

/** Serve one client on port (a MessagePort, or the dedicated worker's own scope). */
function serve(port, client) {
  const send = (message, transfer = []) => port.postMessage(message, transfer);
  clients.set(client, send);
  // At once: the page knows it is connected and how far Python is. One that joins a running Python
  // (an embed scrolled to late, a second tab) gets the last progress and then "ready" marked joined.
  send(lastProgress);
  if (readyMessage) send(readyMessage.type === "ready" ? { ...readyMessage, joined: true } : readyMessage);
  port.onmessage = ({ data }) => {
    if (data.type !== "bye") return answer(data, client, send);
    clients.delete(client);
    if (port !== self) port.close();
    ready.then(() => api.forget(client), () => {});
  };
}

if ("onconnect" in self) self.onconnect = (event) => serve(event.ports[0], nextClient++);
else serve(self, 0);
