// Network mode's "Move the digit" panel: shift (sliders, dragging the digit, arrow keys), turn and
// scale the input, and compare "move, then convolve" with "convolve, then move" for one filter of
// the first convolution: equal away from the border for a shift (a convolution is equivariant),
// not for a turn or a scaling. The probe is state.network.probe; Python moves the image
// (app.probes.probe) and computes both sides (app.api.network_run).

import { GridView } from "../../views/grid.js";
import { formatNumber } from "../../views/colormap.js";
import { describeProbe, isMoved, UNMOVED } from "./probes.js";

const $ = (id) => document.getElementById(id);
const SHIFT_KEYS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
const REACH = 8; // the sliders' and the drag's reach, in pixels
export class MovePanel {
  /** setProbe(probe): ask for a new probe (state.network.probe). */
  constructor({ setProbe }) {
    this.setProbe = setProbe;
    this.probe = { ...UNMOVED };
    this.sliders = { dx: $("net-dx"), dy: $("net-dy"), angle: $("net-angle"), scale: $("net-scale") };
    for (const [key, input] of Object.entries(this.sliders)) {
      input.addEventListener("input", () => this.setProbe({ ...this.probe, [key]: Number(input.value) }));
    }
    $("net-unmove").addEventListener("click", () => this.setProbe({ ...UNMOVED }));
    this.maps = ["net-commute-a", "net-commute-b", "net-commute-diff"].map((id) => new GridView($(id), { maxPx: 88 }));
  }

  /** Dragging the digit: a shift by whole pixels, from where the pointer went down. */
  drag(cell, kind) {
    if (kind === "down" && cell) this.grab = { cell, probe: { ...this.probe } };
    else if (kind === "up" || kind === "leave") this.grab = null;
    if (!this.grab || !cell || !(kind === "move" || kind === "down")) return;
    const clamp = (v) => Math.max(-REACH, Math.min(REACH, v));
    const { probe } = this.grab;
    const dy = clamp(probe.dy + cell.row - this.grab.cell.row), dx = clamp(probe.dx + cell.col - this.grab.cell.col);
    if (dy !== this.probe.dy || dx !== this.probe.dx) this.setProbe({ ...this.probe, dy, dx });
  }

  /** Arrow keys on the digit: one pixel a press. True when the key was one of them. */
  key(event) {
    const step = SHIFT_KEYS[event.key];
    if (!step) return false;
    const clamp = (v) => Math.max(-REACH, Math.min(REACH, v));
    this.setProbe({ ...this.probe, dy: clamp(this.probe.dy + step[0]), dx: clamp(this.probe.dx + step[1]) });
    return true;
  }

  /** Show probe; result: the network's (its first convolution's maps, and the commute blocks when moved). */
  update(probe, result, filter) {
    this.probe = { ...probe };
    for (const [key, input] of Object.entries(this.sliders)) input.value = String(probe[key]);
    $("net-dx-out").textContent = probe.dx === 0 ? "0" : `${Math.abs(probe.dx)} ${probe.dx > 0 ? "right" : "left"}`;
    $("net-dy-out").textContent = probe.dy === 0 ? "0" : `${Math.abs(probe.dy)} ${probe.dy > 0 ? "down" : "up"}`;
    $("net-angle-out").textContent = probe.angle === 0 ? "0°" : `${Math.abs(probe.angle)}° ${probe.angle > 0 ? "anticlockwise" : "clockwise"}`;
    $("net-scale-out").textContent = `×${probe.scale}`;
    $("net-unmove").disabled = !isMoved(probe);
    const commute = result.commute;
    const holder = $("net-commute");
    if (!commute) {
      holder.hidden = true;
      $("net-commute-note").textContent = !isMoved(probe) ? "Move the digit to compare moving before and after the first convolution."
        : "This model's first convolution has a stride, so its maps cannot move by whole cells with the digit.";
      return;
    }
    holder.hidden = false;
    const layer = result.layers[commute.layer];
    const [count, h, w] = layer.shape;
    const f = Math.min(filter, count - 1);
    const size = h * w;
    const a = layer.data.subarray(f * size, (f + 1) * size);
    const b = commute.thenMoved.subarray(f * size, (f + 1) * size);
    const diff = a.map((v, i) => v - b[i]);
    let m = 0;
    for (let i = 0; i < size; i++) m = Math.max(m, Math.abs(a[i]), Math.abs(b[i]));
    const range = [-(m || 1), m || 1];
    [a, b, diff].forEach((data, i) => this.maps[i].update({ data, height: h, width: w, colormap: "diverging", range }));
    $("net-commute-title").textContent = `Filter ${f + 1} of convolution 1, with the digit ${describeProbe(probe)}`;
    const inside = formatNumber(commute.inside_max, 3), border = formatNumber(commute.border_max, 3);
    const shiftOnly = probe.angle === 0 && probe.scale === 1;
    $("net-commute-note").textContent = shiftOnly
      ? `Away from the border the two are equal (largest difference ${inside}, all ${count} filters): a convolution moves with ` +
        `its input. At the border they differ by up to ${border}: the zeros the shift brought in.`
      : `They differ by up to ${inside} even away from the border: a convolution's kernel does not turn or scale with its ` +
        "input, so the network must learn each pose from examples.";
    $("net-commute-note").dataset.insideMax = String(commute.inside_max);
  }
}
