// static/tour/timeline.js: what the view, the pointer and the caption are at any moment of a tour.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseVtt, cueAt, captionAt, sceneAt, events, viewAt, sceneState, over, clock, sceneStep } from "../../../static/tour/timeline.js";

// A tour as builder/tours.py times it: two scenes, the second with two lines and a step.
const TOUR = {
  duration: 10,
  scenes: [
    { id: "a", start: 0, end: 4, view: { mode: "explore", kernel: [[1]] },
      lines: [{ say: "One.", show: "One.", start: 0.3, end: 3.5, point: "#x", steps: [] }] },
    { id: "b", start: 4, end: 10, view: { network: { digit: 7 } },
      lines: [
        { say: "Two.", show: "2.", start: 4.25, end: 6, set: { stride: 2 }, point: "#y",
          steps: [{ at: 5, set: { stride: 3 }, point: "#z" }] },
        { say: "Three.", show: "3.", start: 6.2, end: 9, set: { padding: 1 }, steps: [] },
      ] },
  ],
};
const DEFAULTS = { mode: "explore", kernel: [[0]], stride: 1, padding: 0, network: { model: "digits", digit: null } };

test("WebVTT: ids, times and text of each cue; the header and notes are not cues", () => {
  const cues = parseVtt("WEBVTT\n\nNOTE made here\n\na-1\n00:00:00.300 --> 00:00:03.500\nOne.\n\nb-1\n00:01:04.250 --> 00:01:06.000 align:start\nTwo,\nlines.\n");
  assert.deepEqual(cues, [{ id: "a-1", start: 0.3, end: 3.5, text: "One." }, { id: "b-1", start: 64.25, end: 66, text: "Two,\nlines." }]);
  assert.equal(cueAt(cues, 0.3).id, "a-1");
  assert.equal(cueAt(cues, 3.5), null);
});

test("a caption inside a scene is never empty: the line said last in a pause, the first line before it", () => {
  const cues = [{ id: "a-1", start: 0.3, end: 3.5 }, { id: "b-1", start: 4.25, end: 6 }, { id: "b-2", start: 6.2, end: 9 }];
  assert.deepEqual([0, 1, 3.8, 4, 5, 6.1, 7, 9.5, 11].map((t) => captionAt(TOUR, cues, t).id),
    ["a-1", "a-1", "a-1", "b-1", "b-1", "b-1", "b-2", "b-2", "b-2"]);
  assert.equal(captionAt(TOUR, [], 1), null);
});

test("a scene runs from its start to the next one's; the last one to the end", () => {
  assert.deepEqual([0, 3.99, 4, 9.99, 10, 12].map((t) => sceneAt(TOUR, t)), [0, 0, 1, 1, 1, 1]);
});

test("events: each scene's view, then its lines and steps, in time order", () => {
  assert.deepEqual(events(TOUR).map((e) => [e.at, e.kind, e.scene, e.line]),
    [[0, "scene", 0, -1], [0.3, "line", 0, 0], [4, "scene", 1, -1], [4.25, "line", 1, 0], [5, "step", 1, 0], [6.2, "line", 1, 1]]);
});

test("reduced motion cuts a line to its end state at once: no steps", () => {
  const e = events(TOUR, { reduced: true });
  assert.equal(e.filter((x) => x.kind === "step").length, 0);
  assert.deepEqual(e.find((x) => x.at === 4.25), { at: 4.25, kind: "line", scene: 1, line: 0, set: { stride: 3 }, point: "#z" });
});

test("the view at any moment: defaults, the scene's view, then what has happened in that scene", () => {
  const at = (t, o) => viewAt(TOUR, t, DEFAULTS, o);
  assert.deepEqual(at(0.1), { scene: 0, state: { ...DEFAULTS, kernel: [[1]] }, point: null });
  assert.equal(at(1).point, "#x");
  // Scene b starts from the defaults, not from scene a: a seek shows what playing there would.
  assert.deepEqual(at(4.1).state, { ...DEFAULTS, network: { model: "digits", digit: 7 } });
  assert.deepEqual([at(4.5), at(5.5), at(7)].map((v) => [v.state.stride, v.state.padding, v.point]),
    [[2, 0, "#y"], [3, 0, "#z"], [3, 1, "#z"]]);
  assert.equal(at(4.5, { reduced: true }).state.stride, 3);
});

test("a scene starts from the defaults and its view; the image stays unless the view names one", () => {
  const defaults = { ...DEFAULTS, image: "digit3" };
  assert.deepEqual(sceneState(defaults, { stride: 2 }), { ...DEFAULTS, stride: 2 });
  assert.equal(sceneState(defaults, { image: "shapes" }).image, "shapes");
  assert.equal("image" in viewAt(TOUR, 4.5, defaults).state, false);
});

test("over: an object setting keeps what the partial leaves out; anything else is replaced", () => {
  assert.deepEqual(over({ a: { x: 1, y: 2 }, k: [[1]] }, { a: { y: 3 }, k: [[2]] }), { a: { x: 1, y: 3 }, k: [[2]] });
  assert.deepEqual(over({ pool: null }, { pool: { size: 2 } }), { pool: { size: 2 } });
  assert.deepEqual(over(undefined, { window: { row: 1 } }), { window: { row: 1 } }); // a line with no set of its own
});

test("clock and scene steps: back goes to this scene's start, or the one before within its first second", () => {
  assert.deepEqual([0, 7.9, 56.02, 61].map(clock), ["0:00", "0:07", "0:56", "1:01"]);
  assert.equal(sceneStep(TOUR, 1, 1), 4);
  assert.equal(sceneStep(TOUR, 9, 1), 4); // the last scene: its own start
  assert.equal(sceneStep(TOUR, 6, -1), 4);
  assert.equal(sceneStep(TOUR, 4.5, -1), 0);
  assert.equal(sceneStep(TOUR, 2, -1), 0);
});
