// A 2-D map drawn as a grid of cells on a canvas: the input image, a feature
// map, a pooled map. Cells become pixels when they get small (256×256).
//
// update({data, height, width, colormap, range, pad, padded, numbers}) redraws the cells;
// setOverlay({window, region, cell}) redraws the highlights only;
// onCell(handler) reports the cell under the pointer: handler({row, col}, kind)
// with kind "down" | "move" | "hover" | "up" | "leave". Coordinates are in
// the map's own cells; with padding they may be negative or past the edge
// (the padded border). pad is [before, after] cells on each axis.

import { paint, formatNumber, darkBehind } from "./colormap.js";

const MIN_NUMBER_PX = 8; // smaller than this is not readable: the numbers go to a table instead

export class GridView {
  constructor(canvas, { maxPx = 432, label = "", fit = false } = {}) {
    this.canvas = canvas;
    this.maxPx = maxPx;
    this.maxHeightPx = maxPx;
    // fit: the map fills its holder (the canvas's parent, sized by the page's layout) and redraws
    // when the holder changes size, instead of taking a fixed maxPx. The redraw waits for the next
    // frame: a canvas resized inside the observer's callback is a "ResizeObserver loop" error (WebKit
    // said so when a mode brought the maps back into view).
    if (fit) new ResizeObserver(() => requestAnimationFrame(() => this.fit())).observe(canvas.parentElement);
    this.unfitted = fit; // until the holder has been measured: a map made in a hidden panel measures it as it first draws
    this.ctx = canvas.getContext("2d");
    this.offscreen = document.createElement("canvas");
    this.model = null;
    this.overlay = {};
    canvas.setAttribute("role", "img");
    if (label) canvas.setAttribute("aria-label", label);
    this.handlers = [];
    this.dragging = false;
    this.lastCell = null;
    canvas.addEventListener("pointerdown", (e) => this.pointer(e, "down"));
    canvas.addEventListener("pointermove", (e) => this.pointer(e, this.dragging ? "move" : "hover"));
    canvas.addEventListener("pointerup", (e) => this.pointer(e, "up"));
    canvas.addEventListener("pointercancel", (e) => this.pointer(e, "up"));
    canvas.addEventListener("pointerleave", (e) => !this.dragging && this.emit(null, "leave"));
  }

  onCell(handler) {
    this.handlers.push(handler);
  }

  /** Cell size in CSS pixels: whole pixels while cells are big enough to see (crisp grid lines), else the map fills maxPx. */
  get cell() {
    const { rows, cols } = this.size;
    const fit = Math.min(this.maxPx / cols, this.maxHeightPx / rows);
    // Whole pixels keep big cells' grid lines crisp; small cells keep the map's full size instead.
    return fit >= 10 ? Math.floor(fit) : fit;
  }

  /** Take the holder's size as the map's largest size; redraw if the cells change. */
  fit() {
    const holder = this.canvas.parentElement;
    const width = holder.clientWidth, height = holder.clientHeight || width;
    if (width) this.unfitted = false;
    if (!width || (width === this.maxPx && height === this.maxHeightPx)) return;
    const before = this.model && this.cell;
    this.maxPx = width;
    this.maxHeightPx = height;
    if (this.model && this.cell !== before) this.update(this.model, { force: true });
  }

  /** Rows and columns drawn, padding included, and the padding before. */
  get size() {
    const { height, width, pad = [0, 0] } = this.model;
    return { rows: height + pad[0] + pad[1], cols: width + pad[0] + pad[1], before: pad[0] };
  }

