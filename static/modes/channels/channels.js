// Channels mode: a colour image is three channels, and a filter is a stack of
// three kernels, one per channel. Each kernel makes a partial map from its
// channel; the partial maps and the bias add up to the filter's output map.
// A depthwise separable layer does it in two steps: one kernel per channel,
// then 1×1 weights that mix the channels. Every weight is editable.
//
// The layer is state.channels (see state.js); Python computes every stage
// (app.pipeline.run_channels). This module draws them and edits them.

import { GridView } from "../../views/grid.js";
import { KernelView, cycleValue } from "../../views/kernel.js";
import { rangeOf, formatNumber } from "../../views/colormap.js";
import { padAmounts, withWeight, resizeKernel } from "../../core/state.js";
import { padImage } from "../../core/padding.js";
import { splitStages, stageRows } from "../../core/compute.js";

const $ = (id) => document.getElementById(id);
const NAMES = ["red", "green", "blue"];
const MAP_PX = 132;

/** Padding (before, after) of a colour layer: its kernels are square and never dilated. */
const pads = (layer, kernel) => padAmounts({ padding: layer.padding, dilation: 1, kernel });

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

/** Parameters and multiply-adds of a standard and a depthwise separable layer with these sizes. */
export function layerCosts(k, cin, cout, outCells) {
  const standard = k * k * cin * cout + cout;
  const separable = k * k * cin + cin * cout + cout;
  return {
    standard, separable, ratio: standard / separable,
    standardMacs: k * k * cin * cout * outCells, separableMacs: (k * k * cin + cin * cout) * outCells,
  };
}

export class ChannelsMode {
  /** set(partialChannels): ask for a change; say(text): a message; builtins: the page's data. */
  constructor({ compute, builtins, set, say }) {
    Object.assign(this, { compute, builtins, set, say });
    this.custom = null; // an uploaded colour image: {data (3·H·W), height, width}
    this.result = null;
    this.layer = null;
    this.inputs = NAMES.map((name, c) => new GridView($(`ch-input-${c}`), { maxPx: 144, label: `${name} channel` }));
    this.inputs.forEach((view) => view.onCell((cell, kind) => {
      if (cell && (kind === "down" || kind === "move")) this.moveWindow(cell.row - 1, cell.col - 1);
    }));
    const select = $("ch-image");
    for (const [name, img] of Object.entries(builtins.images)) if (img.channels === 3) select.append(new Option(img.title, name));
    select.append(Object.assign(new Option("Your image", "custom"), { disabled: true }));
    select.addEventListener("change", () => this.set({ image: select.value }));
    $("ch-filters").addEventListener("change", (e) => this.resizeFilters(Number(e.target.value)));
    $("ch-size").addEventListener("change", (e) => this.resizeKernels(Number(e.target.value)));
    $("ch-stride").addEventListener("change", (e) => this.set({ stride: Number(e.target.value) }));
    $("ch-padding").addEventListener("change", (e) => this.set({ padding: e.target.value === "same" ? "same" : Number(e.target.value) }));
    $("ch-separable").addEventListener("change", (e) => this.set({ separable: e.target.checked }));
    $("ch-upload").addEventListener("change", (e) => { this.upload(e.target.files[0]); e.target.value = ""; });
  }

  /** The colour image of layer: {data: Float32Array (3·H·W, planar), height, width}. */
  async pixels(layer) {
    if (layer.image === "custom" && this.custom) return this.custom;
    const img = this.builtins.images[layer.image];
    if (!img || img.channels !== 3) throw new RangeError(`There is no colour image "${layer.image.slice(0, 40)}".`);
    return { data: Float32Array.from(img.pixels, (v) => v / 255), height: img.height, width: img.width };
  }

  /** Every stage of layer, computed by Python: {stages: [{name, shape, data}], image}; throws a readable Error. */
  async run(layer) {
    const image = await this.pixels(layer);
    const settings = {
      stride: layer.stride, padding: layer.padding, separable: layer.separable, filters: layer.filters,
      depthwise: layer.depthwise, pointwise: layer.pointwise, biases: layer.biases,
    };
    const out = await this.compute.call("channels", { settings, pixels: image.data, shape: [3, image.height, image.width] });
    return { stages: splitStages(out), image };
  }

  stage(name) {
    return this.result.stages.find((s) => s.name === name);
  }

