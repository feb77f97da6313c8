// The arithmetic of one output sample of a 1-D convolution, written once for the views: which input
// samples its taps read (padding included), and the sum written out. Python computes the values
// (app.ops.conv1d); this file only says where the window is and what it multiplies.
//
// A layer is state.signal: {stride, padding (a number, "valid", "same", "causal"), dilation, bias}.
// Output t reads input sample t·s + m·d − before with tap m.

import { formatNumber } from "../../views/colormap.js";
import { padAmounts } from "../../core/state.js";

/** Zeros added (before, after) to the signal for K taps. */
export const padsOf = (layer, k) => padAmounts({ padding: layer.padding, dilation: layer.dilation, kernel: { length: k } });

/** What output t's taps read: [{m, index, x, w, padding}], index in the input (outside it: a padding zero). */
export function windowTerms(layer, taps, input, t) {
  const [before] = padsOf(layer, taps.length);
  return taps.map((w, m) => {
    const index = t * layer.stride + m * layer.dilation - before;
    const padding = index < 0 || index >= input.length;
    return { m, index, x: padding ? 0 : input[index], w, padding };
  });
}

/** The input samples [first, last] output t's window spans (may reach into the padding). */
export function windowSpan(layer, k, t) {
  const [before] = padsOf(layer, k);
  const first = t * layer.stride - before;
  return [first, first + layer.dilation * (k - 1)];
}

/** The sum written out: "0.25·0.1 + 0.5·−0.2 + 0.1 = 0.025", products tap by tap, padding zeros included. */
export function sumLine(terms, bias, value) {
  const parts = terms.map(({ x, w }) => `${formatNumber(w, 3)}·${formatNumber(x, 3)}`);
  if (bias) parts.push(formatNumber(bias, 3));
  return `${parts.join(" + ")} = ${formatNumber(value, 3)}`.replace(/\+ −(?=[\d.]+$|[\d.]+ =)/g, "− ");
}
