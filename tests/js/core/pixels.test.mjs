// static/core/pixels.js: grids from the API, one-pixel shifts, and what a shift did to the maps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { builtinPixels, gridPixels, shiftPixels, shiftReport } from "../../../static/core/pixels.js";

test("a grid becomes row-major pixels; a ragged or non-numeric one is refused", () => {
  assert.deepEqual(gridPixels([[0, 0.5], [1, 0.25]]), { data: Float32Array.of(0, 0.5, 1, 0.25), height: 2, width: 2 });
  assert.throws(() => gridPixels([[1, 2], [3]]), { message: "The image must be a rectangular grid of numbers, at most 512×512." });
  assert.throws(() => gridPixels([]), RangeError);
  assert.throws(() => gridPixels([[1, NaN]]), { message: "Every pixel must be a finite number." });
});

test("a built-in image is scaled to [0, 1]; a colour one is not taken as grayscale", async () => {
  const img = { channels: 1, height: 1, width: 2, pixels: [0, 255] };
  assert.deepEqual(await builtinPixels(img, "two"), { data: Float32Array.of(0, 1), height: 1, width: 2 });
  await assert.rejects(builtinPixels({ channels: 3 }, "flowers"), { message: 'There is no built-in grayscale image "flowers".' });
});

test("a shift moves the pixels and lets zeros in at the edge", () => {
  const image = { data: Float32Array.of(1, 2, 3, 4, 5, 6), height: 2, width: 3 };
  assert.deepEqual([...shiftPixels(image, 0, 1).data], [0, 1, 2, 0, 4, 5]);
  assert.deepEqual([...shiftPixels(image, -1, 0).data], [4, 5, 6, 0, 0, 0]);
});

test("the report counts the feature map's moved cells and the pooled map's changed ones", () => {
  const stage = (name, rows) => ({ name, shape: [rows.length, rows[0].length], data: Float32Array.from(rows.flat()) });
  const before = [stage("conv", [[1, 2, 3], [4, 5, 6]]), stage("pool", [[5, 6]])];
  const after = [stage("conv", [[9, 1, 2], [9, 4, 5]]), stage("pool", [[5, 9]])];
  assert.equal(shiftReport(before, after, 0, 1, 1),
    "After the shift, feature map: 4 of 4 cells are the old values moved one cell; pooled map: only 1 of 2 cells changed.");
  assert.match(shiftReport(before, after, 0, 1, 2), /at stride 2 a one-pixel shift is a fraction of a cell, so 6 of 6 cells changed/);
  assert.equal(shiftReport([], [], 0, 1, 1), "");
});
