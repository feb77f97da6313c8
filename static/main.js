// Wiring: state → compute (Python in a worker) → views, and the page's JS API
// window.convExplorer (see README).

import { firstWorker, connect, options } from "./core/boot.js";
import { Compute, splitStages } from "./core/compute.js";
import { defaultState, merge, coreSettings, padAmounts, withWeight } from "./core/state.js";
import { padImage } from "./core/padding.js";
import { builtinPixels as pixelsOf, gridPixels, shiftPixels, shiftReport } from "./core/pixels.js";
import { formulaText, paramsText } from "./modes/explore/readouts.js";
import { setText, setAttr } from "./views/dom.js";
import { rangeOf, extentOf } from "./views/colormap.js";
import { stageLayers, regionOf } from "./core/receptive.js";
import { wireControls, syncControls } from "./modes/explore/controls.js";
import { download, npyBytes, torchSnippet, numpySnippet } from "./modes/explore/exporters.js";
import { GridView } from "./views/grid.js";
import { KernelView } from "./views/kernel.js";
import { InspectorView } from "./modes/explore/inspector.js";
import { LegendView } from "./modes/explore/legend.js";
import { LoadingView } from "./views/loading.js";
import { StagesView } from "./modes/explore/stages.js";
import { EmbedDialog, copyText } from "./views/embed-dialog.js";
import { readFragment, writeFragment } from "./core/url.js";
import { connectParent } from "./core/embed.js";
import { Motion } from "./modes/explore/motion.js";
import { fitExplorer } from "./views/layout.js";

const $ = (id) => document.getElementById(id);
const MAP_PX = 384;

const locked = (part) => options.lock.has(part);

const loading = new LoadingView($("loading"));
loading.stage("page", "Loading the page…");
const startup = { page: performance.now() }; // ms since navigation when each start-up stage began
const compute = new Compute({
  connect, // after a restart: the shared Python's successor, or one of our own
  onProgress: (stage, detail) => { startup[stage] ??= performance.now(); loading.stage(stage, detail); },
  onReady: (how) => {
    startup.python = how; // "started", "joined" (a Python already running) or "restarted"
    startup.ready ??= performance.now();
    loading.stage("ready", "Ready");
  },
  // The watchdog's notices: short, and the view stays as it was.
  onRestart: (notice) => say(notice),
});

let builtins = { presets: [], images: {} };
let state = defaultState(); // what is painted: the last good settings
let pixels = null; // {data: Float32Array in [0, 1], height, width}: the input image
let result = null; // {stages: [{name, shape, data}]}: the last good output

const inputView = new GridView($("input-canvas"), { maxPx: MAP_PX, label: "Input image", fit: true });
const outputView = new GridView($("output-canvas"), { maxPx: MAP_PX, label: "Feature map", fit: true });
const outputLegend = new LegendView($("output-legend"));
const inspector = new InspectorView($("inspector-table"), $("inspector-summary"));
const kernelView = new KernelView($("kernel-grid"), $("kernel-value"), $("kernel-value-label"), {
  onChange: (row, col, value, problem) => (problem ? say(problem) : userSet({ kernel: withWeight(state.kernel, row, col, value) })),
  // A press is a click about to happen: compute its result while the button is down.
  onPress: (row, col, value) => compute.prefetch(coreSettings({ ...state, kernel: withWeight(state.kernel, row, col, value) }), pixels),
});
kernelView.locked = locked("kernel");
const stagesView = new StagesView($("stages"), {
  maxPx: MAP_PX,
  onCell: (index, cell, kind) => hoverStage(index, cell, kind),
  onKernel2: (row, col, value, problem) => (problem ? say(problem) : locked("kernel") ? null
    : userSet({ layer2: { ...state.layer2, kernel: withWeight(state.layer2.kernel, row, col, value) } })),
  onLayer2: (partial) => userSet({ layer2: { ...state.layer2, ...partial } }),
});


function say(text) {
  $("message").textContent = text;
  $("message").hidden = !text;
}

// --- the input image ---------------------------------------------------------------

const builtinPixels = (name) => pixelsOf(builtins.images[name], name);

// --- applying settings -------------------------------------------------------------

let latest = Promise.resolve();

/**
 * Check partial, compute every stage in Python, then paint. newPixels replaces
 * the image (drawing, uploads). Resolves once painted (with the newest settings
 * if newer ones superseded these); rejects with a readable message, leaving
 * the last good state and output on screen.
 */
