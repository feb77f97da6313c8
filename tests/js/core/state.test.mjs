// static/core/state.js: the one state object, its checks, and the small kernel and padding helpers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SETTINGS } from "../../../static/core/settings.js";
import { coreSettings, defaultState, listed, merge, padAmounts, resizeKernel, withWeight } from "../../../static/core/state.js";

const SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]];

test("the defaults are the manifest's, and a fresh copy each call", () => {
  const s = defaultState();
  assert.deepEqual(Object.keys(s), Object.keys(SETTINGS));
  assert.equal(s.image, "digit3");
  assert.deepEqual(s.kernel, SOBEL_X);
  assert.deepEqual(s.window, { row: 13, col: 17 });
  s.kernel[0][0] = 9;
  assert.equal(defaultState().kernel[0][0], 1);
});

test("merge applies checked settings and leaves the old state alone", () => {
  const before = defaultState();
  const after = merge(before, { stride: 2, padding: "same", pool: { mode: "max" }, output: [[1]] });
  assert.equal(after.stride, 2);
  assert.equal(after.padding, "same");
  assert.deepEqual(after.pool, { mode: "max", size: 2, stride: 2 }); // size and stride default to 2
  assert.equal("output" in after, false); // results are not settings
  assert.equal(before.stride, 1);
});

test("a bad value is refused with one sentence naming the limits", () => {
  const refused = (partial) => assert.throws(() => merge(defaultState(), partial), RangeError);
  refused({ stride: 0 });
  assert.throws(() => merge(defaultState(), { stride: 1.5 }), { message: "Stride must be a whole number from 1 to 4." });
  assert.throws(() => merge(defaultState(), { kernel: [[1, 2]] }), { message: "The kernel must be a square grid from 1×1 to 7×7." });
  assert.throws(() => merge(defaultState(), { kernel: [[1001]] }), { message: "Kernel weights are limited to −1000…1000." });
  assert.throws(() => merge(defaultState(), { colour: 1 }), { message: 'Unknown setting "colour".' });
  assert.throws(() => merge(defaultState(), [1]), { message: "setState takes an object of settings." });
  refused({ activation: "tanh" });
  refused({ bias: Infinity });
  refused({ numbers: "yes" });
  refused({ channels: { filters: [] } });
  refused({ network: { edits: { 0: { 0: { w: [2000] } } } } });
});

test("network mode's panel, probe and sweep: filled in, checked, named when wrong", () => {
  const s = merge(defaultState(), { network: { panel: "move", probe: { dx: -3, angle: 30 } } });
  assert.deepEqual(s.network.probe, { dy: 0, dx: -3, angle: 30, scale: 1 });
  assert.equal(s.network.panel, "move");
  assert.equal(s.network.sweep, "shift");
  const says = (network, message) => assert.throws(() => merge(defaultState(), { network }), { message });
  says({ panel: "loss" }, "network.panel must be one of filter, move, sweep, field, train.");
  says({ train: { bug: "nchw" } }, "network.train.bug must be null or one of double-softmax, unnormalised, nhwc.");
  says({ train: { batch: 0 } }, "network.train.batch must be a whole number from 1 to 256.");
  says({ train: { lr: "fast" } }, "network.train.lr must be a number from 0.00001 to 1.");
  assert.deepEqual(merge(defaultState(), { network: { train: { optimizer: "sgd", lr: 0.05 } } }).network.train,
    { optimizer: "sgd", lr: 0.05, batch: 8, epochs: 2, seed: 0, bug: null });
  says({ unit: { layer: 3, channel: 0, row: -1, col: 0 } }, "network.unit must be {layer, channel, row, col}, four whole numbers counted from 0.");
  assert.deepEqual(merge(defaultState(), { network: { unit: { layer: 7, channel: 3, row: 0, col: 0 } } }).network.unit,
    { layer: 7, channel: 3, row: 0, col: 0 });
  says({ sweep: "tilt" }, "network.sweep must be one of shift, rotate, scale.");
  says({ probe: { dy: 1.5 } }, "network.probe.dy must be a whole number from −12 to 12.");
  says({ probe: { scale: 3 } }, "network.probe.scale must be a number from 0.25 to 2.");
  says({ probe: [] }, "network.probe must be an object {dy, dx, angle, scale}.");
});