  /** Draw layer and its computed result. */
  paint(result, layer) {
    this.result = result;
    this.layer = layer;
    const { image } = result;
    const pad = pads(layer, this.kernelSize(layer));
    const plane = image.height * image.width;
    this.padded = NAMES.map((_, c) => {
      const channel = { data: image.data.subarray(c * plane, (c + 1) * plane), height: image.height, width: image.width };
      const padded = padImage(channel, pad, "zeros");
      this.inputs[c].update({ data: channel.data, padded, height: image.height, width: image.width, pad,
        colormap: NAMES[c], range: [0, 1] });
      return padded;
    });
    $("ch-image").value = layer.image in this.builtins.images ? layer.image : "custom";
    $("ch-filters").value = String(layer.filters.length);
    $("ch-size").value = String(this.kernelSize(layer).length);
    $("ch-stride").value = String(layer.stride);
    $("ch-padding").value = String(layer.padding === "valid" ? 0 : layer.padding);
    $("ch-separable").checked = layer.separable;
    $("channels-mode").dataset.separable = String(layer.separable);
    if (layer.separable) this.paintSeparable(layer); else this.paintStandard(layer);
    this.paintCosts(layer);
    this.paintWindow();
  }

  kernelSize(layer) {
    return layer.separable ? layer.depthwise[0] : layer.filters[0].kernels[0];
  }

  /** A small map panel: a caption and a grid; maps that add up share one colour range. */
  map(caption, stage, range, onCell = null) {
    const canvas = el("canvas", { className: "grid-canvas" });
    const view = new GridView(canvas, { maxPx: MAP_PX, label: caption });
    view.update({ data: stage.data, height: stage.shape[0], width: stage.shape[1], colormap: "diverging", range });
    if (onCell) view.onCell(onCell);
    return { node: el("figure", { className: "ch-map" }, el("figcaption", { textContent: caption }), canvas), view };
  }

  kernelEditor(kernel, name, onChange, tint) {
    const grid = el("div", { className: `kernel-grid small tint-${tint}` });
    grid.setAttribute("role", "group");
    grid.setAttribute("aria-label", name);
    const view = new KernelView(grid, null, null, { name, onChange: (r, c, v) => onChange(r, c, v) });
    view.update(kernel);
    return grid;
  }

  /** One symmetric colour range for several maps, so that equal numbers get equal colours. */
  sharedRange(names) {
    const m = Math.max(...names.map((n) => rangeOf(this.stage(n).data, "diverging")[1]));
    return [-m, m];
  }

  paintStandard(layer) {
    this.outputViews = [];
    const rows = layer.filters.map((filter, f) => {
      const range = this.sharedRange([0, 1, 2].map((c) => `partial ${f} ${c}`).concat(`output ${f}`));
      const kernels = filter.kernels.map((k, c) => el("div", { className: "ch-kernel" },
        el("span", { className: `ch-label tint-${NAMES[c]}`, textContent: NAMES[c] }),
        this.kernelEditor(k, `Filter ${f + 1}, ${NAMES[c]} kernel`, (r, col, v) => this.editKernel(f, c, r, col, v), NAMES[c])));
      const bias = el("input", { type: "number", step: "0.1", value: String(filter.bias), className: "ch-bias" });
      bias.setAttribute("aria-label", `Filter ${f + 1} bias`);
      bias.addEventListener("change", () => this.setBias(f, bias.value));
      const partials = NAMES.map((name, c) => this.map(`${name} part`, this.stage(`partial ${f} ${c}`), range).node);
      const output = this.map(`filter ${f + 1} output`, this.stage(`output ${f}`), range,
        (cell, kind) => cell && kind !== "leave" && this.pickOutput(f, cell));
      this.outputViews.push(output.view);
      return el("div", { className: `ch-filter${f === layer.selected ? " selected" : ""}` },
        el("h3", {}, `Filter ${f + 1} `, el("span", { className: "dims", textContent: `colours ±${formatNumber(range[1])}` })),
        el("div", { className: "ch-kernels" }, ...kernels, el("label", { className: "ch-bias-label" }, "bias ", bias)),
        el("div", { className: "ch-sum" }, partials[0], el("span", { className: "op", textContent: "+" }), partials[1],
          el("span", { className: "op", textContent: "+" }), partials[2],
          el("span", { className: "op", textContent: `+ ${formatNumber(filter.bias)} =` }), output.node));
    });
    $("ch-layer").replaceChildren(...rows);
  }

