// The one state object: every setting of the view. Its keys, defaults and limits are the
// manifest's (static/settings.json, read by settings.js); this file turns each setting's type
// into a check. Views never keep their own copy. Whether a combination of settings works (does
// the kernel fit?) is the Python core's call; a check only looks at one value's type and range.

import { SETTINGS, LIMITS } from "./settings.js";

export const MAX_WEIGHT = LIMITS.weight;
export const MAX_IMAGE_SIDE = LIMITS.imageSide;
export const KERNEL_SIZES = Array.from({ length: LIMITS.kernelSide }, (_, i) => i + 1);

const copy = (v) => structuredClone(v);
const defaultChannels = () => copy(SETTINGS.channels.default);
const defaultNetwork = () => copy(SETTINGS.network.default);
const defaultTransposed = () => copy(SETTINGS.transposed.default);
const defaultSignal = () => copy(SETTINGS.signal.default);

/** Every setting at its default: a fresh object each call, so a caller may change it. */
export function defaultState() {
  return Object.fromEntries(Object.entries(SETTINGS).map(([key, spec]) => [key, copy(spec.default)]));
}

const isInt = (v) => Number.isInteger(v);
const fail = (msg) => { throw new RangeError(msg); };
const capital = (label) => label[0].toUpperCase() + label.slice(1);
const signed = (v) => String(v).replace("-", "−");
/** "a, b or c": the choices of a setting, as its messages list them. */
export const listed = (options) => `${options.length > 2 ? "one of " : ""}${options.slice(0, -1).join(", ")} or ${options.at(-1)}`;

function checkKernel(k, what = "kernel") {
  if (!Array.isArray(k) || !KERNEL_SIZES.includes(k.length) ||
      !k.every((row) => Array.isArray(row) && row.length === k.length)) {
    fail(`The ${what} must be a square grid from 1×1 to ${LIMITS.kernelSide}×${LIMITS.kernelSide}.`);
  }
  for (const row of k) {
    for (const v of row) {
      if (typeof v !== "number" || !Number.isFinite(v)) fail(`Every ${what} weight must be a finite number.`);
      if (Math.abs(v) > MAX_WEIGHT) fail(`${capital(what)} weights are limited to −${MAX_WEIGHT}…${MAX_WEIGHT}.`);
    }
  }
  return k.map((row) => [...row]);
}

function checkInt(label, v, lo, hi) {
  if (!isInt(v) || v < lo || v > hi) fail(`${capital(label)} must be a whole number from ${lo} to ${hi}.`);
  return v;
}

// A check for each type of the manifest: (value, spec) → the value to keep, or a RangeError.
const TYPES = {
  image: (v) => v, // names and pixel grids are resolved by the caller, which knows the built-ins
  kernel: (v) => checkKernel(v),
  number: (v, { label, min, max }) => (typeof v === "number" && Number.isFinite(v) && v >= min && v <= max
    ? v : fail(`${capital(label)} must be a number from ${signed(min)} to ${max}.`)),
  int: (v, { label, min, max }) => checkInt(label, v, min, max),
  padding: (v, { label, max }) => (v === "valid" || v === "same" ? v : checkInt(label, v, 0, max)),
  choice: (v, { label, options }) => (options.includes(v) ? v : fail(`${capital(label)} must be ${listed(options)}.`)),
  bool: (v, { label }) => (typeof v === "boolean" ? v : fail(`${capital(label)} must be true or false.`)),
  name: (v, { label, pattern, expected }) => (v === null || (typeof v === "string" && new RegExp(pattern).test(v))
    ? v : fail(`${capital(label)} must be null or ${expected}.`)),
  pool: (v, { options, min, max }) => {
    if (v === null) return null;
    if (typeof v !== "object" || !options.includes(v.mode)) fail(`Pooling must be null or {mode: ${options.map((o) => `"${o}"`).join(" | ")}, size, stride}.`);
    const size = checkInt("pool size", v.size ?? 2, min, max);
    return { mode: v.mode, size, stride: checkInt("pool stride", v.stride ?? size, min, max) };
  },
  layer2: (v) => {
    if (v === null) return null;
    if (typeof v !== "object") fail("The second layer must be null or an object with a kernel.");
    return {
      kernel: checkKernel(v.kernel, "second layer's kernel"),
      bias: CHECKS.bias(v.bias ?? 0),
      stride: CHECKS.stride(v.stride ?? 1),
      padding: CHECKS.padding(v.padding ?? 0),
      dilation: CHECKS.dilation(v.dilation ?? 1),
    };
  },
  window: (v) => {
    if (!v || !isInt(v.row) || !isInt(v.col)) fail("The window must be {row, col} in whole input pixels.");
    return { row: v.row, col: v.col };
  },
};
TYPES.mode = TYPES.choice;

