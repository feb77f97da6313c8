// For a course page that embeds Convolution Explorer: include it once, beside the embed codes,
//   <script src="https://<the explorer's site>/static/embed-resize.js" async></script>
// and each explorer's frame takes the height its view needs at the frame's width. The explorer
// reports its height ({type: "size", height}); this sets the frame's height and tells the explorer
// ({type: "autosize"}), which then lays itself out for its width alone. Without this script (a host
// that strips scripts) a frame keeps the size its code gives it: the column's width, a fixed ratio.
// A classic script, not a module, and no inline code: it runs under a strict Content-Security-Policy
// that allows this site's scripts.
//
// It also starts an explorer further down the page before the reader scrolls to it. An explorer waits
// until it is near the view before it loads, but a browser tells a frame of another site only when it
// is in view; this page sees more. Once every explorer in view is ready (so none of them is slowed),
// it says {type: "near"} to those within a screen of the view.
(() => {
  const site = new URL(document.currentScript.src).origin; // only the explorer's own messages count
  const MAX_PX = 20000;
  const PATIENCE_MS = 20000; // an explorer in view that never says ready (it failed) holds no one back
  const frames = new Map(); // each explorer's iframe, watched -> {inView, near, since (ms it came into view), waiting, ready}
  const ours = (frame) => { try { return new URL(frame.src, location.href).origin === site; } catch { return false; } };
  const frameOf = (source) => [...document.querySelectorAll("iframe")].find((f) => f.contentWindow === source);

  let timer = null;
  function tellNear() {
    const now = performance.now();
    const starting = [...frames.values()].filter((f) => f.inView && !f.ready && now - f.since < PATIENCE_MS);
    clearTimeout(timer);
    if (starting.length) {
      const left = Math.min(...starting.map((f) => f.since + PATIENCE_MS - now));
      timer = setTimeout(tellNear, left + 1);
      return;
    }
    for (const [frame, f] of frames) {
      if (!f.near) continue;
      // A lazy frame this far down may not have loaded (WebKit loads one only at the view's edge).
      if (frame.loading === "lazy") frame.loading = "eager";
      if (!f.waiting) continue;
      f.waiting = false;
      frame.contentWindow?.postMessage({ type: "near" }, site);
    }
  }

  const watch = (key, margin) => typeof IntersectionObserver === "function" && new IntersectionObserver((entries) => {
    for (const { target, isIntersecting } of entries) {
      const f = frames.get(target);
      if (key === "inView" && isIntersecting && !f.inView) f.since = performance.now();
      f[key] = isIntersecting;
    }
    tellNear();
  }, { rootMargin: margin });
  const observers = [watch("inView", "0px"), watch("near", "100% 0px")].filter(Boolean);
  const observe = (frame) => {
    if (frames.has(frame)) return;
    frames.set(frame, {});
    observers.forEach((o) => o.observe(frame));
  };
  // The frames on the page now; one added later is watched from its first message.
  document.querySelectorAll("iframe").forEach((frame) => ours(frame) && observe(frame));

  addEventListener("message", (event) => {
    const { data, source } = event;
    if (event.origin !== site || !data) return;
    const frame = frameOf(source);
    if (!frame) return;
    observe(frame);
    const f = frames.get(frame);
    // "waiting": an explorer has loaded and waits until it is near; any other message: it is running.
    f.waiting = data.type === "waiting";
    if (data.type === "waiting" || data.type === "ready") {
      f.ready ||= data.type === "ready";
      return void tellNear();
    }
    if (data.type !== "size") return;
    const height = Math.ceil(Number(data.height));
    if (!(height > 0 && height <= MAX_PX)) return;
    if (!frame.dataset.convexplorerAutosize) {
      frame.dataset.convexplorerAutosize = "on";
      source.postMessage({ type: "autosize" }, site);
    }
    frame.style.aspectRatio = "auto";
    frame.style.height = `${height}px`;
  });
})();