  paintSeparable(layer) {
    this.outputViews = [];
    const depthRange = this.sharedRange(NAMES.map((_, c) => `depthwise ${c}`));
    const depth = NAMES.map((name, c) => el("div", { className: "ch-kernel" },
      el("span", { className: `ch-label tint-${name}`, textContent: name }),
      this.kernelEditor(layer.depthwise[c], `Depthwise ${name} kernel`, (r, col, v) => this.editDepthwise(c, r, col, v), name),
      this.map(`${name} → depthwise`, this.stage(`depthwise ${c}`), depthRange).node));
    const outputs = layer.pointwise.map((row, f) => {
      const weights = row.map((w, c) => {
        const b = el("button", { type: "button", className: `ch-weight tint-${NAMES[c]}`, textContent: formatNumber(w) });
        b.setAttribute("aria-label", `Filter ${f + 1}, weight on the ${NAMES[c]} depthwise map: ${formatNumber(w)}`);
        b.addEventListener("click", (e) => this.editPointwise(f, c, cycleValue(w, e.shiftKey ? -1 : 1)));
        return b;
      });
      const range = this.sharedRange([`output ${f}`, `standard ${f}`]);
      const output = this.map(`filter ${f + 1}, separable`, this.stage(`output ${f}`), range,
        (cell, kind) => cell && kind !== "leave" && this.pickOutput(f, cell));
      this.outputViews.push(output.view);
      const k = layer.depthwise[0].length;
      const standard = this.map(`the standard layer's filter ${f + 1} (${k * k * 3} weights)`, this.stage(`standard ${f}`), range);
      return el("div", { className: `ch-filter${f === layer.selected ? " selected" : ""}` },
        el("h3", { textContent: `Filter ${f + 1}: 1×1 weights` }), el("div", { className: "ch-weights" }, ...weights,
          el("span", { textContent: `+ ${formatNumber(layer.biases[f])}` })), output.node,
        el("span", { className: "op", textContent: "beside" }), standard.node);
    });
    $("ch-layer").replaceChildren(
      el("div", { className: "ch-depthwise" }, el("h3", { textContent: "Depthwise: one kernel per channel" }), ...depth),
      el("div", { className: "ch-pointwise" }, el("h3", { textContent: "Pointwise: mix the channels" }), ...outputs));
  }

  paintCosts(layer) {
    const k = this.kernelSize(layer).length, cout = layer.filters.length;
    const out = this.stage("output 0").shape;
    const c = layerCosts(k, 3, cout, out[0] * out[1]);
    const fmt = (n) => n.toLocaleString("en-US");
    $("ch-costs").textContent =
      `Standard layer: ${k}·${k}·3·${cout} + ${cout} = ${fmt(c.standard)} parameters, ${fmt(c.standardMacs)} multiply-adds. ` +
      `Depthwise separable: ${k}·${k}·3 + 3·${cout} + ${cout} = ${fmt(c.separable)} parameters, ` +
      `${fmt(c.separableMacs)} multiply-adds: ${c.ratio.toFixed(1)}× fewer parameters.`;
  }

  // --- the window and the arithmetic across channels ---------------------------------------

  outShape() {
    return this.stage("output 0").shape;
  }

  moveWindow(row, col) {
    const layer = this.layer;
    const [before] = pads(layer, this.kernelSize(layer));
    const [h, w] = this.outShape();
    const clamp = (v, n) => Math.min(Math.max(v, 0), n - 1);
    const i = clamp(Math.round((row + before) / layer.stride), h), j = clamp(Math.round((col + before) / layer.stride), w);
    this.layer = { ...layer, window: { row: i * layer.stride - before, col: j * layer.stride - before } };
    this.paintWindow();
    this.set({ window: this.layer.window, selected: this.layer.selected }, { quiet: true });
  }

  pickOutput(f, cell) {
    const layer = this.layer;
    const [before] = pads(layer, this.kernelSize(layer));
    if (f !== layer.selected) {
      this.layer = { ...layer, selected: f };
      document.querySelectorAll(".ch-filter").forEach((n, i) => n.classList.toggle("selected", i === f));
    }
    this.moveWindow(cell.row * layer.stride - before, cell.col * layer.stride - before);
  }