function apply(partial, newPixels = null) {
  const run = (async () => {
    const next = merge(state, partial);
    let image = await imageFor(partial, newPixels);
    // The network reads 24×24 digits: a larger image (a photo, an upload) gives way to a digit.
    if (next.mode === "network" && (image.pixels.height !== 24 || image.pixels.width !== 24)) {
      image = { pixels: await builtinPixels("digit3"), name: "digit3" };
    }
    next.image = image.name;
    const out = await compute.run(coreSettings(next), image.pixels);
    if (out === null) return latest; // superseded: the newer request paints
    const colour = next.mode === "channels" ? await (await channelsMode()).run(next.channels) : null;
    const net = next.mode === "network" ? await (await networkMode()).run(next.network, image.pixels) : null;
    if (next.mode === "network" && net === null) return latest;
    state = next;
    pixels = image.pixels;
    result = { stages: splitStages(out) };
    state.window = snapWindow(state.window);
    paint();
    if (colour) {
      channelResult = colour;
      channels.paint(colour, state.channels);
    }
    if (net) {
      network.update(state.network, net, pixels); // the probabilities first; the accuracy after, off this path
      network.refreshAccuracy(net.edits, changed);
    }
  })();
  latest = run;
  return run;
}

/** The input partial asks for: new pixels (drawing, uploads), a built-in's name, a 2-D array, or the current one. */
async function imageFor(partial, newPixels) {
  const { image } = partial;
  if (newPixels) return { pixels: newPixels, name: "custom" };
  if (typeof image === "string" && image !== "custom") return { pixels: await builtinPixels(image), name: image };
  if (image !== undefined && typeof image !== "string") return { pixels: gridPixels(image), name: "custom" };
  return { pixels, name: image === "custom" ? "custom" : state.image };
}

/** A user action: its problem goes to the message line, and nothing else changes. */
function userSet(partial, newPixels) {
  return apply(partial, newPixels).then(() => say(""), (err) => {
    say(err.message);
    syncControls(state, builtins); // every control shows the last good settings again
    stagesView.update(result.stages.slice(1), state);
  });
}

// --- the filter window ----------------------------------------------------------------

/** The window's top-left on the stride grid, inside the padded input. */
function snapWindow(want) {
  const [before] = padAmounts(state);
  const [outH, outW] = result.stages[0].shape;
  const clamp = (v, n) => Math.min(Math.max(v, 0), n - 1);
  const i = clamp(Math.round((want.row + before) / state.stride), outH);
  const j = clamp(Math.round((want.col + before) / state.stride), outW);
  return { row: i * state.stride - before, col: j * state.stride - before };
}

function outCell() {
  const [before] = padAmounts(state);
  return { row: (state.window.row + before) / state.stride, col: (state.window.col + before) / state.stride };
}

function moveWindow(row, col) {
  const next = snapWindow({ row, col });
  if (locked("window") || (next.row === state.window.row && next.col === state.window.col)) return;
  state = { ...state, window: next };
  paintWindow();
  changed();
}

const span = () => state.dilation * (state.kernel.length - 1) + 1;

/** Keyboard on the input: arrows move the window one stride. */
function windowKey(e) {
  const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  if (!moves[e.key]) return;
  e.preventDefault();
  moveWindow(state.window.row + moves[e.key][0] * state.stride, state.window.col + moves[e.key][1] * state.stride);
}

// --- painting --------------------------------------------------------------------------

let padded = null;
let paddedFor = {}; // what padded was made from: redone only when the image or its padding changes

// The maps' size follows the window and the panels in view (static/views/layout.js).
const refitLayout = fitExplorer($("explorer"));
let laidOut = "";

