// The core's time for a kernel edit (the worker's computeMs) against a naive JS convolution loop.
async ({ size, reps, seed }) => {
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
}
