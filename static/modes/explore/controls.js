// The form controls: each one reads from the state and asks for a change
// through set(partial); none keeps its own copy of a setting.

import { KERNEL_SIZES, resizeKernel } from "../../core/state.js";
import { setText } from "../../views/dom.js";

const $ = (id) => document.getElementById(id);

export function presetKernel(p) {
  const scale = p.scale ?? 1;
  return p.matrix.map((row) => row.map((v) => v * scale));
}

const sameKernel = (a, b) => a.length === b.length &&
  a.every((r, i) => r.every((v, j) => Math.abs(v - b[i][j]) < 1e-12));

const LAYER2_KERNEL = [[1, 0, -1], [2, 0, -2], [1, 0, -1]];

/** Fill the selects and connect every control; set(partial) applies a change, say(text) shows a message. */
export function wireControls(builtins, { get, set, say }) {
  const imageSelect = $("image-select");
  for (const [name, img] of Object.entries(builtins.images)) {
    if (img.channels === 1) imageSelect.append(new Option(img.title, name)); // colour ones are for channels mode
  }
  imageSelect.append(Object.assign(new Option("Your image", "custom"), { disabled: true }));
  for (const p of builtins.presets) $("preset-select").append(new Option(p.name, p.id));
  for (const k of KERNEL_SIZES) $("kernel-size").append(new Option(`${k}×${k}`, String(k)));

  const on = (id, event, handler) => $(id).addEventListener(event, handler);
  on("image-select", "change", () => set({ image: imageSelect.value }));
  on("preset-select", "change", (e) => {
    const p = builtins.presets.find((x) => x.id === e.target.value);
    if (p) set({ kernel: presetKernel(p) });
  });
  on("kernel-size", "change", (e) => set({ kernel: resizeKernel(get().kernel, Number(e.target.value)) }));
  on("stride", "change", (e) => set({ stride: Number(e.target.value) }));
  on("padding", "change", (e) => {
    const v = e.target.value;
    set({ padding: v === "valid" ? 0 : v === "same" ? v : Number(v) });
  });
  on("padding-mode", "change", (e) => set({ paddingMode: e.target.value }));
  on("dilation", "change", (e) => set({ dilation: Number(e.target.value) }));
  on("bias", "change", (e) => {
    const text = e.target.value.trim(), v = Number(text);
    if (text === "" || !Number.isFinite(v)) {
      say(`"${e.target.value}" is not a number; the bias stays ${get().bias}.`);
      e.target.value = String(get().bias);
    } else set({ bias: v });
  });
  on("activation", "change", (e) => set({ activation: e.target.value }));
  const poolChange = () => {
    const mode = $("pool").value;
    set({ pool: mode ? { mode, size: Number($("pool-size").value), stride: Number($("pool-stride").value) } : null });
  };
  ["pool", "pool-size", "pool-stride"].forEach((id) => on(id, "change", poolChange));
  on("layer2", "change", (e) => set({ layer2: e.target.checked ? { kernel: LAYER2_KERNEL } : null }));
  on("colormap", "change", (e) => set({ colormap: e.target.value }));
  on("numbers", "change", (e) => set({ numbers: e.target.checked }));
  on("normalise", "click", () => {
    const k = get().kernel;
    const sum = k.flat().reduce((a, b) => a + b, 0);
    if (Math.abs(sum) < 1e-12) {
      say("These weights add up to 0, so they cannot be normalised (edge detectors are meant to sum to 0).");
    } else set({ kernel: k.map((row) => row.map((v) => v / sum)) });
  });
}

/** Set a control's value (or checked) only when it differs: writes dirty the page. */
function show(id, value, prop = "value") {
  const el = $(id);
  if (el[prop] !== value) el[prop] = value;
}

/** Show the state in every control. */
export function syncControls(s, builtins) {
  show("image-select", s.image in builtins.images ? s.image : "custom");
  show("kernel-size", String(s.kernel.length));
  show("stride", String(s.stride));
  show("padding", s.padding === 0 ? "valid" : String(s.padding));
  show("padding-mode", s.paddingMode);
  show("dilation", String(s.dilation));
  if (document.activeElement !== $("bias")) show("bias", String(s.bias));
  show("activation", s.activation);
  show("pool", s.pool ? s.pool.mode : "");
  if (s.pool) { show("pool-size", String(s.pool.size)); show("pool-stride", String(s.pool.stride)); }
  $("pool-size").disabled = $("pool-stride").disabled = !s.pool;
  show("layer2", !!s.layer2, "checked");
  show("colormap", s.colormap);
  show("numbers", s.numbers, "checked");
  show("fill", s.fill, "checked");
  const preset = builtins.presets.find((p) => sameKernel(presetKernel(p), s.kernel));
  show("preset-select", preset ? preset.id : "");
  setText($("preset-note"), preset ? preset.note : "Your own kernel: what does it respond to?");
}
