// Network mode's "Receptive field" panel: for one unit (a cell of any map, chosen by clicking it),
// its gradient with respect to the input pixels for this digit and its mean |gradient| over the
// held-out digits, each over the unit's theoretical receptive field (the box), and how few pixels
// hold 90% of it (app.api.network_field: Python computes both; the mean comes a part at a time).

import { GridView } from "../../views/grid.js";
import { LABELS } from "./network-maps.js";

const $ = (id) => document.getElementById(id);
const SIDE = 24;
const share = (n, of) => `${n} of its ${of} pixels (${Math.round((100 * n) / of)}%)`;

export class FieldPanel {
  /** call(unit, pixels, probe) → app.api.network_field's {meta, data}; say(text). */
  constructor({ call, say }) {
    Object.assign(this, { call, say });
    this.one = new GridView($("net-field-one"), { maxPx: 120, label: "This digit's gradient for the unit" });
    this.mean = new GridView($("net-field-mean"), { maxPx: 120, label: "The mean |gradient| over the held-out digits" });
    this.asked = null; // the request under way: a newer one takes over
    this.result = null;
  }

  /** Show unit (network.unit) of model for the input the network read (pixels, moved by probe); key: the weights. */
  async show(model, unit, pixels, probe, key) {
    const want = JSON.stringify([unit, key, probe]);
    const layer = model.layers[unit.layer];
    $("net-field-title").textContent = layer
      ? `Layer ${unit.layer + 1} (${LABELS[layer.type] ?? layer.type})` +
        (layer.shape.length === 3 ? `, map ${unit.channel + 1}, row ${unit.row + 1}, column ${unit.col + 1}` : `, output ${model.classes[unit.channel] ?? unit.channel + 1}`)
      : "";
    if (this.asked?.want === want && this.asked.pixels === pixels) return;
    const token = { want, pixels };
    this.asked = token;
    try {
      let out;
      do {
        out = await this.call(unit, pixels, probe);
        if (this.asked !== token) return;
        this.paint(out);
      } while (!out.meta.done);
    } catch (err) {
      if (this.asked === token) {
        $("net-field-note").textContent = `${err.message.replace(/\.?$/, ".")} Click a cell of a map to choose another unit.`;
        this.result = null;
      }
    }
  }

  paint({ meta, data }) {
    const { box, box_pixels, one_pixels90, mean_pixels90, measured, total, done } = meta;
    this.result = { box, box_pixels, one_pixels90, mean_pixels90, measured, total, done }; // (not the worker's timings)
    const [top, left, bottom, right] = meta.box;
    const region = { top, left, bottom, right };
    const one = data.subarray(0, SIDE * SIDE), mean = data.subarray(SIDE * SIDE);
    let m = 0;
    for (const v of one) m = Math.max(m, Math.abs(v));
    this.one.update({ data: one, height: SIDE, width: SIDE, colormap: "diverging", range: [-(m || 1), m || 1] });
    this.one.setOverlay({ region });
    let hi = 0;
    for (const v of mean) hi = Math.max(hi, v);
    this.mean.update({ data: mean, height: SIDE, width: SIDE, colormap: "sequential", range: [0, hi || 1] });
    this.mean.setOverlay({ region });
    const rows = bottom - top + 1, cols = right - left + 1;
    const parts = [`Its theoretical field is the ${rows}×${cols} box.`];
    parts.push(meta.one_pixels90 ? `For this digit, 90% of the gradient lies in ${share(meta.one_pixels90, meta.box_pixels)}.`
      : "For this digit the unit does not respond at all (a ReLU or max-pool blocks it), so no pixel moves it.");
    if (meta.mean_pixels90 !== null) {
      parts.push(`Over ${meta.measured.toLocaleString("en-US")} held-out digits${meta.done ? "" : " so far"}: ${share(meta.mean_pixels90, meta.box_pixels)}.`);
    }
    $("net-field-note").textContent = parts.join(" ");
    const progress = $("net-field-progress");
    progress.hidden = meta.done;
    progress.value = meta.total ? meta.measured / meta.total : 1;
  }
}
