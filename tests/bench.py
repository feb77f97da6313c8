"""Benchmark Convolution Explorer in headless Chromium (`python build.py bench [--quick]`).

Serves a snapshot of the built dist/ on 127.0.0.1 with the project's headers,
drives Debian's Chromium through Playwright for Python, and prints ONE JSON
object (also written to bench-results.json, which git ignores). Every timing is
{"median", "p95", "n"} (plus min/max) over repetitions in this one process;
each figure that the issue sets a target for carries {"target", "met"}.

Nothing in the app is changed. The page is observed from outside only:
  * an init script (injected over CDP before the page's own scripts; the CSP
    does not apply to it) records long tasks, the first draw of #input-canvas,
    the moment window.convExplorer.ready resolves, and wraps the Worker
    constructor to read each reply's meta.computeMs;
  * the static server logs every request (page and worker alike), so bytes are
    counted from the files it sent;
  * in the memory run a hook on the worker's WebAssembly.Memory constructor
    (installed with Playwright's worker.evaluate as the worker starts) finds
    Pyodide's linear memory, and a browser-level CDP session reads the
    worker's JS heap.
page.wait_for_function is blocked by the page's CSP, so the bench polls with
page.evaluate.
"""
import argparse
import datetime
import functools
import gzip
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from builder import CACHE, DIST  # noqa: E402
from builder.runtime import NUMPY_WHEEL, PYODIDE_VERSION  # noqa: E402
from builder.server import make_server  # noqa: E402
from builder import startup_files  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
try:
    from conftest import CHROMIUM_ARGS  # the flags the browser tests use
except Exception:  # conftest imports pytest; the bench should not need it
    CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
BENCH_ARGS = ["--enable-precise-memory-info", "--js-flags=--expose-gc"]
VIEWPORT = {"width": 1280, "height": 900}
READY_TIMEOUT_S = 90
RESULTS = ROOT / "bench-results.json"
SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
CELL = "#kernel-grid .kernel-cell[data-row='0'][data-col='1']"

# Repetitions. Full: about 9 minutes on 2 cores (the start-up comparison is 5-7 of them); --quick: about 3½.
REPS = {
    "full": {"cold": 5, "warm": 3, "warm_offtherecord": 2, "startup": 5, "clicks": 40, "set_loop": 200, "drags": 2, "core": 30,
             "heap_edits": 10000, "net_digits": 200, "net_edits": 20},
    "quick": {"cold": 2, "warm": 2, "warm_offtherecord": 1, "startup": 2, "clicks": 10, "set_loop": 30, "drags": 1, "core": 8,
              "heap_edits": 1000, "net_digits": 40, "net_edits": 6},
}

# Targets from the issue.
TARGETS = {
    "edit_p95_24": 4.0, "edit_p95_256": 16.0, "core_ratio": 1.0, "drag_fps": 58.0,
    "ui_visible_ms": 300.0, "ready_cold_ms": 3000.0,
    # Network mode (issue 13): one digit through the network, the held-out accuracy after an edit, drawing.
    "net_forward_worker_ms": 2.0, "net_accuracy_worker_ms": 250.0, "net_updates_per_second": 30.0,
}

# --- what runs in the page ------------------------------------------------------------------

# In an init script: every message from the explorer's Python (the site's SharedWorker, or a Worker of
# its own where sharing is refused) goes to window.__onWorkerMessage. tests/browser/test_startup.py uses it too.
HOOK_WORKERS = """
  for (const name of ["Worker", "SharedWorker"]) {
    const Native = window[name];
    function Hooked(url, options) {
      const worker = new Native(url, options);
      (worker.port ?? worker).addEventListener("message", (e) => window.__onWorkerMessage(e));
      return worker;
    }
    Hooked.prototype = Native.prototype;
    window[name] = Hooked;
  }
"""

# An init script for tests: the timings of every "ready" the explorer's Python sends, in window.__starts.
RECORD_WORKER_STARTS = """(() => {
  window.__starts = [];
  window.__onWorkerMessage = (e) => { if (e.data && e.data.type === "ready") window.__starts.push(e.data.timings); };
""" + HOOK_WORKERS + "})()"

INIT_SCRIPT = r"""
(() => {
  if (window.__bench) return;
  const b = window.__bench = { longtasks: [], computes: [], workerReady: null, readyAt: null, readyError: null,
    canvasDraw: null, canvasFrame: null, clicks: [], clickDone: null, drag: null };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { b.longtaskError = String(e); }

  // The worker's own timing rides on every reply: read it without touching the app. The explorer's
  // Python is the site's SharedWorker, or a Worker of its own where sharing is refused.
  const listen = (e) => {
    const d = e.data;
    if (!d || typeof d !== "object") return;
    if (d.type === "ready") b.workerReady = { at: performance.now(), timings: d.timings };
    else if (d.result && d.result.meta) {
      b.computes.push({ at: performance.now(), computeMs: d.result.meta.computeMs, copyMs: d.result.meta.copyMs });
    }
  };
  window.__onWorkerMessage = listen;
""" + HOOK_WORKERS + r"""

  // The first time anything is drawn onto #input-canvas, and the frame after it.
  const proto = CanvasRenderingContext2D.prototype;
  const originals = { drawImage: proto.drawImage, putImageData: proto.putImageData };
  for (const name of Object.keys(originals)) {
    proto[name] = function (...args) {
      if (b.canvasDraw === null && this.canvas && this.canvas.id === "input-canvas") {
        b.canvasDraw = performance.now();
        Object.assign(proto, originals); // one-shot: no cost afterwards
        requestAnimationFrame(() => { b.canvasFrame = performance.now(); });
      }
      return originals[name].apply(this, args);
    };
  }

  // The moment convExplorer.ready resolves, whenever the bench happens to look.
  let api;
  Object.defineProperty(window, "convExplorer", {
    configurable: true, enumerable: true,
    get: () => api,
    set: (v) => {
      api = v;
      if (v && v.ready && typeof v.ready.then === "function") {
        v.ready.then(() => { b.readyAt = performance.now(); }, (err) => { b.readyError = String(err && err.message || err); });
      }
    },
  });
})();
"""

JS_LOAD_FIGURES = """() => {
  const b = window.__bench;
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
  const nav = performance.getEntriesByType("navigation")[0];
  const res = performance.getEntriesByType("resource");
  return {
    readyAt: b.readyAt, readyError: b.readyError, fcp: paint["first-contentful-paint"] ?? null,
    firstPaint: paint["first-paint"] ?? null, canvasDraw: b.canvasDraw, canvasFrame: b.canvasFrame,
    workerReadyAt: b.workerReady && b.workerReady.at, longtasks: b.longtasks, longtaskError: b.longtaskError || null,
    timeOrigin: performance.timeOrigin,
    pageTransfer: (nav ? nav.transferSize : 0) + res.reduce((s, e) => s + e.transferSize, 0),
    pageEncoded: (nav ? nav.encodedBodySize : 0) + res.reduce((s, e) => s + e.encodedBodySize, 0),
    pageResources: res.length + (nav ? 1 : 0),
  };
}"""

JS_CLICK_PROBE = """(selector) => {
  const b = window.__bench;
  b.clicks = [];
  if (b.clickProbe) return;
  b.clickProbe = true;
  // Capture phase on document: runs before the button's own handler, so nextPaint() is asked first.
  document.addEventListener("click", (e) => {
    if (!b.clickSelector || !(e.target instanceof Element) || !e.target.closest(b.clickSelector)) return;
    const t0 = performance.now();
    const replies = b.computes.length;
    let firstFrame = null;
    requestAnimationFrame(() => { firstFrame = performance.now() - t0; });
    const painted = window.convExplorer.nextPaint();
    b.clickDone = painted.then(() => {
      const t1 = performance.now();
      const reply = b.computes.length > replies ? b.computes[b.computes.length - 1] : null;
      return new Promise((resolve) => requestAnimationFrame(() => {
        b.clicks.push({ painted: t1 - t0, frame: performance.now() - t0, reply: reply && reply.at - t0,
                        compute: reply && reply.computeMs, firstFrame });
        resolve();
      }));
    });
  }, true);
}"""

JS_AWAIT_CLICK = """async () => {
  const b = window.__bench;
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no paint within 10 s of the click")), 10000));
  await Promise.race([b.clickDone, timeout]);
  b.clickDone = null;
}"""

# The same click dispatched from page JS (button.click()): no real input, same app path.
JS_JS_CLICKS = """async ({ selector, n, gap }) => {
  const b = window.__bench;
  const out = [];
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, gap));
    const button = document.querySelector(selector);
    const replies = b.computes.length;
    const t = performance.now();
    const painted = window.convExplorer.nextPaint();
    button.click();
    await painted;
    const reply = b.computes.length > replies ? b.computes[b.computes.length - 1] : null;
    out.push({ painted: performance.now() - t, reply: reply && reply.at - t });
  }
  return out;
}"""

JS_SET_LOOP = """async ({ n, offset }) => {
  const b = window.__bench;
  const times = [], compute = [], reply = [];
  for (let i = 0; i < n; i++) {
    const kernel = window.__benchKernel(i + offset);
    const before = b.computes.length;
    const t = performance.now();
    await window.convExplorer.setState({ kernel });
    times.push(performance.now() - t);
    if (b.computes.length > before) {
      const r = b.computes[b.computes.length - 1];
      compute.push(r.computeMs);
      reply.push(r.at - t);
    }
  }
  return { times, compute, reply };
}"""

JS_DRAG_PROBE = """() => {
  const b = window.__bench;
  const canvas = document.getElementById("input-canvas");
  const d = b.drag = { down: null, up: null, frames: [], moves: 0 };
  const tick = () => { if (d.up !== null) return; d.frames.push(performance.now()); requestAnimationFrame(tick); };
  const onDown = () => { d.down = performance.now(); requestAnimationFrame(tick); };
  const onMove = () => { if (d.down !== null && d.up === null) d.moves++; };
  const onUp = () => {
    d.up = performance.now();
    canvas.removeEventListener("pointerdown", onDown, true);
    canvas.removeEventListener("pointermove", onMove, true);
    canvas.removeEventListener("pointerup", onUp, true);
  };
  canvas.addEventListener("pointerdown", onDown, true);
  canvas.addEventListener("pointermove", onMove, true);
  canvas.addEventListener("pointerup", onUp, true);
}"""

