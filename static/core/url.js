// The state in the URL fragment, compact and readable:
//   #v=1&img=digit3&k=1,0,-1,2,0,-2,1,0,-1&pad=same&w=13,17
// Only settings that differ from the defaults are written (plus v, img, k).
// Reading never throws: a field that does not parse is left at its default
// and named in a notice. Version 1 is the only format so far; a later one
// must keep reading v=1 links.

import { defaultState, CHOICES } from "./state.js";

export const FORMAT_VERSION = 1;
const MAX_FRAGMENT = 12000; // longer fragments are not ours; refuse them whole
const MAX_LINK_PIXELS = 32 * 32; // drawn images up to this size travel in the link

// What a reader throws is only what was expected, as a noun phrase: readFragment makes the sentence.
const KERNEL_EXPECTED = "1 to 49 numbers separated by commas, a square count such as 9 for a 3×3 kernel";
const PIXELS_EXPECTED = `a drawing of at most ${MAX_LINK_PIXELS} pixels written as HxW.base64, with exactly H×W pixels`;

const num = (v) => String(Number(v.toPrecision(6)));
const kernelText = (k) => k.flat().map(num).join(",");

function parseKernel(text) {
  const values = text.split(",").map((t) => (t.trim() === "" ? NaN : Number(t)));
  const k = Math.round(Math.sqrt(values.length));
  if (k * k !== values.length || k < 1 || k > 7 || !values.every(Number.isFinite)) {
    throw new Error(KERNEL_EXPECTED);
  }
  return Array.from({ length: k }, (_, r) => values.slice(r * k, r * k + k));
}

