// Probes and sweeps as a learner reads them (pure, no DOM): a probe (state.network.probe: {dy, dx,
// angle, scale}) in words; what each sweep cell did to the digits, the probe that shows it, where a
// line chart puts its points, and the sentence under the chart. Cells are app.probes.Sweep's:
// [dy, dx] for a shift, degrees for a turn, a factor for a scaling.

import { SETTINGS } from "../../core/settings.js";

export const UNMOVED = Object.freeze({ ...SETTINGS.network.default.probe }); // the manifest's: nothing moved

/** True when probe moves the image at all. */
export const isMoved = (p) => p.dy !== 0 || p.dx !== 0 || p.angle !== 0 || p.scale !== 1;

const pct = (a) => `${(100 * a).toFixed(1)}%`;
const px = (n) => `${n} pixel${n === 1 ? "" : "s"}`;

/** "3 pixels down, 2 pixels left" | "turned 30° anticlockwise" | "scaled ×1.25"; the untouched cell says so. */
export function describeCell(kind, cell) {
  if (kind === "shift") {
    const [dy, dx] = cell;
    const parts = [dy > 0 ? `${px(dy)} down` : dy < 0 ? `${px(-dy)} up` : "", dx > 0 ? `${px(dx)} right` : dx < 0 ? `${px(-dx)} left` : ""];
    return parts.filter(Boolean).join(", ") || "not moved";
  }
  if (kind === "rotate") return cell === 0 ? "not turned" : `turned ${Math.abs(cell)}° ${cell > 0 ? "anticlockwise" : "clockwise"}`;
  return cell === 1 ? "not scaled" : `scaled ×${cell}`;
}

/** What the probe does, in words: "2 pixels down, turned 30° anticlockwise, scaled ×1.25". */
export function describeProbe(p) {
  const parts = [];
  if (p.dy || p.dx) parts.push(describeCell("shift", [p.dy, p.dx]));
  if (p.angle) parts.push(describeCell("rotate", p.angle));
  if (p.scale !== 1) parts.push(describeCell("scale", p.scale));
  return parts.join(", ") || "as it is";
}

/** The probe (network.probe) that moves a digit as the cell did. */
export function probeOf(kind, cell) {
  if (kind === "shift") return { ...UNMOVED, dy: cell[0], dx: cell[1] };
  return kind === "rotate" ? { ...UNMOVED, angle: cell } : { ...UNMOVED, scale: cell };
}

/**
 * A line chart of accuracy (0 to 1, bottom to top) against the cells' values (left to right) in a
 * box {width, height, left, right, top, bottom} (margins in px). Cells not yet measured (null) get
 * no point. Returns {points: [{i, x, y}], xTicks: [{x, label}], yTicks: [{y, label}]}.
 */
export function lineChart(cells, accuracy, box) {
  const x0 = box.left, x1 = box.width - box.right, y0 = box.height - box.bottom, y1 = box.top;
  const lo = cells[0], hi = cells[cells.length - 1];
  const xOf = (v) => x0 + ((v - lo) / (hi - lo)) * (x1 - x0);
  const yOf = (a) => y0 - a * (y0 - y1);
  const points = [];
  accuracy.forEach((a, i) => a !== null && points.push({ i, x: xOf(cells[i]), y: yOf(a) }));
  const every = Math.max(1, Math.round((cells.length - 1) / 4));
  const xTicks = cells.flatMap((v, i) => (i % every === 0 || i === cells.length - 1 ? [{ x: xOf(v), label: String(v) }] : []));
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((a) => ({ y: yOf(a), label: `${100 * a}%` }));
  return { points, xTicks, yTicks };
}

/** The point whose x is nearest x (a pointer or a tap on the chart): its cell index, or null when none. */
export function nearest(points, x) {
  let best = null;
  for (const p of points) if (!best || Math.abs(p.x - x) < Math.abs(best.x - x)) best = p;
  return best ? best.i : null;
}

/** The sentence under a finished (or partial) sweep: the untouched accuracy, then what moving does. */
export function summary(kind, cells, accuracy) {
  const at = (pick) => {
    const i = cells.findIndex(pick);
    return i < 0 || accuracy[i] === null ? null : accuracy[i];
  };
  const parts = [];
  if (kind === "shift") {
    const ring = (d) => {
      const values = cells.flatMap(([dy, dx], i) => (Math.max(Math.abs(dy), Math.abs(dx)) === d && accuracy[i] !== null ? [accuracy[i]] : []));
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
    };
    parts.push(["Not moved", at(([dy, dx]) => dy === 0 && dx === 0)]);
    const rings = [1, 2, 4, 8].filter((d) => ring(d) !== null);
    if (rings.length) {
      parts.push([`moved ${rings.join(", ")} pixels (the average of every direction)`, null, rings.map((d) => pct(ring(d))).join(", ")]);
    }
  } else if (kind === "rotate") {
    parts.push(["Not turned", at((a) => a === 0)]);
    for (const a of [15, 30, 60]) {
      const left = at((v) => v === a), right = at((v) => v === -a);
      if (left !== null && right !== null) parts.push([`turned ${a}°`, null, `${pct(right)} clockwise, ${pct(left)} anticlockwise`]);
    }
  } else {
    parts.push(["Not scaled", at((s) => s === 1)]);
    for (const s of [0.5, 0.75, 1.25, 1.5]) parts.push([`×${s}`, at((v) => v === s)]);
  }
  const said = parts.filter(([, a, text]) => a !== null || text).map(([what, a, text]) => `${what}: ${text ?? pct(a)}`);
  return said.length ? `${said.join("; ")}.` : "";
}