  update(model, { force = false } = {}) {
    if (this.unfitted) this.fit(); // sized from its holder, not the default, from the first drawing it can measure
    const old = this.model;
    // Nothing new to draw (a kernel edit does not change the input): leave the canvas alone.
    if (!force && old && ["data", "padded", "height", "width", "colormap", "numbers"].every((k) => old[k] === model[k]) &&
        String(old.range) === String(model.range) && String(old.pad) === String(model.pad)) return;
    this.model = model;
    const { rows, cols } = this.size;
    const cell = this.cell;
    const dpr = window.devicePixelRatio || 1;
    const cssW = cols * cell, cssH = rows * cell;
    if (this.canvas.width !== Math.round(cssW * dpr) || this.canvas.height !== Math.round(cssH * dpr)) {
      this.canvas.width = Math.round(cssW * dpr);
      this.canvas.height = Math.round(cssH * dpr);
      this.canvas.style.width = `${cssW}px`;
      this.canvas.style.aspectRatio = `${cols} / ${rows}`;
    }
    this.dpr = dpr;
    const off = this.offscreen;
    if (off.width !== cols || off.height !== rows) {
      off.width = cols;
      off.height = rows;
      this.image = off.getContext("2d").createImageData(cols, rows);
    }
    paint(model.padded || model.data, this.image.data, model.colormap, model.range);
    off.getContext("2d").putImageData(this.image, 0, 0);
    this.draw();
  }

  setOverlay(overlay) {
    this.overlay = overlay;
    if (this.model) this.draw();
  }

