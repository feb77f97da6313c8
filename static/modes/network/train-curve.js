// The Train panel's chart as numbers (pure, no DOM): each run's loss, smoothed over the last few
// steps, and its held-out accuracy, placed in a box. Losses run from 0 up to the largest smoothed
// one (at least log 10 ≈ 2.3, a guess's loss; at most MAX_LOSS, where a wild run is cut off);
// accuracy from 0 to 100% on the same height, read against the right-hand axis.

export const SMOOTH = 20; // steps a loss point averages: one batch's loss jumps about
export const MAX_LOSS = 5;

/** Mean of the last `over` values up to each step: (N,) → (N,). */
export function smoothed(values, over = SMOOTH) {
  const out = [];
  let sum = 0;
  values.forEach((v, i) => {
    sum += v - (i >= over ? values[i - over] : 0);
    out.push(sum / Math.min(i + 1, over));
  });
  return out;
}

/**
 * runs: [{losses, accuracy: [[step, share]], total}] → {top (the loss at the box's top), lines: per run
 * {loss: [{x, y}], accuracy: [{x, y}]}, clipped: whether a loss went past MAX_LOSS} in a box
 * {width, height, left, right, top, bottom} (margins, px). x: the step over the longest run's total.
 */
export function trainChart(runs, box) {
  const x0 = box.left, x1 = box.width - box.right, y0 = box.height - box.bottom, y1 = box.top;
  const total = Math.max(1, ...runs.map((r) => r.total));
  const smooth = runs.map((r) => smoothed(r.losses));
  const highest = Math.max(Math.log(10), ...smooth.flat());
  const top = Math.min(MAX_LOSS, Math.ceil(highest * 2) / 2);
  const xOf = (step) => x0 + (step / total) * (x1 - x0);
  const lines = runs.map((r, k) => ({
    // a point every few steps: a 2,000-step curve needs no more points than the box has pixels
    loss: smooth[k].flatMap((v, i) => (i % Math.max(1, Math.floor(total / (x1 - x0))) === 0
      ? [{ x: xOf(i + 1), y: y0 - (Math.min(v, top) / top) * (y0 - y1) }] : [])),
    accuracy: r.accuracy.map(([step, share]) => ({ x: xOf(step), y: y0 - share * (y0 - y1) })),
  }));
  return { top, lines, clipped: smooth.flat().some((v) => v > top) };
}
