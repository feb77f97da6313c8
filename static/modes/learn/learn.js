// Learn mode: explore's view, and beside it gradient descent finding a kernel from a target's
// outputs. The Python core does the arithmetic (app.learn); this runs the loop a few steps a request,
// so the page stays responsive and Pause takes effect at once.

import { LossCurveView } from "./losscurve.js";
import { formatNumber } from "../../views/colormap.js";
import explore from "../explore/explore.js";

const $ = (id) => document.getElementById(id);
const DONE_LOSS = 1e-12; // the learned kernel then matches the target to far better than 1e-3

export class Learner {
  /**
   * compute: the worker's Compute; presets: [{id, name, matrix, scale}];
   * images(): a Promise of [{data, height, width}] to train on; settings(): {stride, padding, dilation, paddingMode};
   * show(kernel): put the learned kernel into the explorer (a Promise); say(text): a message.
   */
  constructor({ compute, presets, images, settings, show, currentKernel, say }) {
    Object.assign(this, { compute, presets, images, settings, show, currentKernel, say });
    this.curve = new LossCurveView($("loss-curve"));
    this.losses = [];
    this.playing = false;
    this.started = false;
    this.target = null;
    this.queue = Promise.resolve();
    this.pending = 0;
    const select = $("learn-target");
    for (const p of presets.filter((p) => p.matrix.length > 1)) select.append(new Option(p.name, p.id));
    const buttons = {
      "learn-play": () => (this.playing ? this.pause() : this.play()),
      "learn-step": () => this.run(1),
      "learn-reset": () => this.reset(),
      "learn-reveal": () => this.reveal(),
    };
    for (const [id, action] of Object.entries(buttons)) $(id).addEventListener("click", action);
    $("learn-status").textContent = "Press Learn to start.";
    for (const id of ["learn-target", "learn-init", "learn-images", "learn-lr"]) {
      $(id).addEventListener("change", () => this.reset());
    }
  }

  /** The target kernel: a preset (hidden until revealed), a random one, or the explorer's current kernel. */
  pickTarget() {
    const choice = $("learn-target").value;
    if (choice === "current") return { name: "your kernel", kernel: this.currentKernel() };
    const pool = this.presets.filter((p) => p.matrix.length === 3 && p.id !== "identity");
    const preset = choice === "mystery" ? pool[Math.floor(Math.random() * pool.length)]
      : this.presets.find((p) => p.id === choice);
    return { name: preset.name, kernel: preset.matrix.map((r) => r.map((v) => v * (preset.scale ?? 1))) };
  }

  /** Operations one at a time, in the order asked: a step asked for while a reset is on its way runs
   * after it, on the new target, instead of being undone by it. */
  serial(operation) {
    const status = $("learn-status");
    this.pending += 1;
    status.setAttribute("aria-busy", "true"); // until the last one asked for has finished
    const result = this.queue.then(operation).finally(() => status.setAttribute("aria-busy", String(--this.pending > 0)));
    this.queue = result.catch(() => {});
    return result;
  }

  reset() {
    this.pause();
    return this.serial(() => this.restart());
  }

  async restart() {
    this.target = this.pickTarget();
    this.losses = [];
    this.started = true;
    $("learn-revealed").hidden = true;
    const config = { target: this.target.kernel, init: $("learn-init").value, lr_scale: Number($("learn-lr").value),
      seed: Math.floor(Math.random() * 1e6), ...this.settings() };
    try {
      const out = await this.compute.call("learn", { config, images: await this.images(), steps: 0 });
      await this.show(out.meta.kernel);
      this.status(out.meta);
    } catch (err) {
      this.started = false;
      this.say(err.message);
    }
    this.curve.update(this.losses);
  }

  /** n steps in one request; resolves with the worker's answer. */
  run(n) {
    return this.serial(async () => {
      if (!this.started) await this.restart();
      const out = await this.compute.call("learn", { steps: n });
      this.losses.push(...out.meta.losses);
      await this.show(out.meta.kernel);
      this.curve.update(this.losses);
      this.status(out.meta);
      return out.meta;
    });
  }

  async play() {
    if (!this.started) await this.reset();
    this.playing = true;
    this.sync();
    try {
      while (this.playing) {
        const meta = await this.run(Number($("learn-speed").value));
        if (meta.loss < DONE_LOSS) {
          this.say(`Learned in ${meta.step} steps: the loss is ${meta.loss.toExponential(1)}. Reveal the target to compare.`);
          break;
        }
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    } catch (err) {
      this.say(err.message);
    }
    this.pause();
  }

  pause() {
    this.playing = false;
    this.sync();
  }

  sync() {
    $("learn-play").textContent = this.playing ? "Pause" : "▶ Learn";
  }

  status({ step = 0, loss }) {
    $("learn-status").textContent = `Step ${step}` + (loss === undefined ? "" : ` · loss ${loss.toExponential(3)}`);
    $("learn-status").dataset.step = String(step);
  }

  reveal() {
    if (!this.target) return;
    const grid = $("learn-target-grid");
    const k = this.target.kernel;
    grid.style.gridTemplateColumns = `repeat(${k.length}, 1fr)`;
    grid.replaceChildren(...k.flat().map((v) => Object.assign(document.createElement("span"), { textContent: formatNumber(v) })));
    const learned = this.currentKernel();
    const diff = Math.max(...k.flat().map((v, i) => Math.abs(v - (learned.flat()[i] ?? 0))));
    $("learn-revealed-name").textContent = `${this.target.name}; the learned weights are within ${formatNumber(diff, 4)} of it.`;
    $("learn-revealed").hidden = false;
  }
}

let learner = null; // made once the mode's Python modules are loaded

export default {
  id: "learn",
  title: "Learn a filter",

  /** Explore's view, and the learner beside it: usable once its Python modules are loaded. */
  mount(root, ctx) {
    explore.mount(document.getElementById("explorer"), ctx);
    // Its Python modules come with the mode, so that its first step is as quick as the next; asked for
    // once the mode is on screen, so that the import does not share the cores with drawing it.
    return ctx.compute.ready.then(ctx.afterFrame).then(() => ctx.compute.call("prepare", { mode: "learn" })).then(() => {
      learner ??= new Learner({
        compute: ctx.compute,
        presets: ctx.builtins.presets,
        images: () => ($("learn-images").value === "current" ? Promise.resolve([ctx.pixels()])
          : Promise.all(["digit3", "digit7", "digit0"].map(ctx.builtinPixels))),
        settings: () => { const s = ctx.state(); return { stride: s.stride, padding: s.padding, dilation: s.dilation, padding_mode: s.paddingMode }; },
        show: (kernel) => ctx.apply({ kernel }),
        currentKernel: () => ctx.state().kernel,
        say: ctx.say,
      });
    });
  },

  run: explore.run,
  paint: explore.paint,
  preview: explore.preview,
  commands: explore.commands,

  unmount() {
    learner?.pause();
    explore.unmount();
  },
};
