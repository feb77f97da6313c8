// A colour legend: the map's colours from its minimum to its maximum, with
// the numbers written out (colour is never the only carrier of a value).

import { cssColor, formatNumber } from "../../views/colormap.js";

export class LegendView {
  /** element: an empty .legend container; the legend's parts are made here, for every map alike. */
  constructor(element) {
    const part = (name) => Object.assign(document.createElement("span"), { className: `legend-${name}` });
    [this.lo, this.bar, this.hi, this.mid, this.extent] = ["lo", "bar", "hi", "mid", "extent"].map(part);
    element.replaceChildren(this.lo, this.bar, this.hi, this.mid, this.extent);
  }

  /** range: the colour scale's ends; min, max: the data's own extremes. */
  update({ colormap, range, min, max }) {
    const key = `${colormap} ${range} ${min} ${max}`;
    if (key === this.key) return; // unchanged: no style work
    this.key = key;
    const stops = Array.from({ length: 9 }, (_, i) => {
      const v = range[0] + ((range[1] - range[0]) * i) / 8;
      return `${cssColor(v, colormap, range)} ${i * 12.5}%`;
    });
    this.bar.style.background = `linear-gradient(to right, ${stops.join(", ")})`;
    this.lo.textContent = formatNumber(range[0]);
    this.hi.textContent = formatNumber(range[1]);
    this.mid.textContent = colormap === "diverging" ? "0" : "";
    this.extent.textContent = `min ${formatNumber(min, 3)} · max ${formatNumber(max, 3)}`;
  }
}