test("a transposed layer keeps what it is given, fills in the rest and names what is wrong", () => {
  const s = merge(defaultState(), { transposed: { input: [[1]], stride: 3 } });
  assert.deepEqual(s.transposed.input, [[1]]);
  assert.equal(s.transposed.stride, 3);
  assert.deepEqual(s.transposed.kernel, defaultState().transposed.kernel);
  const says = (transposed, message) => assert.throws(() => merge(defaultState(), { transposed }), { message });
  says({ input: [[1, 2]] }, "The transposed layer's input must be a square grid from 1×1 to 7×7.");
  says({ outputPadding: 4 }, "Output padding must be a whole number from 0 to 3.");
  says({ padding: "same" }, "Transposed padding must be a whole number from 0 to 8.");
  says({ cell: { row: -1, col: 0 } }, "transposed.cell must be {row, col}, an output cell counted from 0.");
  says([1], "transposed must be an object (see getState().transposed).");
  says({ gradient: "all" }, 'transposed.gradient must be null or one of "cell", "ones" or "map".');
  assert.equal(merge(defaultState(), { transposed: { gradient: "map" } }).transposed.gradient, "map");
});

test("a 1-D layer: a named filter or the learner's taps, and what is wrong named", () => {
  const s = merge(defaultState(), { signal: { filter: null, taps: [0.5, 0.5], padding: "causal" } });
  assert.deepEqual([s.signal.filter, s.signal.taps, s.signal.padding, s.signal.source], [null, [0.5, 0.5], "causal", "sine-noise"]);
  const says = (signal, message) => assert.throws(() => merge(defaultState(), { signal }), { message });
  says({ source: "noise" }, 'signal.source must be one of "step", "sine-noise", "chirp", "square", "ecg" or "custom".');
  says({ taps: [] }, "signal.taps must be 1 to 63 numbers from −1000 to 1000.");
  says({ filter: { kind: "bandpass" } }, 'signal.filter must be null or {kind, taps, cutoff} with kind one of "lowpass", "highpass", "average", "difference" or "matched".');
  says({ filter: { kind: "lowpass", taps: 64 } }, "The filter's taps must be a whole number from 1 to 63.");
  says({ dilation: 9 }, "1-D dilation must be a whole number from 1 to 8.");
  says({ padding: "full" }, "1-D padding must be a whole number from 0 to 64.");
  says({ stack: [1, 2, 64] }, "signal.stack must be null or 1 to 6 dilations, each a whole number from 1 to 32.");
  assert.deepEqual(merge(defaultState(), { signal: { stack: [1, 2, 4, 8] } }).signal.stack, [1, 2, 4, 8]);
});

test("listed reads as a sentence's list", () => {
  assert.equal(listed(["a", "b"]), "a or b");
  assert.equal(listed(["a", "b", "c"]), "one of a, b or c");
});

test("a resized kernel keeps its centre", () => {
  assert.deepEqual(resizeKernel([[5]], 3), [[0, 0, 0], [0, 5, 0], [0, 0, 0]]);
  assert.deepEqual(resizeKernel(SOBEL_X, 1), [[0]]);
  assert.deepEqual(resizeKernel([[1, 2], [3, 4]], 3), [[1, 2, 0], [3, 4, 0], [0, 0, 0]]);
});

test("withWeight changes one weight in a copy", () => {
  const k = withWeight(SOBEL_X, 1, 2, 7);
  assert.deepEqual(k, [[1, 0, -1], [2, 0, 7], [1, 0, -1]]);
  assert.equal(SOBEL_X[1][2], -2);
});

test("padding amounts: valid, same (the odd pixel after, as PyTorch), a number and causal", () => {
  assert.deepEqual(padAmounts({ padding: "valid", dilation: 1, kernel: SOBEL_X }), [0, 0]);
  assert.deepEqual(padAmounts({ padding: "same", dilation: 1, kernel: SOBEL_X }), [1, 1]);
  assert.deepEqual(padAmounts({ padding: "same", dilation: 1, kernel: [[1, 1], [1, 1]] }), [0, 1]);
  assert.deepEqual(padAmounts({ padding: "same", dilation: 3, kernel: [[1, 1], [1, 1]] }), [1, 2]);
  assert.deepEqual(padAmounts({ padding: 2, dilation: 1, kernel: SOBEL_X }), [2, 2]);
  assert.deepEqual(padAmounts({ padding: "causal", dilation: 4, kernel: [0.5, 0.5] }), [4, 0]); // 1-D taps: all before
});

test("the core's settings use the manifest's core names", () => {
  const core = coreSettings(merge(defaultState(), { paddingMode: "reflect", layer2: { kernel: [[1]] } }));
  assert.equal(core.padding_mode, "reflect");
  assert.equal(core.stride, 1);
  assert.equal(core.layer2.padding_mode, "zeros"); // the second layer pads with zeros
  for (const [key, spec] of Object.entries(SETTINGS)) if (spec.core && key !== "layer2") assert.ok(spec.core in core, key);
});