JS_DRAG_RESULT = """() => {
  const d = window.__bench.drag;
  if (!d || d.down === null || d.up === null) return null;
  const gaps = d.frames.slice(1).map((t, i) => t - d.frames[i]);
  return { durationMs: d.up - d.down, frames: d.frames.length, moves: d.moves, gaps };
}"""

JS_IDLE_FPS = """() => new Promise((resolve) => {
  const ts = [];
  const f = () => { ts.push(performance.now()); if (ts.length < 61) requestAnimationFrame(f);
    else resolve((ts.length - 1) * 1000 / (ts[ts.length - 1] - ts[0])); };
  requestAnimationFrame(f);
})"""

JS_CORE_VS_JS = """async ({ size, reps, seed }) => {
  const b = window.__bench;
  const { rows, rnd } = window.__benchRandomRows(size, seed);
  const plain = { kernel: [[1, 0, -1], [2, 0, -2], [1, 0, -1]], bias: 0, stride: 1, padding: 0, dilation: 1,
    activation: "none", pool: null, layer2: null };
  const out = { size };
  try {
    await window.convExplorer.setState({ image: rows, ...plain });
  } catch (err) {
    return { size, error: String(err && err.message || err) };
  }
  const kernels = Array.from({ length: reps + 3 }, () => Array.from({ length: 3 }, () =>
    Array.from({ length: 3 }, () => Math.round((rnd() * 4 - 2) * 100) / 100)));
  // The app's path: setState → worker (Python/NumPy in WASM) → paint. Three warm-up edits first.
  const roundtrip = [], core = [];
  for (let i = 0; i < kernels.length; i++) {
    const before = b.computes.length;
    const t = performance.now();
    await window.convExplorer.setState({ kernel: kernels[i] });
    const dt = performance.now() - t;
    if (i < 3) continue;
    roundtrip.push(dt);
    if (b.computes.length > before) core.push(b.computes[b.computes.length - 1].computeMs);
  }
  // The textbook baseline: four nested loops over output pixels and kernel taps, Float32Array in and out.
  const img = new Float32Array(size * size);
  rows.forEach((r, i) => img.set(r, i * size));
  function naive(src, h, w, k, kh, kw, bias) {
    const oh = h - kh + 1, ow = w - kw + 1;
    const dst = new Float32Array(oh * ow);
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let acc = bias;
        for (let m = 0; m < kh; m++) {
          for (let n = 0; n < kw; n++) acc += src[(i + m) * w + j + n] * k[m * kw + n];
        }
        dst[i * ow + j] = acc;
      }
    }
    return dst;
  }
  // performance.now() ticks in 0.1 ms here (no cross-origin isolation): a sample runs the loop
  // `batch` times, enough for about 2 ms, and reports the mean per run.
  const once = () => { const t = performance.now(); naive(img, size, size, new Float32Array(9), 3, 3, 0); return performance.now() - t; };
  let batch = 1;
  for (let i = 0; i < 5; i++) once(); // JIT warm-up
  { const t = performance.now(); let c = 0; while (performance.now() - t < 20) { naive(img, size, size, new Float32Array(9), 3, 3, 0); c++; }
    batch = Math.max(1, Math.round(c / 10)); }
  const js = [];
  let sink = 0;
  for (let i = 3; i < kernels.length; i++) {
    const k = Float32Array.from(kernels[i].flat());
    await new Promise((r) => setTimeout(r, 0)); // a task per sample, like one edit each
    const t = performance.now();
    for (let r = 0; r < batch; r++) sink += naive(img, size, size, k, 3, 3, 0)[r % 7];
    js.push((performance.now() - t) / batch);
  }
  return { ...out, roundtrip, core, js, batch, sink };
}"""

JS_EDITS_FOR_HEAP = """async ({ n }) => {
  for (let i = 0; i < n; i++) await window.convExplorer.setState({ kernel: window.__benchKernel(i) });
  return n;
}"""

JS_PAGE_HEAP = """async () => {
  // The bench's own records (one per worker reply) must not count as the app's heap.
  if (window.__bench) for (const key of ["computes", "longtasks"]) if (Array.isArray(window.__bench[key])) window.__bench[key].length = 0;
  for (let i = 0; i < 3; i++) { if (typeof gc === "function") gc(); await new Promise((r) => setTimeout(r, 50)); }
  return { used: performance.memory ? performance.memory.usedJSHeapSize : null, gc: typeof gc === "function" };
}"""

# Runs in the worker as soon as Playwright reports it: remember every WebAssembly.Memory made.
JS_WORKER_MEMORY_HOOK = """() => {
  if (self.__benchMemories) return "already";
  self.__benchMemories = [];
  const Native = WebAssembly.Memory;
  function BenchMemory(...args) { const m = new Native(...args); self.__benchMemories.push(m); return m; }
  BenchMemory.prototype = Native.prototype;
  WebAssembly.Memory = BenchMemory;
  return "installed";
}"""

JS_WORKER_MEMORY = """async () => {
  for (let i = 0; i < 3; i++) { if (typeof gc === "function") gc(); await new Promise((r) => setTimeout(r, 20)); }
  const mems = self.__benchMemories || [];
  return mems.map((m) => m.buffer.byteLength);
}"""


# The bare page: a worker that only loads this dist's Pyodide with NumPy, the floor every Pyodide page
# pays. Written into the bench's copy of dist/ (never shipped); convExplorer.ready is its one promise,
# so the init script times it exactly as it times the explorer.
BARE_HTML = """<!doctype html>
<meta charset="utf-8"><title>Pyodide + NumPy, nothing else</title>
<link rel="icon" href="data:,">
<script type="module" src="bare.js"></script>
<p>bare Pyodide + NumPy</p>
"""
BARE_PAGE_JS = """const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
window.convExplorer = { ready: new Promise((resolve, reject) => {
  worker.onmessage = ({ data }) => (data.type === "ready" ? resolve() : reject(new Error(data.error)));
}) };
"""
BARE_WORKER_JS = """const base = new URL("../pyodide/%s/", import.meta.url).href;
try {
  const { loadPyodide } = await import(base + "pyodide.mjs");
  const pyodide = await loadPyodide({ indexURL: base, packages: ["numpy"] });
  pyodide.runPython("import numpy");
  postMessage({ type: "ready" });
} catch (err) {
  postMessage({ type: "failed", error: String(err && err.message || err) });
}
"""


def write_comparison_pages(site):
    """site/bench-bare/: the bare page; site/no-snapshot/: the explorer as a build without Node gives it."""
    bare = site / "bench-bare"
    bare.mkdir()
    (bare / "index.html").write_text(BARE_HTML)
    (bare / "bare.js").write_text(BARE_PAGE_JS)
    (bare / "worker.js").write_text(BARE_WORKER_JS % PYODIDE_VERSION)
    plain = site / "no-snapshot"
    plain.mkdir()
    for name in ("index.html", "static", "data", "wheels", "packages", "pyodide"):
        src = site / name
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, plain / name)
    embeds = site / "bench-embeds"  # course pages beside dist/: their embeds share one Python
    embeds.mkdir()
    (embeds / "embeds.js").write_text(EMBEDS_JS)
    (embeds / "embeds.css").write_text(EMBEDS_CSS)
    for count in (1, 4):
        (embeds / f"embeds-{count}.html").write_text(embeds_page("../", count))
    info_path = plain / "static" / "build-info.json"
    info = json.loads(info_path.read_text())
    as_built_without_node(plain, info)
    info_path.write_text(json.dumps(info, indent=1))


def as_built_without_node(site, info):
    """Make a copy of dist/ (site, and its build-info.json as the dict info) what a build without Node
    writes: no snapshot, and NumPy's bundle with its sources instead of bytecode. test_startup uses it too."""
    shutil.rmtree(site / "snapshots", ignore_errors=True)
    bundle = site / info["numpy"]
    sources = startup_files.numpy_bundle(site / info["pyodidePath"] / NUMPY_WHEEL, None, CACHE)
    extra = sources.stat().st_size - bundle.stat().st_size
    shutil.copyfile(sources, bundle)
    info.update(snapshot=None, snapshotBytes=0, numpyCompiled=False,
                bytesBeforeReady=info["bytesBeforeReady"] - info.get("snapshotBytes", 0) + extra)


# --- course pages: several embeds --------------------------------------------------------------

EMBED_VIEWS = [
    "v=1&img=digit0&k=1,0,-1,2,0,-2,1,0,-1",
    "v=1&img=digit3&k=0.111111,0.111111,0.111111,0.111111,0.111111,0.111111,0.111111,0.111111,0.111111&s=2",
    "v=1&img=digit7&k=0,1,0,1,-4,1,0,1,0&act=relu&pool=max.2.2",
    "v=1&img=vstripes&k=1,2,1,0,0,0,-1,-2,-1&pad=same",
]
# The course page's script: when each embed said "ready", in ms since the page began.
EMBEDS_CSS = "iframe { display: block; margin-bottom: 120px; border: 1px solid #ccc; }\n"
EMBEDS_JS = """window.__ready = [];
addEventListener("message", (e) => {
  if (e.data && e.data.type === "ready") window.__ready.push(performance.now());
});
"""


