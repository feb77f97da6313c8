// Times each real click on the selected control: click event → the app's paint → the next frame.
(selector) => {
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
}