function paint() {
  const started = performance.now();
  const pad = padAmounts(state);
  if (paddedFor.pixels !== pixels || paddedFor.pad !== pad.join() || paddedFor.mode !== state.paddingMode) {
    padded = padImage(pixels, pad, state.paddingMode);
    paddedFor = { pixels, pad: pad.join(), mode: state.paddingMode };
  }
  inputView.update({ data: pixels.data, padded, height: pixels.height, width: pixels.width, pad,
    colormap: "gray", range: [0, 1], numbers: state.numbers });
  const conv = result.stages[0];
  paintOutput();
  outputLegend.update({ colormap: state.colormap, range: rangeOf(conv.data, state.colormap), ...extentOf(conv.data) });
  stagesView.update(result.stages.slice(1), state);
  kernelView.update(state.kernel);
  setText($("input-dims"), `${pixels.height}×${pixels.width}`);
  setText($("output-dims"), `${conv.shape[0]}×${conv.shape[1]}`);
  setText($("kernel-dims"), `${state.kernel.length}×${state.kernel.length}`);
  setText($("formula"), formulaText(state, pixels, conv.shape));
  setText($("params"), paramsText(state, pixels, conv.shape));
  showMode();
  const layoutKey = `${state.mode} ${result.stages.length}`;
  if (layoutKey !== laidOut) { laidOut = layoutKey; refitLayout(); }
  syncControls(state, builtins);
  paintWindow();
  timing = { ...compute.lastTiming, paintMs: performance.now() - started };
  painted();
  changed();
}

let timing = {};

/** The feature map; with "fill", only the positions up to the window's (the map being built). */
function paintOutput() {
  const conv = result.stages[0];
  let data = conv.data;
  if (state.fill) {
    const { row, col } = outCell();
    data = conv.data.slice();
    data.fill(NaN, row * conv.shape[1] + col + 1);
  }
  outputView.update({ data, height: conv.shape[0], width: conv.shape[1], colormap: state.colormap,
    range: rangeOf(conv.data, state.colormap), numbers: state.numbers });
}

function paintWindow() {
  if (state.fill) paintOutput();
  const k = state.kernel.length, d = state.dilation;
  const out = outCell();
  inputView.setOverlay({ window: { ...state.window, size: k, dilation: d } });
  outputView.setOverlay({ cell: out });
  const [before, after] = padAmounts(state);
  const cols = pixels.width + before + after;
  const patch = state.kernel.map((_, m) => state.kernel.map((__, n) =>
    padded[(state.window.row + before + m * d) * cols + state.window.col + before + n * d]));
  const conv = result.stages[0];
  inspector.update({ patch, kernel: state.kernel, bias: state.bias, out,
    value: conv.data[out.row * conv.shape[1] + out.col] });
  syncMotion();
}

// --- modes: explore, learn, code ---------------------------------------------------------

// The modes after "explore" load their code the first time they are opened, so the
// first view parses less and starts sooner.
let learner = null;
let codeMode = null; // starts a second Python, for the learner's code
let channels = null;
let channelResult = null;

async function channelsMode() {
  const { ChannelsMode } = await import("./modes/channels/channels.js");
  return (channels ??= new ChannelsMode({
    compute, builtins, say,
    set: (partial, { quiet = false } = {}) => {
      if (!quiet) return userSet({ channels: { ...state.channels, ...partial } });
      state = { ...state, channels: { ...state.channels, ...partial } }; // the window: nothing to recompute
      changed();
      return Promise.resolve();
    },
  }));
}

let network = null; // the mode, once its model is loaded
let networkLoading = null;

function networkMode() {
  return (networkLoading ??= (async () => {
    const { NetworkMode } = await import("./modes/network/network.js");
    const mode = new NetworkMode({
      compute, say,
      set: (partial) => userSet({ network: { ...state.network, ...partial } }),
      draw: (newPixels, partial) => userSet({ image: "custom", network: { ...state.network, ...partial } }, newPixels),
    });
    mode.mount($("network-mode"));
    await mode.loadShipped();
    return (network = mode);
  })().catch((err) => { networkLoading = null; throw err; }));
}

async function learnMode() {
  // Its Python modules come with the mode, so that its first step is as quick as the next; asked for
  // once the mode is on screen, so that the import does not share the cores with drawing it.
  const prepared = afterFrame().then(() => compute.call("prepare", { mode: "learn" }));
  const [{ Learner }] = await Promise.all([import("./modes/learn/learn.js"), prepared]);
  return (learner ??= new Learner({
    compute,
    presets: builtins.presets,
    images: trainingImages,
    settings: () => ({ stride: state.stride, padding: state.padding, dilation: state.dilation, padding_mode: state.paddingMode }),
    show: (kernel) => apply({ kernel }),
    currentKernel: () => state.kernel,
    say,
  }));
}

