// The input image on the page's side: built-in images, grids from the API,
// one-pixel shifts, and what a shift did to the maps. Pixels are
// {data: Float32Array (row-major), height, width}, values in [0, 1].

import { MAX_IMAGE_SIDE } from "./state.js";

/** A built-in image's pixels; large ones are fetched the first time they are wanted. */
export async function builtinPixels(img, name) {
  if (!img || img.channels !== 1) throw new RangeError(`There is no built-in grayscale image "${String(name).slice(0, 40)}".`);
  if (!img.pixels) img.pixels = (await (await fetch(img.src)).json()).pixels;
  return { data: Float32Array.from(img.pixels, (v) => v / 255), height: img.height, width: img.width };
}

/** A 2-D array of numbers → pixels, or a readable RangeError. */
export function gridPixels(rows) {
  const h = Array.isArray(rows) ? rows.length : 0;
  const w = h && Array.isArray(rows[0]) ? rows[0].length : 0;
  if (!h || !w || h > MAX_IMAGE_SIDE || w > MAX_IMAGE_SIDE || !rows.every((r) => Array.isArray(r) && r.length === w)) {
    throw new RangeError(`The image must be a rectangular grid of numbers, at most ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}.`);
  }
  const data = new Float32Array(h * w);
  rows.forEach((r, i) => r.forEach((v, j) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError("Every pixel must be a finite number.");
    data[i * w + j] = v;
  }));
  return { data, height: h, width: w };
}

/** The image moved dr rows down and dc columns right; zeros come in at the edge. */
export function shiftPixels({ data, height, width }, dr, dc) {
  const out = new Float32Array(data.length);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const sr = r - dr, sc = c - dc;
      if (sr >= 0 && sr < height && sc >= 0 && sc < width) out[r * width + c] = data[sr * width + sc];
    }
  }
  return { data: out, height, width };
}

/**
 * Translation equivariance, in numbers: at stride 1 the feature map moves with the image
 * (its cells equal the old ones, one cell over), while a pooled map changes in only some
 * cells. before, after: the stages ({name, shape, data}) around a shift by (dr, dc).
 */
export function shiftReport(before, after, dr, dc, stride) {
  const parts = [];
  for (const name of ["conv", "pool"]) {
    const a = after.find((st) => st.name === name), b = before.find((st) => st.name === name);
    if (!a || !b || a.shape.join() !== b.shape.join()) continue;
    const [h, w] = a.shape;
    let moved = 0, changed = 0, inside = 0;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const v = a.data[r * w + c];
        if (v !== b.data[r * w + c]) changed += 1;
        const sr = r - dr, sc = c - dc;
        if (sr >= 0 && sc >= 0 && sr < h && sc < w) {
          inside += 1;
          if (Math.abs(v - b.data[sr * w + sc]) < 1e-6) moved += 1;
        }
      }
    }
    if (name === "pool") parts.push(`pooled map: only ${changed} of ${h * w} cells changed`);
    else if (stride === 1) parts.push(`feature map: ${moved} of ${inside} cells are the old values moved one cell`);
    else parts.push(`feature map: at stride ${stride} a one-pixel shift is a fraction of a cell, so ${changed} of ${h * w} cells changed`);
  }
  return parts.length ? `After the shift, ${parts.join("; ")}.` : "";
}