  draw() {
    const { ctx, model, dpr } = this;
    const { rows, cols, before } = this.size;
    const cell = this.cell;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cols * cell, rows * cell);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.offscreen, 0, 0, cols * cell, rows * cell);
    if (rows !== model.height || cols !== model.width) this.drawPadding(cell);
    if (cell >= 6) this.drawGridLines(cols, rows, cell);
    if (model.numbers && cell >= 16) this.drawNumbers(cols, rows, cell);
    else delete this.canvas.dataset.numbers;
    this.drawOverlay(before, cell);
  }

  drawPadding(cell) {
    // The padded border is not the image: veil it and outline the real image.
    const { ctx, model } = this;
    const { rows, cols, before } = this.size;
    const x0 = before * cell, y0 = before * cell, w = model.width * cell, h = model.height * cell;
    ctx.fillStyle = "rgba(128, 128, 128, 0.5)";
    ctx.fillRect(0, 0, cols * cell, y0);
    ctx.fillRect(0, y0 + h, cols * cell, rows * cell - y0 - h);
    ctx.fillRect(0, y0, x0, h);
    ctx.fillRect(x0 + w, y0, cols * cell - x0 - w, h);
    ctx.strokeStyle = "#f5a300";
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 2;
    ctx.strokeRect(x0, y0, w, h);
    ctx.setLineDash([]);
  }

  drawGridLines(cols, rows, cell) {
    const { ctx } = this;
    ctx.strokeStyle = "rgba(127, 127, 127, 0.35)";
    ctx.lineWidth = 1 / this.dpr;
    ctx.beginPath();
    for (let c = 0; c <= cols; c++) { ctx.moveTo(c * cell, 0); ctx.lineTo(c * cell, rows * cell); }
    for (let r = 0; r <= rows; r++) { ctx.moveTo(0, r * cell); ctx.lineTo(cols * cell, r * cell); }
    ctx.stroke();
  }

  /** Numbers that fit their cells: fewer decimals, then a smaller font; when even that is too wide
   * (or too small to read) none are drawn and canvas.dataset.numbers says "hidden". */
  drawNumbers(cols, rows, cell) {
    const { ctx, model } = this;
    const values = model.padded || model.data;
    const fit = this.numberFit(values, cell);
    this.canvas.dataset.numbers = fit ? "shown" : "hidden";
    if (!fit) return;
    // Read by the browser tests, which measure the numbers again.
    Object.assign(this.canvas.dataset, { numberFont: fit.font, numberDigits: String(fit.digits) });
    ctx.font = fit.font;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = values[r * cols + c];
        if (v !== v) continue;
        ctx.fillStyle = darkBehind(v, model.colormap, model.range) ? "#fff" : "#111";
        ctx.fillText(formatNumber(v, fit.digits), (c + 0.5) * cell, (r + 0.5) * cell);
      }
    }
  }

  numberFit(values, cell) {
    const { ctx } = this;
    const room = cell - Math.max(4, cell * 0.14); // a margin each side (2 px at least): never touching the grid lines
    const widest = (digits) => {
      let w = 0;
      for (const v of values) if (v === v) w = Math.max(w, ctx.measureText(formatNumber(v, digits)).width);
      return w;
    };
    // Decimals matter more than size: shrink the font first, drop a decimal only when the font is at its smallest.
    for (let digits = cell >= 28 ? 2 : 1; digits >= 0; digits--) {
      for (let px = Math.max(MIN_NUMBER_PX, Math.floor(cell * 0.36)); px >= MIN_NUMBER_PX; px--) {
        ctx.font = `${px}px system-ui, sans-serif`;
        if (widest(digits) <= room) return { font: ctx.font, digits };
      }
    }
    return null;
  }

  drawOverlay(pad, cell) {
    const { ctx, overlay } = this;
    const x = (c) => (c + pad) * cell, y = (r) => (r + pad) * cell;
    if (overlay.region) {
      // Everything a hovered cell depends on (receptive field, pool window).
      const { top, left, bottom, right } = overlay.region;
      ctx.fillStyle = "rgba(255, 196, 0, 0.22)";
      ctx.fillRect(x(left), y(top), (right - left + 1) * cell, (bottom - top + 1) * cell);
      ctx.strokeStyle = "#f5a300";
      ctx.lineWidth = 2;
      ctx.strokeRect(x(left), y(top), (right - left + 1) * cell, (bottom - top + 1) * cell);
    }
    if (overlay.window) {
      const { row, col, size, dilation = 1 } = overlay.window;
      const span = dilation * (size - 1) + 1;
      ctx.strokeStyle = "#00b35a";
      ctx.lineWidth = Math.max(2, cell / 8);
      ctx.strokeRect(x(col), y(row), span * cell, span * cell);
      if (dilation > 1 || cell < 6) {
        // The taps the kernel actually reads.
        ctx.fillStyle = "rgba(0, 179, 90, 0.55)";
        const inset = cell < 6 ? 0 : cell * 0.15;
        for (let m = 0; m < size; m++) {
          for (let n = 0; n < size; n++) {
            ctx.fillRect(x(col + n * dilation) + inset, y(row + m * dilation) + inset,
              cell - 2 * inset, cell - 2 * inset);
          }
        }
      }
    }
    if (cell < 4) this.drawGuides(overlay, x, y, cell);
    if (overlay.cell) {
      const { row, col } = overlay.cell;
      ctx.strokeStyle = "#00b35a";
      ctx.lineWidth = Math.max(2, cell / 6);
      ctx.strokeRect(x(col), y(row), cell, cell);
    }
  }

  /** On a map of tiny cells, lines across the whole map lead the eye to the window or cell. */
  drawGuides(overlay, x, y, cell) {
    const target = overlay.window || overlay.cell;
    if (!target) return;
    const span = overlay.window ? (overlay.window.dilation || 1) * (overlay.window.size - 1) + 1 : 1;
    const cx = x(target.col) + (span * cell) / 2, cy = y(target.row) + (span * cell) / 2;
    const { ctx } = this;
    const { rows, cols } = this.size;
    ctx.strokeStyle = "rgba(0, 200, 100, 0.9)";
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(0, cy); ctx.lineTo(cx - span * cell - 3, cy);
    ctx.moveTo(cx + span * cell + 3, cy); ctx.lineTo(cols * cell, cy);
    ctx.moveTo(cx, 0); ctx.lineTo(cx, cy - span * cell - 3);
    ctx.moveTo(cx, cy + span * cell + 3); ctx.lineTo(cx, rows * cell);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  pointer(event, kind) {
    if (!this.model) return;
    if (kind === "down") {
      this.dragging = true;
      this.canvas.setPointerCapture?.(event.pointerId);
      event.preventDefault();
    }
    if (kind === "up") this.dragging = false;
    const rect = this.canvas.getBoundingClientRect();
    const { rows, cols, before } = this.size;
    const c = Math.floor(((event.clientX - rect.left) / rect.width) * cols);
    const r = Math.floor(((event.clientY - rect.top) / rect.height) * rows);
    const cell = { row: Math.min(Math.max(r, 0), rows - 1) - before, col: Math.min(Math.max(c, 0), cols - 1) - before };
    this.emit(cell, kind);
  }

  emit(cell, kind) {
    for (const h of this.handlers) h(cell, kind);
  }
}