// The settings whose value is an object of their own are checked here, field by field.
const OBJECTS = { channels: (v) => checkChannels(v), network: (v) => checkNetwork(v), transposed: (v) => checkTransposed(v),
  signal: (v) => checkSignal(v) };

/** setting → check(value): the value to keep, or a RangeError with a sentence for the learner. */
const CHECKS = Object.fromEntries(Object.entries(SETTINGS).map(([key, spec]) =>
  [key, spec.type === "object" ? OBJECTS[key] : (v) => TYPES[spec.type](v, spec)]));

function checkChannels(v) {
  if (!v || typeof v !== "object" || Array.isArray(v)) fail("channels must be an object (see getState().channels).");
  const c = { ...defaultChannels(), ...v };
  if (typeof c.image !== "string" || !/^[a-z0-9-]{1,40}$/.test(c.image)) fail("channels.image must be a colour image's name or \"custom\".");
  if (!Array.isArray(c.filters) || c.filters.length < 1 || c.filters.length > 4) fail("A colour layer has 1 to 4 filters.");
  const filters = c.filters.map((f, i) => {
    if (!f || !Array.isArray(f.kernels) || f.kernels.length !== 3) fail(`Filter ${i + 1} needs 3 kernels, one per colour channel.`);
    return { kernels: f.kernels.map((k) => checkKernel(k, `filter ${i + 1}'s kernel`)), bias: CHECKS.bias(f.bias ?? 0) };
  });
  const size = filters[0].kernels[0].length;
  if (!filters.every((f) => f.kernels.every((k) => k.length === size))) fail("Every kernel of a colour layer has the same size.");
  if (!Array.isArray(c.depthwise) || c.depthwise.length !== 3) fail("The depthwise layer needs 3 kernels, one per channel.");
  const depthwise = c.depthwise.map((k) => checkKernel(k, "depthwise kernel"));
  const cout = filters.length;
  const row = (r, i) => {
    if (!Array.isArray(r) || r.length !== 3 || !r.every((x) => typeof x === "number" && Number.isFinite(x) && Math.abs(x) <= MAX_WEIGHT)) {
      fail(`Pointwise row ${i + 1} needs 3 finite weights, one per channel.`);
    }
    return [...r];
  };
  const pointwise = Array.from({ length: cout }, (_, i) => row(c.pointwise?.[i] ?? [1, 1, 1], i));
  const biases = Array.from({ length: cout }, (_, i) => CHECKS.bias(c.biases?.[i] ?? 0));
  if (typeof c.separable !== "boolean") fail("channels.separable must be true or false.");
  return {
    image: c.image, filters, separable: c.separable, depthwise, pointwise, biases,
    stride: CHECKS.stride(c.stride), padding: CHECKS.padding(c.padding),
    window: CHECKS.window(c.window),
    selected: Number.isInteger(c.selected) && c.selected >= 0 && c.selected < cout ? c.selected : 0,
  };
}

// What a gradient view of explore's layer starts from: one output cell, every cell, or the map itself.
export const UPSTREAMS = ["cell", "ones", "map"];

/** Transposed mode's layer: each field's type and range (whether they work together is Python's call). */
function checkTransposed(v) {
  if (!v || typeof v !== "object" || Array.isArray(v)) fail("transposed must be an object (see getState().transposed).");
  const t = { ...defaultTransposed(), ...v };
  const cell = t.cell;
  if (!cell || !isInt(cell.row) || !isInt(cell.col) || cell.row < 0 || cell.col < 0) {
    fail("transposed.cell must be {row, col}, an output cell counted from 0.");
  }
  if (typeof t.compare !== "boolean") fail("transposed.compare must be true or false.");
  if (![null, ...UPSTREAMS].includes(t.gradient)) fail(`transposed.gradient must be null or ${listed(UPSTREAMS.map((u) => `"${u}"`))}.`);
  return {
    input: checkKernel(t.input, "transposed layer's input"), kernel: checkKernel(t.kernel, "transposed layer's kernel"),
    bias: CHECKS.bias(t.bias), stride: CHECKS.stride(t.stride), padding: checkInt("transposed padding", t.padding, 0, SETTINGS.padding.max),
    outputPadding: checkInt("output padding", t.outputPadding, 0, 3), dilation: CHECKS.dilation(t.dilation),
    cell: { row: cell.row, col: cell.col }, compare: t.compare, gradient: t.gradient,
  };
}

export const MAX_TAPS = 63;

/** 1-D mode's layer: each field's type and range (a filter's own rules, odd taps and a cutoff below half
 * the sample rate, are Python's). */
