// static/modes/transposed/stamps.js: which input pixels and taps make an output cell, where a stamp
// lands, where "as a convolution" puts the input, and the atlas figures' layers; worked by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { contributions, figureLayer, figureOf, outputSide, spreadGeometry, stampRegion, sumText } from "../../../../static/modes/transposed/stamps.js";

const { figures: FIGURES } = JSON.parse(await readFile(new URL("../../../../static/modes/transposed/atlas.json", import.meta.url)));
const LAYER = {
  input: [[1, 2, 1], [0, 1, 2], [2, 0, 1]], kernel: [[1, 2, 1], [2, 4, 2], [1, 2, 1]],
  bias: 0, stride: 2, padding: 0, outputPadding: 0, dilation: 1,
};

test("output (2, 3) of stride 2: the stamps of input (0, 1) through tap (2, 1) and of (1, 1) through (0, 1)", () => {
  assert.deepEqual(contributions(LAYER, 2, 3), [
    { i: 0, j: 1, m: 2, n: 1, x: 2, w: 2 },
    { i: 1, j: 1, m: 0, n: 1, x: 1, w: 2 },
  ]);
  assert.equal(contributions(LAYER, 2, 2).length, 4); // where four stamps overlap
  assert.equal(contributions({ ...LAYER, padding: 1 }, 1, 1).length, 4); // padding shifts the output by one
});

test("a stamp's region, clipped by padding, and a stamp cropped away entirely", () => {
  assert.deepEqual(stampRegion(LAYER, 1, 2, [7, 7]), { top: 2, left: 4, bottom: 4, right: 6 });
  assert.deepEqual(stampRegion({ ...LAYER, padding: 1 }, 0, 0, [5, 5]), { top: 0, left: 0, bottom: 1, right: 1 });
  assert.equal(stampRegion({ ...LAYER, input: [[1]], stride: 1, padding: 3, kernel: [[1]] }, 0, 0, [1, 1]), null);
});

test("as a convolution: d·(k − 1) − p zeros around, output padding after, a negative border cropped", () => {
  const g = spreadGeometry(LAYER);
  assert.deepEqual([g.before, g.after, g.crop], [2, 2, 0]);
  assert.deepEqual(g.cellOf(1, 2), { row: 4, col: 6 });
  const odd = spreadGeometry({ ...LAYER, padding: 1, outputPadding: 1 });
  assert.deepEqual([odd.before, odd.after, odd.crop], [1, 2, 0]);
  const cropped = spreadGeometry({ ...LAYER, padding: 3 });
  assert.deepEqual([cropped.before, cropped.after, cropped.crop], [0, 0, 1]);
  assert.deepEqual(cropped.cellOf(0, 0), { row: -1, col: -1 });
});

test("the sum written out, with a bias, negative terms and nothing at all", () => {
  assert.equal(sumText(contributions(LAYER, 2, 3), 0, 6), "2·2 + 1·2 = 6");
  assert.equal(sumText([{ x: 1, w: -2 }, { x: 0.5, w: 1 }], -0.25, -1.75), "1·−2 + 0.5·1 − 0.25 = −1.75");
  assert.equal(sumText([], 0, 0), "no stamp reaches this cell: 0");
});

test("every figure of the guide opens a layer whose output side is the forward convolution's input", () => {
  assert.equal(FIGURES.length, 8);
  for (const figure of FIGURES) {
    const layer = figureLayer(figure);
    assert.equal(layer.input.length, figure.transposed.input, figure.id);
    assert.ok(layer.input.every((row) => row.length === figure.transposed.input), figure.id);
    assert.equal(outputSide(layer.input.length, layer), figure.transposed.output, figure.id);
    assert.equal(figure.transposed.output, figure.forward.input, figure.id);
    assert.equal(figure.transposed.input, figure.forward.output, figure.id);
    assert.equal(figureOf(layer, FIGURES), figure);
    assert.equal(figureOf({ ...layer, dilation: 4 }, FIGURES), null);
  }
  assert.deepEqual(figureLayer(FIGURES[0]).input, [[1, 3], [2, 1]]);
  assert.equal(figureOf(figureLayer(FIGURES[5]), FIGURES).id, "padding-strides"); // not its odd sibling
});
