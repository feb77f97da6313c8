// static/core/receptive.js: which cells a later cell reads, worked out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { regionOf, stageLayers } from "../../../static/core/receptive.js";

const K3 = [[0, 0, 0], [0, 1, 0], [0, 0, 0]];
const view = (more) => ({ kernel: K3, stride: 1, dilation: 1, padding: 0, activation: "none", pool: null, layer2: null, ...more });

test("one 3×3 convolution: the cell reads the 3×3 input square at its corner", () => {
  const layers = stageLayers(view());
  assert.deepEqual(layers, [{ name: "conv", size: 3, stride: 1, dilation: 1, before: 0 }]);
  assert.deepEqual(regionOf(layers, 0, 0, { row: 4, col: 7 }), { top: 4, left: 7, bottom: 6, right: 9 });
});

test("stride, padding and dilation move and widen the region", () => {
  // stride 2, padding 1: output cell 3 starts at input 3·2 − 1 = 5; dilation 2 spans 2·(3 − 1) + 1 = 5 pixels.
  const layers = stageLayers(view({ stride: 2, padding: 1, dilation: 2 }));
  assert.deepEqual(regionOf(layers, 0, 0, { row: 3, col: 0 }), { top: 5, left: -1, bottom: 9, right: 3 });
});

test("through ReLU, 2×2 pooling and a second 3×3 layer, a layer-2 cell sees 8×8 input pixels", () => {
  const layers = stageLayers(view({ activation: "relu", pool: { mode: "max", size: 2, stride: 2 },
    layer2: { kernel: K3, stride: 1, dilation: 1, padding: 0 } }));
  assert.deepEqual(layers.map((l) => l.name), ["conv", "activation", "pool", "conv2"]);
  // conv2 cell 0 reads pool cells 0..2, which read conv cells 0..5, which read input 0..7.
  assert.deepEqual(regionOf(layers, 3, 3, { row: 0, col: 0 }), { top: 0, left: 0, bottom: 2, right: 2 });
  assert.deepEqual(regionOf(layers, 2, 3, { row: 0, col: 0 }), { top: 0, left: 0, bottom: 5, right: 5 });
  assert.deepEqual(regionOf(layers, 0, 3, { row: 0, col: 0 }), { top: 0, left: 0, bottom: 7, right: 7 });
});
