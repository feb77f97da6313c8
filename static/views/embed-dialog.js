// The "Embed…" dialog: pick what to leave out and lock and the colours, get the <iframe> code
// for the current view.

import { HIDEABLE, LOCKABLE } from "../embed.js";

const LABELS = {
  title: "title", "input-controls": "image controls", kernel: "kernel", inspector: "arithmetic",
  layer: "layer settings", "output-controls": "colour controls", stages: "later stages", exports: "share and export buttons",
  image: "image", window: "window position",
};

export class EmbedDialog {
  /** fragment(): the current view's link; size(): the frame it needs, "640x480" or "800x600". */
  constructor(dialog, { fragment, size }) {
    this.dialog = dialog;
    this.fragment = fragment;
    this.size = size;
    this.code = dialog.querySelector("#embed-code");
    this.boxes = [];
    for (const [fieldset, names, key] of [["#embed-hide", HIDEABLE, "hide"], ["#embed-lock", LOCKABLE, "lock"]]) {
      for (const name of names) {
        const label = document.createElement("label");
        const box = Object.assign(document.createElement("input"), { type: "checkbox", value: name });
        box.dataset.key = key;
        box.addEventListener("change", () => this.update());
        label.append(box, ` ${LABELS[name]}`);
        dialog.querySelector(fieldset).append(label);
        this.boxes.push(box);
      }
    }
    for (const id of ["#embed-size", "#embed-theme"]) dialog.querySelector(id).addEventListener("change", () => this.update());
    dialog.querySelector("#embed-copy").addEventListener("click", () => copyText(this.code.value, this.code));
    dialog.querySelector("#embed-close").addEventListener("click", () => dialog.close());
  }

  open() {
    this.dialog.querySelector("#embed-size").value = this.size();
    this.update();
    this.dialog.showModal();
  }

  /** The iframe code for the current view and options. */
  update() {
    const pick = (key) => this.boxes.filter((b) => b.dataset.key === key && b.checked).map((b) => b.value);
    const query = ["embed"];
    for (const key of ["hide", "lock"]) if (pick(key).length) query.push(`${key}=${pick(key).join(",")}`);
    const theme = this.dialog.querySelector("#embed-theme").value;
    if (theme !== "auto") query.push(`theme=${theme}`);
    const page = `${location.origin}${location.pathname}`;
    const [w, h] = this.dialog.querySelector("#embed-size").value.split("x");
    this.code.value = `<iframe src="${page}?${query.join("&")}#${this.fragment()}" width="${w}" height="${h}" ` +
      `style="border: 0; max-width: 100%;" title="Convolution Explorer" loading="lazy"></iframe>`;
  }
}

/** Copy text to the clipboard; where that is not allowed, select it so the learner can press Ctrl-C. */
export async function copyText(text, fallbackField) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (fallbackField) fallbackField.select();
    return false;
  }
}
