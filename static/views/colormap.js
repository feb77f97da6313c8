// Value → colour. Feature maps can be negative, so they get a diverging map
// centred on zero (blue below, red above, white at zero); images are gray.

// Stops of ColorBrewer's RdBu (reversed: blue is negative), which reads well
// for colour-blind viewers and in print.
const DIVERGING = [
  [33, 102, 172], [103, 169, 207], [209, 229, 240], [247, 247, 247],
  [253, 219, 199], [239, 138, 98], [178, 24, 43],
];

// ColorBrewer's YlGnBu: a share from 0 (pale) to 1 (dark blue), as a sweep's accuracy heat map.
const SEQUENTIAL = [
  [255, 255, 204], [199, 233, 180], [127, 205, 187], [65, 182, 196], [29, 145, 192], [34, 94, 168], [12, 44, 132],
];

// One colour channel of an image: black to pure red, green or blue.
const CHANNEL = (k) => Array.from({ length: 256 }, (_, i) => [0, 1, 2].map((j) => (j === k ? i : 0)));

function interpolate(stops, t) {
  const x = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  const a = stops[i], b = stops[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

// A 256-entry lookup table per map, so painting a 256×256 map is one pass of array reads.
const LUT = {
  diverging: Array.from({ length: 256 }, (_, i) => interpolate(DIVERGING, i / 255)),
  gray: Array.from({ length: 256 }, (_, i) => [i, i, i]),
  sequential: Array.from({ length: 256 }, (_, i) => interpolate(SEQUENTIAL, i / 255)),
  abs: Array.from({ length: 256 }, (_, i) => [i, i, i]),
  red: CHANNEL(0),
  green: CHANNEL(1),
  blue: CHANNEL(2),
};

/** The value range a legend shows: [lo, hi]. Diverging maps are symmetric about zero. */
export function rangeOf(data, colormap, fixed) {
  if (fixed) return fixed;
  const { min: lo, max: hi } = extentOf(data);
  if (!(lo <= hi)) return [0, 1];
  if (colormap === "abs") return [0, Math.max(Math.abs(lo), Math.abs(hi)) || 1];
  if (colormap === "diverging") {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** {min, max} of the values. */
export function extentOf(data) {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Fill rgba (Uint8ClampedArray, 4 per value) with the colours of data under colormap and range. */
export function paint(data, rgba, colormap, [lo, hi]) {
  const lut = LUT[colormap];
  const scale = 255 / (hi - lo);
  const abs = colormap === "abs";
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    const v = abs ? Math.abs(data[i]) : data[i];
    if (v !== v) { rgba[j + 3] = 0; continue; } // NaN: a cell not computed yet, left empty
    let k = Math.round((v - lo) * scale);
    k = k < 0 ? 0 : k > 255 ? 255 : k;
    const c = lut[k];
    rgba[j] = c[0]; rgba[j + 1] = c[1]; rgba[j + 2] = c[2]; rgba[j + 3] = 255;
  }
}

/** CSS colour for one value (legend stops, text contrast). */
export function cssColor(v, colormap, [lo, hi]) {
  const t = ((colormap === "abs" ? Math.abs(v) : v) - lo) / (hi - lo);
  const [r, g, b] = LUT[colormap][Math.max(0, Math.min(255, Math.round(t * 255)))];
  return `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
}

/** True when text drawn over colour of v should be white for contrast. */
export function darkBehind(v, colormap, range) {
  const [r, g, b] = cssColor(v, colormap, range).match(/\d+/g).map(Number);
  return 0.299 * r + 0.587 * g + 0.114 * b < 128;
}

/** Numbers for people: a true minus sign, at most 2 decimals, no "-0". */
export function formatNumber(v, digits = 2) {
  if (!Number.isFinite(v)) return String(v);
  let s = Number(v.toFixed(digits)).toString();
  if (s === "-0") s = "0";
  return s.replace("-", "\u2212");
}
