// Panels for the stages after the convolution: activation, pooling, the
// second layer. One panel a stage, made when the stage appears; each is a
// GridView with its legend. The second layer's panel holds its kernel editor.

import { GridView } from "../../views/grid.js";
import { LegendView } from "./legend.js";
import { KernelView } from "../../views/kernel.js";
import { rangeOf, extentOf } from "../../views/colormap.js";

// Titles stay short, so the pipeline's maps line up; the notes under the maps say the rest.
const TITLES = {
  activation: (s) => (s.activation === "relu" ? "ReLU" : "Leaky ReLU"),
  pool: (s) => `${s.pool.mode === "max" ? "Max" : "Average"} pool ${s.pool.size}×${s.pool.size}`,
  conv2: () => "Layer 2",
};

const NOTES = {
  activation: (s) => (s.activation === "relu"
    ? "max(0, x): only positive responses survive."
    : "x if x > 0, else 0.1·x: negatives are kept, but small."),
  pool: (s) => (s.pool.mode === "max"
    ? `Stride ${s.pool.stride}. Keeps the largest value of each window. No weights.`
    : `Stride ${s.pool.stride}. Averages each window: a fixed blur and downsample. No weights.`),
  conv2: () => "Features of features: a 3×3 kernel over the map to its left; its cells see more of the input.",
};

export class StagesView {
  constructor(container, { maxPx, onCell, onKernel2, onLayer2 }) {
    this.container = container;
    this.maxPx = maxPx;
    this.onCell = onCell;
    this.onKernel2 = onKernel2;
    this.onLayer2 = onLayer2; // (partial layer-2 settings): its padding, stride, dilation
    this.panels = new Map(); // name -> {section, grid, legend, kernel?}
  }

  panel(name) {
    if (this.panels.has(name)) return this.panels.get(name);
    const tpl = document.getElementById("stage-template").content.cloneNode(true);
    const section = tpl.querySelector("section");
    section.dataset.stage = name;
    section.querySelector("h2").id = `stage-${name}-title`;
    section.setAttribute("aria-labelledby", `stage-${name}-title`);
    const canvas = section.querySelector("canvas");
    canvas.id = `stage-${name}-canvas`;
    const grid = new GridView(canvas, { maxPx: this.maxPx, label: `${name} map`, fit: true });
    const index = () => [...this.panels.keys()].indexOf(name) + 1;
    grid.onCell((cell, kind) => this.onCell(index(), cell, kind));
    const entry = { section, grid, legend: new LegendView(section.querySelector(".legend")) };
    if (name === "conv2") {
      const editor = document.getElementById("kernel2-template").content.cloneNode(true);
      section.querySelector(".stage-extra").append(editor);
      entry.kernel = new KernelView(section.querySelector(".kernel-grid"), section.querySelector(".kernel-field input"),
        section.querySelector(".kernel-value-label"), { onChange: this.onKernel2, name: "Layer 2 kernel" });
      for (const key of ["padding", "stride", "dilation"]) {
        section.querySelector(`.layer2-${key}`).addEventListener("change", (e) => {
          const v = e.target.value;
          this.onLayer2({ [key]: v === "same" ? v : Number(v) });
        });
      }
    }
    this.container.append(section);
    this.panels.set(name, entry);
    return entry;
  }

  /** stages: the core's stages after the first ({name, shape, data}); s: the state they came from. */
  update(stages, s) {
    const names = stages.map((st) => st.name);
    for (const [name, entry] of this.panels) {
      if (!names.includes(name)) { entry.section.remove(); this.panels.delete(name); }
    }
    // Panels in stage order, whatever order they were made in.
    const ordered = new Map(names.map((n) => [n, this.panel(n)]));
    this.panels = ordered;
    for (const { name, shape, data } of stages) {
      const entry = this.panels.get(name);
      this.container.append(entry.section);
      entry.section.querySelector("h2 .title").textContent = TITLES[name](s);
      entry.section.querySelector("h2 .dims").textContent = `${shape[0]}×${shape[1]}`;
      entry.section.querySelector(".stage-note").textContent = NOTES[name](s);
      const range = rangeOf(data, s.colormap);
      entry.grid.update({ data, height: shape[0], width: shape[1], colormap: s.colormap, range, numbers: s.numbers });
      entry.legend.update({ colormap: s.colormap, range, ...extentOf(data) });
      if (entry.kernel) {
        entry.kernel.update(s.layer2.kernel);
        for (const key of ["padding", "stride", "dilation"]) {
          const select = entry.section.querySelector(`.layer2-${key}`);
          if (select.value !== String(s.layer2[key])) select.value = String(s.layer2[key]);
        }
      }
    }
  }

  /** The grid of stage i (1-based, after the convolution). */
  grid(i) {
    return [...this.panels.values()][i - 1]?.grid;
  }
}
