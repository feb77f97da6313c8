// static/core/settings.js: the manifest as the page reads it, with the mode setting's options from the registry.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { MANIFEST, SETTINGS, LIMITS } from "../../../static/core/settings.js";

const onDisk = JSON.parse(readFileSync(new URL("../../../static/settings.json", import.meta.url)));
const modeFolders = readdirSync(new URL("../../../static/modes/", import.meta.url), { withFileTypes: true })
  .filter((e) => e.isDirectory()).map((e) => e.name).sort();

test("the page reads the manifest as written", () => {
  assert.equal(MANIFEST.linkVersion, onDisk.linkVersion);
  assert.deepEqual(LIMITS, onDisk.limits);
  assert.deepEqual(Object.keys(SETTINGS), Object.keys(onDisk.settings));
  assert.deepEqual(SETTINGS.kernel.default, [[1, 0, -1], [2, 0, -2], [1, 0, -1]]);
});

test("the mode setting chooses among the registry's modes, sorted as the folders are", () => {
  const modes = Object.values(SETTINGS).filter((s) => s.type === "mode");
  assert.equal(modes.length, 1);
  assert.deepEqual(modes[0].options, modeFolders);
  assert.ok(modes[0].options.includes(modes[0].default));
});
