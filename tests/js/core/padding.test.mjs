// static/core/padding.js: the padded input the page draws, in each of PyTorch's four modes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { padImage } from "../../../static/core/padding.js";

const row = { data: Float32Array.of(1, 2, 3), height: 1, width: 3 };
const rows = (out, width) => Array.from({ length: out.length / width }, (_, r) => [...out.slice(r * width, (r + 1) * width)]);

test("no padding gives the pixels themselves", () => {
  assert.equal(padImage(row, [0, 0], "zeros"), row.data);
});

test("each mode fills the border as PyTorch's does", () => {
  // [1 2 3] padded by 2 on the left and right; the rows above and below (height 1) follow the same rule.
  const middle = (mode) => rows(padImage(row, [2, 2], mode), 7)[2];
  assert.deepEqual(middle("zeros"), [0, 0, 1, 2, 3, 0, 0]);
  assert.deepEqual(middle("replicate"), [1, 1, 1, 2, 3, 3, 3]);
  assert.deepEqual(middle("circular"), [2, 3, 1, 2, 3, 1, 2]);
  assert.deepEqual(middle("reflect"), [3, 2, 1, 2, 3, 2, 1]); // the edge is not repeated
});

test("zeros pads whole rows above and below, and before and after may differ", () => {
  const square = { data: Float32Array.of(1, 2, 3, 4), height: 2, width: 2 };
  assert.deepEqual(rows(padImage(square, [0, 1], "zeros"), 3), [[1, 2, 0], [3, 4, 0], [0, 0, 0]]);
  assert.deepEqual(rows(padImage(square, [1, 0], "replicate"), 3), [[1, 1, 2], [1, 1, 2], [3, 3, 4]]);
});