async function openCodeMode() {
  const { CodeMode } = await import("./modes/code/code.js");
  codeMode ??= new CodeMode({ select: (id) => userSet({ exercise: id }), say });
  const id = await codeMode.open(state.exercise);
  if (id !== state.exercise) state.exercise = id;
}

function showMode() {
  if (document.body.dataset.mode !== state.mode) document.body.dataset.mode = state.mode;
  document.querySelectorAll(".modes button").forEach((b) => setAttr(b, "aria-pressed", String(b.dataset.mode === state.mode)));
  if (state.mode !== "learn") learner?.pause();
  if (state.mode !== "network") network?.unmount();
  if (state.mode === "learn" && !learner) learnMode().catch((err) => say(err.message));
  if (state.mode === "code") openCodeMode().catch((err) => say(err.message));
}

async function trainingImages() {
  if ($("learn-images").value === "current") return [pixels];
  return Promise.all(["digit3", "digit7", "digit0"].map(builtinPixels));
}

// --- motion: the window through every position ---------------------------------------------

const motion = new Motion({
  count: () => result.stages[0].shape[0] * result.stages[0].shape[1],
  index: () => { const { row, col } = outCell(); return row * result.stages[0].shape[1] + col; },
  goto: (i) => {
    const w = result.stages[0].shape[1], [before] = padAmounts(state);
    moveWindow(Math.floor(i / w) * state.stride - before, (i % w) * state.stride - before);
  },
  onChange: () => syncMotion(),
});

function syncMotion() {
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
  const grids = [outputView, ...result.stages.slice(1).map((_, i) => stagesView.grid(i + 1))];
  if (!cell || kind === "leave") {
    grids.forEach((g) => g.setOverlay({}));
    paintWindow();
    $("receptive").textContent = "";
    return;
  }
  const layers = stageLayers(state);
  const [h, w] = result.stages[index].shape;
  if (cell.row < 0 || cell.col < 0 || cell.row >= h || cell.col >= w) return;
  const field = regionOf(layers, 0, index, cell);
  inputView.setOverlay({ region: field });
  grids.forEach((g, i) => g.setOverlay(i === index ? { cell }
    : i < index ? { region: regionOf(layers, i + 1, index, cell) } : {}));
  const side = field.bottom - field.top + 1;
  const name = index === 0 ? "This feature-map cell" : `This ${result.stages[index].name === "pool" ? "pooled" : "layer-2"} cell`;
  $("receptive").textContent = `${name} sees ${side}×${field.right - field.left + 1} input pixels` +
    ` (rows ${field.top + 1}–${field.bottom + 1}, columns ${field.left + 1}–${field.right + 1}).`;
  $("receptive").dataset.size = `${side}x${field.right - field.left + 1}`;
  if (index === 0 && kind !== "up") {
    const [before] = padAmounts(state);
    moveWindow(cell.row * state.stride - before, cell.col * state.stride - before);
    inputView.setOverlay({ window: { ...state.window, size: state.kernel.length, dilation: state.dilation } });
  }
}

// --- drawing, shifting, uploading -------------------------------------------------------

function pointerMode() {
  return $("pointer-mode").value;
}

let stroke = null; // the pixels being drawn on, during one pointer stroke

function inputPointer(cell, kind) {
  if (!cell || !(kind === "down" || kind === "move")) { if (kind === "up") stroke = null; return; }
  const mode = pointerMode();
  if (mode === "window") {
    if (locked("window")) return;
    moveWindow(cell.row - Math.floor((span() - 1) / 2), cell.col - Math.floor((span() - 1) / 2));
    return;
  }
  if (cell.row < 0 || cell.col < 0 || cell.row >= pixels.height || cell.col >= pixels.width) return;
  if (kind === "down" || !stroke) stroke = { ...pixels, data: pixels.data.slice() };
  stroke.data[cell.row * pixels.width + cell.col] = mode === "erase" ? 0 : Number($("brush").value);
  stroke = { ...stroke }; // a new object: the worker is sent pixels only when the object changes
  userSet({ image: "custom" }, stroke);
}

function shiftImage(dr, dc) {
  const before = result.stages;
  userSet({ image: "custom" }, shiftPixels(pixels, dr, dc))
    .then(() => setText($("shift-effect"), shiftReport(before, result.stages, dr, dc, state.stride)));
}

const MAX_UPLOAD_BYTES = 10_000_000;

