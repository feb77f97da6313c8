// static/modes/network/train-curve.js: smoothed losses and the Train panel's chart geometry.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_LOSS, smoothed, trainChart } from "../../../../static/modes/network/train-curve.js";

test("a loss is the mean of the last few steps, fewer at the start", () => {
  assert.deepEqual(smoothed([4, 2, 6, 0], 2), [4, 3, 4, 3]);
  assert.deepEqual(smoothed([], 5), []);
});

test("the chart spans the box: losses from 0 up, accuracy on the same height, steps across", () => {
  const box = { width: 120, height: 110, left: 10, right: 10, top: 10, bottom: 0 };
  const run = { losses: [2, 2, 1, 1], accuracy: [[0, 0.1], [4, 0.9]], total: 4 };
  const { top, lines, clipped } = trainChart([run], { ...box });
  assert.equal(top, 2.5); // log 10 ≈ 2.3, rounded up to a half
  assert.equal(clipped, false);
  assert.deepEqual(lines[0].accuracy, [{ x: 10, y: 110 - 0.1 * 100 }, { x: 110, y: 110 - 0.9 * 100 }]);
  assert.equal(lines[0].loss.length, 4);
  assert.deepEqual(lines[0].loss[0], { x: 35, y: 110 - (2 / 2.5) * 100 });
  assert.deepEqual(lines[0].loss[3], { x: 110, y: 110 - (1.5 / 2.5) * 100 }); // (2 + 2 + 1 + 1) / 4
});

test("a wild run is cut off at the top and says so; a long one is thinned to the box's width", () => {
  const box = { width: 60, height: 50, left: 5, right: 5, top: 0, bottom: 0 };
  const wild = { losses: Array(200).fill(40), accuracy: [], total: 200 };
  const { top, lines, clipped } = trainChart([wild], box);
  assert.equal(top, MAX_LOSS);
  assert.equal(clipped, true);
  assert.ok(lines[0].loss.every((p) => p.y === 0));
  assert.ok(lines[0].loss.length <= 50 + 1);
});
