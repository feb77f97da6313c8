// static/modes/signal/window.js: what one output sample of a 1-D convolution reads, worked by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { padsOf, sumLine, windowSpan, windowTerms } from "../../../../static/modes/signal/window.js";

const X = [1, 2, 3, 4, 5, 6, 7, 8];
const layer = (more) => ({ stride: 1, padding: 0, dilation: 1, bias: 0, ...more });

test("valid, same and causal padding put the window where conv1d reads", () => {
  assert.deepEqual(windowTerms(layer({}), [1, -1], X, 0).map((t) => [t.index, t.x]), [[0, 1], [1, 2]]);
  assert.deepEqual(padsOf(layer({ padding: "same" }), 3), [1, 1]);
  assert.deepEqual(windowTerms(layer({ padding: "same" }), [1, 1, 1], X, 0).map((t) => [t.index, t.x, t.padding]),
    [[-1, 0, true], [0, 1, false], [1, 2, false]]);
  // Causal: output t reads samples up to t and never after it.
  assert.deepEqual(windowTerms(layer({ padding: "causal", dilation: 2 }), [1, 1, 1], X, 5).map((t) => t.index), [1, 3, 5]);
  assert.deepEqual(windowSpan(layer({ padding: "causal", dilation: 2 }), 3, 5), [1, 5]);
});

test("stride and dilation: output t starts at t·s and its taps are d apart", () => {
  const terms = windowTerms(layer({ stride: 3, dilation: 2 }), [0.5, 0.25], X, 2);
  assert.deepEqual(terms.map((t) => [t.m, t.index, t.x, t.w]), [[0, 6, 7, 0.5], [1, 8, 0, 0.25]]);
  assert.equal(terms[1].padding, true); // past the end: a padding zero
});

test("the sum written out, bias and signs as a learner writes them", () => {
  const terms = windowTerms(layer({}), [-1, 1], X, 2);
  assert.equal(sumLine(terms, 0, 1), "−1·3 + 1·4 = 1");
  assert.equal(sumLine(terms, -0.25, 0.75), "−1·3 + 1·4 − 0.25 = 0.75");
  assert.equal(sumLine([{ x: 0.12345, w: 0.5 }], 0, 0.061725), "0.5·0.123 = 0.062");
});
