// The state in the URL fragment, compact and readable:
//   #v=1&img=digit3&k=1,0,-1,2,0,-2,1,0,-1&pad=same&w=13,17
// Only settings that differ from the defaults are written (plus v, and the manifest's "always":
// the image and the kernel, so a link says what it shows).
// Reading never throws: a field that does not parse is left at its default
// and named in a notice. Version 1 is the only format so far; a later one
// must keep reading v=1 links.
// Every key, and the type that says how it is read and written, is the
// settings manifest's (static/settings.json, through settings.js).

import { listed } from "./state.js";
import { MANIFEST, SETTINGS, LIMITS } from "./settings.js";

export const FORMAT_VERSION = MANIFEST.linkVersion;
const PIXELS = MANIFEST.pixels; // px=: a drawing small enough to travel in the link

// What a reader throws is only what was expected, as a noun phrase: readFragment makes the sentence.
const KERNEL_EXPECTED = `1 to ${LIMITS.kernelSide ** 2} numbers separated by commas, a square count such as 9 for a 3×3 kernel`;
const PIXELS_EXPECTED = `a drawing of at most ${LIMITS.linkPixels} pixels written as HxW.base64, with exactly H×W pixels`;

const num = (v) => String(Number(v.toPrecision(6)));
const kernelText = (k) => k.flat().map(num).join(",");

function parseKernel(text) {
  const values = text.split(",").map((t) => (t.trim() === "" ? NaN : Number(t)));
  const k = Math.round(Math.sqrt(values.length));
  if (k * k !== values.length || k < 1 || k > LIMITS.kernelSide || !values.every(Number.isFinite)) {
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
  if (height < 1 || width < 1 || height * width > LIMITS.linkPixels || bin.length !== height * width) {
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
const oneOf = (options) => (t) => {
  if (!options.includes(t)) throw new Error(listed(options));
  return t;
};
const pattern = (spec) => (t) => {
  if (!new RegExp(spec.pattern).test(t)) throw new Error(spec.expected);
  return t;
};

// For each type of the manifest: spec → [read(text) → value or an Error naming what was expected, write(value) → text].
const TYPES = {
  image: (spec) => [pattern(spec), String],
  name: (spec) => [(t) => (t === "none" ? null : pattern(spec)(t)), (v) => v ?? "none"],
  kernel: () => [parseKernel, kernelText],
  number: () => [(t) => {
    const v = Number(t);
    if (t.trim() === "" || !Number.isFinite(v)) throw new Error("a number");
    return v;
  }, num],
  int: ({ min, max }) => [int(min, max), String],
  padding: ({ max }) => [(t) => {
    if (t === "valid" || t === "same") return t;
    if (/^\d+$/.test(t) && Number(t) <= max) return Number(t);
    throw new Error(`valid, same or a whole number from 0 to ${max}`);
  }, String],
  choice: ({ options }) => [oneOf(options), String],
  bool: () => [(t) => oneOf(["0", "1"])(t) === "1", (v) => (v ? "1" : "0")],
  pool: ({ options, min, max }) => [(t) => {
    if (t === "none") return null;
    try {
      const [mode, size, stride] = t.split(".");
      return { mode: oneOf(options)(mode), size: int(min, max)(size ?? "2"), stride: int(min, max)(stride ?? size ?? "2") };
    } catch {
      throw new Error(`none or mode.size.stride, like max.2.2 (mode ${options.join(" or ")}, size and stride ${min} to ${max})`);
    }
  }, (v) => (v ? `${v.mode}.${v.size}.${v.stride}` : "none")],
  layer2: () => [(t) => {
    if (t === "none") return null;
    try {
      return { kernel: parseKernel(t) };
    } catch {
      throw new Error(`none or ${KERNEL_EXPECTED}`);
    }
  }, (v) => (v ? kernelText(v.kernel) : "none")],
  window: () => [(t) => {
    const m = /^(-?\d{1,3}),(-?\d{1,3})$/.exec(t);
    if (!m) throw new Error("the window's row and column, two whole numbers like 5,7");
    return { row: Number(m[1]), col: Number(m[2]) };
  }, (v) => `${v.row},${v.col}`],
  object: ({ expected, default: fallback, linkOmitsAtDefault = [] }) => [(t) => {
    try {
      return JSON.parse(t); // checked, like everything else, by state.js before use
    } catch {
      throw new Error(expected);
    }
  }, (v) => JSON.stringify(v && Object.fromEntries(Object.entries(v).filter(([key, value]) =>
    !(linkOmitsAtDefault.includes(key) && JSON.stringify(value) === JSON.stringify(fallback[key])))))],
};
TYPES.mode = TYPES.choice;

// key in the link → {setting, label, read, write, fallback: the default's text, always: written even at
// the default}, in the manifest's order (the order links are written in).
const FIELDS = Object.fromEntries(Object.entries(SETTINGS).map(([setting, spec]) => {
  const [read, write] = TYPES[spec.type](spec);
  return [spec.link, { setting, label: spec.label, read, write, fallback: write(spec.default), always: !!spec.always }];
}));

/** The fragment (without '#') for state s and its pixels. */
export function writeFragment(s, pixels) {
  const parts = [`v=${FORMAT_VERSION}`];
  for (const [key, { setting, write, fallback, always }] of Object.entries(FIELDS)) {
    const text = write(s[setting]);
    if (always || text !== fallback) {
      parts.push(`${key}=${encodeURIComponent(text).replace(/%2C/g, ",")}`); // commas stay readable
    }
  }
  if (s.image === "custom" && pixels.height * pixels.width <= LIMITS.linkPixels) parts.push(`${PIXELS.link}=${encodePixels(pixels)}`);
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
  if (text.length > LIMITS.linkChars) return { partial, notices: ["The link is too long to be an explorer link; it was ignored."] };
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
      if (key === PIXELS.link) partial.image = decodePixels(value);
      else if (key in FIELDS) {
        const { setting, read } = FIELDS[key];
        if (setting === "image" && value === "custom") continue; // the pixels come with px=
        partial[setting] = read(value);
      } else notices.push(`The link's "${key.slice(0, 20)}" is not a setting; it was ignored.`);
    } catch (err) {
      const label = key === PIXELS.link ? PIXELS.label : FIELDS[key].label;
      notices.push(`The link's ${label} (${key}=) should be ${err.message}; the default is used.`);
    }
  }
  return { partial, notices };
}
