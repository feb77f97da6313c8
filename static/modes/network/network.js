// Network mode: a real trained CNN on handwritten digits, every filter editable.
// The input, every feature map of every layer, the pooled maps and the ten class
// probabilities at once; click a map for its kernels and bias; edit them, zero a
// filter, reset; the held-out accuracy follows ("97.15% → 91.30%"). Beside the open filter, four
// panels (state.network.panel): move the digit (move.js), sweeps over the held-out set (sweeps.js),
// one unit's effective receptive field (field.js) and training the network here (train.js).
//
// The settings are state.network (see state.js); Python runs the network
// (app.api.network_*). This module draws and edits. Its face: mount(root),
// update(networkState, result, pixels), unmount(); run() asks Python.

import { GridView } from "../../views/grid.js";
import { NetworkMaps, LABELS } from "./network-maps.js";
import { FilterDetail } from "./filter-detail.js";
import { MovePanel } from "./move.js";
import { SweepPanel } from "./sweeps.js";
import { FieldPanel } from "./field.js";
import { TrainPanel } from "./train.js";
import { isMoved } from "./probes.js";
import { fetchDigits, SIDE } from "./digits.js";
import { regionOf } from "../../core/receptive.js";
import { el } from "../../views/dom.js";

const $ = (id) => document.getElementById(id);
const NOT_LOADED = "the network is not loaded"; // app.api's sentence when this client's network is gone
const percent = (x) => `${(100 * x).toFixed(2)}%`;
/** A model's name as state.network.model accepts it. */
const safeName = (name) => String(name).replace(/[^A-Za-z0-9_. -]/g, "-").slice(0, 60) || "model";

export class NetworkMode {
  /** set(partialNetwork): ask for a change; draw(pixels, partialNetwork): a new input image; say(text). */
  constructor({ compute, set, draw, say }) {
    Object.assign(this, { compute, set, draw, say });
    this.model = null; // {name, classes, input_shape, layers} from Python (trained weights)
    this.loadedOn = null; // the worker that holds the model: a restarted worker must be sent it again
    this.result = null;
    this.accuracy = { trained: null, now: null, pending: false, predictions: null };
    this.accuracyWanted = null; // the edits the shown accuracy is for
  }

  // --- Python --------------------------------------------------------------------------------

  async load(spec, npz, name) {
    this.heldout ??= await fetchDigits();
    const heldout = this.loadedOn ? undefined : this.heldout.bytes.slice().buffer;
    const out = await this.compute.call("network-load", { spec, npz, name, heldout });
    this.loadedOn = this.compute.worker;
    return this.adopt(out.meta);
  }

  /** The worker holds a new network (loaded, or trained here): meta is network_load's. */
  adopt(meta) {
    this.model = meta;
    this.accuracy = { trained: meta.accuracy, now: meta.accuracy, pending: false, predictions: meta.predictions, for: "{}" };
    this.accuracyWanted = "{}";
    this.fillMistakes();
    return meta;
  }

  async loadShipped(name = "digits") {
    const [spec, npz] = await Promise.all([`data/models/${name}.json`, `data/models/${name}.npz`].map(async (url) => {
      const r = await fetch(url);
      if (!r.ok) throw new Error(`The model "${name}" is missing from this site (HTTP ${r.status}).`);
      return url.endsWith(".json") ? r.text() : r.arrayBuffer();
    }));
    return this.load(spec, npz, name);
  }

