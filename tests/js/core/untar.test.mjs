// static/core/untar.js: a .tar.gz that GNU tar wrote (USTAR, as the build's bundle is) reads back file by file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { untarGz } from "../../../static/core/untar.js";

test("every regular file comes back with its path and bytes; folders are skipped", async () => {
  const dir = mkdtempSync(join(tmpdir(), "untar-"));
  const deep = `numpy/${"long-folder-name/".repeat(7)}core`; // over 100 characters: USTAR's name prefix
  mkdirSync(join(dir, deep), { recursive: true });
  writeFileSync(join(dir, "numpy/__init__.py"), "print('hi')\n");
  writeFileSync(join(dir, deep, "x.bin"), Uint8Array.from({ length: 1300 }, (_, i) => i % 251)); // three blocks
  writeFileSync(join(dir, "empty.txt"), "");
  const tgz = execFileSync("tar", ["--format=ustar", "-czf", "-", "-C", dir, "numpy", "empty.txt"]);
  const files = new Map(await untarGz(new Response(tgz)));
  assert.deepEqual([...files.keys()].sort(), ["empty.txt", `${deep}/x.bin`, "numpy/__init__.py"].sort());
  assert.equal(new TextDecoder().decode(files.get("numpy/__init__.py")), "print('hi')\n");
  assert.deepEqual([...files.get(`${deep}/x.bin`)], Array.from({ length: 1300 }, (_, i) => i % 251));
  assert.equal(files.get("empty.txt").length, 0);
});

test("a header without a size is reported as a damaged bundle", async () => {
  const block = new Uint8Array(1024);
  block.set(new TextEncoder().encode("a.txt"), 0);
  block.set(new TextEncoder().encode("zz"), 124); // not octal
  const gz = new Response(new Blob([block]).stream().pipeThrough(new CompressionStream("gzip")));
  await assert.rejects(untarGz(gz), { message: "the NumPy bundle is damaged (a tar header has no size)" });
});
