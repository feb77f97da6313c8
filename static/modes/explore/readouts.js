// Sentences with the current numbers filled in: the output-size formula and
// the parameter count against a dense layer.

import { padAmounts } from "../../core/state.js";

const GROUPED = new Intl.NumberFormat("en-US"); // made once: toLocaleString builds one per call
const fmt = (n) => GROUPED.format(n);

/** ⌊(W − K + 2P) / S⌋ + 1 (with dilation, K is the span D(K − 1) + 1) for both sides of the map. */
export function formulaText(s, { height, width }, [outH, outW]) {
  const k = s.kernel.length, d = s.dilation;
  const [before, after] = padAmounts(s);
  const kEff = d > 1 ? `(${d}·(${k} − 1) + 1)` : `${k}`;
  const p = before === after ? `2·${before}` : `${before + after}`;
  const line = (n, o) => `⌊(${n} − ${kEff} + ${p}) / ${s.stride}⌋ + 1 = ${o}`;
  return height === width && outH === outW
    ? `Output side: ${line(width, outW)}`
    : `Output height: ${line(height, outH)}; width: ${line(width, outW)}`;
}

/** This layer's K·K·Cin·Cout + Cout parameters against a dense layer's for the same input and output. */
export function paramsText(s, { height, width }, [outH, outW]) {
  const k = s.kernel.length;
  const inN = height * width, outN = outH * outW;
  return `Parameters: ${k}·${k}·1·1 + 1 = ${k * k + 1}, shared by all ${fmt(outN)} outputs. ` +
    `A dense layer from ${height}×${width} to ${outH}×${outW} needs ` +
    `${fmt(inN)}·${fmt(outN)} + ${fmt(outN)} = ${fmt(inN * outN + outN)}.`;
}
