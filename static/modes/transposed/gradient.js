// The gradient of explore's layer with respect to its image, shown as what it is: the transposed
// convolution of the upstream gradient g = dL/dy with the same kernel, stride, padding and dilation.
// Check finds the same numbers without it: Python changes one pixel at a time and runs the forward
// layer (app.pipeline.gradient_stages), which also honours a padding mode the transposed
// convolution leaves out.

import { GridView } from "../../views/grid.js";
import { formatNumber, rangeOf } from "../../views/colormap.js";
import { coreSettings, padAmounts } from "../../core/state.js";
import { MOVES, outputSide } from "./stamps.js";

const $ = (id) => document.getElementById(id);
const MAX_PERTURBED_PIXELS = 64 * 64; // app.pipeline's: the check convolves one image per pixel
const SAME = 1e-4; // float32 maps: differences below this are rounding

export class GradientPanel {
  /** set(partial): change state.transposed (computed and painted again). */
  constructor({ set }) {
    this.set = set;
    this.checkNext = false; // Check asks for one run with the perturbation; the next change drops it
    this.asked = false;
    this.upstream = new GridView($("tr-upstream-map"), { label: "upstream gradient", fit: true });
    this.gradient = new GridView($("tr-gradient-map"), { label: "gradient with respect to the image", fit: true });
    $("tr-upstream").addEventListener("change", (e) => this.set({ gradient: e.target.value }));
    $("tr-check").addEventListener("click", () => { this.checkNext = true; this.set({}); });
    $("tr-gradient-close").addEventListener("click", () => this.set({ gradient: null }));
    this.upstream.onCell((cell, kind) => {
      if (cell && (kind === "down" || kind === "move")) this.choose(cell);
    });
    $("tr-upstream-map").addEventListener("keydown", (e) => {
      if (!MOVES[e.key] || !this.shown) return;
      e.preventDefault();
      const { row, col } = this.shown.cell;
      this.choose({ row: row + MOVES[e.key][0], col: col + MOVES[e.key][1] });
    });
  }

  /** The gradient view's part of transposed mode's request: explore's layer and the upstream choice. */
  request(state) {
    const { kernel, stride, padding, dilation, padding_mode } = coreSettings(state);
    const check = this.checkNext;
    this.checkNext = false;
    this.asked = check; // what the next paint answers
    return { kernel, stride, padding, dilation, padding_mode, upstream: state.transposed.gradient, cell: state.transposed.cell, check };
  }

  choose(cell) {
    const [h, w] = this.shown?.g.shape ?? [0, 0];
    if (this.shown && cell.row >= 0 && cell.col >= 0 && cell.row < h && cell.col < w && this.shown.upstream === "cell") this.set({ cell });
  }

  /** stages: {upstream, gradient, perturbed?} from Python. */
  paint(state, { upstream: g, gradient, perturbed }) {
    const upstream = state.transposed.gradient;
    const cell = { row: Math.min(state.transposed.cell.row, g.shape[0] - 1), col: Math.min(state.transposed.cell.col, g.shape[1] - 1) };
    this.shown = { g, upstream, cell };
    const draw = (view, stage) => view.update({ data: stage.data, height: stage.shape[0], width: stage.shape[1],
      colormap: "diverging", range: rangeOf(stage.data, "diverging"), numbers: stage.shape[0] <= 12 });
    draw(this.upstream, g);
    draw(this.gradient, gradient);
    this.upstream.setOverlay(upstream === "cell" ? { cell } : {});
    $("tr-upstream").value = upstream;
    const [h, w] = gradient.shape, [gh, gw] = g.shape, k = state.kernel.length;
    const [before, after] = padAmounts(state);
    const full = outputSide(gh, { kernel: state.kernel, stride: state.stride, padding: before, outputPadding: 0, dilation: state.dilation });
    const padding = before === after ? `padding ${before}, output padding ${h - full}` : `padding ${before} before and ${after} after`;
    $("tr-gradient-layer").textContent = `Explore's layer: a ${k}×${k} kernel, stride ${state.stride}, ${padding.split(",")[0]}, ` +
      `dilation ${state.dilation}, on the ${h}×${w} image: y is ${gh}×${gw}. Its transposed convolution (the same kernel, ` +
      `stride and dilation; ${padding}) turns g, ${gh}×${gw}, into dL/dx, ${h}×${w} like the image.`;
    $("tr-upstream-caption").textContent = upstream === "cell"
      ? `g = dL/dy: 1 at row ${cell.row + 1}, column ${cell.col + 1}, 0 elsewhere (press a cell to move it)`
      : upstream === "ones" ? "g = dL/dy: 1 everywhere" : "g = dL/dy = y, the feature map (without its bias)";
    $("tr-gradient-caption").textContent = upstream === "cell"
      ? "dL/dx: the kernel, stamped where the window of that cell reads the image"
      : "dL/dx: how much each pixel moves L";
    this.paintCheck(state, gradient, perturbed);
  }

  paintCheck(state, gradient, perturbed) {
    const text = $("tr-gradient-text");
    const pixels = gradient.data.length;
    text.classList.toggle("checked", !!perturbed);
    if (!perturbed) {
      text.textContent = pixels > MAX_PERTURBED_PIXELS && this.asked
        ? `The check changes one pixel at a time: it runs on images up to ${MAX_PERTURBED_PIXELS.toLocaleString("en-US")} pixels, and this one has ${pixels.toLocaleString("en-US")}.`
        : `Check changes each of the ${pixels.toLocaleString("en-US")} pixels by 1, runs the forward layer, and compares how much L moves with dL/dx.`;
      return;
    }
    let worst = 0;
    for (let i = 0; i < pixels; i++) worst = Math.max(worst, Math.abs(gradient.data[i] - perturbed.data[i]));
    text.textContent = worst <= SAME
      ? `Checked: changing each of the ${pixels.toLocaleString("en-US")} pixels by 1 moves L by exactly dL/dx there ` +
        `(the largest difference is ${formatNumber(worst, 6)}).`
      : `Changing each pixel by 1 moves L by up to ${formatNumber(worst, 3)} more than dL/dx says, at the border: with ` +
        `${state.paddingMode} padding the border pixels are read again as padding, so their gradient folds back onto them. ` +
        "The transposed convolution is the gradient of the layer with zero padding.";
  }
}
