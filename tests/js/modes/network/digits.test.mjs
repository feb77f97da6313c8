// static/modes/network/digits.js: a digits file read as app.digits.decode_digits reads it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fetchDigits, SIDE } from "../../../../static/modes/network/digits.js";

test("N images of 24×24 bytes then N labels; pixels are byte / 255 rounded to 3 decimals", async (t) => {
  const bytes = new Uint8Array(2 * SIDE * SIDE + 2);
  bytes[0] = 255;
  bytes[1] = 128; // 0.50196… → 0.502
  bytes[SIDE * SIDE] = 1; // the second image's first pixel: 0.00392… → 0.004
  bytes.set([7, 3], 2 * SIDE * SIDE);
  t.mock.method(globalThis, "fetch", async (url) => (url === "data/digits-heldout.bin" ? new Response(bytes) : new Response(null, { status: 404 })));
  const held = await fetchDigits();
  assert.equal(held.count, 2);
  assert.deepEqual([...held.labels], [7, 3]);
  assert.deepEqual([...held.pixels(0).slice(0, 3)], [1, Math.fround(0.502), 0]);
  assert.equal(held.pixels(1)[0], Math.fround(0.004));
});

test("a site without the file says so", async (t) => {
  t.mock.method(globalThis, "fetch", async () => new Response(null, { status: 404 }));
  await assert.rejects(fetchDigits(), { message: "The held-out digits are missing from this site (HTTP 404)." });
});
