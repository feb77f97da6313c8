// The kernel editor: one real button per weight. Click cycles the value
// forward through CYCLE, shift-click backward; arrow keys move between cells,
// + / − / Enter change the focused cell; the number field types any value.

import { formatNumber, cssColor, darkBehind } from "./colormap.js";
import { setText, setAttr } from "./dom.js";

export const CYCLE = [0, 1, 2, -2, -1];

/** The next value in CYCLE after v (step +1) or before it (step −1); off-cycle values join at the nearest. */
export function cycleValue(v, step) {
  const i = CYCLE.indexOf(v);
  if (i >= 0) return CYCLE[(i + step + CYCLE.length) % CYCLE.length];
  // Values not in the cycle (0.11 from a blur) move to the next whole value in the cycle's order.
  const order = [-2, -1, 0, 1, 2];
  const next = step > 0 ? order.find((x) => x > v) ?? -2 : [...order].reverse().find((x) => x < v) ?? 2;
  return next;
}

export class KernelView {
  constructor(grid, field, fieldLabel, { onChange, onPress = () => {}, name = "Kernel" }) {
    this.grid = grid;
    this.field = field;
    this.fieldLabel = fieldLabel;
    this.onChange = onChange;
    this.onPress = onPress; // (row, col, value the click will give): lets the page compute it ahead
    this.name = name;
    this.selected = { row: 0, col: 0 };
    this.buttons = [];
    this.kernel = null;
    this.locked = false; // an embed can lock the kernel: the cells show, but do not change
    // Enter commits too: browsers fire "change" on it (a keydown handler as well applied it twice).
    field?.addEventListener("change", () => this.typed()); // small editors (channels) have no typing field
  }

  update(kernel) {
    const k = kernel.length;
    if (!this.kernel || this.kernel.length !== k) this.build(k);
    this.kernel = kernel;
    let max = 0;
    for (const row of kernel) for (const v of row) max = Math.max(max, Math.abs(v));
    const range = [-(max || 1), max || 1];
    kernel.forEach((row, r) => row.forEach((v, c) => {
      const b = this.buttons[r][c];
      const colour = cssColor(v, "diverging", range);
      if (b.dataset.colour !== colour) {
        b.dataset.colour = colour;
        b.style.backgroundColor = colour;
        b.classList.toggle("on-dark", darkBehind(v, "diverging", range));
      }
      // The name starts with the shown text (2 decimals) so speech and sight agree; finer values follow.
      const shown = formatNumber(v), fine = formatNumber(v, 3);
      setAttr(b, "aria-label", `${this.name} row ${r + 1}, column ${c + 1}: ${shown}${fine === shown ? "" : ` (${fine})`}`);
    }));
    this.writeNumbers(kernel);
    this.select(this.selected.row, this.selected.col, false);
  }

  /** Each weight on its cell with as many decimals (2, 1, 0) as fit every cell: learned weights
   *  ("−1.0137") must not spill over the cell's edges. The full value is in the label and the field. */
  writeNumbers(kernel) {
    const cells = this.buttons.flat();
    const values = kernel.flat();
    for (const digits of [2, 1, 0]) {
      const texts = values.map((v) => formatNumber(v, digits));
      cells.forEach((b, i) => setText(b, texts[i]));
      // Up to three characters ("−2", "0.5") fit any cell: only longer ones are measured, so a click
      // on a kernel of whole numbers (the usual edit) forces no layout.
      if (digits === 0 || texts.every((t) => t.length <= 3)) return;
      if (!cells.some((b) => b.scrollWidth > b.clientWidth + 1)) return;
    }
  }

  build(k) {
    this.grid.replaceChildren();
    this.grid.style.gridTemplateColumns = `repeat(${k}, 1fr)`;
    this.grid.dataset.size = k;
    this.buttons = [];
    this.selected = { row: Math.min(this.selected.row, k - 1), col: Math.min(this.selected.col, k - 1) };
    for (let r = 0; r < k; r++) {
      const row = [];
      for (let c = 0; c < k; c++) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "kernel-cell";
        b.disabled = this.locked;
        b.dataset.row = r;
        b.dataset.col = c;
        b.title = "Click: next value · Shift-click: previous value";
        b.addEventListener("click", (e) => this.cycle(r, c, e.shiftKey ? -1 : 1));
        b.addEventListener("pointerdown", (e) => this.kernel && this.onPress(r, c, cycleValue(this.kernel[r][c], e.shiftKey ? -1 : 1)));
        b.addEventListener("keydown", (e) => this.key(e, r, c));
        b.addEventListener("focus", () => this.select(r, c, false));
        row.push(b);
        this.grid.append(b);
      }
      this.buttons.push(row);
    }
  }

  select(row, col, focus = true) {
    this.selected = { row, col };
    this.buttons.flat().forEach((b) => {
      const on = +b.dataset.row === row && +b.dataset.col === col;
      b.classList.toggle("selected", on);
      b.tabIndex = on ? 0 : -1; // one tab stop for the grid; arrows move inside it
    });
    if (this.field && this.kernel) this.field.value = String(this.kernel[row][col]);
    if (this.fieldLabel) this.fieldLabel.textContent = `Row ${row + 1}, column ${col + 1}`;
    if (focus) this.buttons[row][col].focus();
  }

  cycle(row, col, step) {
    this.select(row, col, false);
    this.onChange(row, col, cycleValue(this.kernel[row][col], step));
  }

  key(e, r, c) {
    const k = this.buttons.length;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) {
      const [dr, dc] = moves[e.key];
      this.select(Math.min(Math.max(r + dr, 0), k - 1), Math.min(Math.max(c + dc, 0), k - 1));
    } else if (e.key === "+" || e.key === "=") {
      this.cycle(r, c, 1);
    } else if (e.key === "-" || e.key === "_") {
      this.cycle(r, c, -1);
    } else {
      return; // Enter and Space click the button, which cycles forward
    }
    e.preventDefault();
  }

  /** The typed value, or a message; the kernel keeps its value when the text is not a usable number. */
  typed() {
    const text = this.field.value.trim().replace("\u2212", "-");
    const v = Number(text);
    const { row, col } = this.selected;
    if (text === "" || !Number.isFinite(v)) {
      this.onChange(row, col, null, `"${this.field.value}" is not a number; the weight stays ${formatNumber(this.kernel[row][col])}.`);
      this.field.value = String(this.kernel[row][col]);
      return;
    }
    if (Math.abs(v) > 1000) {
      this.onChange(row, col, null, `Weights are limited to −1000…1000; ${formatNumber(v)} is too large.`);
      this.field.value = String(this.kernel[row][col]);
      return;
    }
    this.onChange(row, col, v);
  }
}