async function upload(file) {
  if (!file) return;
  if (file.size > MAX_UPLOAD_BYTES) {
    say(`"${file.name}" is ${(file.size / 1e6).toFixed(1)} MB; images up to 10 MB can be used. Your image is unchanged.`);
    return;
  }
  say(`Reading "${file.name}"…`);
  try {
    const { meta, data } = await compute.decode(await file.arrayBuffer(), Number($("upload-size").value));
    await userSet({ image: "custom" }, { data, height: meta.height, width: meta.width });
  } catch (err) {
    say(`"${file.name}": ${err.message} Your image is unchanged.`);
  }
}

// --- wiring ------------------------------------------------------------------------------

function wire() {
  wireControls(builtins, { get: () => state, set: userSet, say });
  inputView.onCell(inputPointer);
  outputView.onCell((cell, kind) => hoverStage(0, cell, kind));
  const canvas = $("input-canvas");
  canvas.tabIndex = 0;
  canvas.setAttribute("aria-label", "Input image. Arrow keys move the filter window.");
  canvas.addEventListener("keydown", windowKey);
  $("pointer-mode").addEventListener("change", () => canvas.classList.toggle("draggable", pointerMode() === "window"));
  $("clear").addEventListener("click", () => userSet({ image: "custom" },
    { data: new Float32Array(pixels.data.length), height: pixels.height, width: pixels.width }));
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
  $("export-png").addEventListener("click", () => outputView.canvas.toBlob((b) => download(b, "feature-map.png")));
  $("export-npy").addEventListener("click", () => download(
    new Blob([npyBytes(conv().data, conv().shape)], { type: "application/octet-stream" }), "feature-map.npy"));
  $("export-code").addEventListener("click", () => {
    $("code-torch").textContent = torchSnippet(state);
    $("code-numpy").textContent = numpySnippet(state, padAmounts(state));
    $("code-dialog").showModal();
  });
  $("code-close").addEventListener("click", () => $("code-dialog").close());
  document.querySelectorAll(".modes button").forEach((b) => b.addEventListener("click", () => userSet({ mode: b.dataset.mode })));
  $("play").addEventListener("click", () => motion.toggle());
  $("step-forward").addEventListener("click", () => motion.step(1));
  $("step-back").addEventListener("click", () => motion.step(-1));
  $("scrub").addEventListener("input", (e) => motion.goto(Number(e.target.value)));
  $("speed").addEventListener("change", (e) => motion.setSpeed(e.target.value));
  $("fill").addEventListener("change", (e) => userSet({ fill: e.target.checked }));
  $("copy-link").addEventListener("click", async () => {
    say((await copyText(location.href)) ? "Link copied: it opens exactly this view." : `Copy this link: ${location.href}`);
  });
  const embedDialog = new EmbedDialog($("embed-dialog"), {
    fragment: () => writeFragment(state, pixels),
    // Network mode's maps and answer need 800×600 to be seen at once (tests/browser/test_network_mode.py),
    // and a taller frame in a column, until the frame's height follows its content.
    size: () => (state.mode === "network" ? { fixed: "800x600", ratio: "1 / 1" } : { fixed: "640x480", ratio: "4 / 3" }),
  });
  $("embed-open").addEventListener("click", () => embedDialog.open());
}

// --- links and the embedding page ---------------------------------------------------------

const parent = connectParent({
  origin: options.origin, getState,
  set: (p) => ready.then(() => apply(p)),
  command: (type) => ready.then(() => (type === "step" ? motion.step(1) : motion[type]())),
  onAutosize: () => refitLayout(), // the frame's height follows the view now (html.autosize)
});
let hashTimer = null;
let writtenHash = null; // null until the page's own link has been read

/** After every change: the link follows (without a history entry per click), the parent hears. */
function changed() {
  if (writtenHash === null) return;
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => {
    writtenHash = `#${writeFragment(state, pixels)}`;
    if (location.hash !== writtenHash) history.replaceState(null, "", writtenHash);
    // An embed's "Open in the full explorer": this view, without the embed's options.
    if (options.embed) $("open-full").href = `${location.pathname}${writtenHash}`;
  }, 80);
  parent.changed();
}

/** Show the view a link describes: settings it leaves out are the defaults. */
async function applyLink(hash) {
  const { partial, notices } = readFragment(hash);
  const view = { ...defaultState(), ...partial };
  try {
    await apply(view);
  } catch (err) {
    notices.push(`The link's settings do not work together (${err.message}); the default view is shown.`);
    await apply(defaultState());
  }
  say(notices.join(" "));
}