function checkSignal(v) {
  if (!v || typeof v !== "object" || Array.isArray(v)) fail("signal must be an object (see getState().signal).");
  const g = { ...defaultSignal(), ...v };
  const { sources, filters } = SETTINGS.signal;
  if (!sources.includes(g.source)) fail(`signal.source must be ${listed(sources.map((x) => `"${x}"`))}.`);
  let filter = null;
  if (g.filter !== null) {
    if (!g.filter || !filters.includes(g.filter.kind)) fail(`signal.filter must be null or {kind, taps, cutoff} with kind ${listed(filters.map((x) => `"${x}"`))}.`);
    filter = { kind: g.filter.kind, taps: checkInt("the filter's taps", g.filter.taps ?? 31, 1, MAX_TAPS),
      cutoff: TYPES.number(g.filter.cutoff ?? 500, { label: "the cutoff", min: 1, max: 3999 }) };
  }
  if (!Array.isArray(g.taps) || g.taps.length < 1 || g.taps.length > MAX_TAPS ||
      !g.taps.every((x) => typeof x === "number" && Number.isFinite(x) && Math.abs(x) <= MAX_WEIGHT)) {
    fail(`signal.taps must be 1 to ${MAX_TAPS} numbers from −${MAX_WEIGHT} to ${MAX_WEIGHT}.`);
  }
  const padding = ["valid", "same", "causal"].includes(g.padding) ? g.padding : checkInt("1-D padding", g.padding, 0, 64);
  if (!["response", "spectrogram"].includes(g.view)) fail('signal.view must be "response" or "spectrogram".');
  if (g.stack !== null && !(Array.isArray(g.stack) && g.stack.length >= 1 && g.stack.length <= 6 && g.stack.every((d) => isInt(d) && d >= 1 && d <= 32))) {
    fail("signal.stack must be null or 1 to 6 dilations, each a whole number from 1 to 32.");
  }
  return {
    source: g.source, filter, taps: [...g.taps], bias: CHECKS.bias(g.bias), stride: CHECKS.stride(g.stride), padding,
    dilation: checkInt("1-D dilation", g.dilation, 1, 8), at: checkInt("signal.at", g.at, 0, 1e6), view: g.view,
    stack: g.stack && [...g.stack],
  };
}

const MAX_EDITED_FILTERS = 128;

/** Network mode's settings; result fields (probs, accuracy…) that getState() adds are left out. Shapes are Python's check. */
function checkNetwork(v) {
  if (!v || typeof v !== "object" || Array.isArray(v)) fail("network must be an object (see getState().network).");
  const n = { ...defaultNetwork(), ...v };
  if (typeof n.model !== "string" || !/^[A-Za-z0-9_. -]{1,60}$/.test(n.model)) fail("network.model must be a model's name.");
  if (!n.edits || typeof n.edits !== "object" || Array.isArray(n.edits)) fail("network.edits must be an object of edited filters.");
  const edits = {};
  let count = 0;
  for (const [layer, filters] of Object.entries(n.edits)) {
    if (!/^\d{1,2}$/.test(layer) || !filters || typeof filters !== "object") fail("network.edits is keyed by layer index, then filter index.");
    for (const [f, edit] of Object.entries(filters)) {
      const w = edit?.w, b = edit?.b ?? null; // null: the trained value
      if (!/^\d{1,2}$/.test(f) || !Array.isArray(w) || w.length > 64 * 49 ||
          ![...w, b].every((x) => x === null || (typeof x === "number" && Number.isFinite(x) && Math.abs(x) <= MAX_WEIGHT))) {
        fail(`The edit of layer ${Number(layer) + 1}, filter ${Number(f) + 1} needs weights and a bias from −${MAX_WEIGHT} to ${MAX_WEIGHT}.`);
      }
      if (++count > MAX_EDITED_FILTERS) fail(`At most ${MAX_EDITED_FILTERS} filters can be edited.`);
      (edits[layer] ??= {})[f] = { w: [...w], b };
    }
  }
  const index = (x, name) => (x === null || (Number.isInteger(x) && x >= 0 && x < 10000) ? x : fail(`network.${name} must be a whole number.`));
  const { panels, sweeps } = SETTINGS.network;
  if (!panels.includes(n.panel)) fail(`network.panel must be one of ${panels.join(", ")}.`);
  if (!sweeps.includes(n.sweep)) fail(`network.sweep must be one of ${sweeps.join(", ")}.`);
  return { model: n.model, edits, digit: index(n.digit, "digit"), layer: index(n.layer, "layer") ?? 0, filter: index(n.filter, "filter") ?? 0,
    panel: n.panel, probe: checkProbe(n.probe), sweep: n.sweep, unit: checkUnit(n.unit), train: checkTraining(n.train) };
}

