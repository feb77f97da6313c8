// static/modes/network/probes.js: probes and a sweep's cells in words, cells as probes, a chart, a summary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeCell, describeProbe, isMoved, lineChart, nearest, probeOf, summary, UNMOVED } from "../../../../static/modes/network/probes.js";

test("each kind of cell in words", () => {
  assert.equal(describeCell("shift", [3, -1]), "3 pixels down, 1 pixel left");
  assert.equal(describeCell("shift", [-2, 0]), "2 pixels up");
  assert.equal(describeCell("shift", [0, 0]), "not moved");
  assert.equal(describeCell("rotate", 30), "turned 30° anticlockwise");
  assert.equal(describeCell("rotate", -5), "turned 5° clockwise");
  assert.equal(describeCell("scale", 1.25), "scaled ×1.25");
  assert.equal(describeCell("scale", 1), "not scaled");
});

test("a probe in words, and whether it moves anything", () => {
  assert.equal(describeProbe({ dy: 2, dx: -3, angle: 30, scale: 1.25 }), "2 pixels down, 3 pixels left, turned 30° anticlockwise, scaled ×1.25");
  assert.equal(describeProbe(UNMOVED), "as it is");
  assert.equal(isMoved(UNMOVED), false);
  assert.equal(isMoved({ ...UNMOVED, scale: 0.5 }), true);
});

test("a cell's probe moves the digit that way and no other", () => {
  assert.deepEqual(probeOf("shift", [-4, 7]), { dy: -4, dx: 7, angle: 0, scale: 1 });
  assert.deepEqual(probeOf("rotate", -60), { dy: 0, dx: 0, angle: -60, scale: 1 });
  assert.deepEqual(probeOf("scale", 0.5), { dy: 0, dx: 0, angle: 0, scale: 0.5 });
});

test("the chart spans its box, leaves out cells not yet measured, and a tap finds the nearest point", () => {
  const cells = [-60, -30, 0, 30, 60];
  const box = { width: 220, height: 120, left: 30, right: 10, top: 10, bottom: 20 };
  const { points, xTicks, yTicks } = lineChart(cells, [0.2, null, 1, 0.5, 0.25], box);
  assert.deepEqual(points, [{ i: 0, x: 30, y: 100 - 0.2 * 90 }, { i: 2, x: 120, y: 10 }, { i: 3, x: 165, y: 55 }, { i: 4, x: 210, y: 100 - 0.25 * 90 }]);
  assert.deepEqual(xTicks.map((t) => t.label), ["-60", "-30", "0", "30", "60"]);
  assert.deepEqual(yTicks.map((t) => [t.y, t.label]), [[100, "0%"], [77.5, "25%"], [55, "50%"], [32.5, "75%"], [10, "100%"]]);
  assert.equal(nearest(points, 70), 0); // -30 was not measured: its neighbours answer
  assert.equal(nearest(points, 80), 2);
  assert.equal(nearest(points, 400), 4);
  assert.equal(nearest([], 10), null);
});

test("the summary: untouched first, then rings of shifts, turns both ways, scalings; only what is measured", () => {
  const cells = [];
  for (let dy = -8; dy <= 8; dy++) for (let dx = -8; dx <= 8; dx++) cells.push([dy, dx]);
  const ring = ([dy, dx]) => Math.max(Math.abs(dy), Math.abs(dx));
  const shift = cells.map((c) => (ring(c) > 4 && ring(c) < 8 ? null : 1 - ring(c) / 10));
  assert.equal(summary("shift", cells, shift), "Not moved: 100.0%; moved 1, 2, 4, 8 pixels (the average of every direction): 90.0%, 80.0%, 60.0%, 20.0%.");
  assert.equal(summary("shift", cells, cells.map((c) => (ring(c) < 3 ? 0.5 : null))), "Not moved: 50.0%; moved 1, 2 pixels (the average of every direction): 50.0%, 50.0%.");
  const angles = [-60, -30, -15, 0, 15, 30, 60];
  assert.equal(summary("rotate", angles, [0.3, 0.8, 0.9, 0.97, 0.95, null, 0.25]),
    "Not turned: 97.0%; turned 15°: 90.0% clockwise, 95.0% anticlockwise; turned 60°: 30.0% clockwise, 25.0% anticlockwise.");
  assert.equal(summary("scale", [0.5, 1, 1.5], [0.1, 0.973, null]), "Not scaled: 97.3%; ×0.5: 10.0%.");
  assert.equal(summary("scale", [0.5, 1], [null, null]), "");
});