window.addEventListener("hashchange", () => {
  if (location.hash !== writtenHash) applyLink(location.hash).catch((err) => say(err.message));
});

// --- the page's JS API ---------------------------------------------------------------------

let paintWaiters = [];
function painted() {
  document.body.dataset.painted = String(Number(document.body.dataset.painted || 0) + 1);
  paintWaiters.forEach((resolve) => resolve());
  paintWaiters = [];
}

const toRows = (data, [h, w]) => Array.from({ length: h }, (_, i) => Array.from(data.subarray(i * w, (i + 1) * w)));

function getState() {
  const s = structuredClone(state);
  s.imageName = state.image;
  s.image = toRows(pixels.data, [pixels.height, pixels.width]);
  s.output = toRows(result.stages[0].data, result.stages[0].shape);
  s.stages = result.stages.map(({ name, shape, data }) => ({ name, data: toRows(data, shape) }));
  if (state.mode === "network" && network) s.network = { ...s.network, ...network.summary() };
  if (state.mode === "channels" && channelResult) {
    s.channelStages = channelResult.stages.map(({ name, shape, data }) => ({ name, data: toRows(data, shape) }));
  }
  return s;
}

/** Before Python is ready: show the linked view's image and kernel, with an empty map of the right size. */
function preview(hash) {
  const { partial } = readFragment(hash);
  try {
    const { image, ...settings } = { ...defaultState(), ...partial };
    state = merge(defaultState(), settings);
    if (Array.isArray(image)) { pixels = gridPixels(image); state.image = "custom"; } else state.image = image;
  } catch {
    state = defaultState(); // the full check, with a notice, comes with applyLink once Python is ready
  }
  const k = state.dilation * (state.kernel.length - 1) + 1;
  const [before, after] = padAmounts(state);
  const side = (n) => Math.max(1, Math.floor((n + before + after - k) / state.stride) + 1);
  result = { stages: [{ name: "conv", shape: [side(pixels.height), side(pixels.width)],
    data: new Float32Array(side(pixels.height) * side(pixels.width)) }] };
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
/** After the next frame is drawn (or 100 ms, where frames are not drawn: a hidden tab, an off-screen frame). */
const afterFrame = () => new Promise((resolve) => {
  requestAnimationFrame(() => setTimeout(resolve, 0));
  setTimeout(resolve, 100);
});

async function start() {
  const booting = compute.start(firstWorker); // Python has been booting since boot.js ran
  booting.catch(() => {}); // its failure is reported below, once awaited
  builtins = await (await fetch("data/builtins.json")).json();
  wire();
  await nextTask(); // short tasks: the page stays responsive, and no task is long, while it builds itself
  pixels = await builtinPixels(defaultState().image);
  preview(location.hash);
  if (state.image !== "custom" && state.image in builtins.images) pixels = await builtinPixels(state.image);
  paint();
  await booting;
  await applyLink(location.hash);
  if (state.mode === "learn") await learnMode(); // a link into learn mode is ready when its buttons work
  document.body.classList.remove("starting");
  writtenHash = "";
  changed();
  $("explorer").setAttribute("aria-busy", "false");
  startup.painted = performance.now();
  parent.ready();
}

const ready = start();
ready.catch((err) => { loading.fail(err.message); console.error(err); });

window.convExplorer = {
  ready,
  getState,
  setState: (partial) => ready.then(() => apply(partial)),
  /** Resolves after the next paint (for benchmarks and course scripts). */
  nextPaint: () => new Promise((resolve) => paintWaiters.push(resolve)),
  /** Move the window through every position: play(), pause(), step(n) (n may be negative). */
  play: () => ready.then(() => motion.play()),
  pause: () => motion.pause(),
  step: (n = 1) => ready.then(() => motion.step(n)),
  /** When each start-up stage began, in ms since navigation: {page, runtime, packages, ready, painted},
   * and how Python became ready: python "started", "joined" or "restarted". */
  startupTiming: () => ({ ...startup }),
  /** Where the last edit's time went: {roundTripMs (to the worker and back), workerMs (Python), paintMs}. */
  lastTiming: () => ({ ...timing }),
  version: 1,
};
