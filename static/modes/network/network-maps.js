// Network mode's overview: one column per layer that has maps (convolution,
// ReLU, pooling), every map a small canvas in a button. Built once per model,
// repainted on every input change (drawing repaints them 30+ times a second).

import { GridView } from "../../views/grid.js";
import { rangeOf } from "../../views/colormap.js";
import { el } from "../../views/dom.js";

export const LABELS = { conv2d: "conv", relu: "ReLU", maxpool2d: "max-pool", avgpool2d: "avg-pool" };

export class NetworkMaps {
  /** onPick(convLayerIndex (−1 before any), filter, {layer, cell}): a map was clicked (cell: where, or null for a key press);
   *  onHover(layerIndex, map, cell | null): pointed at. */
  constructor(container, { onPick, onHover }) {
    Object.assign(this, { container, onPick, onHover });
    this.model = null;
    this.columns = []; // [{index, views: [{view, button, owner}]}]
  }

  build(model) {
    this.model = model;
    this.columns = [];
    const nodes = [];
    let conv = -1;
    // Below 1100 px (small laptops, embeds) the maps shrink so input, maps and answer share one row;
    // below 380 px the layers go three to a row (style.css), which leaves room for larger maps again.
    const scale = window.innerWidth < 380 ? 0.85 : window.innerWidth < 1100 ? 0.65 : 1;
    model.layers.forEach((layer, i) => {
      if (layer.type === "conv2d") conv = i;
      if (layer.shape.length !== 3) return;
      const [c, h, w] = layer.shape;
      const owner = conv; // the convolution whose filter f made map f of this layer
      const views = Array.from({ length: c }, (_, f) => {
        const canvas = el("canvas", { className: "grid-canvas net-map" });
        const view = new GridView(canvas, { maxPx: (c > 8 ? 38 : 46) * scale, label: `layer ${i + 1} (${LABELS[layer.type]}) map ${f + 1}` });
        const button = el("button", { type: "button", className: "net-map-button" }, canvas);
        button.dataset.layer = String(i);
        button.dataset.filter = String(f);
        button.setAttribute("aria-label", `Layer ${i + 1}, ${LABELS[layer.type]}, map ${f + 1}: show the filter that made it`);
        let pressed = null; // the cell a pointer pressed: a click names it, a key press does not
        view.onCell((cell, kind) => {
          if (kind === "down") pressed = cell;
          this.onHover(i, f, kind === "leave" ? null : cell);
        });
        button.addEventListener("click", (e) => this.onPick(owner, f, { layer: i, cell: e.detail ? pressed : null }));
        return { view, button, owner };
      });
      this.columns.push({ index: i, views });
      // A narrow column wraps its heading at the space ("max-pool / 2"), never at the hyphen.
      const title = `${LABELS[layer.type].replace("-", "\u2011")}${layer.type.endsWith("pool2d") ? ` ${layer.size}` : ""}`;
      nodes.push(el("div", { className: `net-column${c > 8 ? " wide" : ""}` },
        el("h3", { textContent: title }, el("span", { className: "dims", textContent: `${c}×${h}×${w}` })),
        el("div", { className: "net-maps" }, ...views.map((v) => v.button))));
    });
    this.container.replaceChildren(...nodes);
  }

  /** Paint every map of result (layers: [{shape, data}]) for model; the open filter's maps are outlined. */
  update(model, result, open) {
    if (this.model !== model) this.build(model);
    for (const { index, views } of this.columns) {
      const { shape: [, h, w], data } = result.layers[index];
      const range = rangeOf(data, "diverging"); // one range per layer: its maps compare at a glance
      views.forEach(({ view, button, owner }, f) => {
        view.update({ data: data.subarray(f * h * w, (f + 1) * h * w), height: h, width: w, colormap: "diverging", range });
        button.classList.toggle("selected", owner === open.layer && f === open.filter);
      });
    }
  }

  /** The GridView of map f of layer i, or undefined. */
  view(i, f) {
    return this.columns.find((c) => c.index === i)?.views[f]?.view;
  }
}
