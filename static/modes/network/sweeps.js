// Network mode's "Sweeps" panel: the held-out accuracy of the network as it is now against a shift
// (a heat map over dy, dx from −8 to 8), a turn (−60° to 60°) or a scaling (×0.5 to ×1.5), measured
// in the worker a part at a time (app.api.network_sweep) when the learner presses Measure (it takes
// seconds of a core: a view that merely opens, or a lesson's frame, does not start one), painted as the
// parts arrive, with a progress bar and Cancel. Choosing a cell (click, tap, or arrow keys and Enter) lists digits that
// the network reads right as they are and wrong there; opening one shows it moved.

import { GridView } from "../../views/grid.js";
import { el } from "../../views/dom.js";
import { cssColor } from "../../views/colormap.js";
import { describeCell, lineChart, nearest, probeOf, summary } from "./probes.js";

const $ = (id) => document.getElementById(id);
const pct = (a) => `${(100 * a).toFixed(1)}%`;
const WHAT = {
  shift: "each digit moved by whole pixels: 8 left to 8 right across, 8 up to 8 down the side; the centre is where it was",
  rotate: "each digit turned about its centre, from 60° clockwise to 60° anticlockwise",
  scale: "each digit scaled about its centre, from half to one and a half times its size",
};
const BOX = { left: 34, right: 18, top: 8, bottom: 22 }; // room for the axes' labels

export class SweepPanel {
  /** call(request) → the worker's answer (app.api.network_sweep); open(digit, probe): show a digit moved;
   *  labelOf(digit): its class's name; say(text). */
  constructor({ call, open, labelOf, say }) {
    Object.assign(this, { call, open, labelOf, say });
    this.results = {}; // kind → {key, cells, accuracy, measured, total, done, cancelled}
    this.running = null; // {kind, key, token}
    this.selected = {}; // kind → the chosen cell's index
    this.kind = "shift";
    this.map = new GridView($("net-sweep-map"), { maxPx: 204, label: "Held-out accuracy for every shift" });
    this.map.onCell((cell, kind) => kind === "down" && cell && this.choose(cell.row * 17 + cell.col));
    // the legend's ramp is the heat map's own colours
    const stops = Array.from({ length: 7 }, (_, i) => cssColor(i / 6, "sequential", [0, 1]));
    $("net-sweep-legend").style.setProperty("--ramp", `linear-gradient(to right, ${stops.join(", ")})`);
    this.line = $("net-sweep-line");
    this.line.addEventListener("pointerdown", (e) => {
      const result = this.results[this.kind];
      if (!result) return;
      const r = this.line.getBoundingClientRect();
      const i = nearest(this.chart(result).points, e.clientX - r.left);
      if (i !== null) this.choose(i);
    });
    for (const canvas of [$("net-sweep-map"), this.line]) {
      canvas.tabIndex = 0;
      canvas.addEventListener("keydown", (e) => this.onKey(e));
    }
    $("net-sweep-run").addEventListener("click", () => this.run(this.kind, this.weightsKey));
    $("net-sweep-cancel").addEventListener("click", () => this.cancel());
  }

  /** The panel is showing kind for the weights named by key (the model and its edits). */
  show(kind, key) {
    this.kind = kind;
    this.weightsKey = key;
    this.paint();
  }

  /** Measure kind from the start with the weights as they are now; painting each part as it comes. */
  async run(kind, key) {
    const token = {};
    this.running = { kind, key, token };
    this.results[kind] = null;
    delete this.selected[kind];
    this.paint();
    try {
      let out = await this.call({ start: kind });
      while (this.running?.token === token) {
        this.results[kind] = { key, ...out };
        if (this.kind === kind) this.paint();
        if (out.done) break;
        out = await this.call({ step: true });
      }
    } catch (err) {
      if (this.running?.token === token) this.say(`The sweep stopped: ${err.message}`);
    }
    if (this.running?.token === token) this.running = null;
    this.paint();
  }

  cancel() {
    if (!this.running) return;
    const { kind } = this.running;
    this.running = null;
    if (this.results[kind]) this.results[kind].cancelled = true;
    this.call({ stop: true }).catch(() => {});
    this.paint();
  }

  /** The cell chosen: say its accuracy and list the digits that flip there. */
  async choose(i) {
    const result = this.results[this.kind];
    if (!result || result.accuracy[i] === null) return;
    this.selected[this.kind] = i;
    this.paint();
    const kind = this.kind;
    let flips = [];
    try {
      flips = (await this.call({ flips: i })).flips;
    } catch { /* the sweep was stopped or the worker restarted: no list */ }
    if (this.kind !== kind || this.selected[kind] !== i) return;
    const cell = result.cells[i];
    const buttons = flips.map(([digit, answer]) => el("button", {
      type: "button", textContent: `#${digit + 1}: ${this.labelOf(digit)} → ${answer}`,
      title: `Held-out digit ${digit + 1}, a ${this.labelOf(digit)}, ${describeCell(kind, cell)}: read as ${answer}`,
      onclick: () => this.open(digit, probeOf(kind, cell)),
    }));
    $("net-sweep-flips").dataset.cell = String(i);
    $("net-sweep-flips").replaceChildren(...(buttons.length ? [el("span", { textContent: "Digits read right as they are, wrong here: " }), ...buttons]
      : [el("span", { textContent: result.done ? "No digit the network reads right flips here." : "None found among the digits measured so far." })]));
  }

