// The "Embed…" dialog: pick what to leave out and lock and the colours, get the <iframe> code
// for the current view.

import { MANIFEST } from "../core/settings.js";

export class EmbedDialog {
  /** fragment(): the current view's link; size(): the frame it needs, {fixed: "640x480" | "800x600",
   * ratio: a CSS aspect-ratio for a frame as wide as the column, until embed-resize.js sets its height}. */
  constructor(dialog, { fragment, size }) {
    this.dialog = dialog;
    this.fragment = fragment;
    this.size = size;
    this.code = dialog.querySelector("#embed-code");
    this.boxes = [];
    for (const [fieldset, names, key] of [["#embed-hide", MANIFEST.embed.hide, "hide"], ["#embed-lock", MANIFEST.embed.lock, "lock"]]) {
      for (const [name, text] of Object.entries(names)) {
        const label = document.createElement("label");
        const box = Object.assign(document.createElement("input"), { type: "checkbox", value: name });
        box.dataset.key = key;
        box.addEventListener("change", () => this.update());
        label.append(box, ` ${text}`);
        dialog.querySelector(fieldset).append(label);
        this.boxes.push(box);
      }
    }
    for (const id of ["#embed-size", "#embed-theme", "#embed-tour"]) dialog.querySelector(id).addEventListener("change", () => this.update());
    dialog.querySelector("#embed-copy").addEventListener("click", () => copyText(this.code.value, this.code));
    dialog.querySelector("#embed-close").addEventListener("click", () => dialog.close());
  }

  open() {
    this.dialog.querySelector("#embed-size").value = "column";
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
    const tour = this.dialog.querySelector("#embed-tour").checked;
    if (tour) query.push("tour=explainer");
    const page = `${location.origin}${location.pathname}`;
    const chosen = this.dialog.querySelector("#embed-size").value, { fixed, ratio } = this.size();
    const [w, h] = (chosen === "column" ? fixed : chosen).split("x");
    // The column's width: the width and height attributes stay for hosts that strip style attributes.
    const style = chosen === "column" ? `width: 100%; height: auto; aspect-ratio: ${ratio}; border: 0;` : "border: 0; max-width: 100%;";
    this.code.value = `<iframe src="${page}?${query.join("&")}#${this.fragment()}" width="${w}" height="${h}" ` +
      `style="${style}" title="Convolution Explorer" loading="lazy"></iframe>`;
    // The explainer's controls sit at the frame's foot, so its frame keeps its shape rather than growing to fit.
    if (chosen === "column" && !tour) {
      // Once a page: sets each explorer frame's height to its view's (see docs/embedding.md).
      this.code.value += `\n<script src="${new URL("static/embed-resize.js", page).href}" async></script>`;
    }
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
