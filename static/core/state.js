// The one state object: every setting of the view, described once (type,
// default, limits). Views never keep their own copy. Whether a combination
// of settings works (does the kernel fit?) is the Python core's call; this
// file only checks that each value has the right type and range.

import { MODES } from "../modes/index.js";

export const KERNEL_SIZES = [1, 2, 3, 4, 5, 6, 7];
export const MAX_WEIGHT = 1000;
export const MAX_IMAGE_SIDE = 512;
// The allowed values of each choice setting: the state's checks and the link's reader both use these.
export const CHOICES = {
  paddingMode: ["zeros", "reflect", "replicate", "circular"],
  activation: ["none", "relu", "leaky_relu"],
  colormap: ["diverging", "gray", "abs"],
  mode: MODES.map((m) => m.id),
  poolMode: ["max", "avg"],
};

const SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]];
const CENTRE = (v) => [[0, 0, 0], [0, v, 0], [0, 0, 0]];

/** Channels mode's layer: 3 input channels (red, green, blue), 1 to 4 filters. */
export function defaultChannels() {
  return {
    image: "color-shapes",
    filters: [
      { kernels: [SOBEL_X, SOBEL_X, SOBEL_X].map((k) => k.map((r) => [...r])), bias: 0 }, // edges, whatever the colour
      { kernels: [CENTRE(1), CENTRE(-1), CENTRE(0)], bias: 0 }, // red minus green
    ],
    separable: false,
    depthwise: [SOBEL_X, SOBEL_X, SOBEL_X].map((k) => k.map((r) => [...r])),
    pointwise: [[1, 1, 1], [1, -1, 0]],
    biases: [0, 0],
    stride: 1,
    padding: 0,
    window: { row: 8, col: 8 },
    selected: 0, // the filter whose arithmetic the inspector shows
  };
}

/**
 * Network mode: which model, the learner's edits of its filters, the held-out digit shown (or null
 * for a drawing) and the filter whose kernels are open. edits: {"<layer index>": {"<filter>":
 * {w: flat Cin·K·K weights, b: bias}}}, only filters that differ from the trained ones; null in w or b
 * stands for the trained value, so a link lists only what was changed.
 */
export function defaultNetwork() {
  return { model: "digits", edits: {}, digit: null, layer: 0, filter: 0 };
}

export function defaultState() {
  return {
    image: "digit3", // a built-in image's name, or "custom" for drawn/uploaded pixels
    kernel: SOBEL_X.map((r) => [...r]),
    bias: 0,
    stride: 1,
    padding: 0, // a whole number, "valid" or "same"
    paddingMode: "zeros",
    dilation: 1,
    activation: "none",
    pool: null, // or {mode: "max" | "avg", size, stride}
    layer2: null,
    window: { row: 13, col: 17 }, // the filter window's top-left, in input pixels (on an edge of the 3)
    colormap: "diverging",
    numbers: false,
    fill: false, // the feature map shows only the positions the window has visited, row by row
    mode: "explore", // or "learn" (gradient descent finds the kernel), "code" (write the convolution)
    exercise: null, // in code mode: an exercise's id
    channels: defaultChannels(),
    network: defaultNetwork(),
  };
}

const isInt = (v) => Number.isInteger(v);
const fail = (msg) => { throw new RangeError(msg); };

function checkKernel(k, what = "kernel") {
  if (!Array.isArray(k) || !KERNEL_SIZES.includes(k.length) ||
      !k.every((row) => Array.isArray(row) && row.length === k.length)) {
    fail(`The ${what} must be a square grid from 1×1 to 7×7.`);
  }
  for (const row of k) {
    for (const v of row) {
      if (typeof v !== "number" || !Number.isFinite(v)) fail(`Every ${what} weight must be a finite number.`);
      if (Math.abs(v) > MAX_WEIGHT) fail(`${what[0].toUpperCase()}${what.slice(1)} weights are limited to −${MAX_WEIGHT}…${MAX_WEIGHT}.`);
    }
  }
  return k.map((row) => [...row]);
}

/** v if it is one of CHOICES[key], else a RangeError naming the choices. */
function choice(key, label, v) {
  const options = CHOICES[key];
  if (!options.includes(v)) fail(`${label} must be ${options.slice(0, -1).join(", ")} or ${options.at(-1)}.`);
  return v;
}

function checkInt(name, v, lo, hi) {
  if (!isInt(v) || v < lo || v > hi) fail(`${name} must be a whole number from ${lo} to ${hi}.`);
  return v;
}

const CHECKS = {
  image: (v) => v,  // names and pixel grids are resolved by the caller, which knows the built-ins
  kernel: (v) => checkKernel(v),
  bias: (v) => (typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= MAX_WEIGHT
    ? v : fail(`The bias must be a number from −${MAX_WEIGHT} to ${MAX_WEIGHT}.`)),
  stride: (v) => checkInt("Stride", v, 1, 4),
  padding: (v) => (v === "valid" || v === "same" ? v : checkInt("Padding", v, 0, 8)),
  paddingMode: (v) => choice("paddingMode", "Padding mode", v),
  dilation: (v) => checkInt("Dilation", v, 1, 4),
  activation: (v) => choice("activation", "Activation", v),
  pool: (v) => {
    if (v === null) return null;
    if (typeof v !== "object" || !CHOICES.poolMode.includes(v.mode)) fail("Pooling must be null or {mode: \"max\" | \"avg\", size, stride}.");
    const size = checkInt("Pool size", v.size ?? 2, 1, 4);
    return { mode: v.mode, size, stride: checkInt("Pool stride", v.stride ?? size, 1, 4) };
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
  colormap: (v) => choice("colormap", "Colours", v),
  numbers: (v) => (typeof v === "boolean" ? v : fail("numbers must be true or false.")),
  fill: (v) => (typeof v === "boolean" ? v : fail("fill must be true or false.")),
  mode: (v) => choice("mode", "Mode", v),
  channels: (v) => checkChannels(v),
  network: (v) => checkNetwork(v),
  exercise: (v) => (v === null || (typeof v === "string" && /^[a-z0-9-]{1,60}$/.test(v))
    ? v : fail("An exercise is named by its id (lower-case letters, digits and hyphens).")),
};

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
  return { model: n.model, edits, digit: index(n.digit, "digit"), layer: index(n.layer, "layer") ?? 0, filter: index(n.filter, "filter") ?? 0 };
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

/** The settings the Python core takes (snake_case: the one place names change). */
export function coreSettings(s) {
  return {
    kernel: s.kernel, bias: s.bias, stride: s.stride, padding: s.padding,
    padding_mode: s.paddingMode, dilation: s.dilation, activation: s.activation,
    pool: s.pool, layer2: s.layer2 && { ...s.layer2, padding_mode: "zeros" },
  };
}

/** Padding (before, after) along one axis, as the core's pad_amounts computes it. */
export function padAmounts(s) {
  if (s.padding === "valid") return [0, 0];
  if (s.padding === "same") {
    const total = s.dilation * (s.kernel.length - 1);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }
  return [s.padding, s.padding];
}