  /** The network on pixels with net's edits: {layers: [{shape, data}], probs, prediction} or null if superseded. */
  async run(net, pixels) {
    if (!this.model || this.loadedOn !== this.compute.worker) {
      this.loadedOn = null; // a new worker holds nothing
      await this.loadShipped(); // a learner's own model is not kept across a restart: the shipped one comes back
    }
    if (pixels.height !== SIDE || pixels.width !== SIDE) {
      throw new RangeError(`The network reads 24×24 images; this one is ${pixels.height}×${pixels.width}. Draw a digit or pick a held-out one.`);
    }
    const channels = this.model.input_shape[0];
    const input = channels === 1 ? pixels.data : Float32Array.from({ length: channels * SIDE * SIDE }, (_, i) => pixels.data[i % (SIDE * SIDE)]);
    let out;
    try {
      out = await this.compute.network(net.edits, input, net.probe);
    } catch (err) {
      // The watchdog replaced a stuck worker while this was asked, or the shared Python let this page's
      // network go to make room for another page's: either way it needs the model first.
      if (this.loadedOn === this.compute.worker && !err.message.startsWith(NOT_LOADED)) throw err;
      this.loadedOn = null;
      await this.loadShipped();
      out = await this.compute.network(net.edits, input, net.probe);
    }
    if (out === null) return null;
    let offset = 0;
    const take = (size) => out.data.subarray((offset += size) - size, offset);
    const layers = out.meta.layers.map(({ shape }) => ({ shape, data: take(shape.reduce((a, b) => a * b, 1)) }));
    // Moved by the probe: the input the network read, then (for the first convolution) its maps of
    // the unmoved input moved the same way, and the cells away from the border.
    const read = out.meta.moved ? take(input.length) : input;
    let commute = null;
    if (out.meta.commute) {
      const [count, h, w] = layers[out.meta.commute.layer].shape;
      commute = { ...out.meta.commute, thenMoved: take(count * h * w), inside: take(h * w) };
    }
    return { layers, input: read, given: input, probs: out.meta.probs, prediction: out.meta.prediction, commute,
      edits: JSON.stringify(net.edits) };
  }

  /** Held-out accuracy for the edits just painted: after the paint, one request at a time, the newest wins. */
  refreshAccuracy(editsKey, changed) {
    if (this.accuracy.now === null && this.accuracy.trained === null) return;
    this.accuracyWanted = editsKey;
    if (this.accuracyRunning) return;
    if (this.accuracy.for === editsKey) return;
    this.accuracy.pending = true;
    this.accuracyRunning = true;
    this.paintAccuracy();
    setTimeout(async () => {
      try {
        // Python works on it a part at a time (about 8 ms each), so an edit made meanwhile is answered
        // between two parts rather than after all 2,000 digits.
        let out, workerMs = 0;
        do {
          out = await this.compute.call("network-accuracy", {});
          workerMs += out.meta.computeMs;
        } while (!out.meta.done);
        Object.assign(this.accuracy, { now: out.meta.accuracy, predictions: out.meta.predictions, for: editsKey, workerMs });
      } catch (err) {
        // A restarted worker is sent the model again by the next run, which measures again.
        if (this.loadedOn === this.compute.worker) this.say(`The held-out accuracy could not be computed: ${err.message}`);
      }
      this.accuracyRunning = false;
      // Edits made meanwhile were applied by their own network request; measure them too.
      if (this.accuracyWanted !== editsKey) this.refreshAccuracy(this.accuracyWanted, changed);
      else {
        this.accuracy.pending = false;
        this.paintAccuracy();
        this.fillMistakes();
        changed();
      }
    }, 0);
  }

  // --- the page ------------------------------------------------------------------------------

  mount(root) {
    this.root = root;
    this.inputView = new GridView($("net-input"), { maxPx: 168, label: "The network's input: draw a digit" });
    // Drawing, until the digit is moved (or the Move panel is open): then the pointer moves it.
    this.inputView.onCell((cell, kind) => (this.moving() ? this.move.drag(cell, kind) : this.stroke(cell, kind)));
    $("net-input").addEventListener("keydown", (e) => this.move.key(e) && e.preventDefault());
    this.mountPanels(root);
    $("net-clear").addEventListener("click", () => this.draw({ data: new Float32Array(SIDE * SIDE), height: SIDE, width: SIDE }, { digit: null }));
    $("net-digit").addEventListener("change", (e) => this.pickDigit(Number(e.target.value) - 1));
    $("net-prev").addEventListener("click", () => this.pickDigit((this.net?.digit ?? 0) - 1));
    $("net-next").addEventListener("click", () => this.pickDigit((this.net?.digit ?? -1) + 1));
    $("net-mistakes").addEventListener("change", (e) => e.target.value && this.pickDigit(Number(e.target.value)));
    $("net-zero").addEventListener("click", () => this.editFilter((w) => w.map(() => 0), 0));
    $("net-reset-filter").addEventListener("click", () => this.resetFilter());
    $("net-reset").addEventListener("click", () => this.set({ edits: {} }));
    this.maps = new NetworkMaps($("net-layers"), {
      onPick: (layer, filter, at) => this.pick(layer, filter, at),
      onHover: (i, f, cell) => this.hover(i, f, cell),
    });
    this.detail = new FilterDetail({
      say: this.say,
      onWeight: (index, value) => this.editFilter((w) => w.map((v, i) => (i === index ? value : v)), this.filter().b),
      onBias: (value) => this.editFilter((w) => w, value),
    });
    $("net-files").addEventListener("change", (e) => { this.openFiles([...e.target.files]); e.target.value = ""; });
    root.addEventListener("dragover", (e) => e.preventDefault());
    root.addEventListener("drop", (e) => { e.preventDefault(); this.openFiles([...e.dataTransfer.files]); });
  }

