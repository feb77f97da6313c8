// 1-D mode's drawings on canvases: a waveform (a second of samples squeezed into a few hundred pixels,
// each pixel column the samples' min to max), the taps as stems, and a magnitude response. Each
// canvas takes its CSS size and the screen's pixel ratio; the page redraws when either changes.

const INK = () => getComputedStyle(document.body).getPropertyValue("--ink").trim() || "#1f2430";
const MUTED = () => getComputedStyle(document.body).getPropertyValue("--muted").trim() || "#667";
const ACCENT = "#00b35a";
const SPAN = "rgba(0, 179, 90, 0.16)";

/** The canvas's 2-D context, sized to its CSS box at the device's pixel ratio: {ctx, w, h} in CSS pixels. */
function surface(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

/** data (n samples) as an envelope; span [first, last] samples shaded (the window), marks: sample indices dotted. */
export function drawWave(canvas, data, { span = null, marks = [], range = null, color = null } = {}) {
  const { ctx, w, h } = surface(canvas);
  const n = data.length;
  let lo = range?.[0] ?? Infinity, hi = range?.[1] ?? -Infinity;
  if (!range) for (const v of data) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (hi - lo < 1e-9) { hi += 1; lo -= 1; }
  const y = (v) => h - 4 - ((v - lo) / (hi - lo)) * (h - 8);
  const x = (i) => (i / n) * w;
  ctx.strokeStyle = MUTED();
  ctx.globalAlpha = 0.4;
  ctx.beginPath(); ctx.moveTo(0, y(0)); ctx.lineTo(w, y(0)); ctx.stroke(); // zero
  ctx.globalAlpha = 1;
  if (span) {
    ctx.fillStyle = SPAN;
    ctx.fillRect(x(span[0]), 0, Math.max(2, x(span[1] + 1) - x(span[0])), h);
  }
  ctx.strokeStyle = color || INK();
  ctx.lineWidth = 1;
  ctx.beginPath();
  const columns = Math.max(1, Math.floor(w));
  for (let c = 0; c < columns; c++) {
    const a = Math.floor((c / columns) * n), b = Math.max(a + 1, Math.floor(((c + 1) / columns) * n));
    let mn = Infinity, mx = -Infinity;
    for (let i = a; i < b && i < n; i++) { const v = data[i]; if (v < mn) mn = v; if (v > mx) mx = v; }
    if (mn === Infinity) continue;
    ctx.moveTo(c + 0.5, y(mx)); ctx.lineTo(c + 0.5, y(mn) + 0.5);
    if (c) ctx.lineTo(c + 0.5, y(mn));
  }
  ctx.stroke();
  ctx.fillStyle = ACCENT;
  for (const i of marks) if (i >= 0 && i < n) ctx.fillRect(x(i) - 1, y(data[i]) - 2, 3, 4);
}

/** Samples [from, to) of data as a line, on the scale of the whole signal (so that input and output
 * compare); span [first, last] shaded, marks (sample indices) dotted. Samples outside data are not drawn. */
export function drawDetail(canvas, data, { from, to, span = null, marks = [] }) {
  const { ctx, w, h } = surface(canvas);
  let lo = 0, hi = 0;
  for (const v of data) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (hi - lo < 1e-9) hi = lo + 1;
  const x = (i) => ((i - from + 0.5) / (to - from)) * w;
  const y = (v) => h - 4 - ((v - lo) / (hi - lo)) * (h - 8);
  ctx.strokeStyle = MUTED();
  ctx.globalAlpha = 0.4;
  ctx.beginPath(); ctx.moveTo(0, y(0)); ctx.lineTo(w, y(0)); ctx.stroke();
  ctx.globalAlpha = 1;
  if (span) {
    ctx.fillStyle = SPAN;
    ctx.fillRect(x(span[0] - 0.5), 0, Math.max(2, x(span[1] + 0.5) - x(span[0] - 0.5)), h);
  }
  ctx.strokeStyle = INK();
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  let started = false;
  for (let i = Math.max(from, 0); i < Math.min(to, data.length); i++) {
    if (started) ctx.lineTo(x(i), y(data[i])); else { ctx.moveTo(x(i), y(data[i])); started = true; }
  }
  ctx.stroke();
  ctx.fillStyle = ACCENT;
  for (const i of marks) if (i >= from && i < to && i >= 0 && i < data.length) {
    ctx.beginPath(); ctx.arc(x(i), y(data[i]), 2.5, 0, 2 * Math.PI); ctx.fill();
  }
}

/** taps as stems around a zero line; selected drawn in the accent colour. Returns the x of each stem. */
export function drawTaps(canvas, taps, selected) {
  const { ctx, w, h } = surface(canvas);
  const top = Math.max(1e-9, ...taps.map(Math.abs));
  const zero = h / 2, scale = (h / 2 - 8) / top;
  const step = w / taps.length;
  ctx.strokeStyle = MUTED();
  ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(0, zero); ctx.lineTo(w, zero); ctx.stroke();
  taps.forEach((v, m) => {
    const cx = (m + 0.5) * step;
    ctx.strokeStyle = ctx.fillStyle = m === selected ? ACCENT : INK();
    ctx.lineWidth = Math.max(1, Math.min(4, step / 3));
    ctx.beginPath(); ctx.moveTo(cx, zero); ctx.lineTo(cx, zero - v * scale); ctx.stroke();
    ctx.beginPath(); ctx.arc(cx, zero - v * scale, Math.max(2, Math.min(5, step / 3)), 0, 2 * Math.PI); ctx.fill();
  });
  return { step, zero, scale };
}

/** |H(f)| from 0 to nyquist Hz; marks: frequencies drawn as dashed lines with their label. */
export function drawResponse(canvas, magnitude, nyquist, marks = []) {
  const { ctx, w, h } = surface(canvas);
  const left = 34, bottom = h - 18, top = 8, right = w - 8;
  const peak = Math.max(1, ...magnitude);
  const x = (i) => left + (i / (magnitude.length - 1)) * (right - left);
  const y = (v) => bottom - (v / peak) * (bottom - top);
  ctx.fillStyle = MUTED();
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "right";
  ctx.fillText(peak.toFixed(peak < 10 ? 1 : 0), left - 4, top + 8);
  ctx.fillText("0", left - 4, bottom);
  for (const f of [0, 1000, 2000, 3000, 4000].filter((f) => f <= nyquist)) {
    ctx.textAlign = f === nyquist ? "right" : "center"; // the last label ends at the axis' end, inside the canvas
    ctx.fillText(f ? `${f / 1000} kHz` : "0 Hz", Math.min(left + (f / nyquist) * (right - left), w - 2), h - 4);
  }
  ctx.strokeStyle = MUTED();
  ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, bottom); ctx.lineTo(right, bottom); ctx.stroke();
  ctx.setLineDash([4, 3]);
  for (const { f, label } of marks) {
    const mx = left + (f / nyquist) * (right - left);
    ctx.beginPath(); ctx.moveTo(mx, top); ctx.lineTo(mx, bottom); ctx.stroke();
    ctx.textAlign = "left"; ctx.fillText(label, mx + 3, top + 10);
  }
  ctx.setLineDash([]);
  ctx.strokeStyle = ACCENT;
  ctx.lineWidth = 2;
  ctx.beginPath();
  magnitude.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
  ctx.stroke();
}