def embeds_page(explorer_url, count, far=False, near=False):
    """A course page: the embeds at 640×480, one under the other with a paragraph's room between them
    (far: all but the first 4,000 px further down, as in a long lesson; near: as far, but the second
    just below the view, and the page includes embed-resize.js, which starts it early)."""
    def below(i):
        if not (far or near) or not i:
            return ""
        return ' style="margin-top: 700px"' if near and i == 1 else ' style="margin-top: 4000px"'
    frames = "\n".join(f'<iframe title="Explorer {i + 1}" src="{explorer_url}index.html?embed#{view}" width="640" '
                       f'height="480"{below(i)}></iframe>'
                       for i, view in enumerate(EMBED_VIEWS[:count]))
    script = f'<script src="{explorer_url}static/embed-resize.js" async></script>' if near else ""
    return (f'<!doctype html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,">'
            f'<link rel="stylesheet" href="embeds.css"><title>Embeds</title><script src="embeds.js"></script>'
            f'<body>{frames}{script}</body></html>')


def measure_embeds(browser, url, log, reps, out):
    """One embed against four on one page: of the explorer's own origin (they share one Python) and
    of another site (localhost: each embed falls back to its own Python; those out of view wait)."""
    from conftest import python_targets
    other_dir = Path(tempfile.mkdtemp(prefix="convexplorer-embeds-"))
    pages = {}
    for count in (1, 4):
        (other_dir / f"embeds-{count}.html").write_text(embeds_page(url, count))
        pages[f"same_origin_{count}"] = f"{url}bench-embeds/embeds-{count}.html"
        pages[f"other_site_{count}"] = None  # set once the other server has a port
    (other_dir / "embeds.js").write_text(EMBEDS_JS)
    (other_dir / "embeds.css").write_text(EMBEDS_CSS)
    other = make_server(other_dir, headers={})  # an LMS: not the explorer's headers
    threading.Thread(target=other.serve_forever, daemon=True).start()
    for count in (1, 4):
        pages[f"other_site_{count}"] = f"http://localhost:{other.server_address[1]}/embeds-{count}.html"
    (other_dir / "embeds-far-4.html").write_text(embeds_page(url, 4, far=True))
    pages["other_site_far_4"] = f"http://localhost:{other.server_address[1]}/embeds-far-4.html"
    (other_dir / "embeds-near-4.html").write_text(embeds_page(url, 4, near=True))
    pages["other_site_near_4"] = f"http://localhost:{other.server_address[1]}/embeds-near-4.html"
    result = {}
    try:
        for rep in range(reps["startup"]):
            for name, page_url in pages.items():
                count = int(name[-1])
                context = browser.new_context(viewport={"width": 1300, "height": 1000})
                page = context.new_page()
                errors = []
                page.on("console", lambda m: m.type == "error" and errors.append(m.text))
                page.goto(page_url)
                # 600 px an embed: two are in a 1000 px view; on another site's page the others wait.
                # (near: one in view and the next a screen below, which embed-resize.js starts early.)
                in_view = (1 if "far" in name else 2 if "near" in name
                           else min(count, 2) if name.startswith("other_site") else count)
                deadline = time.monotonic() + READY_TIMEOUT_S
                while len(page.evaluate("() => window.__ready")) < in_view:
                    if time.monotonic() > deadline:
                        shown = [f.evaluate("() => document.querySelector('#loading')?.innerText") for f in page.frames[1:]]
                        raise RuntimeError(f"{name}: the embeds were not ready in {READY_TIMEOUT_S} s: {shown}")
                    page.wait_for_timeout(10)
                times = page.evaluate("() => window.__ready")
                kinds = sorted(kind for kind, _ in python_targets(page, browser))
                entry = result.setdefault(name, {"first_ready": [], "all_in_view_ready": [], "pythons": kinds,
                                                 "console_errors": []})
                entry["first_ready"].append(times[0])
                entry["all_in_view_ready"].append(times[in_view - 1])
                entry["console_errors"] += errors
                context.close()
    finally:
        other.shutdown()
        shutil.rmtree(other_dir, ignore_errors=True)
    for entry in result.values():
        entry["first_ready"] = stats(entry["first_ready"], 0)
        entry["all_in_view_ready"] = stats(entry["all_in_view_ready"], 0)
    med = lambda name, key: result[name][key]["median"]  # noqa: E731
    same = med("same_origin_4", "all_in_view_ready") / med("same_origin_1", "all_in_view_ready")
    other_first = med("other_site_4", "first_ready") / med("other_site_1", "first_ready")
    far_first = med("other_site_far_4", "first_ready") / med("other_site_1", "first_ready")
    near_first = med("other_site_near_4", "first_ready") / med("other_site_1", "first_ready")
    out["embeds"] = {
        "how": ("a course page (1300×1000) embeds the explorer at 640×480 once, or four times with four different "
                "views; ms from navigation to each embed's postMessage 'ready', fresh browser context (cold cache) each "
                "time. Same origin: the page is served beside dist/. Other site: the page is on localhost, the explorer "
                "on 127.0.0.1, so the browser refuses to share a worker; two of the four embeds are in view and start "
                "their Pythons in turn. other_site_far_4: the first embed in view, the other three 4,000 px below "
                "(they load nothing until scrolled to). other_site_near_4: as far_4, but the second just below the view "
                "(a screen's height at most) and the page includes static/embed-resize.js, which starts it once the "
                "first is ready; its all_in_view_ready is when that second embed was ready, with no scroll. "
                "pythons: the Python workers in the context at the end (CDP targets)."),
        **result,
        "four_same_origin_vs_one": target(round(same, 2), 1.5,
                                          judged_on="median all ready, 4 embeds / 1 embed, same origin"),
        "one_python_same_origin": {"value": result["same_origin_4"]["pythons"], "target": ["shared_worker"],
                                   "met": result["same_origin_4"]["pythons"] == ["shared_worker"]},
        "first_in_view_other_site_vs_lone": target(round(other_first, 2), 1.2,
                                                   judged_on="median first ready, 4 embeds / 1 embed, other site"),
        "in_view_other_site_three_far_below_vs_lone": target(
            round(far_first, 2), 1.2, judged_on="median first ready, one embed in view and three 4,000 px below / "
                                                "1 embed, other site (issue 23's course page)"),
        "in_view_other_site_next_started_early_vs_lone": target(
            round(near_first, 2), 1.2, judged_on="median first ready, one embed in view, the next a screen below "
                                                 "started early by embed-resize.js / 1 embed, other site"),
    }


# --- numbers -----------------------------------------------------------------------------------

def stats(values, digits=2):
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "p95": None, "n": 0}
    s = sorted(values)
    pos = 0.95 * (len(s) - 1)  # linear interpolation, as numpy.percentile
    lo = int(pos)
    p95 = s[lo] + (s[min(lo + 1, len(s) - 1)] - s[lo]) * (pos - lo)
    r = (lambda v: round(v, digits)) if digits else (lambda v: int(round(v)))  # noqa: E731
    return {"median": r(statistics.median(s)), "p95": r(p95), "n": len(s), "min": r(s[0]), "max": r(s[-1])}


def target(value, limit, kind="max", judged_on=""):
    if value is None:
        return {"target": limit, "kind": kind, "judged_on": judged_on, "met": False, "why": "not measured"}
    met = value <= limit if kind == "max" else value >= limit
    return {"target": (f"≤ {limit}" if kind == "max" else f"≥ {limit}"), "judged_on": judged_on,
            "value": value, "met": bool(met)}


def rounded_tasks(tasks, phase_start=None):
    return [{"start_ms": round(t["start"], 1), "duration_ms": round(t["duration"], 1),
             **({"into_phase_ms": round(t["start"] - phase_start, 1)} if phase_start is not None else {})}
            for t in tasks]


# --- the server --------------------------------------------------------------------------------

class RequestLog:
    """Every request the static server answered: (time, path, status, body bytes)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []

    def add(self, entry):
        with self.lock:
            self.entries.append(entry)

    def since(self, index):
        with self.lock:
            return list(self.entries[index:])

    def mark(self):
        with self.lock:
            return len(self.entries)


def start_server(directory, log):
    server = make_server(directory)
    base = server.RequestHandlerClass  # functools.partial(DistHandler, directory=...)

    def log_request(self, code="-", size="-"):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        fs = self.translate_path(path)
        if os.path.isdir(fs):
            fs = os.path.join(fs, "index.html")
        try:
            code = int(code)  # an HTTPStatus or an int
        except (TypeError, ValueError):
            code = 0
        body = os.path.getsize(fs) if code == 200 and self.command == "GET" and os.path.isfile(fs) else 0
        log.add({"t": time.time() * 1000, "method": self.command, "path": path, "file": fs, "status": code,
                 "bytes": body})

    handler = type("BenchHandler", (base.func,), {"log_request": log_request})
    server.RequestHandlerClass = functools.partial(handler, *base.args, **base.keywords)
    quiet = server.handle_error

    def handle_error(request, client_address):
        # A download the page stopped (a snapshot it declined on a slow link) is not a server error.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            quiet(request, client_address)

    server.handle_error = handle_error
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


_gzip_cache = {}


def gzip_size(path):
    if path not in _gzip_cache:
        _gzip_cache[path] = len(gzip.compress(Path(path).read_bytes(), compresslevel=6))
    return _gzip_cache[path]


# --- the browser ---------------------------------------------------------------------------------

def wait_ready(page, timeout=READY_TIMEOUT_S):
    """Poll (wait_for_function is blocked by the CSP) until the init script saw ready resolve or fail."""
    deadline = time.monotonic() + timeout
    while True:
        got = page.evaluate("() => window.__bench ? [window.__bench.readyAt, window.__bench.readyError] : [null, null]")
        if got[0] is not None:
            return got[0]
        if got[1]:
            raise RuntimeError(f"the page failed to start: {got[1]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"convExplorer.ready did not resolve within {timeout} s")
        page.wait_for_timeout(10)


def new_page(browser, on_worker=None, context=None):
    """A page with the bench's init script: in a new off-the-record context, or in context."""
    context = context or browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INIT_SCRIPT)
    page = context.pages[0] if context.pages else context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(f"{m.text} ({m.location.get('url', '?')})"))
    if on_worker:
        page.on("worker", on_worker)
    return context, page, errors


