// Network mode's "Train" panel: the loaded network's architecture trained from fresh random weights
// on the 8,000 training digits, in the worker (app.api.network_train, a part a call, so the learner's
// edits and probes are answered between parts); a live loss curve, the held-out accuracy every few
// hundred steps, the first layer's filters as they form; Pause, Resume, Reset; the result used as
// network mode's model or downloaded as .json + .npz. A classic bug can run beside the correct run
// on the same seed.

import { GridView } from "../../views/grid.js";
import { el } from "../../views/dom.js";
import { fetchDigits } from "./digits.js";
import { trainChart } from "./train-curve.js";

const $ = (id) => document.getElementById(id);
const pct = (a) => `${(100 * a).toFixed(1)}%`;
const BOX = { left: 30, right: 34, top: 8, bottom: 18 };
const COLOURS = ["#2c7fb8", "#d95f0e"]; // the correct run, the run with the bug
export const BUGS = {
  "double-softmax": {
    name: "a double softmax",
    note: "The outputs go through a softmax before a loss that applies its own, so the loss sees numbers between 0 and 1 as logits and cannot fall below about 1.46 however right the answers. Its gradients shrink too; Adam rescales them, so the answers can still improve, and the stalled loss is what gives the bug away.",
    lesson: "24-double-softmax.html",
  },
  unnormalised: {
    name: "0–255 pixels",
    note: "The pixels go in as 0 to 255 instead of 0 to 1, so every first-layer gradient is about 255 times larger and steps sized for normalised inputs throw the first filters about. Divide by 255 (or standardise) before training, and at use.",
    lesson: "16-common-bugs.html",
  },
  nhwc: {
    name: "weights read in the wrong axis order",
    note: "The weights train correctly but are read back as if a Keras kernel (K, K, Cin, Cout) were PyTorch's (Cout, Cin, K, K): the same numbers in the wrong places. The features are scrambled and the answers near chance; transpose, do not reshape.",
    lesson: "16-common-bugs.html",
  },
};

export class TrainPanel {
  /** call(request, trainBytes?) → app.api.network_train's {meta, data}; worker(): the worker that answers
   *  (a new one must be sent the digits again); use(meta): network mode takes the trained network
   *  (network_load's meta); settings(): state.network.train; set(partialTrain): change it; say(text). */
  constructor({ call, worker, use, settings, set, say }) {
    Object.assign(this, { call, worker, use, settings, set, say });
    this.runs = null; // [{bug, losses, grad, accuracy, total, step, epoch, epochs, done, filters, filterShape}]
    this.running = false;
    this.paused = false;
    this.filterViews = [[], []];
    $("net-train-bug").append(...Object.entries(BUGS).map(([value, { name }]) => new Option(name, value)));
    for (const [id, key, read] of [["net-train-optimizer", "optimizer", String], ["net-train-lr", "lr", Number],
      ["net-train-batch", "batch", Number], ["net-train-epochs", "epochs", Number], ["net-train-seed", "seed", Number],
      ["net-train-bug", "bug", (v) => v || null]]) {
      $(id).addEventListener("change", (e) => this.set({ [key]: read(e.target.value) }));
    }
    $("net-train-start").addEventListener("click", () => this.start());
    $("net-train-pause").addEventListener("click", () => (this.paused ? this.resume() : this.pause()));
    $("net-train-reset").addEventListener("click", () => this.reset());
    $("net-train-use").addEventListener("click", () => this.useResult());
    $("net-train-download").addEventListener("click", () => this.download());
  }

  /** Show the settings (state.network.train); the runs are painted at the next frame, not on every edit's paint. */
  update() {
    const config = this.settings();
    $("net-train-optimizer").value = config.optimizer;
    $("net-train-lr").value = String(config.lr);
    $("net-train-batch").value = String(config.batch);
    $("net-train-epochs").value = String(config.epochs);
    $("net-train-seed").value = String(config.seed);
    $("net-train-bug").value = config.bug ?? "";
    this.paintSoon();
  }

  async start() {
    this.reset(false);
    const config = this.settings(); // (a click can come before the panel's first paint)
    try {
      // the training digits (4.6 MB) go to a worker once; a restarted one is sent them again
      if (this.sentTo !== this.worker()) this.digits ??= await fetchDigits("digits-train.bin", "training digits");
      const bytes = this.sentTo !== this.worker() ? this.digits.bytes.slice().buffer : undefined;
      const out = (await this.call({ start: config }, bytes)).meta;
      this.sentTo = this.worker();
      this.runs = out.runs.map((r) => ({ ...r, losses: [], grad: [] }));
      this.merge(out);
    } catch (err) {
      this.say(`Training could not start: ${err.message}`);
      return;
    }
    this.running = true;
    this.paint();
    this.loop();
  }

