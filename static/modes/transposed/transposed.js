// Transposed mode: the layer a U-Net decoder upsamples with, shown two ways at once. Scatter: each
// input pixel stamps the kernel, scaled by its value, onto the output; overlapping stamps add, and a
// map counts them (stride 2 with a 3×3 kernel paints a checkerboard even on a flat input). As a
// convolution: the input spread out with zeros, padded, and convolved at stride 1 with the kernel
// turned 180°. Pointing at an output cell in either lights up the input pixels and kernel taps that
// make it, and writes the sum out. The guide to convolution arithmetic's figures are presets.
//
// The layer is state.transposed; Python computes every map (app.pipeline.run_transposed), and
// stamps.js says which cells to highlight.

import { GridView } from "../../views/grid.js";
import { KernelView } from "../../views/kernel.js";
import { rangeOf, formatNumber } from "../../views/colormap.js";
import { resizeKernel, withWeight } from "../../core/state.js";
import { splitStages, stageRows } from "../../core/compute.js";
import { contributions, figureLayer, figureOf, MOVES, outputSide, spreadGeometry, stampRegion, sumText } from "./stamps.js";
import { GradientPanel } from "./gradient.js";

const $ = (id) => document.getElementById(id);
const { figures: FIGURES } = await (await fetch(new URL("./atlas.json", import.meta.url))).json();
const CHOICES = {
  "tr-size": [1, 7], "tr-kernel-size": [1, 7], "tr-stride": [1, 4], "tr-padding": [0, 8],
  "tr-output-padding": [0, 3], "tr-dilation": [1, 4],
};

/** A square grid of ones the size of k, keeping the old values where they overlap (a resize keeps edits). */
const resized = (old, size) => Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => old[r]?.[c] ?? 1));

class TransposedView {
  constructor(ctx) {
    this.ctx = ctx;
    this.result = null;
    this.hover = null; // a cell pointed at, shown instead of the chosen one until the pointer leaves
    for (const [id, [lo, hi]] of Object.entries(CHOICES)) {
      for (let v = lo; v <= hi; v++) $(id).append(new Option(id.endsWith("size") ? `${v}×${v}` : String(v), String(v)));
    }
    for (const f of FIGURES) $("tr-figure").append(new Option(f.name, f.id));
    $("tr-figure").addEventListener("change", (e) => {
      const figure = FIGURES.find((f) => f.id === e.target.value);
      if (figure) this.set({ ...figureLayer(figure), cell: { row: 0, col: 0 } });
    });
    const number = (id, key) => $(id).addEventListener("change", (e) => this.set({ [key]: Number(e.target.value) }));
    number("tr-stride", "stride"); number("tr-padding", "padding");
    number("tr-output-padding", "outputPadding"); number("tr-dilation", "dilation");
    $("tr-size").addEventListener("change", (e) => this.set({ input: resized(this.layer.input, Number(e.target.value)) }));
    $("tr-kernel-size").addEventListener("change", (e) => this.set({ kernel: resizeKernel(this.layer.kernel, Number(e.target.value)) }));
    $("tr-compare").addEventListener("change", (e) => this.set({ compare: e.target.checked }));
    $("tr-bias").addEventListener("change", (e) => {
      const v = Number(e.target.value);
      if (e.target.value.trim() === "" || !Number.isFinite(v)) {
        ctx.say(`"${e.target.value}" is not a number; the bias stays ${formatNumber(this.layer.bias)}.`);
        e.target.value = String(this.layer.bias);
      } else this.set({ bias: v });
    });
    const editor = (id, key, name) => new KernelView($(id), null, null, {
      name, onChange: (r, c, v) => v !== null && this.set({ [key]: withWeight(this.layer[key], r, c, v) }),
    });
    this.gradientPanel = new GradientPanel({ set: (partial) => this.set(partial) });
    this.input = editor("tr-input", "input", "Input");
    this.kernel = editor("tr-kernel", "kernel", "Kernel");
    this.flipped = new KernelView($("tr-flipped"), null, null, { name: "Flipped kernel", onChange: () => {} });
    this.flipped.locked = true;
    // Pointing at an input pixel shows where its stamp lands.
    $("tr-input").addEventListener("pointerover", (e) => this.pointInput(e.target.closest(".kernel-cell")));
    $("tr-input").addEventListener("focusin", (e) => this.pointInput(e.target.closest(".kernel-cell")));
    $("tr-input").addEventListener("pointerleave", () => this.pointInput(null));
    $("tr-input").addEventListener("focusout", () => this.pointInput(null));

    this.maps = Object.fromEntries(["output", "counts", "spread", "resized", "resized-output"].map((name) =>
      [name, new GridView($(`tr-${name}`), { label: name, fit: true })]));
    // The output chooses the cell; so does the spread input, as the cell whose window is centred there.
    const toCell = { output: (cell) => cell, spread: (cell) => {
      const { before } = spreadGeometry(this.layer), half = Math.floor((this.layer.dilation * (this.layer.kernel.length - 1)) / 2);
      return { row: cell.row + before - half, col: cell.col + before - half };
    } };
    for (const name of ["output", "spread"]) {
      this.maps[name].onCell((cell, kind) => {
        if (!cell || kind === "leave") return this.point(null);
        if (kind === "down" || kind === "move") this.choose(toCell[name](cell));
        else this.point(toCell[name](cell));
      });
    }
    $("tr-output").addEventListener("keydown", (e) => {
      if (!MOVES[e.key] || !this.result) return;
      e.preventDefault();
      const { row, col } = this.chosen();
      this.choose({ row: row + MOVES[e.key][0], col: col + MOVES[e.key][1] });
    });
  }

