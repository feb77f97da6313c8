// Explore mode: one layer on one image. The input with the filter window, the kernel, the feature
// map and the stages after it (activation, pooling, a second layer), the arithmetic at the window,
// the window's motion through every position, drawing, shifting and uploading the input, exports.
// Learn mode shows this same view, with its own panel beside it.

import { padAmounts, withWeight, coreSettings } from "../../core/state.js";
import { padImage } from "../../core/padding.js";
import { shiftPixels, shiftReport } from "../../core/pixels.js";
import { stageLayers, regionOf } from "../../core/receptive.js";
import { setText, setAttr } from "../../views/dom.js";
import { rangeOf, extentOf } from "../../views/colormap.js";
import { GridView } from "../../views/grid.js";
import { KernelView } from "../../views/kernel.js";
import { fitExplorer } from "../../views/layout.js";
import { formulaText, paramsText } from "./readouts.js";
import { wireControls, syncControls } from "./controls.js";
import { download, npyBytes, torchSnippet, numpySnippet } from "./exporters.js";
import { InspectorView } from "./inspector.js";
import { LegendView } from "./legend.js";
import { StagesView } from "./stages.js";
import { Motion } from "./motion.js";

const $ = (id) => document.getElementById(id);
const MAP_PX = 384;
const MAX_UPLOAD_BYTES = 10_000_000;

let ctx = null; // what the shell lends (main.js)
let views = null; // made on the first mount
let result = null; // {stages: [{name, shape, data}]}: the layer painted last
let padded = null;
let paddedFor = {}; // what padded was made from: redone only when the image or its padding changes
let laidOut = "";
let stroke = null; // the pixels being drawn on, during one pointer stroke

const state = () => ctx.state();
const pixels = () => ctx.pixels();
const locked = (part) => ctx.locked(part);

function makeViews() {
  const v = {
    input: new GridView($("input-canvas"), { maxPx: MAP_PX, label: "Input image", fit: true }),
    output: new GridView($("output-canvas"), { maxPx: MAP_PX, label: "Feature map", fit: true }),
    legend: new LegendView($("output-legend")),
    inspector: new InspectorView($("inspector-table"), $("inspector-summary")),
    kernel: new KernelView($("kernel-grid"), $("kernel-value"), $("kernel-value-label"), {
      onChange: (row, col, value, problem) => (problem ? ctx.say(problem)
        : ctx.set({ kernel: withWeight(state().kernel, row, col, value) })),
      // A press is a click about to happen: compute its result while the button is down.
      onPress: (row, col, value) => ctx.compute.prefetch(
        coreSettings({ ...state(), kernel: withWeight(state().kernel, row, col, value) }), pixels()),
    }),
    stages: new StagesView($("stages"), {
      maxPx: MAP_PX,
      onCell: (index, cell, kind) => hoverStage(index, cell, kind),
      onKernel2: (row, col, value, problem) => (problem ? ctx.say(problem) : locked("kernel") ? null
        : ctx.set({ layer2: { ...state().layer2, kernel: withWeight(state().layer2.kernel, row, col, value) } })),
      onLayer2: (partial) => ctx.set({ layer2: { ...state().layer2, ...partial } }),
    }),
    // The maps' size follows the window and the panels in view (static/views/layout.js).
    refit: fitExplorer($("explorer")),
    motion: new Motion({
      count: () => result.stages[0].shape[0] * result.stages[0].shape[1],
      index: () => { const { row, col } = outCell(); return row * result.stages[0].shape[1] + col; },
      goto: (i) => {
        const w = result.stages[0].shape[1], [before] = padAmounts(state());
        moveWindow(Math.floor(i / w) * state().stride - before, (i % w) * state().stride - before);
      },
      onChange: () => syncMotion(),
    }),
  };
  v.kernel.locked = locked("kernel");
  return v;
}

// --- the filter window ----------------------------------------------------------------