  /** The four probe panels beside the open filter, and the tabs that choose one. */
  mountPanels(root) {
    this.move = new MovePanel({ setProbe: (probe) => this.set({ probe }) });
    this.sweeps = new SweepPanel({
      call: async (request) => (await this.compute.call("network-sweep", { request })).meta,
      open: (digit, probe) => this.pickDigit(digit, { probe }),
      labelOf: (digit) => this.model.classes[this.heldout.labels[digit]],
      say: this.say,
    });
    this.field = new FieldPanel({
      call: (unit, pixels, probe) => this.compute.call("network-field", { unit, pixels, probe }),
      say: this.say,
    });
    this.train = new TrainPanel({
      call: (request, train) => this.compute.call("network-train", { request, train }, train ? [train] : []),
      worker: () => this.compute.worker,
      use: async (meta) => {
        this.adopt(meta);
        await this.set({ model: safeName(meta.name), edits: {} }); // (a new view clears the last message: say after)
        this.say(`Network mode now uses "${meta.name}": ${meta.accuracy === null ? "" : `${(100 * meta.accuracy).toFixed(2)}% of the held-out digits. `}Its filters can be edited, moved and swept like the shipped one's.`);
      },
      settings: () => this.net.train,
      set: (partial) => this.set({ train: { ...this.net.train, ...partial } }),
      say: this.say,
    });
    const tabs = [...root.querySelectorAll('[role="tab"]')];
    tabs.forEach((tab, i) => {
      tab.addEventListener("click", () => this.set({ panel: tab.dataset.panel }));
      tab.addEventListener("keydown", (e) => { // the arrow keys move along the tabs (WAI-ARIA's tabs pattern)
        const step = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
        if (!step) return;
        const next = tabs[(i + step + tabs.length) % tabs.length];
        next.focus();
        this.set({ panel: next.dataset.panel });
      });
    });
    for (const radio of root.querySelectorAll('input[name="net-sweep"]')) {
      radio.addEventListener("change", () => radio.checked && this.set({ sweep: radio.value }));
    }
  }

  unmount() {
    this.stroking = null;
  }

  /** True when the pointer on the digit moves it rather than draws. */
  moving() {
    return this.net && (this.net.panel === "move" || isMoved(this.net.probe));
  }

  /** Draw everything for state net, the network's result on pixels. */
  update(net, result, pixels) {
    this.net = net;
    this.result = result;
    this.pixels = pixels;
    // What the network read: the image moved by the probe (the first channel of a colour model's input)
    this.inputView.update({ data: result.input.subarray(0, SIDE * SIDE), height: SIDE, width: SIDE, colormap: "gray", range: [0, 1] });
    $("net-input-hint").textContent = this.moving()
      ? "Drag the digit, or press the arrow keys on it, to move it by whole pixels."
      : "Draw with the pointer, or pick one of the 2,000 held-out digits.";
    this.paintPanels();
    $("net-model").textContent = `${this.model.name}: ${this.model.layers.map((l) => LABELS[l.type] ?? l.type).join(" · ")}`;
    $("net-digit").max = String(this.heldout.count);
    $("net-digit").value = net.digit === null ? "" : String(net.digit + 1);
    const label = net.digit === null ? null : this.heldout.labels[net.digit];
    const name = (c) => this.model.classes[c] ?? String(c);
    $("net-digit-label").textContent = label === null ? "a drawing, not a held-out digit"
      : `Held-out digit ${net.digit + 1}: a ${name(label)}, ` +
        (result.prediction === label ? "read right" : `read as ${name(result.prediction)}: wrong`);
    this.input = result.input; // what the network read (a gray drawing repeated for a 3-channel model)
    this.paintProbs();
    this.maps.update(this.model, result, net);
    const filter = this.filter();
    if (filter) {
      this.detail.update(filter, this.model.layers.slice(0, net.layer + 1).filter((l) => l.type === "conv2d").length);
      this.paintArithmetic();
    }
    this.paintAccuracy();
  }