  paintWindow() {
    const layer = this.layer;
    const kernel = this.kernelSize(layer), k = kernel.length;
    const [before, after] = pads(layer, kernel);
    const { row, col } = layer.window;
    this.inputs.forEach((v) => v.setOverlay({ window: { row, col, size: k } }));
    const [, w] = this.outShape();
    const out = { row: (row + before) / layer.stride, col: (col + before) / layer.stride };
    this.outputViews.forEach((v, f) => v.setOverlay(f === layer.selected ? { cell: out } : {}));
    const cols = this.result.image.width + before + after;
    const patch = (c) => kernel.map((_, m) => kernel.map((__, n) => this.padded[c][(row + before + m) * cols + col + before + n]));
    const f = layer.selected;
    const value = this.stage(`output ${f}`).data[out.row * w + out.col];
    let lines;
    if (layer.separable) {
      const depth = NAMES.map((_, c) => this.stage(`depthwise ${c}`).data[out.row * w + out.col]);
      lines = NAMES.map((name, c) => `${name}: depthwise ${formatNumber(depth[c], 3)} × ${formatNumber(layer.pointwise[f][c])}`);
      lines.push(`+ bias ${formatNumber(layer.biases[f])} = ${formatNumber(value, 3)}`);
    } else {
      const sums = NAMES.map((_, c) => {
        const p = patch(c), kk = layer.filters[f].kernels[c];
        return p.reduce((s, r, m) => s + r.reduce((t, v, n) => t + v * kk[m][n], 0), 0);
      });
      lines = NAMES.map((name, c) => `${name}: Σ patch × kernel = ${formatNumber(sums[c], 3)}`);
      lines.push(`+ bias ${formatNumber(layer.filters[f].bias)} = ${formatNumber(value, 3)}`);
      $("ch-inspector").dataset.sum = String(sums.reduce((a, b) => a + b, 0) + layer.filters[f].bias);
    }
    $("ch-inspector-title").textContent = `Filter ${f + 1} at output row ${out.row + 1}, column ${out.col + 1}`;
    $("ch-inspector-lines").replaceChildren(...lines.map((t) => el("li", { textContent: t })));
    $("ch-inspector").dataset.value = String(value);
  }

  // --- edits: each one asks for a new layer through set() ------------------------------------

  editKernel(f, c, r, col, v) {
    if (v === null) return;
    const filters = this.layer.filters.map((fl, i) => (i !== f ? fl : {
      ...fl, kernels: fl.kernels.map((k, j) => (j !== c ? k : withWeight(k, r, col, v))),
    }));
    this.set({ filters });
  }

  editDepthwise(c, r, col, v) {
    if (v === null) return;
    this.set({ depthwise: this.layer.depthwise.map((k, j) => (j !== c ? k : withWeight(k, r, col, v))) });
  }

  editPointwise(f, c, v) {
    this.set({ pointwise: this.layer.pointwise.map((row, i) => (i !== f ? row : row.map((x, j) => (j === c ? v : x)))) });
  }

  setBias(f, text) {
    const v = Number(text);
    if (text.trim() === "" || !Number.isFinite(v)) return this.say(`"${text}" is not a number; the bias stays as it was.`);
    return this.set({ filters: this.layer.filters.map((fl, i) => (i === f ? { ...fl, bias: v } : fl)) });
  }

  resizeFilters(n) {
    const { filters, pointwise, biases } = this.layer;
    const zero = filters[0].kernels.map((k) => k.map((r) => r.map(() => 0)));
    this.set({
      filters: Array.from({ length: n }, (_, i) => filters[i] ?? { kernels: zero, bias: 0 }),
      pointwise: Array.from({ length: n }, (_, i) => pointwise[i] ?? [0, 0, 0]),
      biases: Array.from({ length: n }, (_, i) => biases[i] ?? 0),
      selected: Math.min(this.layer.selected, n - 1),
    });
  }

  resizeKernels(k) {
    const resize = (old) => resizeKernel(old, k);
    this.set({
      filters: this.layer.filters.map((f) => ({ ...f, kernels: f.kernels.map(resize) })),
      depthwise: this.layer.depthwise.map(resize),
    });
  }

  async upload(file) {
    if (!file) return;
    try {
      const { meta, data } = await this.compute.decode(await file.arrayBuffer(), 24, true);
      this.custom = { data, height: meta.height, width: meta.width };
      await this.set({ image: "custom" });
    } catch (err) {
      this.say(`"${file.name}": ${err.message} Your image is unchanged.`);
    }
  }
}

let channels = null; // the mode's views, made on the first mount
let painted = null; // the result painted last, for getState()

export default {
  id: "channels",
  title: "Channels",

  mount(root, ctx) {
    channels = new ChannelsMode({
      compute: ctx.compute, builtins: ctx.builtins, say: ctx.say,
      set: (partial, { quiet = false } = {}) => {
        const next = { channels: { ...ctx.state().channels, ...partial } };
        if (!quiet) return ctx.set(next);
        ctx.patch(next); // the window: nothing to recompute
        return Promise.resolve();
      },
    });
  },

  run: (state) => channels.run(state.channels),

  paint(state, result) {
    painted = result;
    channels.paint(result, state.channels);
  },

  unmount() {},

  getState: () => ({ channelStages: stageRows(painted.stages) }),
};