def load(page, url, log):
    """Navigate and wait for ready; returns the page's load figures and the requests before ready."""
    mark = log.mark()
    page.goto(url)
    wait_ready(page)
    page.wait_for_timeout(300)  # let the frame after ready land, so late long tasks are seen
    figures = page.evaluate(JS_LOAD_FIGURES)
    ready_epoch = figures["timeOrigin"] + figures["readyAt"]
    requests = [e for e in log.since(mark) if e["t"] <= ready_epoch + 1]
    return figures, requests


def bytes_of(requests):
    sent = [r for r in requests if r["status"] == 200 and r["method"] == "GET"]
    return {
        "requests": len(requests),
        "status_counts": {str(s): sum(1 for r in requests if r["status"] == s) for s in sorted({r["status"] for r in requests})},
        "raw_bytes": sum(r["bytes"] for r in sent),
        "gzip6_bytes": sum(gzip_size(r["file"]) for r in sent if os.path.isfile(r["file"])),
        "files": sorted({r["path"] for r in requests}),
        "requests_by_method": {m: sum(1 for r in requests if r["method"] == m) for m in sorted({r["method"] for r in requests})},
        "fetched_more_than_once": sorted({r["path"] for r in sent if sum(1 for x in sent if x["path"] == r["path"]) > 1}),
    }


def measure_loads(browser, url, log, reps, out):
    """Cold: a new context (empty cache) per run. Warm: one context, navigated to the page again."""
    cold, cold_requests, cold_tasks, errors = [], [], [], []
    for _ in range(reps["cold"]):
        context, page, page_errors = new_page(browser)
        try:
            figures, requests = load(page, url, log)
            cold.append(figures)
            cold_requests.append(requests)
            errors += page_errors
        finally:
            context.close()

    def warm_runs(context, n):
        """First visit fills the cache (not counted); then leave and come back, n times."""
        figures_list, requests_list = [], []
        context, page, page_errors = new_page(browser, context=context)
        try:
            load(page, url, log)
            for _ in range(n):
                page.goto("about:blank")
                figures, requests = load(page, url, log)
                figures_list.append(figures)
                requests_list.append(requests)
            errors.extend(page_errors)
        finally:
            context.close()
        return figures_list, requests_list

    # A profile on disk, like a returning visitor's browser (Playwright's new contexts are off the
    # record: their in-memory HTTP cache does not keep the 10 MB pyodide.asm.wasm).
    profile = tempfile.mkdtemp(prefix="convexplorer-bench-profile-")
    try:
        warm, warm_requests = warm_runs(PLAYWRIGHT[0].chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS + BENCH_ARGS, headless=True, viewport=VIEWPORT), reps["warm"])
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    warm_mem, warm_mem_requests = warm_runs(None, reps["warm_offtherecord"])

    def warm_entry(figs, reqs, cache):
        sent = sorted({r["path"] for rs in reqs for r in rs if r["status"] == 200 and r["method"] == "GET"})
        return {
            **stats([f["readyAt"] for f in figs]),
            "cache": cache,
            "server_hits_per_load": stats([len(r) for r in reqs], 0),
            "status_counts_per_load": [bytes_of(r)["status_counts"] for r in reqs],
            "bytes_sent_before_ready": stats([bytes_of(r)["raw_bytes"] for r in reqs], 0),
            "files_sent_again_in_full": sent,
            "requests_by_method": [bytes_of(r)["requests_by_method"] for r in reqs],
            "input_canvas_next_frame": stats([f["canvasFrame"] for f in figs]),
        }

    def ui(f):
        return max(v for v in (f["fcp"], f["canvasFrame"]) if v is not None) if (f["fcp"] or f["canvasFrame"]) else None

    ui_ms = stats([ui(f) for f in cold])
    ready_cold = stats([f["readyAt"] for f in cold])
    out["ui_visible_ms"] = {
        "explorer_visible": ui_ms,
        "first_contentful_paint": stats([f["fcp"] for f in cold]),
        "input_canvas_first_draw": stats([f["canvasDraw"] for f in cold]),
        "input_canvas_next_frame": stats([f["canvasFrame"] for f in cold]),
        "target": target(ui_ms["median"], TARGETS["ui_visible_ms"], judged_on="explorer_visible.median"),
        "met_at_p95": ui_ms["p95"] is not None and ui_ms["p95"] <= TARGETS["ui_visible_ms"],
        "method": "cold runs; explorer_visible = the later of first-contentful-paint and the rAF after the first "
                  "draw on #input-canvas (image + kernel on screen); times from navigation start",
    }
    b = [bytes_of(r) for r in cold_requests]
    out["ready_cold_ms"] = {
        **ready_cold,
        "worker_ready_message": stats([f["workerReadyAt"] for f in cold]),
        "target": target(ready_cold["median"], TARGETS["ready_cold_ms"], judged_on="median"),
        "met_at_p95": ready_cold["p95"] is not None and ready_cold["p95"] <= TARGETS["ready_cold_ms"],
        "method": "new browser context per run (empty HTTP cache); in-page performance.now() when "
                  "convExplorer.ready resolved (navigation start = 0)",
    }
    heuristic = ("browser heuristic cache: the server sends Last-Modified but no Cache-Control or ETag, so "
                 "Chromium revalidates (If-Modified-Since → 304) or reuses a file by its own freshness heuristic")
    out["ready_warm_ms"] = {
        **warm_entry(warm, warm_requests, "warm = " + heuristic + "; persistent profile with a disk cache"),
        "method": "launch_persistent_context (a fresh temporary profile): first visit not counted, then "
                  "page.goto(about:blank) and page.goto(url) again per run; ready as for cold",
    }
    out["ready_warm_offtherecord_ms"] = {
        **warm_entry(warm_mem, warm_mem_requests, "warm = " + heuristic + "; Playwright's default off-the-record "
                     "context (in-memory cache)"),
        "method": "as ready_warm_ms, in one browser.new_context()",
    }
    out["bytes_before_ready"] = {
        "raw": stats([x["raw_bytes"] for x in b], 0),
        "gzip6": stats([x["gzip6_bytes"] for x in b], 0),
        "requests": stats([x["requests"] for x in b], 0),
        "requests_by_method": b[-1]["requests_by_method"] if b else {},
        "fetched_more_than_once": b[-1]["fetched_more_than_once"] if b else [],
        "page_resource_timing_transfer": stats([f["pageTransfer"] for f in cold], 0),
        "files": b[-1]["files"] if b else [],
        "method": "the bench's server logs every request (page and worker); raw = body bytes it sent (the files "
                  "on disk) before ready; gzip6 = gzip.compress(file, 6) of each; page_resource_timing_transfer "
                  "= the page's own resource timing (main thread only: the worker's fetches are not in it)",
    }
    load_tasks = []
    for f in cold:
        start = f["fcp"] or 0
        load_tasks.append([t for t in f["longtasks"] if t["start"] >= start and t["start"] <= f["readyAt"]])
    out["_load_longtasks"] = {
        "count_per_load": stats([len(t) for t in load_tasks], 0),
        "durations_ms_all_loads": sorted(round(t["duration"], 1) for ts in load_tasks for t in ts),
        "observer_error": cold[0]["longtaskError"] if cold else None,
    }
    out["page_errors_during_loads"] = errors[:10]


# Every explorer with a Python of its own (?python=own), as the bare page has: the DevTools network
# emulation reaches a page's dedicated worker but not a shared one, and a shared worker can outlive the
# page by a moment, so a "second visit" could find the first one's Python still running.
STARTUP_PAGES = {"bare": "bench-bare/", "explorer": "?python=own", "explorer_no_snapshot": "no-snapshot/?python=own"}
COMPARED = [None]  # --compare DIR: another dist/ timed with them
THROTTLE = {"offline": False, "latency": 20, "downloadThroughput": 20e6 / 8, "uploadThroughput": 5e6 / 8}


def measure_startup(browser, url, log, reps, out):
    """The explorer against the bare Pyodide + NumPy page, interleaved in one run: cold, warm, throttled."""
    pages = dict(STARTUP_PAGES, **({"compared": "compared/?python=own"} if COMPARED[0] else {}))  # as above
    times = {k: {"cold": [], "warm": [], "throttled_cold": []} for k in pages}
    cold_bytes = {k: [] for k in pages}
    worker = {k: [] for k in pages}
    errors = []

    def visit(page, name, mode):
        figures, requests = load(page, url + pages[name], log)
        times[name][mode].append(figures["readyAt"])
        if mode == "cold":
            cold_bytes[name].append(bytes_of(requests)["raw_bytes"])
        timings = page.evaluate("() => window.__bench.workerReady && window.__bench.workerReady.timings")
        if timings:
            worker[name].append({"mode": mode, **timings})

    for i in range(reps["startup"]):
        order = list(pages) if i % 2 == 0 else list(reversed(pages))
        for name in order:  # cold: a fresh context (empty cache) each
            context, page, page_errors = new_page(browser)
            try:
                visit(page, name, "cold")
                errors.extend(page_errors)
            finally:
                context.close()
        for name in order:  # throttled cold: 20 Mbit/s down over the DevTools protocol
            context, page, page_errors = new_page(browser)
            try:
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.emulateNetworkConditions", THROTTLE)
                visit(page, name, "throttled_cold")
                errors.extend(page_errors)
            finally:
                context.close()
    # Warm: one profile on disk per page (first visit fills its cache, not counted), visits interleaved.
    profiles, open_pages = {}, {}
    try:
        for name in pages:
            profiles[name] = tempfile.mkdtemp(prefix="convexplorer-bench-profile-")
            context = PLAYWRIGHT[0].chromium.launch_persistent_context(
                profiles[name], executable_path=CHROMIUM, args=CHROMIUM_ARGS + BENCH_ARGS, headless=True, viewport=VIEWPORT)
            open_pages[name] = new_page(browser, context=context)
            load(open_pages[name][1], url + pages[name], log)
        for i in range(reps["startup"]):
            for name in (list(pages) if i % 2 == 0 else list(reversed(pages))):
                open_pages[name][1].goto("about:blank")
                visit(open_pages[name][1], name, "warm")
    finally:
        for name, (context, _, page_errors) in open_pages.items():
            errors.extend(page_errors)
            context.close()
        for profile in profiles.values():
            shutil.rmtree(profile, ignore_errors=True)

    def ratio(mode, name="explorer"):
        a, b = stats(times[name][mode])["median"], stats(times["bare"][mode])["median"]
        return round(a / b, 3) if a and b else None

    result = {name: {mode: stats(v) for mode, v in modes.items()} for name, modes in times.items()}
    for name in pages:
        result[name]["bytes_before_ready_cold"] = stats(cold_bytes[name], 0)
        result[name]["worker_phases_ms"] = worker[name]
    result["ratio_to_bare"] = {mode: {name: ratio(mode, name) for name in pages if name != "bare"}
                               for mode in ("cold", "warm", "throttled_cold")}
    result["target_cold"] = target(ratio("cold"), 0.75, judged_on="median explorer.cold / median bare.cold")
    result["target_warm"] = target(ratio("warm"), 0.75, judged_on="median explorer.warm / median bare.warm")
    # Against the build given with --compare (today's), else this build as made without Node.
    baseline = "compared" if "compared" in pages else "explorer_no_snapshot"
    result["target_throttled"] = target(stats(times["explorer"]["throttled_cold"])["median"],
                                        stats(times[baseline]["throttled_cold"])["median"],
                                        judged_on=f"median explorer.throttled_cold ≤ median {baseline}.throttled_cold")
    result["page_errors"] = errors[:10]
    result["method"] = (
        "bare = bench-bare/, a page whose module worker only does loadPyodide({packages: ['numpy']}) + import numpy "
        "from this dist's runtime (written into the bench's copy, never shipped); explorer_no_snapshot = the "
        "same dist as a build without Node gives it (no snapshot; NumPy's bundle with sources, not bytecode). Per repetition "
        "each page once, order alternating: cold = a new context; throttled_cold = a new context with CDP "
        f"Network.emulateNetworkConditions {THROTTLE}; warm = one persistent profile per page, first visit "
        "not counted, then about:blank and back. Times: convExplorer.ready resolved, ms since navigation. "
        "worker_phases_ms = the explorer worker's phase starts (ms since the worker began) and its snapshot decision. "
        "compared (with --compare DIR) = another build's dist/ served at compared/, e.g. an older commit's")
    out["startup_vs_bare"] = result


