// static/views/colormap.js: values to colours, the legend's range, and numbers as people read them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cssColor, darkBehind, extentOf, formatNumber, paint, rangeOf } from "../../../static/views/colormap.js";

test("the range: symmetric about zero for the diverging map, from zero for |v|, widened when flat", () => {
  const data = Float32Array.of(-1, 3, 2);
  assert.deepEqual(extentOf(data), { min: -1, max: 3 });
  assert.deepEqual(rangeOf(data, "diverging"), [-3, 3]);
  assert.deepEqual(rangeOf(data, "abs"), [0, 3]);
  assert.deepEqual(rangeOf(data, "gray"), [-1, 3]);
  assert.deepEqual(rangeOf(Float32Array.of(2, 2), "gray"), [1.5, 2.5]);
  assert.deepEqual(rangeOf(new Float32Array(0), "gray"), [0, 1]);
  assert.deepEqual(rangeOf(data, "gray", [0, 10]), [0, 10]);
});

test("zero is white on the diverging map, the ends are ColorBrewer's RdBu blue and red", () => {
  // 256 entries have no middle one: zero takes entry 128, 1/255 of the way from white to the first red.
  assert.equal(cssColor(0, "diverging", [-1, 1]), "rgb(247, 246, 246)");
  assert.equal(cssColor(-1, "diverging", [-1, 1]), "rgb(33, 102, 172)");
  assert.equal(cssColor(5, "diverging", [-1, 1]), "rgb(178, 24, 43)"); // beyond the range: the end colour
  assert.equal(cssColor(-2, "abs", [0, 2]), "rgb(255, 255, 255)");
});

test("the sequential map runs from ColorBrewer's pale YlGnBu yellow to its dark blue", () => {
  assert.equal(cssColor(0, "sequential", [0, 1]), "rgb(255, 255, 204)");
  assert.equal(cssColor(1, "sequential", [0, 1]), "rgb(12, 44, 132)");
  assert.equal(darkBehind(0.9, "sequential", [0, 1]), true);
  assert.equal(darkBehind(0.2, "sequential", [0, 1]), false);
});

test("paint fills four bytes per value, and leaves a cell not computed yet (NaN) transparent", () => {
  const rgba = new Uint8ClampedArray(12);
  paint(Float32Array.of(0, 1, NaN), rgba, "gray", [0, 1]);
  assert.deepEqual([...rgba], [0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0]);
  const red = new Uint8ClampedArray(4);
  paint(Float32Array.of(1), red, "red", [0, 1]);
  assert.deepEqual([...red], [255, 0, 0, 255]);
});

test("text goes white over dark colours", () => {
  assert.equal(darkBehind(-1, "diverging", [-1, 1]), true);
  assert.equal(darkBehind(0, "diverging", [-1, 1]), false);
});

test("numbers: a true minus sign, at most two decimals, no −0", () => {
  assert.equal(formatNumber(-1.5), "\u22121.5");
  assert.equal(formatNumber(2 / 3), "0.67");
  assert.equal(formatNumber(-0.001), "0");
  assert.equal(formatNumber(3), "3");
  assert.equal(formatNumber(1 / 3, 4), "0.3333");
  assert.equal(formatNumber(Infinity), "Infinity");
});