  /** The open panel (Filter, Move, Sweeps, Field, Train) and its tab. */
  paintPanels() {
    const { panel } = this.net;
    this.root.querySelector(".net-body").dataset.panel = panel; // (the layout gives a probe's panel the room)
    for (const tab of this.root.querySelectorAll('[role="tab"]')) {
      const open = tab.dataset.panel === panel;
      tab.setAttribute("aria-selected", String(open));
      tab.tabIndex = open ? 0 : -1;
      $(tab.getAttribute("aria-controls")).hidden = !open;
    }
    if (panel === "move") {
      const first = this.model.layers.findIndex((l) => l.type === "conv2d");
      this.move.update(this.net.probe, this.result, this.net.layer === first ? this.net.filter : 0);
    } else if (panel === "sweep") this.sweeps.show(this.net.sweep, this.weightsKey());
    else if (panel === "field") this.field.show(this.model, this.net.unit, this.result.given, this.net.probe, this.weightsKey());
    else if (panel === "train") this.train.update();
  }

  /** Names the weights in use (the model and its edits): a sweep or a field measured for others is stale. */
  weightsKey() {
    return `${this.model.name} ${JSON.stringify(this.net.edits)}`;
  }

  /** A map was clicked: with the Receptive field panel open, its cell (at) becomes the unit; else its filter opens. */
  pick(convLayer, filter, at) {
    if (this.net.panel === "field" && at) {
      const [, h, w] = this.model.layers[at.layer].shape;
      const cell = at.cell ?? { row: h >> 1, col: w >> 1 }; // a key press: the map's centre
      this.set({ unit: { layer: at.layer, channel: filter, row: cell.row, col: cell.col } });
    } else if (convLayer >= 0) this.set({ layer: convLayer, filter });
  }

  paintProbs() {
    const { probs, prediction } = this.result;
    const rows = probs.map((p, c) => el("div", { className: `net-prob${c === prediction ? " predicted" : ""}` },
      el("span", { className: "net-class", textContent: this.model.classes[c] }),
      el("span", { className: "net-bar" }, el("span", { className: "net-fill", style: `width: ${(100 * p).toFixed(1)}%` })),
      el("span", { className: "net-p", textContent: `${(100 * p).toFixed(1)}%` })));
    $("net-probs").replaceChildren(...rows);
    $("net-prediction").textContent = `It reads a ${this.model.classes[prediction]} (${(100 * probs[prediction]).toFixed(1)}%)`;
  }

  /** The conv layer's filter the learner opened: {w: flat weights, b, shape: [Cin, K, K]} with edits. */
  filter() {
    const layer = this.model.layers[this.net.layer];
    if (!layer || layer.type !== "conv2d") return null;
    const f = Math.min(this.net.filter, layer.weight.length - 1);
    const trained = layer.weight[f];
    const edit = this.net.edits[this.net.layer]?.[f];
    const flat = trained.flat(2);
    // An edit lists only what changed: null is "the trained weight" (so links stay short).
    return { f, shape: [trained.length, trained[0].length, trained[0].length],
      w: edit ? flat.map((v, i) => edit.w[i] ?? v) : flat, b: edit?.b ?? layer.bias[f], edited: !!edit };
  }

  /** The layers as the receptive-field walk needs them (static/core/receptive.js). */
  walk() {
    return this.model.layers.map((l) => (l.type === "conv2d" ? { size: l.weight[0][0].length, stride: l.stride, dilation: 1, before: l.padding }
      : l.type.endsWith("pool2d") ? { size: l.size, stride: l.stride, dilation: 1, before: 0 } : { size: 1, stride: 1, dilation: 1, before: 0 }));
  }

