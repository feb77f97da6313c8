// static/core/compute.js: the queue in front of Python (latest request wins, answers kept, errors
// passed on) and the watchdog that replaces a Python that stops answering, against a fake worker.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Compute, splitStages, stageRows, toRows } from "../../../static/core/compute.js";

/** A stand-in for the Python worker: records what it is sent; answer(i, result) replies to the i-th message. */
function fakePython() {
  const worker = {
    sent: [], terminated: false,
    postMessage(message) { worker.sent.push(message); },
    terminate() { worker.terminated = true; },
    say(data) { worker.onmessage({ data }); },
    answer(i, result = { meta: {}, data: null }, extra = {}) { worker.say({ id: worker.sent[i].id, ok: true, result, ...extra }); },
  };
  return worker;
}

async function started(connect) {
  const compute = new Compute({ connect });
  const ready = compute.start();
  compute.worker.say({ type: "ready" });
  await ready;
  return compute;
}

const IMAGE = { data: new Float32Array(4), height: 2, width: 2 };

test("stages split one buffer into views, and rows make plain JSON", () => {
  const data = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const stages = splitStages({ meta: { stages: [{ name: "conv", shape: [2, 3] }, { name: "pool", shape: [1, 2] }] }, data });
  assert.deepEqual(stages.map((s) => [s.name, [...s.data]]), [["conv", [1, 2, 3, 4, 5, 6]], ["pool", [7, 8]]]);
  assert.equal(stages[0].data.buffer, data.buffer); // views, not copies
  assert.deepEqual(toRows(stages[0].data, [2, 3]), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(stageRows(stages), [{ name: "conv", data: [[1, 2, 3], [4, 5, 6]] }, { name: "pool", data: [[7, 8]] }]);
});

test("while one request is in flight, only the newest waiting one is sent; the one it replaced gets null", async () => {
  const python = fakePython();
  const compute = await started(() => python);
  const first = compute.run({ stride: 1 }, IMAGE);
  const second = compute.run({ stride: 2 }, IMAGE);
  const third = compute.run({ stride: 3 }, IMAGE);
  assert.equal(python.sent.length, 1);
  assert.equal(await second, null);
  python.answer(0, { meta: { n: 1 } });
  assert.equal(await first, null); // stale: a newer request went at once
  assert.deepEqual(python.sent.map((m) => m.settings.stride), [1, 3]);
  assert.equal("image" in python.sent[1], false); // the worker holds this image already
  python.answer(1, { meta: { n: 3 } });
  assert.deepEqual(await third, { meta: { n: 3 } });
});

test("the same settings on the same image again are answered without a round trip", async () => {
  const python = fakePython();
  const compute = await started(() => python);
  const once = compute.run({ stride: 2 }, IMAGE);
  python.answer(0, { meta: { n: 2 } });
  await once;
  assert.deepEqual(await compute.run({ stride: 2 }, IMAGE), { meta: { n: 2 } });
  assert.equal(python.sent.length, 1);
});

test("the core's refusal arrives as an Error with its sentence, marked invalid", async () => {
  const python = fakePython();
  const compute = await started(() => python);
  const refused = compute.run({ stride: 4 }, IMAGE);
  python.say({ id: python.sent[0].id, ok: false, error: "The kernel does not fit.", invalid: true });
  await assert.rejects(refused, (err) => err.message === "The kernel does not fit." && err.invalid === true);
});

test("a Python that stops answering is replaced and the request is sent to the new one", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const pythons = [fakePython(), fakePython()];
  const messages = [];
  const compute = new Compute({ connect: () => pythons.shift(), onRestart: (m) => messages.push(m) });
  const ready = compute.start();
  const first = compute.worker;
  first.say({ type: "ready" });
  await ready;
  const answer = compute.run({ stride: 2 }, IMAGE);
  t.mock.timers.tick(10000); // the compute watchdog
  assert.equal(first.terminated, true);
  const second = compute.worker;
  second.say({ type: "ready" });
  await compute.ready;
  await new Promise(setImmediate); // restart() sends once the new Python is ready
  assert.deepEqual(second.sent.map((m) => m.settings.stride), [2]);
  assert.ok(second.sent[0].image, "the new Python is sent the image again");
  second.answer(0, { meta: { n: 2 } });
  assert.deepEqual(await answer, { meta: { n: 2 } });
  assert.deepEqual(messages, ["Python stopped answering; restarting it…", ""]);
});

test("a Python that never starts is explained after 60 seconds", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const compute = new Compute({ connect: fakePython });
  const ready = compute.start();
  t.mock.timers.tick(60000);
  await assert.rejects(ready, /did not start within 60 seconds.*application\/wasm/);
});
