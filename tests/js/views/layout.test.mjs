// static/views/layout.js: planLayout, the one number CSS cannot choose (the maps' side), by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planLayout } from "../../../static/views/layout.js";

// A kernel column of 200 px (320 with the arithmetic beside it), 10 px gaps, 20 px around each map
// and 60 px of title and legend.
const PARTS = { middle: 200, side: 320, gap: 10, chromeW: 20, chromeH: 60 };

test("input and map on one row with the arithmetic beside the kernel, when the maps stay large", () => {
  // (1200 − 320 − 2·10) / 2 − 20 = 410 px wide; 700 − 60 = 640 px tall: 410.
  assert.deepEqual(planLayout({ width: 1200, height: 700 }, { ...PARTS, maps: 2 }), { map: 410, rows: 1, side: true });
});

test("the height limits the maps when the window is wide and low", () => {
  assert.deepEqual(planLayout({ width: 1200, height: 300 }, { ...PARTS, maps: 2 }), { map: 240, rows: 1, side: true });
});

test("five maps: one row while each is at least 160 px, else the stage maps take a second row", () => {
  // One row, beside: (1600 − 320 − 50) / 5 − 20 = 226.
  assert.deepEqual(planLayout({ width: 1600, height: 800 }, { ...PARTS, maps: 5 }), { map: 226, rows: 1, side: true });
  // At 1100 px: one row gives (1100 − 320 − 50) / 5 − 20 = 126 beside, (1100 − 200 − 50) / 5 − 20 = 150
  // below; two rows give min((1100 − 200 − 20) / 2 − 20, (1100 − 20) / 3 − 20, (800 − 10) / 2 − 60) = 335.
  assert.deepEqual(planLayout({ width: 1100, height: 800 }, { ...PARTS, maps: 5 }), { map: 335, rows: 2, side: false });
});

test("when no layout reaches 160 px, the one with the largest maps wins", () => {
  // Beside: (600 − 320 − 20) / 2 − 20 = 110; below: (600 − 200 − 20) / 2 − 20 = 170 (height: 250 − 60 = 190).
  assert.deepEqual(planLayout({ width: 600, height: 250 }, { ...PARTS, maps: 2 }), { map: 170, rows: 1, side: false });
});
