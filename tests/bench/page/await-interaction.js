// Waits for the armed interaction's answer and next frame (or the timeout) and returns its record.
async (timeoutMs) => {
  const r = window.__resp, a = r.armed, t0 = performance.now();
  const left = () => Math.max(0, timeoutMs - (performance.now() - t0));
  while (!a.finished && left() > 0) await new Promise((resolve) => setTimeout(resolve, 5)); // the input may be on its way
  if (a.finished) await Promise.race([a.finished, new Promise((resolve) => setTimeout(resolve, left()))]);
  r.armed = null;
  const { finished, ...record } = a;
  record.error = a.frame !== null ? null : a.start === null ? "no input reached the page"
    : a.handled === null ? `no ${a.on} event` : `no ${a.until} within ${timeoutMs} ms`;
  r.done.push(record);
  return record;
}
