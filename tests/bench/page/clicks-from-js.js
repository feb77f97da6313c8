// The same click dispatched from page JS (button.click()): no real input, same app path.
async ({ selector, n, gap }) => {
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
}