  /** Pointing at a cell of map f of layer i: its receptive field in the input; for the open filter's map, its arithmetic. */
  hover(i, f, cell) {
    const view = this.maps.view(i, f);
    const [, h, w] = this.model.layers[i].shape;
    if (!cell || !view || cell.row < 0 || cell.col < 0 || cell.row >= h || cell.col >= w) {
      this.inputView.setOverlay({});
      view?.setOverlay({});
      $("net-receptive").textContent = "";
      return;
    }
    const field = regionOf(this.walk(), 0, i, cell);
    this.inputView.setOverlay({ region: field });
    view.setOverlay({ cell });
    const rows = field.bottom - field.top + 1, cols = field.right - field.left + 1;
    $("net-receptive").textContent = `This cell of layer ${i + 1} (${LABELS[this.model.layers[i].type]}) sees ${rows}×${cols} input ` +
      `pixels (rows ${field.top + 1}–${field.bottom + 1}, columns ${field.left + 1}–${field.right + 1}).`;
    $("net-receptive").dataset.size = `${rows}x${cols}`;
    if (i === this.net.layer && f === this.filter()?.f) {
      this.cell = cell;
      this.paintArithmetic();
    }
  }

  /** The open filter's sum at the cell last pointed at (the map's centre at first). */
  paintArithmetic() {
    const layer = this.model.layers[this.net.layer];
    const [, outH, outW] = layer.shape;
    const cell = this.cell && this.cell.row < outH && this.cell.col < outW ? this.cell : { row: outH >> 1, col: outW >> 1 };
    const source = this.net.layer === 0 ? { shape: this.model.input_shape, data: this.input }
      : this.result.layers[this.net.layer - 1];
    this.detail.arithmetic(layer, source, this.result.layers[this.net.layer], cell);
  }

  paintAccuracy() {
    const { trained, now, pending } = this.accuracy;
    const edited = Object.keys(this.net?.edits ?? {}).length > 0;
    const text = trained === null ? "Held-out accuracy: not measured (the held-out digits do not fit this model)."
      : !edited ? `Held-out accuracy: ${percent(trained)} of ${this.heldout.count.toLocaleString("en-US")} digits it never saw in training.`
        : `Held-out accuracy: ${percent(trained)} → ${percent(now)}`;
    $("net-accuracy").textContent = text + (pending ? " (measuring…)" : "");
    $("net-accuracy").dataset.pending = String(pending);
  }

  fillMistakes() {
    const { predictions } = this.accuracy;
    const select = $("net-mistakes");
    if (!predictions || !this.heldout) { select.replaceChildren(new Option("(no held-out digits for this model)", "")); return; }
    const wrong = [];
    predictions.forEach((p, i) => p !== this.heldout.labels[i] && wrong.push(i));
    select.replaceChildren(new Option(`Its ${wrong.length} mistakes…`, ""),
      ...wrong.map((i) => new Option(`#${i + 1}: a ${this.heldout.labels[i]} read as ${predictions[i]}`, String(i))));
  }

  // --- edits -----------------------------------------------------------------------------------

  /** New weights for the open filter: change(flat weights) → flat weights, and its bias. */
  editFilter(change, bias) {
    const filter = this.filter();
    if (!filter) return;
    const layer = this.net.layer;
    const edits = structuredClone(this.net.edits);
    const trained = this.model.layers[layer];
    const flat = trained.weight[filter.f].flat(2);
    const w = change([...filter.w]).map((v, i) => (v === flat[i] ? null : v));
    const b = bias === trained.bias[filter.f] ? null : bias;
    if (b === null && w.every((v) => v === null)) delete edits[layer]?.[filter.f];
    else (edits[layer] ??= {})[filter.f] = { w, b };
    if (edits[layer] && !Object.keys(edits[layer]).length) delete edits[layer];
    this.set({ edits });
  }

  resetFilter() {
    const edits = structuredClone(this.net.edits);
    delete edits[this.net.layer]?.[this.filter()?.f];
    if (edits[this.net.layer] && !Object.keys(edits[this.net.layer]).length) delete edits[this.net.layer];
    this.set({ edits });
  }

  // --- input -----------------------------------------------------------------------------------

  /** Show held-out digit i; more: other network settings to change with it (a probe that flips it). */
  pickDigit(i, more = {}) {
    if (!this.heldout || !Number.isInteger(i)) return;
    const { digit, pixels } = this.heldoutDigit(i);
    this.draw(pixels, { digit, ...more });
  }

  /** Held-out digit i, or the nearest there is: {digit, pixels (24×24, in [0, 1])}. */
  heldoutDigit(i) {
    const digit = Math.min(Math.max(i, 0), this.heldout.count - 1);
    return { digit, pixels: { data: this.heldout.pixels(digit), height: SIDE, width: SIDE } };
  }

