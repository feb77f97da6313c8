// Network mode's open filter: its kernels (one per input channel, each weight
// editable as in the explorer), its bias, and its sum at a cell written out
// channel by channel.

import { KernelView } from "../../views/kernel.js";
import { formatNumber } from "../../views/colormap.js";
import { el } from "../../views/dom.js";

const $ = (id) => document.getElementById(id);

export class FilterDetail {
  /** onWeight(index in the flat weights, value), onBias(value): edits; say(text): a problem. */
  constructor({ onWeight, onBias, say }) {
    Object.assign(this, { onWeight, onBias, say });
    this.shownFor = null;
    $("net-bias").addEventListener("change", (e) => {
      const v = Number(e.target.value.trim().replace("\u2212", "-"));
      if (e.target.value.trim() === "" || !Number.isFinite(v) || Math.abs(v) > 1000) {
        this.say(`"${e.target.value}" is not a bias from −1000 to 1000; the bias is unchanged.`);
        e.target.value = String(this.filter.b);
        return;
      }
      this.onBias(v);
    });
  }

  /**
   * filter: {f, shape: [Cin, K, K], w (flat, edits applied), b, edited}; convNumber counts convolutions from 1.
   * Rebuilt only when the filter or its numbers change (drawing changes nothing here).
   */
  update(filter, convNumber) {
    this.filter = filter;
    const key = JSON.stringify([convNumber, filter.f, filter.w, filter.b]);
    if (key === this.shownFor) return;
    this.shownFor = key;
    const [cin, k] = filter.shape;
    $("net-detail-title").textContent = `Convolution ${convNumber}, filter ${filter.f + 1}${filter.edited ? " (edited)" : ""}`;
    $("net-detail-note").textContent = `${cin} kernel${cin > 1 ? "s" : ""} ${k}×${k}, one per input channel, ` +
      `and a bias: ${cin * k * k + 1} numbers make this map.`;
    const kernels = Array.from({ length: cin }, (_, c) => {
      const kernel = Array.from({ length: k }, (_, r) => filter.w.slice((c * k + r) * k, (c * k + r + 1) * k));
      const grid = el("div", { className: "kernel-grid small net-kernel" });
      grid.setAttribute("role", "group");
      grid.setAttribute("aria-label", `Kernel for input channel ${c + 1}`);
      const view = new KernelView(grid, $("net-weight"), $("net-weight-label"), {
        name: `Channel ${c + 1} kernel`,
        onChange: (row, col, value, problem) => (problem ? this.say(problem) : this.onWeight((c * k + row) * k + col, value)),
      });
      view.update(kernel);
      return el("div", { className: "net-kernel-box" }, el("span", { className: "dims", textContent: `in ${c + 1}` }), grid);
    });
    $("net-kernels").replaceChildren(...kernels);
    // Many kernels: colours only (the selected weight's value is in the field below), so they fit beside the maps.
    $("net-kernels").classList.toggle("compact", cin > 2);
    if (document.activeElement !== $("net-bias")) $("net-bias").value = String(Number(filter.b.toPrecision(6)));
  }

  /**
   * The sum at cell {row, col} of the filter's map: kernel × the window of each input map, plus the bias.
   * layer: the conv layer (stride, padding, shape); source: its input {shape: [C, H, W], data};
   * map: its output {data}, to show Python's value beside the sum.
   */
  arithmetic(layer, source, map, cell) {
    const { f, shape: [cin, k], w: weights, b } = this.filter;
    const [, outH, outW] = layer.shape;
    const [, h, w] = source.shape;
    const partials = [];
    for (let c = 0; c < cin; c++) {
      let sum = 0;
      for (let m = 0; m < k; m++) {
        for (let n = 0; n < k; n++) {
          const r = cell.row * layer.stride + m - layer.padding, col = cell.col * layer.stride + n - layer.padding;
          if (r >= 0 && col >= 0 && r < h && col < w) sum += weights[(c * k + m) * k + n] * source.data[(c * h + r) * w + col];
        }
      }
      partials.push(sum);
    }
    const total = partials.reduce((a, v) => a + v, 0) + b;
    const terms = partials.map((v, c) => (cin > 1 ? `in ${c + 1}: ` : "") + formatNumber(v, 3));
    const line = $("net-arithmetic");
    line.textContent = `At row ${cell.row + 1}, column ${cell.col + 1}: ` +
      `${cin > 1 ? `${cin} sums of ${k * k} products` : `sum of ${k * k} products`} ` +
      `(${terms.join(", ")}) + bias ${formatNumber(b, 3)} = ${formatNumber(total, 3)}`;
    line.dataset.value = String(map.data[(f * outH + cell.row) * outW + cell.col]);
    line.dataset.sum = String(total);
  }
}
