// Which cells of an earlier stage a cell depends on: the JS twin of
// app.ops.receptive_field (tested against it), so hover needs no round trip.

import { padAmounts } from "./state.js";

/** The stages' layers as the receptive-field walk needs them: [{name, size, stride, before}] */
export function stageLayers(s) {
  const k = s.kernel.length;
  const layers = [{ name: "conv", size: k, stride: s.stride, dilation: s.dilation, before: padAmounts(s)[0] }];
  if (s.activation !== "none") layers.push({ name: "activation", size: 1, stride: 1, dilation: 1, before: 0 });
  if (s.pool) layers.push({ name: "pool", size: s.pool.size, stride: s.pool.stride, dilation: 1, before: 0 });
  if (s.layer2) {
    const l2 = s.layer2;
    layers.push({ name: "conv2", size: l2.kernel.length, stride: l2.stride, dilation: l2.dilation,
      before: padAmounts(l2)[0] });
  }
  return layers;
}

/**
 * Region {top, left, bottom, right} (inclusive) of the map before layers[from]
 * that cell {row, col} of the map after layers[to] reads; from = 0 is the input.
 */
export function regionOf(layers, from, to, { row, col }) {
  let top = row, bottom = row, left = col, right = col;
  for (let i = to; i >= from; i--) {
    const { size, stride, dilation, before } = layers[i];
    const reach = dilation * (size - 1);
    top = top * stride - before; bottom = bottom * stride - before + reach;
    left = left * stride - before; right = right * stride - before + reach;
  }
  return { top, left, bottom, right };
}