/** The window's top-left on the stride grid, inside the padded input. */
function snapWindow(s, want) {
  const [before] = padAmounts(s);
  const [outH, outW] = result.stages[0].shape;
  const clamp = (v, n) => Math.min(Math.max(v, 0), n - 1);
  const i = clamp(Math.round((want.row + before) / s.stride), outH);
  const j = clamp(Math.round((want.col + before) / s.stride), outW);
  return { row: i * s.stride - before, col: j * s.stride - before };
}

function outCell() {
  const s = state(), [before] = padAmounts(s);
  return { row: (s.window.row + before) / s.stride, col: (s.window.col + before) / s.stride };
}

function moveWindow(row, col) {
  const next = snapWindow(state(), { row, col });
  const { window } = state();
  if (locked("window") || (next.row === window.row && next.col === window.col)) return;
  ctx.patch({ window: next }); // nothing to recompute: the map is the same
  paintWindow();
}

const span = () => state().dilation * (state().kernel.length - 1) + 1;

/** Keyboard on the input: arrows move the window one stride. */
function windowKey(e) {
  const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  if (!moves[e.key]) return;
  e.preventDefault();
  const { window, stride } = state();
  moveWindow(window.row + moves[e.key][0] * stride, window.col + moves[e.key][1] * stride);
}

// --- painting --------------------------------------------------------------------------

function paint(s, layer) {
  result = layer;
  const snapped = snapWindow(s, s.window);
  if (snapped.row !== s.window.row || snapped.col !== s.window.col) ctx.patch({ window: snapped });
  s = state();
  const px = pixels(), pad = padAmounts(s);
  if (paddedFor.pixels !== px || paddedFor.pad !== pad.join() || paddedFor.mode !== s.paddingMode) {
    padded = padImage(px, pad, s.paddingMode);
    paddedFor = { pixels: px, pad: pad.join(), mode: s.paddingMode };
  }
  views.input.update({ data: px.data, padded, height: px.height, width: px.width, pad,
    colormap: "gray", range: [0, 1], numbers: s.numbers });
  const conv = result.stages[0];
  paintOutput();
  views.legend.update({ colormap: s.colormap, range: rangeOf(conv.data, s.colormap), ...extentOf(conv.data) });
  views.stages.update(result.stages.slice(1), s);
  views.kernel.update(s.kernel);
  setText($("input-dims"), `${px.height}×${px.width}`);
  setText($("output-dims"), `${conv.shape[0]}×${conv.shape[1]}`);
  setText($("kernel-dims"), `${s.kernel.length}×${s.kernel.length}`);
  setText($("formula"), formulaText(s, px, conv.shape));
  setText($("params"), paramsText(s, px, conv.shape));
  const layoutKey = `${s.mode} ${result.stages.length}`;
  if (layoutKey !== laidOut) { laidOut = layoutKey; views.refit(); }
  syncControls(s, ctx.builtins);
  paintWindow();
}

/** The feature map; with "fill", only the positions up to the window's (the map being built). */
function paintOutput() {
  const conv = result.stages[0], s = state();
  let data = conv.data;
  if (s.fill) {
    const { row, col } = outCell();
    data = conv.data.slice();
    data.fill(NaN, row * conv.shape[1] + col + 1);
  }
  views.output.update({ data, height: conv.shape[0], width: conv.shape[1], colormap: s.colormap,
    range: rangeOf(conv.data, s.colormap), numbers: s.numbers });
}

function paintWindow() {
  const s = state();
  if (s.fill) paintOutput();
  const k = s.kernel.length, d = s.dilation;
  const out = outCell();
  views.input.setOverlay({ window: { ...s.window, size: k, dilation: d } });
  views.output.setOverlay({ cell: out });
  const [before, after] = padAmounts(s);
  const cols = pixels().width + before + after;
  const patch = s.kernel.map((_, m) => s.kernel.map((__, n) =>
    padded[(s.window.row + before + m * d) * cols + s.window.col + before + n * d]));
  const conv = result.stages[0];
  views.inspector.update({ patch, kernel: s.kernel, bias: s.bias, out,
    value: conv.data[out.row * conv.shape[1] + out.col] });
  syncMotion();
}

