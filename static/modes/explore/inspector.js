// The arithmetic at the filter window: every pixel × weight product, their
// sum, the bias and the result written into the feature map. The summary
// line is a polite live region, so a screen reader hears each new result.
// Cells are built once per kernel size and then only their numbers change.

import { formatNumber } from "../../views/colormap.js";
import { setText } from "../../views/dom.js";

export class InspectorView {
  constructor(table, summary) {
    this.table = table;
    this.summary = summary;
    this.cells = [];
  }

  build(k) {
    this.cells = [];
    const rows = [];
    for (let m = 0; m < k; m++) {
      const tr = document.createElement("tr");
      for (let n = 0; n < k; n++) {
        const td = document.createElement("td");
        const span = (name) => Object.assign(document.createElement("span"), { className: name });
        const cell = { td, pixel: span("pixel"), weight: span("weight"), product: span("product") };
        td.append(cell.pixel, " × ", cell.weight, document.createElement("br"), "= ", cell.product);
        tr.append(td);
        this.cells.push(cell);
      }
      rows.push(tr);
    }
    this.table.replaceChildren(...rows);
    this.table.dataset.size = k;
  }

  /** patch and kernel: K×K arrays of numbers; out: {row, col} of the output cell; value: what the core computed. */
  update({ patch, kernel, bias, out, value }) {
    const k = kernel.length;
    if (this.cells.length !== k * k) this.build(k);
    let sum = 0;
    for (let m = 0; m < k; m++) {
      for (let n = 0; n < k; n++) {
        const p = patch[m][n] * kernel[m][n];
        sum += p;
        const cell = this.cells[m * k + n];
        const kind = kernel[m][n] === 0 ? "zero" : p > 0 ? "pos" : p < 0 ? "neg" : "";
        if (cell.td.className !== kind) cell.td.className = kind;
        setText(cell.pixel, formatNumber(patch[m][n]));
        setText(cell.weight, formatNumber(kernel[m][n]));
        setText(cell.product, formatNumber(p));
      }
    }
    // The core's value is what the map shows; the sum here is the same arithmetic in JS, for reading.
    // Plainly: "sum of 9 products = 3.906", then "+ bias 0.5 = 4.406" when there is a bias.
    const where = `Output row ${out.row + 1}, column ${out.col + 1}: sum of ${k * k} products`;
    setText(this.summary, bias
      ? `${where} = ${formatNumber(sum, 3)}, ${bias < 0 ? "−" : "+"} bias ${formatNumber(Math.abs(bias))} = ${formatNumber(value, 3)}`
      : `${where} = ${formatNumber(value, 3)}`);
    this.summary.dataset.sum = String(sum);
    this.summary.dataset.value = String(value);
  }
}
