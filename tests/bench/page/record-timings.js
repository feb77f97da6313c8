// The bench's init script, watching from outside: long tasks, first canvas draw, ready, each reply's computeMs.
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
  /* HOOK_WORKERS: pages.HOOK_WORKERS, which sends every message from the explorer's Python there */

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
