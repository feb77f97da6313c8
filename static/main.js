// Wiring: state → compute (Python in a worker) → views. Also the page's JS API,
// window.convExplorer (see README).

import { Compute } from "./compute.js";
import { defaultState, merge, coreSettings, padAmounts, KERNEL_SIZES } from "./state.js";
import { padImage } from "./padding.js";
import { rangeOf } from "./colormap.js";
import { GridView } from "./views/grid.js";
import { KernelView } from "./views/kernel.js";
import { InspectorView } from "./views/inspector.js";
import { LegendView } from "./views/legend.js";
import { LoadingView } from "./views/loading.js";

const $ = (id) => document.getElementById(id);

const loading = new LoadingView($("loading"));
loading.stage("page", "Loading the page…");
const compute = new Compute({ onProgress: (stage, detail) => loading.stage(stage, detail) });

let builtins = { presets: [], images: {} };
let state = defaultState(); // what is painted (the last good settings)
let pixels = null; // {data: Float32Array in [0, 1], height, width}: the input image
let result = null; // {stages: [{name, shape, data}]}: the last good output

const inputView = new GridView($("input-canvas"), { maxPx: 384, label: "Input image" });
const outputView = new GridView($("output-canvas"), { maxPx: 384, label: "Feature map" });
const outputLegend = new LegendView($("output-legend"));
const inspector = new InspectorView($("inspector-table"), $("inspector-summary"));
const kernelView = new KernelView($("kernel-grid"), $("kernel-value"), $("kernel-value-label"), {
  onChange: (row, col, value, problem) => {
    if (problem) return showMessage(problem);
    const kernel = state.kernel.map((r) => [...r]);
    kernel[row][col] = value;
    userSet({ kernel });
  },
});

function showMessage(text) {
  const box = $("message");
  box.textContent = text;
  box.hidden = !text;
}

// --- the input image -----------------------------------------------------------

function builtinPixels(name) {
  const img = builtins.images[name];
  if (!img) throw new RangeError(`There is no built-in image "${String(name).slice(0, 40)}".`);
  return { data: Float32Array.from(img.pixels, (v) => v / 255), height: img.height, width: img.width };
}

/** A 2-D array of numbers in [0, 1] → pixels, or a readable RangeError. */
function gridPixels(rows) {
  const h = rows.length, w = h && Array.isArray(rows[0]) ? rows[0].length : 0;
  if (!h || !w || h > 512 || w > 512 || !rows.every((r) => Array.isArray(r) && r.length === w)) {
    throw new RangeError("The image must be a rectangular grid of numbers, at most 512×512.");
  }
  const data = new Float32Array(h * w);
  rows.forEach((r, i) => r.forEach((v, j) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError("Every pixel must be a finite number.");
    data[i * w + j] = v;
  }));
  return { data, height: h, width: w };
}

// --- applying settings -----------------------------------------------------------

let latest = Promise.resolve();

/**
 * Check partial, compute every stage in Python, then paint. Resolves once painted
 * (with the newest settings, if newer ones superseded these); rejects with a
 * readable message, leaving the last good state and output on screen.
 */
function apply(partial) {
  const run = (async () => {
    let next = merge(state, partial);
    let nextPixels = pixels;
    if ("image" in partial) {
      if (typeof partial.image === "string") nextPixels = builtinPixels(partial.image);
      else { nextPixels = gridPixels(partial.image); next.image = "custom"; }
    }
    const out = await compute.run(coreSettings(next), nextPixels);
    if (out === null) return latest; // superseded: the newer request paints
    next.window = snapWindow(next, nextPixels, next.window, out.meta.stages[0].shape);
    state = next;
    pixels = nextPixels;
    let offset = 0;
    result = {
      stages: out.meta.stages.map(({ name, shape }) => {
        const size = shape[0] * shape[1];
        const data = out.data.subarray(offset, offset + size);
        offset += size;
        return { name, shape, data };
      }),
    };
    paint();
  })();
  latest = run;
  return run;
}

/** A user action: its error goes to the message line (nothing else changes). */
function userSet(partial) {
  return apply(partial).then(() => showMessage(""), (err) => { showMessage(err.message); syncControls(); });
}

// --- the filter window -------------------------------------------------------------