function syncMotion() {
  const { motion } = views;
  const play = $("play");
  setText(play, motion.playing ? "||" : "▶");
  setAttr(play, "aria-label", motion.playing ? "Pause" : "Play");
  const scrub = $("scrub");
  if (scrub.max !== String(motion.count() - 1)) scrub.max = String(motion.count() - 1);
  if (scrub.value !== String(motion.index())) scrub.value = String(motion.index());
}

// --- hover: where a cell comes from -----------------------------------------------------

/** Highlight, in every earlier map, what cell of stage index (0 = convolution) depends on. */
function hoverStage(index, cell, kind) {
  const grids = [views.output, ...result.stages.slice(1).map((_, i) => views.stages.grid(i + 1))];
  if (!cell || kind === "leave") {
    grids.forEach((g) => g.setOverlay({}));
    paintWindow();
    $("receptive").textContent = "";
    return;
  }
  const s = state(), layers = stageLayers(s);
  const [h, w] = result.stages[index].shape;
  if (cell.row < 0 || cell.col < 0 || cell.row >= h || cell.col >= w) return;
  const field = regionOf(layers, 0, index, cell);
  views.input.setOverlay({ region: field });
  grids.forEach((g, i) => g.setOverlay(i === index ? { cell }
    : i < index ? { region: regionOf(layers, i + 1, index, cell) } : {}));
  const side = field.bottom - field.top + 1;
  const name = index === 0 ? "This feature-map cell" : `This ${result.stages[index].name === "pool" ? "pooled" : "layer-2"} cell`;
  $("receptive").textContent = `${name} sees ${side}×${field.right - field.left + 1} input pixels` +
    ` (rows ${field.top + 1}–${field.bottom + 1}, columns ${field.left + 1}–${field.right + 1}).`;
  $("receptive").dataset.size = `${side}x${field.right - field.left + 1}`;
  if (index === 0 && kind !== "up") {
    const [before] = padAmounts(s);
    moveWindow(cell.row * s.stride - before, cell.col * s.stride - before);
    views.input.setOverlay({ window: { ...state().window, size: s.kernel.length, dilation: s.dilation } });
  }
}

// --- drawing, shifting, uploading -------------------------------------------------------

const pointerMode = () => $("pointer-mode").value;

function inputPointer(cell, kind) {
  if (!cell || !(kind === "down" || kind === "move")) { if (kind === "up") stroke = null; return; }
  const mode = pointerMode(), px = pixels();
  if (mode === "window") {
    if (locked("window")) return;
    moveWindow(cell.row - Math.floor((span() - 1) / 2), cell.col - Math.floor((span() - 1) / 2));
    return;
  }
  if (cell.row < 0 || cell.col < 0 || cell.row >= px.height || cell.col >= px.width) return;
  if (kind === "down" || !stroke) stroke = { ...px, data: px.data.slice() };
  stroke.data[cell.row * px.width + cell.col] = mode === "erase" ? 0 : Number($("brush").value);
  stroke = { ...stroke }; // a new object: the worker is sent pixels only when the object changes
  ctx.set({ image: "custom" }, stroke);
}

function shiftImage(dr, dc) {
  const before = result.stages;
  ctx.set({ image: "custom" }, shiftPixels(pixels(), dr, dc))
    .then(() => setText($("shift-effect"), shiftReport(before, result.stages, dr, dc, state().stride)));
}

async function upload(file) {
  if (!file) return;
  if (file.size > MAX_UPLOAD_BYTES) {
    ctx.say(`"${file.name}" is ${(file.size / 1e6).toFixed(1)} MB; images up to 10 MB can be used. Your image is unchanged.`);
    return;
  }
  ctx.say(`Reading "${file.name}"…`);
  try {
    const { meta, data } = await ctx.compute.decode(await file.arrayBuffer(), Number($("upload-size").value));
    await ctx.set({ image: "custom" }, { data, height: meta.height, width: meta.width });
  } catch (err) {
    ctx.say(`"${file.name}": ${err.message} Your image is unchanged.`);
  }
}

