// static/modes/explore/motion.js: play, pause and step the window through every position.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Motion, SPEEDS } from "../../../../static/modes/explore/motion.js";

function motion(count, at = 0) {
  const seen = { index: at, changes: 0 };
  const m = new Motion({ count: () => count, index: () => seen.index, goto: (i) => { seen.index = i; },
    onChange: () => { seen.changes += 1; } });
  return { m, seen };
}

test("steps stay within the positions, and stepping onto the last one pauses", () => {
  const { m, seen } = motion(5, 3);
  m.step(-10);
  assert.equal(seen.index, 0);
  m.step(2);
  assert.equal(seen.index, 2);
  m.step(10);
  assert.equal(seen.index, 4);
  assert.equal(m.playing, false);
});

test("play moves one position per tick at the chosen speed and stops at the end; from the end it starts over", (t) => {
  t.mock.timers.enable({ apis: ["setInterval"] });
  const { m, seen } = motion(3, 2);
  m.setSpeed("fast");
  m.play();
  assert.equal(seen.index, 0); // played again from the start
  t.mock.timers.tick(SPEEDS.fast);
  assert.equal(seen.index, 1);
  t.mock.timers.tick(SPEEDS.fast);
  assert.equal(seen.index, 2);
  assert.equal(m.playing, false);
  t.mock.timers.tick(SPEEDS.fast * 5);
  assert.equal(seen.index, 2);
});

test("toggle pauses and plays; an unknown speed is ignored", (t) => {
  t.mock.timers.enable({ apis: ["setInterval"] });
  const { m } = motion(10);
  m.toggle();
  assert.equal(m.playing, true);
  m.setSpeed("warp");
  assert.equal(m.speed, "normal");
  m.toggle();
  assert.equal(m.playing, false);
});