/** {optimizer, lr, batch, epochs, seed, bug}: a training run's settings, app.training.check_config's limits. */
function checkTraining(v) {
  if (!v || typeof v !== "object" || Array.isArray(v)) fail("network.train must be an object {optimizer, lr, batch, epochs, seed, bug}.");
  const { optimizers, bugs } = SETTINGS.network;
  const t = { ...defaultNetwork().train, ...v };
  if (!optimizers.includes(t.optimizer)) fail(`network.train.optimizer must be one of ${optimizers.join(", ")}.`);
  if (t.bug !== null && !bugs.includes(t.bug)) fail(`network.train.bug must be null or one of ${bugs.join(", ")}.`);
  if (typeof t.lr !== "number" || !(t.lr >= 1e-5 && t.lr <= 1)) fail("network.train.lr must be a number from 0.00001 to 1.");
  for (const [key, hi] of [["batch", 256], ["epochs", 20], ["seed", 2 ** 31 - 1]]) {
    const lo = key === "seed" ? 0 : 1;
    if (!Number.isInteger(t[key]) || t[key] < lo || t[key] > hi) fail(`network.train.${key} must be a whole number from ${lo} to ${hi}.`);
  }
  return { optimizer: t.optimizer, lr: t.lr, batch: t.batch, epochs: t.epochs, seed: t.seed, bug: t.bug };
}

/** {layer, channel, row, col}: whole numbers; whether the model has that unit is Python's check. */
function checkUnit(v) {
  const keys = ["layer", "channel", "row", "col"];
  if (!v || typeof v !== "object" || !keys.every((k) => Number.isInteger(v[k]) && v[k] >= 0 && v[k] < 10000)) {
    fail("network.unit must be {layer, channel, row, col}, four whole numbers counted from 0.");
  }
  return { layer: v.layer, channel: v.channel, row: v.row, col: v.col };
}

/** {dy, dx, angle, scale}: how network mode moves its input (app.probes.probe; app.api._probe checks it again). */
function checkProbe(v) {
  if (!v || typeof v !== "object" || Array.isArray(v)) fail("network.probe must be an object {dy, dx, angle, scale}.");
  const p = { ...defaultNetwork().probe, ...v };
  for (const [key, lo, hi, whole] of [["dy", -12, 12, true], ["dx", -12, 12, true], ["angle", -180, 180, false], ["scale", 0.25, 2, false]]) {
    const x = p[key];
    if (typeof x !== "number" || !Number.isFinite(x) || (whole && !Number.isInteger(x)) || x < lo || x > hi) {
      fail(`network.probe.${key} must be ${whole ? "a whole number" : "a number"} from ${String(lo).replace("-", "−")} to ${hi}.`);
    }
  }
  return { dy: p.dy, dx: p.dx, angle: p.angle, scale: p.scale };
}

/** A copy of state with partial's settings checked and applied; throws RangeError with a readable message. */
export function merge(state, partial) {
  if (!partial || typeof partial !== "object" || Array.isArray(partial)) fail("setState takes an object of settings.");
  const next = { ...state };
  for (const [key, value] of Object.entries(partial)) {
    if (key === "output" || key === "stages") continue; // results, not settings
    if (!(key in CHECKS)) fail(`Unknown setting "${String(key).slice(0, 40)}".`);
    next[key] = CHECKS[key](value);
  }
  return next;
}

/** A size×size kernel keeping the centre of the old one, zeros around: a learner's weights survive a resize. */
export function resizeKernel(old, size) {
  const off = Math.floor((size - old.length) / 2);
  return Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => old[r - off]?.[c - off] ?? 0));
}

/** A copy of kernel k with the weight at (row, col) set to value. */
export const withWeight = (k, row, col, value) => k.map((r, i) => r.map((v, j) => (i === row && j === col ? value : v)));

/** The settings the Python core takes, under the manifest's core names (snake_case: the one place names change). */
export function coreSettings(s) {
  const core = Object.fromEntries(Object.entries(SETTINGS).filter(([, spec]) => spec.core).map(([key, spec]) => [spec.core, s[key]]));
  return { ...core, layer2: s.layer2 && { ...s.layer2, padding_mode: "zeros" } }; // the second layer pads with zeros
}

/** Padding (before, after) along one axis, as the core's pad_amounts (and conv1d_pad_amounts) computes it. */
export function padAmounts(s) {
  if (s.padding === "valid") return [0, 0];
  if (s.padding === "causal") return [s.dilation * (s.kernel.length - 1), 0]; // 1-D only: all of it before
  if (s.padding === "same") {
    const total = s.dilation * (s.kernel.length - 1);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }
  return [s.padding, s.padding];
}