  /** Ask for parts until every run is done, or the learner pauses or resets. */
  async loop() {
    const runs = this.runs;
    while (this.running && !this.paused && this.runs === runs) {
      let out;
      try {
        out = (await this.call({ step: true })).meta;
      } catch (err) {
        if (this.runs === runs) this.say(`Training stopped: ${err.message} Its curve so far is kept; Reset to train again.`);
        this.running = false;
        break;
      }
      if (this.runs !== runs) return;
      this.merge(out);
      if (out.runs.every((r) => r.done)) this.running = false;
      this.paintSoon();
    }
    this.paint();
  }

  /** Paint at the next frame, once however many parts arrive before it: the learner's own edits paint first. */
  paintSoon() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.paint();
    });
  }

  merge(out) {
    this.seconds = out.seconds;
    out.runs.forEach((r, k) => {
      const run = this.runs[k];
      run.losses.push(...r.losses);
      run.grad.push(...r.grad);
      Object.assign(run, { step: r.step, total: r.total, epoch: r.epoch, epochs: r.epochs, done: r.done,
        accuracy: r.accuracy, filters: r.filters, filterShape: r.filter_shape });
    });
  }

  pause() {
    this.paused = true;
    this.paint();
  }

  resume() {
    this.paused = false;
    this.paint();
    if (this.running) this.loop();
  }

  reset(forget = true) {
    this.running = false;
    this.paused = false;
    this.runs = null;
    $("net-train-files").replaceChildren();
    if (forget) this.call({ stop: true }).catch(() => {});
    this.paint();
  }

  async useResult() {
    try {
      this.use((await this.call({ use: true })).meta);
    } catch (err) {
      this.say(`The trained network could not be used: ${err.message}`);
    }
  }

  /** The trained network as two links, .json and .npz (one click each: browsers ask before a page
   *  downloads two files at once), for "Your model" to load again. */
  async download() {
    try {
      const out = await this.call({ download: true });
      const name = "digits-trained-here";
      const npz = new Uint8Array(out.data.buffer, out.data.byteOffset, out.meta.bytes);
      const holder = $("net-train-files");
      for (const a of holder.querySelectorAll("a")) URL.revokeObjectURL(a.href);
      holder.replaceChildren(...[[new Blob([out.meta.json], { type: "application/json" }), `${name}.json`],
        [new Blob([npz], { type: "application/octet-stream" }), `${name}.npz`]].map(([blob, file]) =>
        el("a", { href: URL.createObjectURL(blob), download: file, textContent: file.slice(name.length) })));
      this.say(`Save both files (.json and .npz); "Your model" loads them again.`);
    } catch (err) {
      this.say(`The trained network could not be saved: ${err.message}`);
    }
  }

  /** What getState().network.training says: each run's steps, losses so far, accuracy points, done. */
  summary() {
    return this.runs && {
      running: this.running && !this.paused, paused: this.paused, seconds: this.seconds,
      runs: this.runs.map((r) => ({ bug: r.bug, step: r.step, total: r.total, epoch: r.epoch, done: r.done,
        losses: r.losses, accuracy: r.accuracy, firstLayerGradient: r.grad })),
    };
  }

  paint() {
    const runs = this.runs;
    $("net-train-pause").disabled = !this.running;
    $("net-train-pause").textContent = this.paused ? "Resume" : "Pause";
    $("net-train-start").textContent = runs ? "Train again" : "Train from scratch";
    const c = this.settings();
    // While a run exists its settings are a line, not a form: the curve and the filters need the room.
    $("net-train-settings").hidden = !!runs;
    $("net-train-settings-summary").hidden = !runs;
    if (runs) {
      $("net-train-settings-summary").textContent = `${c.optimizer === "adam" ? "Adam" : "SGD with momentum"}, step size ${c.lr}, ` +
        `batch ${c.batch}, ${c.epochs} epoch${c.epochs === 1 ? "" : "s"}, seed ${c.seed}` + (c.bug ? `; beside it, with ${BUGS[c.bug].name}` : "") +
        ". Reset to change them.";
    }
    const main = runs?.[0];
    $("net-train-use").disabled = $("net-train-download").disabled = !main?.step;
    const bug = c.bug && BUGS[c.bug];
    $("net-train-bug-note").replaceChildren(...(bug ? [bug.note, " ", el("a", { href: `lessons/${bug.lesson}`, target: "_blank", textContent: "The lesson" })] : []));
    $("net-train-status").textContent = main ? this.status(runs) : "Trains this architecture from fresh random weights on the 8,000 training digits, here in your browser.";
    $("net-train-status").dataset.done = String(!!runs && runs.every((r) => r.done));
    this.drawCurve(runs ?? []);
    this.paintFilters(runs ?? []);
  }

  status(runs) {
    const [main, other] = runs;
    const last = (r) => r.accuracy.at(-1);
    const parts = [`Step ${main.step.toLocaleString("en-US")} of ${main.total.toLocaleString("en-US")}, epoch ${main.epoch} of ${main.epochs}, ${this.seconds.toFixed(0)} s`];
    if (last(main)) parts.push(`held-out ${pct(last(main)[1])} at step ${last(main)[0].toLocaleString("en-US")}`);
    if (other && last(other)) parts.push(`with ${BUGS[other.bug].name}: ${pct(last(other)[1])}`);
    const grad = (r) => (r.grad.length ? r.grad.slice(-20).reduce((a, b) => a + b, 0) / Math.min(20, r.grad.length) : null);
    if (other && grad(main) !== null && grad(other) !== null) {
      parts.push(`first-layer gradient ${grad(main).toPrecision(2)} against ${grad(other).toPrecision(2)}`);
    }
    return `${parts.join("; ")}${this.paused ? " (paused)" : this.running ? "…" : "."}`;
  }

  drawCurve(runs) {
    const canvas = $("net-train-curve");
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 280, height = 130;
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const style = getComputedStyle(canvas);
    const { top, lines, clipped } = trainChart(runs, { width, height, ...BOX });
    ctx.font = "10px system-ui, sans-serif";
    ctx.strokeStyle = style.getPropertyValue("--line").trim() || "#ccc";
    ctx.fillStyle = style.color;
    ctx.lineWidth = 1;
    ctx.textBaseline = "middle";
    for (const f of [0, 0.5, 1]) {
      const y = height - BOX.bottom - f * (height - BOX.bottom - BOX.top);
      ctx.beginPath();
      ctx.moveTo(BOX.left, y);
      ctx.lineTo(width - BOX.right, y);
      ctx.stroke();
      ctx.textAlign = "right";
      ctx.fillText((f * top).toFixed(1), BOX.left - 3, y);
      ctx.textAlign = "left";
      ctx.fillText(`${100 * f}%`, width - BOX.right + 3, y);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText(`loss (lines)${clipped ? `, cut at ${top}` : ""} · held-out accuracy (dots) · steps →`, width / 2, height - BOX.bottom + 4);
    lines.forEach((line, k) => {
      ctx.strokeStyle = ctx.fillStyle = COLOURS[k];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      line.loss.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
      ctx.stroke();
      for (const p of line.accuracy) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, 3, 0, 2 * Math.PI);
        ctx.fill();
      }
    });
  }

  /** The first convolution's filters (their first input channel) of each run, as they form. */
  paintFilters(runs) {
    runs.forEach((run, k) => {
      const holder = $(`net-train-filters-${k}`);
      const [count, cin, kh, kw] = run.filterShape ?? [0, 1, 0, 0];
      if (this.filterViews[k].length !== count) {
        this.filterViews[k] = Array.from({ length: count }, (_, f) => new GridView(el("canvas", { className: "grid-canvas" }), { maxPx: 26, label: `Filter ${f + 1}` }));
        holder.replaceChildren(...this.filterViews[k].map((v) => v.canvas));
      }
      this.filterViews[k].forEach((view, f) => {
        const data = Float32Array.from(run.filters.slice(f * cin * kh * kw, f * cin * kh * kw + kh * kw));
        const m = Math.max(...data.map(Math.abs)) || 1;
        view.update({ data, height: kh, width: kw, colormap: "diverging", range: [-m, m] });
      });
      $(`net-train-filters-${k}-title`).textContent = k === 0 ? "First-layer filters" : "With the bug";
    });
    $("net-train-filters-0").parentElement.parentElement.hidden = !runs.length;
    $("net-train-filters-1-box").hidden = runs.length < 2;
  }
}
