// static/modes/index.js: the registry. Each line names a folder holding the module its load() imports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { MODES } from "../../../static/modes/index.js";

const MODES_DIR = new URL("../../../static/modes/", import.meta.url);

test("every mode has an id, a title and a folder with <id>/<id>.js, which load() imports", () => {
  assert.equal(new Set(MODES.map((m) => m.id)).size, MODES.length);
  assert.equal(MODES[0].id, "explore"); // the first view
  for (const { id, title, load } of MODES) {
    assert.match(id, /^[a-z][a-z0-9-]*$/);
    assert.ok(title.length > 0, id);
    assert.ok(existsSync(new URL(`${id}/${id}.js`, MODES_DIR)), id);
    assert.match(String(load), new RegExp(`import\\("\\./${id}/${id}\\.js"\\)`), id);
    assert.match(readFileSync(new URL(`${id}/${id}.js`, MODES_DIR), "utf8"), /export default/, id);
  }
});