# A person's click holds the button down for about 80-120 ms; Playwright's default releases at once.
HUMAN_PRESS_MS = 80


def click_edits(page, n, gap_ms, press_ms=0):
    page.evaluate("(s) => { window.__bench.clickSelector = s; }", "#kernel-grid .kernel-cell")
    page.evaluate(JS_CLICK_PROBE, CELL)
    cell = page.locator(CELL)
    cell.scroll_into_view_if_needed()
    for _ in range(n):
        cell.click(delay=press_ms)
        page.evaluate(JS_AWAIT_CLICK)
        page.wait_for_timeout(gap_ms)
    return page.evaluate("() => window.__bench.clicks")


def edit_figures(page, reps, limit, label, offset=0):
    t0 = page.evaluate("() => performance.now()")
    clicks = click_edits(page, reps["clicks"], 60)
    pressed = click_edits(page, reps["clicks"], 60, press_ms=HUMAN_PRESS_MS)
    page.evaluate("(s) => { window.__bench.clickSelector = null; }", "")  # the probe ignores the JS clicks
    js_clicks = page.evaluate(JS_JS_CLICKS, {"selector": CELL, "n": reps["clicks"] // 2, "gap": 60})
    loop = page.evaluate(JS_SET_LOOP, {"n": reps["set_loop"], "offset": offset})
    page.wait_for_timeout(500)  # the app's deferred work after an edit (e.g. the link update) lands in this phase
    t1 = page.evaluate("() => performance.now()")
    painted = stats([c["painted"] for c in clicks])
    painted_pressed = stats([c["painted"] for c in pressed])
    return {
        "click_human_press": {
            "press_ms": HUMAN_PRESS_MS,
            "to_painted": painted_pressed,
            "to_worker_reply": stats([c["reply"] for c in pressed]),
            "target": target(painted_pressed["p95"], limit,
                             judged_on=f"click_human_press.to_painted.p95 ({label}): the button is held "
                                       f"{HUMAN_PRESS_MS} ms as a person does; the page computes the "
                                       "result while it is down"),
            "met_with_instant_click": painted["p95"] <= limit if clicks else False,
        },
        "click": {
            "to_painted": painted,
            "to_next_frame": stats([c["frame"] for c in clicks]),
            "to_worker_reply": stats([c["reply"] for c in clicks]),
            "worker_compute_ms": stats([c["compute"] for c in clicks]),
            "first_frame_after_click": stats([c["firstFrame"] for c in clicks]),
            "share_of_replies_after_that_frame": round(sum(
                1 for c in clicks if c["reply"] is not None and c["firstFrame"] is not None
                and c["reply"] > c["firstFrame"]) / len(clicks), 2) if clicks else None,
            "target": target(painted["p95"], limit, judged_on=f"click.to_painted.p95 ({label})"),
            "met_to_next_frame": stats([c["frame"] for c in clicks])["p95"] <= limit if clicks else False,
        },
        "click_dispatched_in_js": {
            "to_painted": stats([c["painted"] for c in js_clicks]),
            "to_worker_reply": stats([c["reply"] for c in js_clicks]),
        },
        "setState_loop": {
            "to_resolved": stats(loop["times"]),
            "to_worker_reply": stats(loop["reply"]),
            "worker_compute_ms": stats(loop["compute"]),
        },
    }, (t0, t1)


def drag_figures(page, reps):
    canvas = page.locator("#input-canvas")
    canvas.scroll_into_view_if_needed()
    page.wait_for_timeout(100)
    box = canvas.bounding_box()
    x0, y0, w, h = box["x"], box["y"], box["width"], box["height"]
    runs = []
    for _ in range(reps["drags"]):
        page.evaluate(JS_DRAG_PROBE)
        page.mouse.move(x0 + 2, y0 + 2)
        page.mouse.down()
        # A raster over the whole canvas: 7 sweeps right and left, stepping down; ~8 CSS px per event.
        # (Chromium hands pointermoves to the page once per frame, and each Playwright step waits for it.)
        rows = 6
        for i in range(rows + 1):
            y = y0 + 2 + (h - 4) * i / rows
            x = x0 + w - 2 if i % 2 == 0 else x0 + 2
            page.mouse.move(x, y, steps=max(16, int(w / 8)))
        page.mouse.up()
        page.wait_for_timeout(50)
        r = page.evaluate(JS_DRAG_RESULT)
        if r:
            runs.append(r)
    fps = [r["frames"] * 1000 / r["durationMs"] for r in runs if r["durationMs"] > 0]
    gaps = [g for r in runs for g in r["gaps"]]
    s = stats(fps, 1)
    return {
        "fps": s,
        "frame_gap_ms": stats(gaps),
        "frames_over_25ms": sum(1 for g in gaps if g > 25),
        "drag_duration_ms": stats([r["durationMs"] for r in runs], 0),
        "pointermoves_per_drag": stats([r["moves"] for r in runs], 0),
        "target": target(s["min"], TARGETS["drag_fps"], kind="min", judged_on="slowest drag's fps"),
    }


def measure_interaction(browser, url, log, reps, out):
    context, page, errors = new_page(browser)
    try:
        load(page, url, log)
        install_helpers(page)
        phases = {}
        t_ready = page.evaluate("() => window.__bench.readyAt")
        page.wait_for_timeout(1500)  # idle after ready: the app's own deferred work shows up here
        phases["idle_after_ready"] = (t_ready, page.evaluate("() => performance.now()"))
        idle_fps = round(page.evaluate(JS_IDLE_FPS), 1)

        # 24×24: the default view.
        page.evaluate("(p) => window.convExplorer.setState(p)",
                      {"image": "digit3", "kernel": SOBEL_X, "bias": 0, "stride": 1, "padding": 0, "dilation": 1})
        e24, phases["edits_24"] = edit_figures(page, reps, TARGETS["edit_p95_24"], "24×24")
        t0 = page.evaluate("() => performance.now()")
        d24 = drag_figures(page, reps)
        phases["drag_24"] = (t0, page.evaluate("() => performance.now()"))

        # 256×256 with every stage on.
        setup = page.evaluate("""async () => {
          const rows = window.__benchRandomRows(256, 256).rows;
          const all = { image: rows, activation: "relu", pool: { mode: "max", size: 2, stride: 2 },
                        layer2: { kernel: [[1, 0, -1], [2, 0, -2], [1, 0, -1]] } };
          try { await window.convExplorer.setState(all); return { ok: true }; }
          catch (err) {
            const rejected = {};
            for (const [k, v] of Object.entries(all)) {
              try { await window.convExplorer.setState({ [k]: v }); }
              catch (e) { rejected[k] = String(e && e.message || e); }
            }
            return { ok: false, error: String(err && err.message || err), rejected };
          }
        }""")
        stages = page.evaluate("() => window.convExplorer.getState().stages.map((s) => [s.name, s.data.length, (s.data[0] || []).length])")
        e256, phases["edits_256"] = edit_figures(page, reps, TARGETS["edit_p95_256"], "256×256 all stages", offset=1)
        t0 = page.evaluate("() => performance.now()")
        d256 = drag_figures(page, reps)
        phases["drag_256"] = (t0, page.evaluate("() => performance.now()"))

        out["edit_to_paint_ms"] = {
            "24x24": e24,
            "256x256_all_stages": {"setup": setup, "stages_painted": stages, **e256},
            "method": "click: a real Playwright click on kernel cell (0,1) (cycles its weight); a capture listener on "
                      "document takes performance.now() at the click event and asks convExplorer.nextPaint(); "
                      "to_painted = when the app has drawn the new result (nextPaint resolves at the end of its "
                      "paint), to_next_frame = the requestAnimationFrame after that (adds the wait for the next "
                      "60 Hz frame: 0-16.7 ms). Clicks about 60 ms apart plus Playwright's own click time. to_worker_reply = when the worker's reply reached the page; first_frame_after_click = the first requestAnimationFrame after the click; share_of_replies_after_that_frame = how often the reply was handled only after that frame. click_dispatched_in_js: the same button clicked with button.click() from page JS (no real input event), 60 ms apart, for comparison. setState_loop: back-to-back awaited "
                      "setState({kernel}) with a different weight each time, in page JS",
        }
        out["drag_fps"] = {
            "24x24": d24, "256x256_all_stages": d256, "idle_raf_fps": idle_fps,
            "method": "page.mouse: down at the canvas's top-left, 7 sweeps across its whole width stepping down "
                      "(about 8 CSS px per pointermove; each step waits for Chromium to take the event, which it does once per frame), up; requestAnimationFrame callbacks counted in page JS "
                      "from pointerdown to pointerup; fps = frames / drag duration. Headless Chromium's frame "
                      "rate with nothing happening is idle_raf_fps",
        }

        # Core vs a naive JS loop.
        t0 = page.evaluate("() => performance.now()")
        core = {}
        for size in (24, 256, 512):
            r = page.evaluate(JS_CORE_VS_JS, {"size": size, "reps": reps["core"], "seed": size})
            key = f"{size}x{size}"
            if "error" in r:
                core[key] = {"error": r["error"]}
                continue
            c, j, rt = stats(r["core"], 3), stats(r["js"], 3), stats(r["roundtrip"], 3)
            ratio = round(c["median"] / j["median"], 2) if c["median"] and j["median"] else None
            entry = {
                "core_ms": c, "core_roundtrip_ms": rt, "js_baseline_ms": j, "ratio": ratio,
                "ratio_roundtrip": round(rt["median"] / j["median"], 2) if rt["median"] and j["median"] else None,
            }
            if size >= 256:
                entry["target"] = target(ratio, TARGETS["core_ratio"], judged_on="ratio = median core_ms / median js_baseline_ms")
            core[key] = entry
        core["method"] = (
            "one page, square random image per size, plain 3×3 valid convolution (no activation, pool or second "
            "layer). core_ms = the worker's own meta.computeMs for a kernel edit (Python call incl. settings "
            "JSON, NumPy compute and the copy out of WASM memory; the image is already in the worker), read "
            "from the replies by wrapping the Worker constructor in an init script; core_roundtrip_ms = "
            "setState → resolved (adds postMessage both ways and the page's paint); js_baseline_ms = four "
            "nested loops over output pixels and taps on Float32Array in the page's main thread, warmed up "
            "3 runs; ratio = core_ms / js_baseline_ms (medians)")
        out["core_vs_js"] = core
        phases["core_vs_js (bench JS runs here: not the app's)"] = (t0, page.evaluate("() => performance.now()"))

        t_end = page.evaluate("() => performance.now()")
        tasks = page.evaluate("() => window.__bench.longtasks")
        fcp = page.evaluate("() => (performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint') || {}).startTime || 0")
        by_phase = {name: rounded_tasks([t for t in tasks if a <= t["start"] <= b], a) for name, (a, b) in phases.items()}
        app_phases = [k for k in by_phase if not k.startswith("core_vs_js")]
        app_count = sum(len(by_phase[k]) for k in app_phases)
        load_tasks = out.pop("_load_longtasks", {})
        load_count = len(load_tasks.get("durations_ms_all_loads", []))
        out["long_tasks"] = {
            "during_cold_loads_after_fcp": load_tasks,
            "interaction_page": {k: {"count": len(v), "tasks": v} for k, v in by_phase.items()},
            "all_after_fcp_interaction_page": len([t for t in tasks if fcp <= t["start"] <= t_end]),
            "target": {"target": "no long tasks after first paint", "judged_on":
                       "cold loads (FCP→ready) + idle, edits and drags on the interaction page (bench-driven "
                       "core_vs_js phase excluded: it builds 512×512 arrays and runs the JS baseline itself)",
                       "value": load_count + app_count, "met": load_count + app_count == 0},
            "method": "PerformanceObserver({type: 'longtask', buffered: true}) from an init script (main thread "
                      "only; the worker's long computations cannot be observed this way)",
        }
        out["page_errors_during_interaction"] = errors[:10]
    finally:
        context.close()


def install_helpers(page):
    """A seeded random image (mulberry32) and a varying kernel, made in the page so 512×512 numbers do not
    cross CDP. (The CSP forbids inline scripts; evaluate() with a function is allowed.)"""
    page.evaluate("""() => {
      window.__benchRandomRows = (n, seed) => {
        let a = seed >>> 0;
        const rnd = () => { a = (a + 0x6D2B79F5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1);
          t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
        return { rows: Array.from({ length: n }, () => Array.from({ length: n }, rnd)), rnd };
      };
      window.__benchKernel = (i) => {
        const k = [[1, 0, -1], [2, 0, -2], [1, 0, -1]];
        k[i % 3][(i * 7 + 1) % 3] = (i % 5) - 2;
        return k;
      };
    }""")


class WorkerHeap:
    """The worker's JS heap over a browser-level CDP session (Playwright gives none for workers)."""

    def __init__(self, browser, page):
        self.page = page
        self.cdp = browser.new_browser_cdp_session()
        self.replies = {}
        self.next_id = 1
        targets = self.cdp.send("Target.getTargets")["targetInfos"]
        workers = [t for t in targets if t["type"] == "worker" and t["url"].endswith("/static/core/worker.js")]
        if len(workers) != 1:
            raise RuntimeError(f"expected one explorer worker target, found {len(workers)}")
        self.cdp.on("Target.receivedMessageFromTarget", self._on_message)
        self.session = self.cdp.send("Target.attachToTarget", {"targetId": workers[0]["targetId"], "flatten": False})["sessionId"]

    def _on_message(self, event):
        msg = json.loads(event["message"])
        if "id" in msg:
            self.replies[msg["id"]] = msg

    def send(self, method, params=None, timeout=10):
        i = self.next_id
        self.next_id += 1
        self.cdp.send("Target.sendMessageToTarget", {"sessionId": self.session,
                                                     "message": json.dumps({"id": i, "method": method, "params": params or {}})})
        deadline = time.monotonic() + timeout
        while i not in self.replies:
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker CDP {method} got no reply")
            self.page.wait_for_timeout(5)
        msg = self.replies.pop(i)
        if "error" in msg:
            raise RuntimeError(f"worker CDP {method}: {msg['error']}")
        return msg["result"]

    def usage(self):
        self.send("HeapProfiler.collectGarbage")
        return self.send("Runtime.getHeapUsage")

    def close(self):
        try:
            self.cdp.detach()
        except Exception:
            pass


def measure_heap(browser, url, log, reps, out):
    hook = {"result": None}

    def on_worker(worker):
        try:
            hook["result"] = worker.evaluate(JS_WORKER_MEMORY_HOOK)
        except Exception as e:  # the worker went away, or evaluate is refused
            hook["result"] = f"failed: {e}"

    context, page, errors = new_page(browser, on_worker=on_worker)
    result = {"edits": reps["heap_edits"]}
    try:
        # ?python=own: the page's own dedicated worker, whose WASM memory Playwright can hook (it lists
        # no shared workers); the Python inside is the same.
        load(page, url + "?python=own", log)
        install_helpers(page)
        page.evaluate("(p) => window.convExplorer.setState(p)",
                      {"image": "digit3", "kernel": SOBEL_X, "bias": 0, "stride": 1, "padding": 0, "dilation": 1,
                       "activation": "none", "pool": None, "layer2": None})
        page.evaluate(JS_EDITS_FOR_HEAP, {"n": 200})  # warm-up: JIT, first-use allocations
        worker = page.workers[0] if page.workers else None
        try:
            wheap = WorkerHeap(browser, page)
        except Exception as e:
            wheap, wheap_error = None, str(e)
        before_page = page.evaluate(JS_PAGE_HEAP)
        before_wasm = worker.evaluate(JS_WORKER_MEMORY) if worker else []
        before_worker = wheap.usage() if wheap else None
        t = time.monotonic()
        quarters, gc_seconds = [], 0.0
        for _ in range(4):  # the heap after each quarter: a one-off warm-up and a steady leak look different
            page.evaluate(JS_EDITS_FOR_HEAP, {"n": reps["heap_edits"] // 4})
            g = time.monotonic()
            quarters.append(page.evaluate(JS_PAGE_HEAP)["used"])
            gc_seconds += time.monotonic() - g
        seconds = time.monotonic() - t - gc_seconds
        after_page = page.evaluate(JS_PAGE_HEAP)
        after_wasm = worker.evaluate(JS_WORKER_MEMORY) if worker else []
        after_worker = wheap.usage() if wheap else None
        if wheap:
            wheap.close()
        result["edits_per_second"] = round(reps["heap_edits"] / seconds, 1)
        if before_page["used"] is not None and before_page["gc"]:
            result["js_heap_growth_bytes"] = after_page["used"] - before_page["used"]
            result["js_heap_bytes_before_after"] = [before_page["used"], after_page["used"]]
            result["js_heap_bytes_after_each_quarter"] = quarters
            result["js_heap_growth_after_first_quarter_bytes"] = quarters[-1] - quarters[0]
        else:
            result["js_heap_growth_bytes"] = None
            result["js_heap_reason"] = "performance.memory or gc() unavailable"
        if before_wasm and after_wasm and len(before_wasm) == len(after_wasm):
            main = max(range(len(before_wasm)), key=lambda i: after_wasm[i])
            result["wasm_heap_growth_bytes"] = after_wasm[main] - before_wasm[main]
            result["wasm_memory_bytes_before_after"] = [before_wasm[main], after_wasm[main]]
        else:
            result["wasm_heap_growth_bytes"] = None
            result["wasm_heap_reason"] = (f"the WebAssembly.Memory hook did not catch Pyodide's memory "
                                          f"(hook: {hook['result']}, memories seen: {before_wasm})")
        if before_worker and after_worker:
            result["worker_js_heap_growth_bytes"] = after_worker["usedSize"] - before_worker["usedSize"]
            result["worker_js_heap_bytes_before_after"] = [before_worker["usedSize"], after_worker["usedSize"]]
            if "backingStorageSize" in after_worker:
                result["worker_array_buffer_backing_growth_bytes"] = round(
                    after_worker["backingStorageSize"] - before_worker["backingStorageSize"])
        else:
            result["worker_js_heap_growth_bytes"] = None
            result["worker_js_heap_reason"] = wheap_error if not wheap else "no heap usage reply"
        result["method"] = (
            f"a fresh page at the default 24×24 view; 200 warm-up edits; then {reps['heap_edits']} awaited "
            "setState({kernel}) edits, each a different weight. Page JS heap: performance.memory.usedJSHeapSize "
            "(--enable-precise-memory-info) after gc() (--js-flags=--expose-gc) three times. WASM: the byte length "
            "of Pyodide's WebAssembly.Memory (caught by a hook on the worker's WebAssembly.Memory constructor, put "
            "in with worker.evaluate as the worker starts; linear memory never shrinks, so this is high-water "
            "growth: 0 means no growth past what was already reserved, not that nothing inside leaked). Worker JS "
            "heap: Runtime.getHeapUsage after HeapProfiler.collectGarbage over a CDP session attached to the worker")
        result["page_errors"] = errors[:10]
    finally:
        context.close()
    out["memory_after_edits"] = result


# --- network mode ------------------------------------------------------------------------------

JS_NET_DIGITS = """async ({ n }) => {
  // n held-out-like inputs: each setState runs the explore core and the network, then paints.
  const api = window.convExplorer, worker = [], roundTrip = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const rows = Array.from({ length: 24 }, (_, r) => Array.from({ length: 24 }, (_, c) =>
      ((r - 12) ** 2 + (c - 12 - (i % 7)) ** 2 < 40 && (r - 12) ** 2 + (c - 12 - (i % 7)) ** 2 > 12) ? 1 : 0));
    await api.setState({ image: rows });
    const t = api.lastTiming();
    worker.push(t.workerMs); roundTrip.push(t.roundTripMs);
  }
  return { worker, roundTrip, seconds: (performance.now() - t0) / 1000 };
}"""

JS_NET_ALONE = """async ({ n, shared }) => {
  // The same request with nothing painting meanwhile, to a Python of its own or (shared) as another
  // client of the page's own shared Python: what the worker costs when it has a core to itself (in the
  // page, the maps' painting competes for this VM's two cores).
  const script = new URL("static/core/worker.js", location.href);
  const opened = shared ? new SharedWorker(script, { type: "module", name: "convexplorer-python-0" })
    : new Worker(script, { type: "module" });
  const worker = opened.port ?? opened;
  let id = 0;
  const waiting = new Map();
  const ready = new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === "ready") resolve();
      else if (data.type === "failed") reject(new Error(data.error));
      else if (data.id !== undefined) { waiting.get(data.id)(data); waiting.delete(data.id); }
    };
  });
  const call = (type, body, transfer = []) => new Promise((resolve) => {
    waiting.set(++id, resolve);
    worker.postMessage({ id, type, ...body }, transfer);
  });
  try {
    await ready;
    const [spec, npz, heldout] = await Promise.all([["data/models/digits.json", "text"],
      ["data/models/digits.npz", "arrayBuffer"], ["data/digits-heldout.bin", "arrayBuffer"]].map(
      async ([path, as]) => (await fetch(new URL(path, location.href)))[as]()));
    await call("network-load", { spec, npz, name: "digits", heldout });
    const times = [];
    for (let i = 0; i < n; i++) {
      const pixels = new Float32Array(576).map(() => Math.random());
      times.push((await call("network", { edits: {}, pixels }, [pixels.buffer])).result.meta.computeMs);
    }
    return times;
  } finally {
    if (shared) worker.postMessage({ type: "bye" }); else worker.terminate();
  }
}"""

JS_NET_EDIT = """async ({ layer, filter, weights }) => {
  // One edit: time to the probabilities painted, then to the held-out accuracy shown.
  const api = window.convExplorer;
  const net = api.getState().network;
  // Added to the edits so far, as a learner's clicks are: exactly one filter changes.
  const edits = { ...net.edits, [layer]: { ...net.edits[layer], [filter]: { w: weights, b: 0 } } };
  const t0 = performance.now();
  await api.setState({ network: { ...net, edits } });
  const painted = performance.now() - t0, forwardMs = api.lastTiming().workerMs; // the network request's
  let s = api.getState().network;
  while (s.accuracyPending || JSON.stringify(s.edits) !== JSON.stringify(edits)) {
    await new Promise((r) => setTimeout(r, 2));
    s = api.getState().network;
  }
  return { painted, forwardMs, shown: performance.now() - t0, workerMs: s.accuracyWorkerMs, accuracy: s.accuracy };
}"""


def measure_network(browser, url, log, reps, out):
    """Network mode: one digit's forward pass in the worker; the held-out accuracy after an edit of one filter."""
    context, page, errors = new_page(browser)
    result = {}
    try:
        load(page, f"{url}#v=1&mode=network", log)
        deadline = time.monotonic() + 30
        while not page.evaluate("() => { const n = window.convExplorer.getState().network; return !!n.probs && !n.accuracyPending; }"):
            if time.monotonic() > deadline:
                raise RuntimeError("network mode never showed its accuracy")
            page.wait_for_timeout(20)
        digits = page.evaluate(JS_NET_DIGITS, {"n": reps["net_digits"]})
        worker = stats(digits["worker"], 3)
        result["one_digit_worker_ms"] = {**worker, "target": target(worker["p95"], TARGETS["net_forward_worker_ms"], judged_on="p95"),
                                         "method": "awaited setState({image}) in network mode, worker time of the network request "
                                                   "(api.network_run: edits check, forward of every layer, packing)"}
        result["one_digit_round_trip_ms"] = stats(digits["roundTrip"], 3)
        rate = reps["net_digits"] / digits["seconds"]
        result["updates_per_second"] = {"value": round(rate, 1), "target": target(rate, TARGETS["net_updates_per_second"], kind="min"),
                                        "method": "awaited setState({image}) one after another (a drawing's path: the explore "
                                                  "core, the network, the paint of every map and the bars)"}
        rng = random.Random(0)
        edits = []
        for i in range(reps["net_edits"]):
            layer, filters, size = (0, 8, 9) if i % 2 == 0 else (3, 16, 72)
            weights = [round(rng.gauss(0, 0.3), 3) for _ in range(size)]
            edits.append(page.evaluate(JS_NET_EDIT, {"layer": layer, "filter": rng.randrange(filters), "weights": weights}))
        for name, pick in (("conv1", edits[0::2]), ("conv2", edits[1::2])):
            acc = stats([e["workerMs"] for e in pick], 1)
            result[f"accuracy_after_{name}_edit_worker_ms"] = {
                **acc, "target": target(acc["p95"], TARGETS["net_accuracy_worker_ms"], judged_on="p95")}
            result[f"accuracy_after_{name}_edit_shown_ms"] = stats([e["shown"] for e in pick], 1)
            result[f"probabilities_after_{name}_edit_painted_ms"] = stats([e["painted"] for e in pick], 1)
        forward = stats([e["forwardMs"] for e in edits], 2)
        result["weight_edit_forward_worker_ms"] = {
            **forward, "target": target(forward["p95"], TARGETS["net_forward_worker_ms"], judged_on="p95"),
            "method": "worker time of the network request each weight edit sends (the new probabilities), "
                      "edits made one at a time as a learner's clicks are, each after the last one's accuracy"}
        result["edits_method"] = ("one filter at a time given random weights, on top of the edits before it, alternately "
                                  "in conv 1 (8 filters) and conv 2 (16); "
                                  "worker ms: api.network_accuracy over the 2,000 held-out digits; shown: from the setState "
                                  "to the accuracy on the page; painted: to the probabilities on the page")
        alone = stats(page.evaluate(JS_NET_ALONE, {"n": reps["net_digits"], "shared": False}), 3)
        idle = stats(page.evaluate(JS_NET_ALONE, {"n": reps["net_digits"], "shared": True}), 3)
        result["one_digit_page_python_page_idle_ms"] = {
            **idle, "method": "the same network request to the page's own shared Python, as another of its "
                              "clients, while the page paints nothing: the worker in the page's state, without the paint"}
        result["one_digit_worker_alone_ms"] = {**alone, "method": "the same network request to a dedicated worker of "
                                               "its own, random pixels, with nothing painting meanwhile"}
        result["page_errors"] = errors[:10]
    finally:
        context.close()
    out["network"] = result


# --- code mode: what opening it adds ----------------------------------------------------------------

JS_CODE_EDITOR_TEXT = """() => {
  const cm = document.querySelector('#code-mode .CodeMirror');  // CodeMirror 5 keeps its instance on this element
  return cm ? cm.CodeMirror.getValue() : (document.getElementById('code-editor')?.value ?? '');
}"""


def measure_code(browser, url, log, reps, out):
    """From a click on "Write the code" to the starter code in an editor that takes keys, and to the code worker's Ready.

    Each repetition: a new context (empty cache) with the explorer ready in explore mode, then the click.
    Bytes: what the server sent between the click and the code worker's Ready (the code worker's runtime
    files come from the HTTP cache the explorer's worker filled). With --compare, the other build too, interleaved.
    """
    pages = {"this_build": ""} | ({"compared": "compared/"} if COMPARED[0] else {})
    runs = {name: {"editor_ms": [], "python_ready_ms": [], "raw_bytes": [], "gzip6_bytes": [], "files": None} for name in pages}
    errors = []
    for i in range(reps["startup"]):
        for name in (list(pages) if i % 2 == 0 else list(reversed(pages))):
            context, page, page_errors = new_page(browser)
            try:
                load(page, f"{url}{pages[name]}#v=1", log)
                mark = log.mark()
                start = page.evaluate("() => performance.now()")
                page.click("button[data-mode=code]")
                editor = python = None
                deadline = time.monotonic() + 60
                while editor is None or python is None:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"code mode ({name}) was not ready within 60 s")
                    now = page.evaluate("() => performance.now()")
                    if editor is None and "def " in page.evaluate(JS_CODE_EDITOR_TEXT):
                        editor = now - start
                    if python is None and page.evaluate("() => /^Ready/.test(document.getElementById('code-status').textContent)"):
                        python = now - start
                    page.wait_for_timeout(5)
                sent = bytes_of(log.since(mark))
                r = runs[name]
                r["editor_ms"].append(editor)
                r["python_ready_ms"].append(python)
                r["raw_bytes"].append(sent["raw_bytes"])
                r["gzip6_bytes"].append(sent["gzip6_bytes"])
                r["files"] = sent["files"]
                errors.extend(page_errors)
            finally:
                context.close()
    result = {name: {"editor_ms": stats(r["editor_ms"], 1), "python_ready_ms": stats(r["python_ready_ms"], 1),
                     "raw_bytes": stats(r["raw_bytes"], 0), "gzip6_bytes": stats(r["gzip6_bytes"], 0), "files": r["files"]}
              for name, r in runs.items()}
    result["page_errors"] = errors[:10]
    result["method"] = ("a new context per run, explorer ready in explore mode, then a click on 'Write the code'; "
                        "editor_ms: until the starter code is in the editor (polled every 5 ms, ms after the click); "
                        "python_ready_ms: until the code worker says Ready; bytes: what the server sent in that time "
                        "(gzip6 = the same files gzipped at level 6, as a host would send them); "
                        "compared = the build given with --compare, e.g. the commit before the editor changed")
    out["code_mode"] = result


# --- machine ---------------------------------------------------------------------------------------

def machine(browser):
    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores_available = len(os.sched_getaffinity(0))
    except AttributeError:
        cores_available = os.cpu_count()
    commit = None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=5).stdout.strip() or None
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                               timeout=5).stdout.strip()
        if commit and dirty:
            commit += " (working tree has changes)"
    except Exception:
        pass
    try:
        import importlib.metadata
        pw = importlib.metadata.version("playwright")
    except Exception:
        pw = None
    info = json.loads((DIST / "static" / "build-info.json").read_text()) if (DIST / "static" / "build-info.json").exists() else {}
    return {
        "cpu": cpu, "cores": os.cpu_count(), "cores_available": cores_available,
        "chromium": browser.version, "chromium_args": CHROMIUM_ARGS + BENCH_ARGS, "headless": True,
        "playwright": pw, "python": platform.python_version(), "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "app_version": info.get("appVersion"), "pyodide": info.get("pyodideVersion"), "git": commit,
    }


# --- main ------------------------------------------------------------------------------------------

def summary(out):
    """Every target in one list: what was measured, the target, met."""
    rows = []

    def add(name, node):
        if isinstance(node, dict) and "met" in node:
            rows.append({"name": name, **{k: node[k] for k in ("value", "target", "judged_on", "met") if k in node}})

    add("ui_visible_ms", out.get("ui_visible_ms", {}).get("target"))
    add("ready_cold_ms", out.get("ready_cold_ms", {}).get("target"))
    sb = out.get("startup_vs_bare", {})
    add("ready_cold_vs_bare_pyodide", sb.get("target_cold"))
    add("ready_warm_vs_bare_pyodide", sb.get("target_warm"))
    add("ready_throttled_cold_vs_no_snapshot", sb.get("target_throttled"))
    e = out.get("edit_to_paint_ms", {})
    add("edit_to_paint_p95_24x24", e.get("24x24", {}).get("click_human_press", {}).get("target"))
    add("edit_to_paint_p95_24x24_instant_click", e.get("24x24", {}).get("click", {}).get("target"))
    add("edit_to_paint_p95_256x256_all_stages", e.get("256x256_all_stages", {}).get("click_human_press", {}).get("target"))
    add("edit_to_paint_p95_256x256_all_stages_instant_click",
        e.get("256x256_all_stages", {}).get("click", {}).get("target"))
    c = out.get("core_vs_js", {})
    add("core_ratio_256x256", c.get("256x256", {}).get("target"))
    add("core_ratio_512x512", c.get("512x512", {}).get("target"))
    d = out.get("drag_fps", {})
    add("drag_fps_24x24", d.get("24x24", {}).get("target"))
    add("drag_fps_256x256", d.get("256x256_all_stages", {}).get("target"))
    add("long_tasks", out.get("long_tasks", {}).get("target"))
    em = out.get("embeds", {})
    add("embeds_first_in_view_other_site_vs_lone", em.get("first_in_view_other_site_vs_lone"))
    add("embeds_in_view_other_site_three_far_below_vs_lone", em.get("in_view_other_site_three_far_below_vs_lone"))
    add("embeds_in_view_other_site_next_started_early_vs_lone", em.get("in_view_other_site_next_started_early_vs_lone"))
    n = out.get("network", {})
    add("network_one_digit_worker_ms", n.get("one_digit_worker_ms", {}).get("target"))
    add("network_weight_edit_forward_worker_ms", n.get("weight_edit_forward_worker_ms", {}).get("target"))
    add("network_updates_per_second", n.get("updates_per_second", {}).get("target"))
    add("network_accuracy_after_conv1_edit_worker_ms", n.get("accuracy_after_conv1_edit_worker_ms", {}).get("target"))
    add("network_accuracy_after_conv2_edit_worker_ms", n.get("accuracy_after_conv2_edit_worker_ms", {}).get("target"))
    touch = out.get("responsiveness", {}).get("first_touch", {})
    for where in ("explore", "lesson"):
        add(f"first_click_after_ready_p95_{where}", touch.get(where, {}).get("first", {}).get("target"))
        add(f"first_vs_later_click_p95_{where}", touch.get(where, {}).get("first_vs_later_p95"))
    for mode, m in touch.get("modes", {}).items():
        for control, figures in m.get("controls", {}).items():
            add(f"first_vs_later_p95_{mode}_{control.replace(' ', '_')}", figures.get("first_vs_later_p95"))
    session = out.get("responsiveness", {}).get("session", {})
    add("session_worst_control_event_timing_p95", session.get("worst_control_p95"))
    add("session_longest_interaction_event_timing", session.get("longest_interaction"))
    add("session_explore_kernel_click_to_paint_p95", session.get("explore_kernel_click_to_paint_ms", {}).get("target"))
    return rows


PLAYWRIGHT = [None]  # the running sync_playwright() object (for the persistent-profile context)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python build.py bench", description="Measure Convolution Explorer in headless Chromium.")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (about a minute)")
    ap.add_argument("--out", default=str(RESULTS), help="where to write the JSON (default: bench-results.json)")
    ap.add_argument("--only", help="run only these parts, comma-separated: loads, startup, interaction, memory, "
                                   "network, embeds, code, responsiveness, engines")
    ap.add_argument("--compare", help="a dist/ folder of another build (e.g. an older commit's) to time in the start-up part")
    args, unknown = ap.parse_known_args(argv or [])
    if unknown:
        print(f"bench: ignoring {' '.join(unknown)}", file=sys.stderr)
    reps = REPS["quick" if args.quick else "full"]
    if not (DIST / "index.html").exists():
        sys.exit("bench: dist/ is not built; run `python build.py bench`")
    if not Path(CHROMIUM).exists():
        sys.exit("bench: needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright
    from bench_engines import measure_engines  # these two import this module's helpers
    from bench_responsiveness import measure_responsiveness

    # Serve a snapshot: another build replacing dist/ mid-run must not change what is measured.
    snapshot = Path(tempfile.mkdtemp(prefix="convexplorer-bench-")) / "dist"
    shutil.copytree(DIST, snapshot)
    write_comparison_pages(snapshot)
    if args.compare:
        COMPARED[0] = Path(args.compare)
        shutil.copytree(COMPARED[0], snapshot / "compared")
    log = RequestLog()
    server = start_server(snapshot, log)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    out = {"mode": "quick" if args.quick else "full", "repetitions": reps}
    failures = []
    started = time.monotonic()
    try:
        with sync_playwright() as p:
            PLAYWRIGHT[0] = p
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + BENCH_ARGS)
            try:
                out["machine"] = machine(browser)
                for name, step in (("loads", measure_loads), ("startup", measure_startup), ("interaction", measure_interaction),
                                   ("memory", measure_heap), ("network", measure_network),
                                   ("embeds", measure_embeds), ("code", measure_code),
                                   ("responsiveness", measure_responsiveness), ("engines", measure_engines)):
                    if args.only and name not in args.only.split(","):
                        continue
                    t = time.monotonic()
                    print(f"bench: {name}…", file=sys.stderr, flush=True)
                    try:
                        step(browser, url, log, reps, out)
                    except Exception as e:
                        failures.append(name)
                        out[f"{name}_error"] = f"{type(e).__name__}: {e}"
                        traceback.print_exc(file=sys.stderr)
                    print(f"bench: {name} took {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
            finally:
                browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(snapshot.parent, ignore_errors=True)
    out.setdefault("long_tasks", {"during_cold_loads_after_fcp": out.pop("_load_longtasks", None)})
    if "machine" in out:
        m = out["machine"]
        m["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        if max(m["load_average_at_start"][0], m["load_average_at_end"][0]) > 0.5 * (m["cores_available"] or 1):
            m["caveat"] = ("other processes were using the CPU while the bench ran (see the load averages): "
                           "timings are slower and noisier than on an idle machine")
    out["targets"] = summary(out)
    out["bench_seconds"] = round(time.monotonic() - started, 1)
    text = json.dumps(out, indent=1, ensure_ascii=False)
    print(text)
    Path(args.out).write_text(text + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.modules.setdefault("bench", sys.modules[__name__])  # bench_responsiveness imports from this module, not a second copy
    sys.exit(main(sys.argv[1:]))
