// static/core/embed.js: the embed options from the query string, and the parent's messages it takes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkMessage, readOptions } from "../../../static/core/embed.js";

test("options: hide and lock lists, an origin reduced to scheme, host and port, a known theme, a tour", () => {
  const o = readOptions("?embed&hide=inspector,layer&lock=kernel&origin=https://lms.example.edu/course/7&theme=dark&tour=explainer");
  assert.deepEqual(o, { embed: true, hide: new Set(["inspector", "layer"]), lock: new Set(["kernel"]),
    origin: "https://lms.example.edu", theme: "dark", tour: "explainer" });
});

test("without options: not an embed, nothing hidden, any origin, the reader's theme", () => {
  assert.deepEqual(readOptions(""), { embed: false, hide: new Set(), lock: new Set(), origin: null, theme: "auto", tour: null });
});

test("names that cannot be one, a bad origin and an unknown theme are dropped", () => {
  const o = readOptions("?hide=Inspector,<b>,layer&origin=not a url&theme=purple&tour=../x");
  assert.deepEqual([...o.hide], ["layer"]);
  assert.equal(o.tour, null);
  assert.equal(o.origin, null);
  assert.equal(o.theme, "auto");
});

test("messages: the known types pass; anything else is ignored with a console warning", (t) => {
  const warn = t.mock.method(console, "warn", () => {});
  const set = { type: "set", state: { stride: 2 } };
  assert.equal(checkMessage(set), set);
  assert.equal(checkMessage({ type: "theme", theme: "dark" }).theme, "dark");
  for (const bad of [null, [1], { type: "eval" }, { type: "theme", theme: "pink" }, { type: "set", state: [] },
    { type: "set", state: { big: "x".repeat(2_000_001) } }]) {
    assert.equal(checkMessage(bad), null, JSON.stringify(bad)?.slice(0, 40));
  }
  assert.equal(warn.mock.callCount(), 6);
  assert.match(warn.mock.calls[2].arguments[0], /^convExplorer: message ignored: unknown type "eval"/);
});