// base64url of 8-bit pixels: a 24×24 drawing is 768 characters.
function encodePixels({ data, height, width }) {
  const bytes = Uint8Array.from(data, (v) => Math.round(Math.min(Math.max(v, 0), 1) * 255));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return `${height}x${width}.${btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

function decodePixels(text) {
  const m = /^(\d{1,2})x(\d{1,2})\.([A-Za-z0-9_-]+)$/.exec(text);
  if (!m) throw new Error(PIXELS_EXPECTED);
  const height = Number(m[1]), width = Number(m[2]);
  let bin;
  try {
    bin = atob(m[3].replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw new Error(PIXELS_EXPECTED); // not base64 at all
  }
  if (height < 1 || width < 1 || height * width > MAX_LINK_PIXELS || bin.length !== height * width) {
    throw new Error(PIXELS_EXPECTED);
  }
  return Array.from({ length: height }, (_, r) =>
    Array.from({ length: width }, (_, c) => bin.charCodeAt(r * width + c) / 255));
}

const int = (lo, hi) => (t) => {
  const v = Number(t);
  if (!/^\d+$/.test(t) || v < lo || v > hi) throw new Error(`a whole number from ${lo} to ${hi}`);
  return v;
};
const oneOf = (...options) => (t) => {
  if (!options.includes(t)) {
    throw new Error(`${options.length > 2 ? "one of " : ""}${options.slice(0, -1).join(", ")} or ${options.at(-1)}`);
  }
  return t;
};
const finite = (t) => {
  const v = Number(t);
  if (t.trim() === "" || !Number.isFinite(v)) throw new Error("a number");
  return v;
};

// key in the link → [setting, read(text), write(state)]
const FIELDS = {
  img: ["image", nameOf("a built-in image's name, like digit3"), (s) => s.image],
  k: ["kernel", parseKernel, (s) => kernelText(s.kernel)],
  b: ["bias", finite, (s) => num(s.bias)],
  s: ["stride", int(1, 4), (s) => String(s.stride)],
  pad: ["padding", parsePadding, (s) => String(s.padding)],
  pm: ["paddingMode", oneOf(...CHOICES.paddingMode), (s) => s.paddingMode],
  d: ["dilation", int(1, 4), (s) => String(s.dilation)],
  act: ["activation", oneOf(...CHOICES.activation), (s) => s.activation],
  pool: ["pool", parsePool, (s) => (s.pool ? `${s.pool.mode}.${s.pool.size}.${s.pool.stride}` : "none")],
  k2: ["layer2", parseLayer2, (s) => (s.layer2 ? kernelText(s.layer2.kernel) : "none")],
  w: ["window", parseWindow, (s) => `${s.window.row},${s.window.col}`],
  cm: ["colormap", oneOf(...CHOICES.colormap), (s) => s.colormap],
  num: ["numbers", (t) => oneOf("0", "1")(t) === "1", (s) => (s.numbers ? "1" : "0")],
  fill: ["fill", (t) => oneOf("0", "1")(t) === "1", (s) => (s.fill ? "1" : "0")],
  mode: ["mode", oneOf(...CHOICES.mode), (s) => s.mode],
  ch: ["channels", (t) => parseJSON(t, "a JSON object of channel settings"), (s) => JSON.stringify(s.channels)],
  net: ["network", (t) => parseJSON(t, "a JSON object of network settings"), (s) => JSON.stringify(s.network)],
  ex: ["exercise", (t) => (t === "none" ? null : nameOf("an exercise's name, like valid-convolution")(t)), (s) => s.exercise ?? "none"],
};

// How a notice names each setting.
const LABELS = {
  img: "image", k: "kernel", b: "bias", s: "stride", pad: "padding", pm: "padding mode", d: "dilation",
  act: "activation", pool: "pooling", k2: "second layer's kernel", w: "filter window", cm: "colour map",
  num: "numbers setting", fill: "fill setting", mode: "mode", ch: "channels", net: "network settings", ex: "exercise", px: "drawn image",
};

function parseJSON(t, expected) {
  try {
    return JSON.parse(t); // checked, like everything else, by state.js before use
  } catch {
    throw new Error(expected);
  }
}

function nameOf(expected) {
  return (t) => {
    if (!/^[a-z0-9_-]{1,40}$/.test(t)) throw new Error(expected);
    return t;
  };
}

function parsePadding(t) {
  if (t === "valid" || t === "same" || (/^\d+$/.test(t) && Number(t) <= 8)) return t === "valid" || t === "same" ? t : Number(t);
  throw new Error("valid, same or a whole number from 0 to 8");
}

function parseLayer2(t) {
  if (t === "none") return null;
  try {
    return { kernel: parseKernel(t) };
  } catch {
    throw new Error(`none or ${KERNEL_EXPECTED}`);
  }
}

function parsePool(t) {
  if (t === "none") return null;
  try {
    const [mode, size, stride] = t.split(".");
    return { mode: oneOf(...CHOICES.poolMode)(mode), size: int(1, 4)(size ?? "2"), stride: int(1, 4)(stride ?? size ?? "2") };
  } catch {
    throw new Error(`none or mode.size.stride, like max.2.2 (mode ${CHOICES.poolMode.join(" or ")}, size and stride 1 to 4)`);
  }
}

function parseWindow(t) {
  const m = /^(-?\d{1,3}),(-?\d{1,3})$/.exec(t);
  if (!m) throw new Error("the window's row and column, two whole numbers like 5,7");
  return { row: Number(m[1]), col: Number(m[2]) };
}

/** The fragment (without '#') for state s and its pixels. */
export function writeFragment(s, pixels) {
  const defaults = defaultState();
  const parts = [`v=${FORMAT_VERSION}`];
  for (const [key, [name, , write]] of Object.entries(FIELDS)) {
    const text = write(s);
    if (key === "img" || key === "k" || text !== write(defaults)) {
      parts.push(`${key}=${encodeURIComponent(text).replace(/%2C/g, ",")}`); // commas stay readable
    }
  }
  if (s.image === "custom" && pixels.height * pixels.width <= MAX_LINK_PIXELS) parts.push(`px=${encodePixels(pixels)}`);
  return parts.join("&");
}

/**
 * Read a fragment: {partial, notices}. partial holds every field that parsed
 * (image as a name, or a 2-D array for px=); notices name the ones that did not.
 */
export function readFragment(fragment) {
  const partial = {}, notices = [];
  const text = String(fragment || "").replace(/^#/, "");
  if (!text) return { partial, notices };
  if (text.length > MAX_FRAGMENT) return { partial, notices: ["The link is too long to be an explorer link; it was ignored."] };
  let params;
  try {
    params = new URLSearchParams(text);
  } catch {
    return { partial, notices: ["The link could not be read; the default view is shown."] };
  }
  const version = params.get("v");
  if (version !== null && version !== String(FORMAT_VERSION)) {
    notices.push(`This link was made by a newer version (v=${version.slice(0, 8)}); some settings may not apply.`);
  }
  for (const [key, value] of params) {
    if (key === "v") continue;
    try {
      if (key === "px") partial.image = decodePixels(value);
      else if (key in FIELDS) {
        if (key === "img" && value === "custom") continue; // the pixels come with px=
        partial[FIELDS[key][0]] = FIELDS[key][1](value);
      } else notices.push(`The link's "${key.slice(0, 20)}" is not a setting; it was ignored.`);
    } catch (err) {
      notices.push(`The link's ${LABELS[key]} (${key}=) should be ${err.message}; the default is used.`);
    }
  }
  return { partial, notices };
}