/** The window's top-left moved onto the stride grid and inside the padded input. */
function snapWindow(s, px, want, [outH, outW]) {
  const [before] = padAmounts(s);
  const clamp = (v, n) => Math.min(Math.max(v, 0), n - 1);
  const i = clamp(Math.round((want.row + before) / s.stride), outH);
  const j = clamp(Math.round((want.col + before) / s.stride), outW);
  return { row: i * s.stride - before, col: j * s.stride - before };
}

function outCell(s) {
  const [before] = padAmounts(s);
  return { row: (s.window.row + before) / s.stride, col: (s.window.col + before) / s.stride };
}

function moveWindow(row, col) {
  const next = snapWindow(state, pixels, { row, col }, result.stages[0].shape);
  if (next.row === state.window.row && next.col === state.window.col) return;
  state = { ...state, window: next };
  paintWindow();
}

/** The window centred on an input cell (what dragging means to a learner). */
function centreWindowOn({ row, col }) {
  const span = state.dilation * (state.kernel.length - 1) + 1;
  moveWindow(row - Math.floor((span - 1) / 2), col - Math.floor((span - 1) / 2));
}

// --- painting ---------------------------------------------------------------------------

let padded = null;

function paint() {
  const pad = padAmounts(state);
  padded = padImage(pixels, pad, state.paddingMode);
  inputView.update({ data: pixels.data, padded, height: pixels.height, width: pixels.width, pad,
    colormap: "gray", range: [0, 1], numbers: state.numbers });
  const conv = result.stages[0];
  const range = rangeOf(conv.data, state.colormap);
  outputView.update({ data: conv.data, height: conv.shape[0], width: conv.shape[1],
    colormap: state.colormap, range, numbers: state.numbers });
  outputLegend.update({ colormap: state.colormap, range, ...extent(conv.data) });
  kernelView.update(state.kernel);
  $("input-dims").textContent = `${pixels.height}×${pixels.width}`;
  $("output-dims").textContent = `${conv.shape[0]}×${conv.shape[1]}`;
  $("kernel-dims").textContent = `${state.kernel.length}×${state.kernel.length}`;
  showFormula(conv.shape);
  syncControls();
  paintWindow();
  painted();
}

function extent(data) {
  let min = Infinity, max = -Infinity;
  for (const v of data) { if (v < min) min = v; if (v > max) max = v; }
  return { min, max };
}

function paintWindow() {
  const k = state.kernel.length;
  const d = state.dilation;
  const out = outCell(state);
  inputView.setOverlay({ window: { ...state.window, size: k, dilation: d } });
  outputView.setOverlay({ cell: out });
  const [before, after] = padAmounts(state);
  const cols = pixels.width + before + after;
  const patch = state.kernel.map((_, m) => state.kernel.map((__, n) =>
    padded[(state.window.row + before + m * d) * cols + state.window.col + before + n * d]));
  const conv = result.stages[0];
  inspector.update({ patch, kernel: state.kernel, bias: state.bias, out,
    value: conv.data[out.row * conv.shape[1] + out.col] });
}

function showFormula([outH, outW]) {
  const k = state.kernel.length, s = state.stride, d = state.dilation;
  const [before, after] = padAmounts(state);
  const kEff = d > 1 ? `${d}·(${k} − 1) + 1` : `${k}`;
  const p = before === after ? `2·${before}` : `${before + after}`;
  const line = (n, o) => `⌊(${n} − ${kEff} + ${p}) / ${s}⌋ + 1 = ${o}`;
  $("formula").textContent = pixels.height === pixels.width && outH === outW
    ? `Output side: ${line(pixels.width, outW)}`
    : `Output height: ${line(pixels.height, outH)}; width: ${line(pixels.width, outW)}`;
}

// --- controls ------------------------------------------------------------------------------

function syncControls() {
  $("image-select").value = state.image in builtins.images ? state.image : "custom";
  $("kernel-size").value = String(state.kernel.length);
  $("stride").value = String(state.stride);
  $("padding").value = state.padding === 0 ? "valid" : String(state.padding);
  $("dilation").value = String(state.dilation);
  if (document.activeElement !== $("bias")) $("bias").value = String(state.bias);
  $("colormap").value = state.colormap;
  $("numbers").checked = state.numbers;
  const preset = builtins.presets.find((p) => sameKernel(presetKernel(p), state.kernel));
  $("preset-select").value = preset ? preset.id : "";
  $("preset-note").textContent = preset ? preset.note : "Your own kernel.";
}