/** A causal stack's reach: mask (rows × field, row 0 the last layer's output, the last row the input), each
 * sample a dot, filled where it feeds the output; lines from each filled dot to the two it reads below.
 * dilations: input layer first. labels: one per row. */
export function drawStack(canvas, mask, field, dilations, labels) {
  const { ctx, w, h } = surface(canvas);
  const rows = mask.length / field, left = 104, right = w - 10, top = 12, bottom = h - 12;
  const x = (c) => left + (field === 1 ? 0 : (c / (field - 1)) * (right - left));
  const y = (r) => top + (rows === 1 ? 0 : (r / (rows - 1)) * (bottom - top));
  const on = (r, c) => c >= 0 && mask[r * field + c] > 0;
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = MUTED();
  ctx.textBaseline = "middle";
  labels.forEach((label, r) => ctx.fillText(label, 4, y(r)));
  ctx.strokeStyle = ACCENT;
  ctx.lineWidth = 1.25;
  for (let r = 0; r < rows - 1; r++) {
    const d = dilations[dilations.length - 1 - r]; // the layer between row r and the row below it
    for (let c = 0; c < field; c++) {
      if (!on(r, c)) continue;
      for (const below of [c, c - d]) if (on(r + 1, below)) { ctx.beginPath(); ctx.moveTo(x(c), y(r)); ctx.lineTo(x(below), y(r + 1)); ctx.stroke(); }
    }
  }
  const radius = Math.max(1.5, Math.min(4, (right - left) / field / 3));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < field; c++) {
      ctx.beginPath(); ctx.arc(x(c), y(r), radius, 0, 2 * Math.PI);
      if (on(r, c)) { ctx.fillStyle = ACCENT; ctx.fill(); } else { ctx.strokeStyle = MUTED(); ctx.stroke(); }
    }
  }
}
