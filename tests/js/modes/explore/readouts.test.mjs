// static/modes/explore/readouts.js: the output-size formula and the parameter count, numbers filled in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formulaText, paramsText } from "../../../../static/modes/explore/readouts.js";

const K3 = [[0, 0, 0], [0, 1, 0], [0, 0, 0]];

test("the output side, square and not, with dilation and uneven 'same' padding", () => {
  assert.equal(formulaText({ kernel: K3, dilation: 1, stride: 1, padding: 0 }, { height: 24, width: 24 }, [22, 22]),
    "Output side: ⌊(24 − 3 + 2·0) / 1⌋ + 1 = 22");
  assert.equal(formulaText({ kernel: K3, dilation: 2, stride: 2, padding: 1 }, { height: 24, width: 20 }, [11, 9]),
    "Output height: ⌊(24 − (2·(3 − 1) + 1) + 2·1) / 2⌋ + 1 = 11; width: ⌊(20 − (2·(3 − 1) + 1) + 2·1) / 2⌋ + 1 = 9");
  assert.equal(formulaText({ kernel: [[1, 1], [1, 1]], dilation: 1, stride: 1, padding: "same" }, { height: 8, width: 8 }, [8, 8]),
    "Output side: ⌊(8 − 2 + 1) / 1⌋ + 1 = 8");
});

test("parameters: 3·3 + 1 shared weights against a dense layer's", () => {
  assert.equal(paramsText({ kernel: K3 }, { height: 24, width: 24 }, [22, 22]),
    "Parameters: 3·3·1·1 + 1 = 10, shared by all 484 outputs. A dense layer from 24×24 to 22×22 needs " +
    "576·484 + 484 = 279,268.");
});
