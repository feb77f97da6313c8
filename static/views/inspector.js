// The arithmetic at the filter window: every pixel × weight product, their
// sum, the bias and the result written into the feature map. The summary
// line is a polite live region, so a screen reader hears each new result.

import { formatNumber } from "../colormap.js";

export class InspectorView {
  constructor(table, summary) {
    this.table = table;
    this.summary = summary;
  }

  /** patch and kernel: K×K arrays of numbers; out: {row, col} of the output cell; value: what the core computed. */
  update({ patch, kernel, bias, out, value }) {
    const k = kernel.length;
    const rows = [];
    let sum = 0;
    for (let m = 0; m < k; m++) {
      const tr = document.createElement("tr");
      for (let n = 0; n < k; n++) {
        const p = patch[m][n] * kernel[m][n];
        sum += p;
        const td = document.createElement("td");
        td.className = kernel[m][n] === 0 ? "zero" : p > 0 ? "pos" : p < 0 ? "neg" : "";
        const pixel = document.createElement("span");
        pixel.className = "pixel";
        pixel.textContent = formatNumber(patch[m][n]);
        const weight = document.createElement("span");
        weight.className = "weight";
        weight.textContent = formatNumber(kernel[m][n]);
        const product = document.createElement("span");
        product.className = "product";
        product.textContent = formatNumber(p);
        td.append(pixel, " × ", weight, document.createElement("br"), "= ", product);
        tr.append(td);
      }
      rows.push(tr);
    }
    this.table.replaceChildren(...rows);
    this.table.dataset.size = k;
    const biasText = bias ? ` ${bias < 0 ? "−" : "+"} bias ${formatNumber(Math.abs(bias))}` : "";
    // The core's value is what the map shows; the sum here is the same arithmetic in JS, for reading.
    this.summary.textContent =
      `Output row ${out.row + 1}, column ${out.col + 1}: sum of ${k * k} products ${formatNumber(sum, 3)}` +
      `${biasText} = ${formatNumber(value, 3)}`;
    this.summary.dataset.sum = String(sum);
    this.summary.dataset.value = String(value);
  }
}