  get layer() {
    return this.ctx.state().transposed;
  }

  /** A change of the layer: computed, painted, its problem said (ctx.set). */
  set(partial) {
    return this.ctx.set({ transposed: { ...this.layer, ...partial } });
  }

  async run(state) {
    const layer = state.transposed;
    const settings = {
      input: layer.input, kernel: layer.kernel, bias: layer.bias, stride: layer.stride, padding: layer.padding,
      output_padding: layer.outputPadding, dilation: layer.dilation, compare: layer.compare,
      gradient: layer.gradient && this.gradientPanel.request(state),
    };
    const stages = splitStages(await this.ctx.compute.call("transposed", { settings }));
    return { stages, ...Object.fromEntries(stages.map((s) => [s.name, s])) };
  }

  /** The output cell shown: the one pointed at, else the chosen one, inside the output. */
  chosen() {
    const [h, w] = this.result.output.shape;
    const { row, col } = this.hover ?? this.layer.cell;
    return { row: Math.min(Math.max(row, 0), h - 1), col: Math.min(Math.max(col, 0), w - 1) };
  }

  choose(cell) {
    if (!this.result) return;
    const [h, w] = this.result.output.shape;
    if (cell.row < 0 || cell.col < 0 || cell.row >= h || cell.col >= w) return;
    this.hover = null;
    this.ctx.patch({ transposed: { ...this.layer, cell } }); // nothing to recompute: the link follows
    this.paintCell();
  }

  point(cell) {
    const [h, w] = this.result?.output.shape ?? [0, 0];
    this.hover = cell && cell.row >= 0 && cell.col >= 0 && cell.row < h && cell.col < w ? cell : null;
    if (this.result) this.paintCell();
  }

  pointInput(button) {
    if (!this.result) return;
    const { output } = this.result;
    const region = button ? stampRegion(this.layer, +button.dataset.row, +button.dataset.col, output.shape) : null;
    this.maps.output.setOverlay(region ? { region } : { cell: this.chosen() });
    $("tr-sum-title").textContent = button
      ? `Input row ${+button.dataset.row + 1}, column ${+button.dataset.col + 1} stamps ${formatNumber(this.layer.input[button.dataset.row][button.dataset.col])} × the kernel` +
        (region ? ` onto rows ${region.top + 1}–${region.bottom + 1}, columns ${region.left + 1}–${region.right + 1}` : ", all of it cropped by the padding")
      : this.cellTitle();
  }

  /** Draw the layer and, once Python has computed them (not in a preview), its maps. */
  paint(result, state) {
    const layer = state.transposed;
    this.result = result.output ? result : null;
    $("transposed-mode").dataset.gradient = String(!!layer.gradient);
    $("tr-gradient-panel").hidden = !(layer.gradient && result.gradient);
    if (layer.gradient && result.gradient) this.gradientPanel.paint(state, result);
    this.paintControls(layer);
    if (!this.result) return this.paintPreview(layer);
    const { output, counts, spread, flipped } = result;
    const draw = (name, stage, extra = {}) => this.maps[name].update({
      data: stage.data, height: stage.shape[0], width: stage.shape[1], colormap: "diverging",
      range: rangeOf(stage.data, "diverging"), numbers: true, ...extra,
    });
    draw("output", output);
    draw("counts", counts, { colormap: "gray", range: [0, Math.max(...counts.data, 1)] });
    const { before, after, crop } = spreadGeometry(layer);
    // The border of zeros the padding adds is shaded as padding; the zeros inserted between pixels are not.
    draw("spread", spread, { padded: spread.data, height: spread.shape[0] - before - after,
      width: spread.shape[1] - before - after, pad: [before, after] });
    this.flipped.update(stageRows([flipped])[0].data);
    this.paintSizes(layer, output.shape);
    const between = layer.stride === 1 ? "the input" : `the input with ${layer.stride - 1} zero${layer.stride === 2 ? "" : "s"} between pixels`;
    $("tr-spread-caption").textContent = `${between}, ${crop ? `${crop} cropped from each side` : `${before} zeros around`}`;
    $("tr-compare-panel").hidden = !layer.compare;
    if (layer.compare) {
      draw("resized", result.resized);
      draw("resized-output", result["resized output"]);
      $("tr-resized-caption").textContent = `the input ${layer.stride}× larger (each pixel repeated)`;
    }
    this.paintCell();
  }

