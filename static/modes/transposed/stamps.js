// The index arithmetic of a transposed convolution, written once for every view that highlights it:
// which input pixels and kernel taps add up to one output cell, where one input pixel's stamp lands,
// and where the "as a convolution" view puts the input. Python computes the values (app.ops); this
// file only says which cells to light up and writes the sum out.
//
// A layer is state.transposed: {input (n×n rows), kernel (k×k rows), bias, stride, padding,
// outputPadding, dilation}. Input pixel (i, j) adds input[i][j]·kernel[m][n] to output cell
// (i·s + m·d − p, j·s + n·d − p).

import { formatNumber } from "../../views/colormap.js";

/** Arrow keys as a (row, col) step: how every map of the mode moves its chosen cell. */
export const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

/** Output side of an n-pixel input side: (n − 1)·s − 2p + d·(k − 1) + outputPadding + 1 (may be < 1: Python refuses it). */
export function outputSide(n, { kernel, stride, padding, outputPadding, dilation }) {
  return (n - 1) * stride - 2 * padding + dilation * (kernel.length - 1) + outputPadding + 1;
}

/** The products that add up to output cell (row, col): [{i, j, m, n, x, w}], input pixels in reading order. */
export function contributions({ input, kernel, stride, padding, dilation }, row, col) {
  const terms = [];
  input.forEach((inputRow, i) => inputRow.forEach((x, j) => kernel.forEach((kernelRow, m) => kernelRow.forEach((w, n) => {
    if (i * stride + m * dilation - padding === row && j * stride + n * dilation - padding === col) terms.push({ i, j, m, n, x, w });
  }))));
  return terms;
}

/** The output cells input pixel (i, j)'s stamp spans, clipped to an h×w output: {top, left, bottom, right}, or null. */
export function stampRegion({ kernel, stride, padding, dilation }, i, j, [h, w]) {
  const reach = dilation * (kernel.length - 1);
  const top = i * stride - padding, left = j * stride - padding;
  const box = { top: Math.max(top, 0), left: Math.max(left, 0), bottom: Math.min(top + reach, h - 1), right: Math.min(left + reach, w - 1) };
  return box.top > box.bottom || box.left > box.right ? null : box;
}

/** Where "as a convolution" puts things: border = d·(k − 1) − p zeros around the spread input (output
 * padding more after; a negative border crops), and the cell of the spread image input (i, j) lands on. */
export function spreadGeometry({ kernel, stride, padding, outputPadding, dilation }) {
  const border = dilation * (kernel.length - 1) - padding;
  return {
    before: Math.max(border, 0), after: Math.max(border + outputPadding, 0),
    crop: Math.max(-border, 0),
    cellOf: (i, j) => ({ row: i * stride + border, col: j * stride + border }),
  };
}

/** The sum written out: "1·2 + 2·1 + 0.5 = 4.5", or what an empty sum means. */
export function sumText(terms, bias, total) {
  const parts = terms.map(({ x, w }) => `${formatNumber(x)}·${formatNumber(w)}`);
  if (bias) parts.push(formatNumber(bias));
  if (!parts.length) return `no stamp reaches this cell: 0`;
  return `${parts.join(" + ")} = ${formatNumber(total)}`.replace(/\+ −/g, "− ");
}

/** The layer an atlas figure opens: its sizes, its input values and a kernel of ones (the guide's shaded square). */
export function figureLayer({ transposed: t }) {
  return {
    input: t.values.map((row) => [...row]), kernel: Array.from({ length: t.kernel }, () => Array(t.kernel).fill(1)),
    bias: 0, stride: t.stride, padding: t.padding, outputPadding: t.outputPadding, dilation: t.dilation,
  };
}

/** The atlas figure a layer's sizes are (its values may have been edited since), or null. */
export function figureOf(layer, figures) {
  return figures.find(({ transposed: t }) => t.input === layer.input.length && t.kernel === layer.kernel.length &&
    t.stride === layer.stride && t.padding === layer.padding && t.outputPadding === layer.outputPadding &&
    t.dilation === layer.dilation) ?? null;
}