// --- wiring ------------------------------------------------------------------------------

function wire() {
  wireControls(ctx.builtins, { get: state, set: ctx.set, say: ctx.say });
  // This layer's gradient with respect to the image, for the output cell under the window: transposed mode.
  $("to-transposed").addEventListener("click", () => {
    const { row, col } = outCell();
    ctx.set({ mode: "transposed", transposed: { ...state().transposed, gradient: "cell", cell: { row: Math.floor(row), col: Math.floor(col) } } });
  });
  views.input.onCell(inputPointer);
  views.output.onCell((cell, kind) => hoverStage(0, cell, kind));
  const canvas = $("input-canvas");
  canvas.tabIndex = 0;
  canvas.setAttribute("aria-label", "Input image. Arrow keys move the filter window.");
  canvas.addEventListener("keydown", windowKey);
  $("pointer-mode").addEventListener("change", () => canvas.classList.toggle("draggable", pointerMode() === "window"));
  $("clear").addEventListener("click", () => ctx.set({ image: "custom" },
    { data: new Float32Array(pixels().data.length), height: pixels().height, width: pixels().width }));
  document.querySelectorAll("[data-shift]").forEach((b) => b.addEventListener("click", () => {
    const [dr, dc] = b.dataset.shift.split(",").map(Number);
    shiftImage(dr, dc);
  }));
  $("upload").addEventListener("change", (e) => { upload(e.target.files[0]); e.target.value = ""; });
  const panel = document.querySelector(".input-panel");
  panel.addEventListener("dragover", (e) => { e.preventDefault(); panel.classList.add("dropping"); });
  panel.addEventListener("dragleave", () => panel.classList.remove("dropping"));
  panel.addEventListener("drop", (e) => {
    e.preventDefault();
    panel.classList.remove("dropping");
    upload(e.dataTransfer.files[0]);
  });
  const conv = () => result.stages[0];
  $("export-png").addEventListener("click", () => views.output.canvas.toBlob((b) => download(b, "feature-map.png")));
  $("export-npy").addEventListener("click", () => download(
    new Blob([npyBytes(conv().data, conv().shape)], { type: "application/octet-stream" }), "feature-map.npy"));
  $("export-code").addEventListener("click", () => {
    $("code-torch").textContent = torchSnippet(state());
    $("code-numpy").textContent = numpySnippet(state(), padAmounts(state()));
    $("code-dialog").showModal();
  });
  $("code-close").addEventListener("click", () => $("code-dialog").close());
  const { motion } = views;
  $("play").addEventListener("click", () => motion.toggle());
  $("step-forward").addEventListener("click", () => motion.step(1));
  $("step-back").addEventListener("click", () => motion.step(-1));
  $("scrub").addEventListener("input", (e) => motion.goto(Number(e.target.value)));
  $("speed").addEventListener("change", (e) => motion.setSpeed(e.target.value));
  $("fill").addEventListener("change", (e) => ctx.set({ fill: e.target.checked }));
}

export default {
  id: "explore",
  title: "Explore",

  mount(root, shell) {
    ctx = shell;
    if (!views) { views = makeViews(); wire(); }
  },

  /** The layer is this mode's whole computation. */
  run: (s, px, layer) => layer,

  paint,

  unmount() {
    views.motion.pause();
    stroke = null;
  },

  /** Before Python is ready: the linked view's image and kernel, with an empty map of the right size. */
  preview(s, px) {
    const k = s.dilation * (s.kernel.length - 1) + 1;
    const [before, after] = padAmounts(s);
    const side = (n) => Math.max(1, Math.floor((n + before + after - k) / s.stride) + 1);
    const [h, w] = [side(px.height), side(px.width)];
    return { stages: [{ name: "conv", shape: [h, w], data: new Float32Array(h * w) }] };
  },

  commands: {
    play: () => views.motion.play(),
    pause: () => views.motion.pause(),
    step: (n) => views.motion.step(n),
  },
};