  paintControls(layer) {
    this.input.update(layer.input);
    this.kernel.update(layer.kernel);
    $("tr-bias").value = String(layer.bias);
    $("tr-size").value = String(layer.input.length);
    $("tr-kernel-size").value = String(layer.kernel.length);
    $("tr-stride").value = String(layer.stride);
    $("tr-padding").value = String(layer.padding);
    $("tr-output-padding").value = String(layer.outputPadding);
    $("tr-dilation").value = String(layer.dilation);
    $("tr-compare").checked = layer.compare;
    $("tr-figure").value = figureOf(layer, FIGURES)?.id ?? "";
  }

  /** Before Python is ready: the editors and the settings, and an empty output of the size the formula gives. */
  paintPreview(layer) {
    const side = outputSide(layer.input.length, layer);
    if (side < 1) return;
    this.maps.output.update({ data: new Float32Array(side * side), height: side, width: side, colormap: "diverging", range: [-1, 1] });
    this.paintSizes(layer, [side, side]);
    $("tr-sum-title").textContent = "Python is starting: the values follow.";
  }

  paintSizes(layer, [h, w]) {
    const { stride: s, padding: p, outputPadding: op, dilation: d } = layer;
    const n = layer.input.length, k = layer.kernel.length;
    const formula = `(${n} − 1)·${s} − 2·${p} + ${d}·(${k} − 1) + ${op} + 1 = ${outputSide(n, layer)}`;
    const figure = figureOf(layer, FIGURES);
    const forward = figure ? ` The guide's forward convolution: ${figure.forward.input}×${figure.forward.input} input, ` +
      `${figure.forward.kernel}×${figure.forward.kernel} kernel → ${figure.forward.output}×${figure.forward.output}; transposed, back to ${h}×${w}.` : "";
    $("tr-size-text").textContent = `${n}×${n} input → ${h}×${w} output: ${formula}.${forward}`;
  }

  cellTitle() {
    const { row, col } = this.chosen();
    return `Output row ${row + 1}, column ${col + 1}`;
  }

  /** The chosen (or pointed) cell: its highlights in every view, and its sum written out. */
  paintCell() {
    const layer = this.layer, { output } = this.result;
    const { row, col } = this.chosen();
    const terms = contributions(layer, row, col);
    const geometry = spreadGeometry(layer);
    this.maps.output.setOverlay({ cell: { row, col } });
    this.maps.counts.setOverlay({ cell: { row, col } });
    // The window's top-left in the spread image is the output cell; the map counts from inside its shaded border.
    this.maps.spread.setOverlay({ window: { row: row - geometry.before, col: col - geometry.before, size: layer.kernel.length, dilation: layer.dilation } });
    const on = (view, cells) => view.buttons.flat().forEach((b) =>
      b.classList.toggle("contributes", cells.some(([r, c]) => +b.dataset.row === r && +b.dataset.col === c)));
    on(this.input, terms.map((t) => [t.i, t.j]));
    on(this.kernel, terms.map((t) => [t.m, t.n]));
    const k = layer.kernel.length;
    on(this.flipped, terms.map((t) => [k - 1 - t.m, k - 1 - t.n]));
    const value = output.data[row * output.shape[1] + col];
    $("tr-sum-title").textContent = this.cellTitle();
    $("tr-sum").textContent = terms.length === 1 ? `One stamp lands here: ${sumText(terms, layer.bias, value)}`
      : terms.length ? `${terms.length} stamps land here: ${sumText(terms, layer.bias, value)}` : sumText([], layer.bias, value);
    const cropped = geometry.crop ? "" : ` (the spread input's window at row ${row + 1}, column ${col + 1})`;
    $("tr-conv-sum").textContent = `As a convolution, the flipped kernel${cropped} meets the same ${terms.length} ` +
      `input pixel${terms.length === 1 ? "" : "s"}; every other tap falls on an inserted or padding zero.`;
    $("tr-output").setAttribute("aria-label", `Output, ${output.shape[0]}×${output.shape[1]}: row ${row + 1}, column ${col + 1} ` +
      `is ${formatNumber(value)}. Arrow keys move the cell.`);
  }
}

let view = null;
let painted = null;

export default {
  id: "transposed",
  title: "Transposed",

  mount(root, ctx) {
    view = new TransposedView(ctx);
  },

  run: (state) => view.run(state),

  preview: () => ({ preview: true, stages: [] }),

  paint(state, result) {
    painted = result;
    view.paint(result, state);
  },

  unmount() {
    view.point(null);
  },

  getState: () => ({ transposedStages: stageRows(painted.stages) }),

  embedSize: { fixed: "800x600", ratio: "4 / 3" },
};
