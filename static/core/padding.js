// The padded input as the page draws it: the same four modes as the core
// (PyTorch's zeros, reflect, replicate, circular), so the border a learner
// sees holds the values the kernel really multiplies.

function source(i, n, mode) {
  if (i >= 0 && i < n) return i;
  if (mode === "replicate") return i < 0 ? 0 : n - 1;
  if (mode === "circular") return ((i % n) + n) % n;
  if (mode === "reflect") return i < 0 ? -i : 2 * (n - 1) - i;
  return -1; // zeros
}

/** pixels {data, height, width} padded by [before, after] on each axis → Float32Array, row-major. */
export function padImage({ data, height, width }, [before, after], mode) {
  if (before === 0 && after === 0) return data;
  const rows = height + before + after, cols = width + before + after;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const sr = source(r - before, height, mode);
    if (sr < 0) continue;
    for (let c = 0; c < cols; c++) {
      const sc = source(c - before, width, mode);
      if (sc >= 0) out[r * cols + c] = data[sr * width + sc];
    }
  }
  return out;
}