  /** Drawing: a soft round brush about as wide as an MNIST pen stroke. */
  stroke(cell, kind) {
    if (kind === "up" || kind === "leave") { this.stroking = null; return; }
    if (!cell || !(kind === "down" || kind === "move")) return;
    const base = kind === "down" || !this.stroking ? this.pixels.data : this.stroking;
    const data = Float32Array.from(base);
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const r = cell.row + dr, c = cell.col + dc;
        if (r < 0 || c < 0 || r >= SIDE || c >= SIDE) continue;
        const ink = dr === 0 && dc === 0 ? 1 : dr === 0 || dc === 0 ? 0.75 : 0.35;
        data[r * SIDE + c] = Math.max(data[r * SIDE + c], ink);
      }
    }
    this.stroking = data;
    this.draw({ data, height: SIDE, width: SIDE }, { digit: null });
  }

  /** A learner's own model: a .json and a .npz picked or dropped together. */
  async openFiles(files) {
    const spec = files.find((f) => f.name.endsWith(".json")), npz = files.find((f) => f.name.endsWith(".npz"));
    if (!spec || !npz) {
      this.say("Choose two files together: the model's .json and its .npz.");
      return;
    }
    try {
      const meta = await this.load(await spec.text(), await npz.arrayBuffer(), safeName(spec.name.replace(/\.json$/, "")));
      this.say(`Loaded "${meta.name}".`);
      await this.set({ model: safeName(meta.name), edits: {}, layer: meta.layers.findIndex((l) => l.type === "conv2d"), filter: 0 });
    } catch (err) {
      this.say(`"${spec.name}": ${err.message.replace(/\.?$/, ".")} The network shown is unchanged.`);
    }
  }

  /** What getState().network adds to the settings. */
  summary() {
    if (!this.result || !this.model) return {};
    return {
      probs: this.result.probs, prediction: this.result.prediction, modelName: this.model.name,
      classes: this.model.classes, accuracy: this.accuracy.now, trainedAccuracy: this.accuracy.trained,
      accuracyPending: this.accuracy.pending, accuracyWorkerMs: this.accuracy.workerMs ?? null,
      commute: this.result.commute && { inside_max: this.result.commute.inside_max, border_max: this.result.commute.border_max },
      sweeps: this.sweeps.summary(),
      field: this.net?.panel === "field" ? this.field.result : null,
      training: this.train.summary(),
    };
  }
}

let network = null;
let ctx = null;

export default {
  id: "network",
  title: "Network",
  // Its maps and answer need 800×600 to be seen at once (tests/browser/test_network_mode.py), and a
  // taller frame in a column, until the frame's height follows its content.
  embedSize: { fixed: "800x600", ratio: "1 / 1" },

  mount(root, shell) {
    ctx = shell;
    network = new NetworkMode({
      compute: ctx.compute, say: ctx.say,
      set: (partial) => ctx.set({ network: { ...ctx.state().network, ...partial } }),
      draw: (pixels, partial) => ctx.set({ image: "custom", network: { ...ctx.state().network, ...partial } }, pixels),
    });
    network.mount(root);
  },

  /** The network reads 24×24 digits: a larger image (a photo, an upload) gives way to a digit, and a
   * held-out digit asked for by its number with no image (setState, a tour) is that digit's pixels. A
   * link always names its image, so a link opens as it did when it was made. */
  async input(image, partial) {
    const digit = partial.network?.digit;
    if (Number.isInteger(digit) && partial.image === undefined) {
      network.heldout ??= await fetchDigits();
      return { pixels: network.heldoutDigit(digit).pixels, name: "custom" };
    }
    if (image.pixels.height === SIDE && image.pixels.width === SIDE) return image;
    return { pixels: await ctx.builtinPixels("digit3"), name: "digit3" };
  },

  run: (state, pixels) => network.run(state.network, pixels),

  paint(state, result) {
    network.update(state.network, result, ctx.pixels()); // the probabilities first; the accuracy after, off this path
    network.refreshAccuracy(result.edits, ctx.changed);
  },

  unmount: () => network.unmount(),

  getState: (s) => ({ network: { ...s.network, ...network.summary() } }),
};