function presetKernel(p) {
  const scale = p.scale ?? 1;
  return p.matrix.map((row) => row.map((v) => v * scale));
}

const sameKernel = (a, b) => a.length === b.length && a.every((r, i) => r.every((v, j) => Math.abs(v - b[i][j]) < 1e-12));

function resizeKernel(k) {
  // Keep the centre of the old kernel, pad with zeros: a learner's weights survive a size change.
  const old = state.kernel, off = Math.floor((k - old.length) / 2);
  return Array.from({ length: k }, (_, r) => Array.from({ length: k }, (_, c) => old[r - off]?.[c - off] ?? 0));
}

function wireControls() {
  const imageSelect = $("image-select");
  for (const [name, img] of Object.entries(builtins.images)) imageSelect.append(new Option(img.title, name));
  imageSelect.append(Object.assign(new Option("Your image", "custom"), { disabled: true }));
  const presetSelect = $("preset-select");
  for (const p of builtins.presets) presetSelect.append(new Option(p.name, p.id));
  const sizes = $("kernel-size");
  for (const k of KERNEL_SIZES) sizes.append(new Option(`${k}×${k}`, String(k)));

  imageSelect.addEventListener("change", () => userSet({ image: imageSelect.value }));
  presetSelect.addEventListener("change", () => {
    const p = builtins.presets.find((x) => x.id === presetSelect.value);
    if (p) userSet({ kernel: presetKernel(p) });
  });
  sizes.addEventListener("change", () => userSet({ kernel: resizeKernel(Number(sizes.value)) }));
  $("stride").addEventListener("change", (e) => userSet({ stride: Number(e.target.value) }));
  $("padding").addEventListener("change", (e) => {
    const v = e.target.value;
    userSet({ padding: v === "valid" || v === "same" ? (v === "valid" ? 0 : v) : Number(v) });
  });
  $("dilation").addEventListener("change", (e) => userSet({ dilation: Number(e.target.value) }));
  $("bias").addEventListener("change", (e) => {
    const v = Number(e.target.value);
    if (e.target.value.trim() === "" || !Number.isFinite(v)) {
      showMessage(`"${e.target.value}" is not a number; the bias stays ${state.bias}.`);
      e.target.value = String(state.bias);
    } else userSet({ bias: v });
  });
  $("colormap").addEventListener("change", (e) => userSet({ colormap: e.target.value }));
  $("numbers").addEventListener("change", (e) => userSet({ numbers: e.target.checked }));

  inputView.onCell((cell, kind) => {
    if (cell && (kind === "down" || kind === "move")) centreWindowOn(cell);
  });
  outputView.onCell((cell, kind) => {
    if (!cell || kind === "leave") return;
    const [before] = padAmounts(state);
    moveWindow(cell.row * state.stride - before, cell.col * state.stride - before);
  });
}

// --- the page's JS API ------------------------------------------------------------------------

let paintWaiters = [];
function painted() {
  document.body.dataset.painted = String(Number(document.body.dataset.painted || 0) + 1);
  paintWaiters.forEach((resolve) => resolve());
  paintWaiters = [];
}

const toRows = (data, [h, w]) => Array.from({ length: h }, (_, i) => Array.from(data.subarray(i * w, (i + 1) * w)));

function getState() {
  const s = structuredClone(state);
  s.image = toRows(pixels.data, [pixels.height, pixels.width]);
  s.imageName = state.image;
  const conv = result.stages[0];
  s.output = toRows(conv.data, conv.shape);
  s.stages = result.stages.map(({ name, shape, data }) => ({ name, data: toRows(data, shape) }));
  return s;
}

async function start() {
  builtins = await (await fetch("data/builtins.json")).json();
  wireControls();
  pixels = builtinPixels(state.image);
  const blank = { stages: [{ name: "conv", shape: [22, 22], data: new Float32Array(22 * 22) }] };
  result = blank;
  paint(); // the image and kernel show at once; the map fills in when Python is ready
  await compute.start();
  await apply({});
  document.getElementById("explorer").setAttribute("aria-busy", "false");
}

const ready = start();
ready.catch((err) => { loading.fail(err.message); console.error(err); });

window.convExplorer = {
  ready,
  getState,
  setState: (partial) => ready.then(() => apply(partial)),
  /** Resolves after the next paint (for benchmarks and course scripts). */
  nextPaint: () => new Promise((resolve) => paintWaiters.push(resolve)),
  version: 1,
};