  onKey(e) {
    const result = this.results[this.kind];
    if (!result) return;
    const n = result.cells.length;
    const at = this.selected[this.kind] ?? result.cells.findIndex((c) => (Array.isArray(c) ? c[0] === 0 && c[1] === 0 : c === (this.kind === "rotate" ? 0 : 1)));
    const step = this.kind === "shift" ? { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -17, ArrowDown: 17 }[e.key]
      : { ArrowLeft: -1, ArrowRight: 1 }[e.key];
    if (step !== undefined) {
      e.preventDefault();
      const next = at + step;
      if (next >= 0 && next < n && !(this.kind === "shift" && Math.abs(step) === 1 && Math.floor(next / 17) !== Math.floor(at / 17))) this.choose(next);
    } else if (e.key === "Enter" && $("net-sweep-flips").querySelector("button")) {
      e.preventDefault();
      $("net-sweep-flips").querySelector("button").click();
    }
  }

  chart(result) {
    const width = this.line.clientWidth || 260, height = 150;
    return { width, height, ...lineChart(result.cells, result.accuracy, { width, height, ...BOX }) };
  }

  paint() {
    const kind = this.kind;
    const result = this.results[kind];
    const running = this.running?.kind === kind;
    for (const input of document.querySelectorAll('input[name="net-sweep"]')) input.checked = input.value === kind;
    $("net-sweep-what").textContent = `Accuracy on the held-out digits, ${WHAT[kind]}.`;
    $("net-sweep-map-holder").hidden = kind !== "shift";
    this.line.hidden = kind === "shift";
    const progress = $("net-sweep-progress");
    progress.value = result ? result.measured / result.total : 0;
    $("net-sweep-run").hidden = running;
    $("net-sweep-run").textContent = result ? "Measure again" : "Measure";
    $("net-sweep-cancel").hidden = !running;
    const stale = result && result.key !== this.weightsKey;
    $("net-sweep-status").textContent = !result ? (running ? "Starting…" : "Every setting, all 2,000 digits: about ten seconds.")
      : `${result.measured.toLocaleString("en-US")} of ${result.total.toLocaleString("en-US")} digits` +
        (result.done ? "" : result.cancelled ? " (cancelled)" : "…") + (stale ? "; the weights have changed since" : "");
    $("net-sweep-status").dataset.done = String(!!result?.done);
    $("net-sweep-summary").textContent = result ? summary(kind, result.cells, result.accuracy) : "";
    const i = this.selected[kind];
    $("net-sweep-cell").textContent = result && i !== undefined
      ? `${describeCell(kind, result.cells[i])}: ${pct(result.accuracy[i])}` : result ? "Choose a cell to see digits that flip there." : "";
    if (i === undefined) {
      $("net-sweep-flips").replaceChildren();
      delete $("net-sweep-flips").dataset.cell;
    }
    if (!result) {
      this.map.update({ data: new Float32Array(289).fill(NaN), height: 17, width: 17, colormap: "sequential", range: [0, 1] });
      this.drawLine(null);
      return;
    }
    if (kind === "shift") {
      this.map.update({ data: Float32Array.from(result.accuracy, (a) => (a === null ? NaN : a)), height: 17, width: 17, colormap: "sequential", range: [0, 1] });
      this.map.setOverlay(i === undefined ? {} : { cell: { row: Math.floor(i / 17), col: i % 17 } });
    } else this.drawLine(result);
  }

  /** What getState().network.sweeps says: each kind measured, {accuracy, cells, measured, total, done, current}. */
  summary() {
    return Object.fromEntries(Object.entries(this.results).filter(([, r]) => r).map(([kind, r]) => [kind,
      { cells: r.cells, accuracy: r.accuracy, measured: r.measured, total: r.total, done: r.done, current: r.key === this.weightsKey }]));
  }

  /** The line chart of a turn or scale sweep, in the page's colours. */
  drawLine(result) {
    const canvas = this.line;
    if (canvas.hidden) return;
    const dpr = window.devicePixelRatio || 1;
    const { width, height, points, xTicks, yTicks } = result ? this.chart(result) : { width: canvas.clientWidth || 260, height: 150, points: [], xTicks: [], yTicks: [] };
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const style = getComputedStyle(canvas);
    const ink = style.color, line = style.getPropertyValue("--line").trim() || "#ccc";
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = ink;
    ctx.strokeStyle = line;
    ctx.lineWidth = 1;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of yTicks) {
      ctx.beginPath();
      ctx.moveTo(BOX.left, t.y);
      ctx.lineTo(width - BOX.right, t.y);
      ctx.stroke();
      ctx.fillText(t.label, BOX.left - 4, t.y);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const unit = this.kind === "rotate" ? "°" : "×";
    for (const t of xTicks) ctx.fillText(unit === "°" ? `${t.label}°` : `×${t.label}`, t.x, height - BOX.bottom + 5);
    if (!points.length) return;
    ctx.strokeStyle = "#2c7fb8";
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach((p, k) => (k ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
    ctx.stroke();
    ctx.fillStyle = "#2c7fb8";
    const chosen = this.selected[this.kind];
    for (const p of points) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, p.i === chosen ? 5 : 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}
