// Headless Chromium's frame rate with nothing happening: 60 requestAnimationFrame callbacks.
() => new Promise((resolve) => {
  const ts = [];
  const f = () => { ts.push(performance.now()); if (ts.length < 61) requestAnimationFrame(f);
    else resolve((ts.length - 1) * 1000 / (ts[ts.length - 1] - ts[0])); };
  requestAnimationFrame(f);
})
