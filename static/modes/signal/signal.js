// 1-D mode: a 1-D convolution is a learned FIR filter. A signal (a tone in hiss, a chirp, a heartbeat…)
// goes through one conv1d layer; the window slides along time with its sum of products written out;
// the taps can be a classic filter (a windowed-sinc low-pass, a matched filter…) or the learner's own,
// dragged into shape; the filter's frequency response, or the spectrograms of input and output, show
// what it does to frequencies; and both signals can be heard.
//
// The layer is state.signal; Python computes every number (app.pipeline.run_signal: the taps of a
// named filter, the output, the response, the spectrograms); window.js says what the window reads.

import { GridView } from "../../views/grid.js";
import { formatNumber } from "../../views/colormap.js";
import { SETTINGS } from "../../core/settings.js";
import { MAX_TAPS } from "../../core/state.js";
import { splitStages } from "../../core/compute.js";
import { drawDetail, drawResponse, drawStack, drawTaps, drawWave } from "./plots.js";
import { padsOf, sumLine, windowSpan, windowTerms } from "./window.js";

const $ = (id) => document.getElementById(id);
const RATE = 8000; // app.signals.RATE: the built-in signals' samples per second
const SOURCES = { step: "Step", "sine-noise": "Tone in hiss", chirp: "Chirp", square: "Square wave", ecg: "Heartbeat", custom: "Your recording" };
const FILTERS = { lowpass: "Low-pass", highpass: "High-pass", average: "Moving average", difference: "Difference", matched: "Matched (heartbeat)", "": "Your taps" };
const CUTOFFS = [100, 200, 300, 500, 800, 1000, 1500, 2000, 3000];
const STEP = 0.05; // a key press moves a tap this much (shift: ten times)
const DETAIL = 400; // input samples the close-up shows: 50 ms, a few cycles of a 220 Hz tone
const MAX_SECONDS = 5; // of an uploaded or recorded sound: longer ones keep their start
const RECORD_MS = 2000;

const option = (select, value, text) => select.append(new Option(text, String(value)));

class SignalView {
  constructor(ctx) {
    this.ctx = ctx;
    this.result = null;
    this.selected = 0; // the tap the keyboard edits
    this.audio = null; // {context, source, which}
    for (const id of SETTINGS.signal.sources) option($("sg-source"), id, SOURCES[id]);
    $("sg-source").querySelector('[value="custom"]').disabled = true; // until a recording exists
    for (const [id, name] of Object.entries(FILTERS)) option($("sg-filter"), id, name);
    for (const f of CUTOFFS) option($("sg-cutoff"), f, `${f} Hz`);
    for (let s = 1; s <= 4; s++) option($("sg-stride"), s, s);
    for (const p of ["same", "causal", "valid", 1, 2, 4, 8]) option($("sg-padding"), p, p);
    for (let d = 1; d <= 8; d++) option($("sg-dilation"), d, d);
    const on = (id, handler) => $(id).addEventListener("change", (e) => handler(e.target.value));
    on("sg-source", (v) => this.set({ source: v }));
    on("sg-filter", (v) => this.set(v ? { filter: { kind: v, ...this.filterSize(v) } } : { filter: null, taps: this.taps() }));
    on("sg-taps", (v) => this.resizeTaps(Number(v)));
    on("sg-cutoff", (v) => this.set({ filter: { ...this.layer.filter, cutoff: Number(v) } }));
    on("sg-stride", (v) => this.set({ stride: Number(v), ...(Number(v) > 1 && this.layer.padding === "same" ? { padding: "causal" } : {}) }));
    on("sg-padding", (v) => this.set({ padding: /^\d+$/.test(v) ? Number(v) : v }));
    on("sg-dilation", (v) => this.set({ dilation: Number(v) }));
    on("sg-bias", (v) => (Number.isFinite(Number(v)) && v.trim() !== "" ? this.set({ bias: Number(v) })
      : ctx.say(`"${v}" is not a number; the bias stays ${formatNumber(this.layer.bias)}.`)));
    for (const radio of document.querySelectorAll('input[name="sg-view"]')) radio.addEventListener("change", () => this.set({ view: radio.value }));
    on("sg-stack", (v) => this.set({ stack: v ? v.split(",").map(Number) : null }));
    $("sg-upload").addEventListener("change", async (e) => {
      const file = e.target.files[0];
      e.target.value = "";
      if (file) await this.useSound(() => file.arrayBuffer(), `"${file.name}"`);
    });
    $("sg-record").addEventListener("click", () => this.record());
    $("sg-play-input").addEventListener("click", () => this.play("input"));
    $("sg-play-output").addEventListener("click", () => this.play("output"));
    this.wireWindow();
    this.wireTaps();
    this.spectrograms = ["input", "output"].map((w) => new GridView($(`sg-spec-${w}`), { label: `${w} spectrogram`, fit: true }));
    new ResizeObserver(() => this.result && this.draw()).observe($("signal-mode"));
  }

  get layer() {
    return this.ctx.state().signal;
  }

  set(partial) {
    return this.ctx.set({ signal: { ...this.layer, ...partial } });
  }

  /** The taps as Python computed them (a named filter's) or as the learner set them. */
  taps() {
    return this.result ? Array.from(this.result.taps.data) : this.layer.taps;
  }

  /** A named filter's size: its own, kept where it makes sense for the new kind. */
  filterSize(kind) {
    const old = this.layer.filter;
    const odd = (n) => (n % 2 ? n : n + 1);
    if (kind === "lowpass" || kind === "highpass") return { taps: odd(old?.taps ?? 31), cutoff: old?.cutoff ?? 500 };
    if (kind === "average") return { taps: Math.min(old?.taps ?? 8, 32), cutoff: 500 };
    if (kind === "matched") return { taps: 41, cutoff: 500 };
    return { taps: 2, cutoff: 500 };
  }

  resizeTaps(k) {
    const f = this.layer.filter;
    if (f && f.kind !== "difference") return this.set({ filter: { ...f, taps: k } });
    const old = this.taps();
    return this.set({ filter: null, taps: Array.from({ length: k }, (_, i) => old[i] ?? 0) });
  }

  async run(state) {
    const g = state.signal; // the core reads the layer's own names (app.pipeline.run_signal)
    const stages = splitStages(await this.ctx.compute.call("signal", { settings: g, samples: g.source === "custom" ? this.recording : null }));
    return { stages, ...Object.fromEntries(stages.map((s) => [s.name, s])) };
  }

  paint(result, state) {
    this.result = result;
    const g = state.signal;
    $("sg-source").value = g.source;
    $("sg-filter").value = g.filter?.kind ?? "";
    const taps = this.taps();
    const sizes = g.filter?.kind === "lowpass" || g.filter?.kind === "highpass" ? [3, 7, 15, 31, 63]
      : g.filter?.kind === "difference" ? [2] : [1, 2, 3, 4, 5, 8, 12, 16, 24, 32, 41, 63];
    $("sg-taps").replaceChildren(...[...new Set([...sizes, taps.length])].filter((n) => n <= MAX_TAPS).sort((a, b) => a - b)
      .map((n) => new Option(String(n), String(n))));
    $("sg-taps").value = String(taps.length);
    $("sg-taps").disabled = g.filter?.kind === "difference";
    $("sg-cutoff-label").hidden = !(g.filter?.kind === "lowpass" || g.filter?.kind === "highpass");
    $("sg-cutoff").value = String(g.filter?.cutoff ?? 500);
    $("sg-stride").value = String(g.stride);
    if (typeof g.padding === "number" && !$("sg-padding").querySelector(`[value="${g.padding}"]`)) option($("sg-padding"), g.padding, g.padding);
    $("sg-padding").value = String(g.padding);
    $("sg-dilation").value = String(g.dilation);
    $("sg-bias").value = String(g.bias);
    for (const radio of document.querySelectorAll('input[name="sg-view"]')) radio.checked = radio.value === g.view;
    $("sg-stack").value = g.stack ? g.stack.join(",") : "";
    if (g.stack && !$("sg-stack").value) $("sg-stack").append(new Option(`dilations ${g.stack.join(", ")}`, g.stack.join(","))); // a linked stack
    $("sg-stack").value = g.stack ? g.stack.join(",") : "";
    this.selected = Math.min(this.selected, taps.length - 1);
    this.draw();
  }

  /** Every drawing, from the last result: also when the page changes size. */
  draw() {
    const g = this.layer, { input, output, response } = this.result;
    const taps = this.taps();
    const n = output.data.length;
    const t = Math.min(g.at, n - 1);
    const span = windowSpan(g, taps.length, t);
    const terms = windowTerms(g, taps, input.data, t);
    const { from, to } = this.detailRange(span);
    drawWave($("sg-input-all"), input.data, { span: [from, to - 1] });
    drawWave($("sg-output-all"), output.data, { span: [Math.floor(from / g.stride), Math.ceil(to / g.stride) - 1] });
    drawDetail($("sg-input"), input.data, { from, to, span, marks: terms.filter((x) => !x.padding).map((x) => x.index) });
    drawDetail($("sg-output"), output.data, { from: Math.floor(from / g.stride), to: Math.ceil(to / g.stride), span: [t, t], marks: [t] });
    $("sg-input-dims").textContent = `${input.data.length.toLocaleString("en-US")} samples, ${input.data.length / RATE} s at ${RATE.toLocaleString("en-US")} Hz`;
    $("sg-output-dims").textContent = `${n.toLocaleString("en-US")} samples` + (g.stride > 1 ? ` (every ${g.stride}th: ${RATE / g.stride} Hz)` : "");
    this.drawZoom(terms);
    const value = output.data[t];
    $("sg-window-title").textContent = `At the window: output sample ${t.toLocaleString("en-US")} (${(t * g.stride / RATE).toFixed(3)} s)`;
    $("sg-sum").textContent = sumLine(terms, g.bias, value);
    drawTaps($("sg-taps-canvas"), taps, this.selected);
    const name = g.filter ? `${FILTERS[g.filter.kind]}${g.filter.kind === "lowpass" || g.filter.kind === "highpass" ? `, ${g.filter.cutoff} Hz` : ""}` : "your taps";
    $("sg-taps-title").textContent = `Taps: ${taps.length} (${name})`;
    $("sg-tap-text").textContent = `Tap ${this.selected + 1} of ${taps.length}: ${formatNumber(taps[this.selected], 4)}. Drag a stem, or arrow keys and ↑ ↓.`;
    $("sg-taps-canvas").setAttribute("aria-label", `Taps: ${taps.map((v) => formatNumber(v, 3)).join(", ")}`);
    const spectral = g.view === "spectrogram" && this.result["input spectrogram"];
    $("sg-response").hidden = spectral;
    $("sg-spectrograms").hidden = !spectral;
    if (spectral) this.drawSpectrograms();
    else {
      const cut = g.filter && (g.filter.kind === "lowpass" || g.filter.kind === "highpass") ? [{ f: g.filter.cutoff, label: "cutoff" }] : [];
      drawResponse($("sg-response"), response.data, RATE / 2, cut);
      const at = (f) => response.data[Math.round((f / (RATE / 2)) * (response.data.length - 1))];
      $("sg-response").setAttribute("aria-label", `Magnitude response: ${formatNumber(at(0))} at 0 Hz, ${formatNumber(at(1000))} at 1 kHz, ${formatNumber(at(3000))} at 3 kHz`);
    }
    this.drawStackPanel(g);
    $("sg-input").setAttribute("aria-label", `Input, samples ${from} to ${to - 1}. The window reads samples ${span[0]} to ${span[1]}. Arrow keys move it.`);
    $("sg-output").setAttribute("aria-label", `Output, around sample ${t}: ${formatNumber(value, 3)}.`);
  }

  /** The input samples the close-ups show: DETAIL of them around the window, inside the signal. */
  detailRange(span) {
    const n = this.result.input.data.length, width = Math.min(DETAIL, n);
    const from = Math.min(Math.max(Math.round((span[0] + span[1]) / 2 - width / 2), 0), n - width);
    return { from, to: from + width };
  }

  /** The window's products, tap by tap, as stems: what the sum adds up. */
  drawZoom(terms) {
    drawTaps($("sg-zoom"), terms.map(({ x, w }) => x * w), -1);
  }

  /** The reach of one output of the causal stack, layer by layer (Python's mask: signals.causal_stack_field). */
  drawStackPanel(g) {
    $("sg-stack-panel").hidden = !g.stack;
    if (!g.stack || !this.result.stack) return;
    const { data, shape: [rows, field] } = this.result.stack;
    const layers = g.stack.length;
    // Row r is the output of layer L − r (its dilation g.stack[L − r − 1]); the last row is the input.
    const labels = Array.from({ length: rows }, (_, r) => (r === rows - 1 ? "input" : `layer ${layers - r} (d = ${g.stack[layers - r - 1]})`));
    drawStack($("sg-stack-canvas"), data, field, g.stack, labels);
    const sum = g.stack.join(" + ");
    $("sg-stack-title").textContent = `${layers} causal layers of 2 taps, dilations ${g.stack.join(", ")}`;
    $("sg-stack-text").textContent = `One output of the last layer sees ${field} samples: itself and the ${field - 1} before it, ` +
      `never a later one. 1 + (${sum})·(2 − 1) = ${field}: each layer adds its dilation to the reach, so doubling the ` +
      `dilations doubles it, with 2 weights a layer.`;
    $("sg-stack-canvas").setAttribute("aria-label", `The samples one output depends on, layer by layer: ${field} input samples.`);
  }

  // --- sounds from the learner: an upload or the microphone ----------------------------------------

  /** Decode a sound (bytes: a function giving its ArrayBuffer) at the mode's rate, mono, and use it. */
  async useSound(bytes, name) {
    let audio;
    try {
      audio = await new OfflineAudioContext(1, 1, RATE).decodeAudioData(await bytes()); // resampled to RATE
    } catch {
      this.ctx.say(`${name} is not a sound this browser can decode (a WAV file always is). Your signal is unchanged.`);
      return;
    }
    const n = Math.min(audio.length, MAX_SECONDS * RATE);
    if (n < 2) return this.ctx.say(`${name} holds no sound. Your signal is unchanged.`);
    const samples = new Float32Array(n);
    for (let c = 0; c < audio.numberOfChannels; c++) {
      const channel = audio.getChannelData(c);
      for (let i = 0; i < n; i++) samples[i] += channel[i] / audio.numberOfChannels;
    }
    this.recording = samples;
    $("sg-source").querySelector('[value="custom"]').disabled = false;
    await this.set({ source: "custom", at: Math.min(this.layer.at, n - 1) });
    if (audio.length > n) this.ctx.say(`${name} is ${(audio.length / RATE).toFixed(1)} s long: its first ${MAX_SECONDS} s are kept.`);
  }

  async record() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      this.ctx.say("The microphone is not available (no permission, or no microphone). Your signal is unchanged.");
      return;
    }
    const button = $("sg-record");
    button.disabled = true;
    button.textContent = "● Recording…";
    const recorder = new MediaRecorder(stream), chunks = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
    recorder.start();
    setTimeout(() => recorder.stop(), RECORD_MS);
    await stopped;
    stream.getTracks().forEach((track) => track.stop());
    button.disabled = false;
    button.textContent = "● Record 2 s";
    await this.useSound(() => new Blob(chunks, { type: recorder.mimeType }).arrayBuffer(), "The recording");
  }

  drawSpectrograms() {
    ["input spectrogram", "output spectrogram"].forEach((name, i) => {
      const { data, shape: [bins, frames] } = this.result[name];
      const flipped = new Float32Array(data.length); // frequency up: the last bin in the first row
      for (let b = 0; b < bins; b++) flipped.set(data.subarray(b * frames, (b + 1) * frames), (bins - 1 - b) * frames);
      this.spectrograms[i].update({ data: flipped, height: bins, width: frames, colormap: "gray", range: [-60, 40] });
    });
  }

  // --- the window: dragged along the input or the output, or moved with the keys --------------------

  wireWindow() {
    // Where the pointer is, as an output sample: the overviews span the whole signal, the close-ups theirs.
    const toT = (canvas, e) => {
      const g = this.layer, n = this.result.output.data.length, box = canvas.getBoundingClientRect();
      const frac = Math.min(Math.max((e.clientX - box.left) / box.width, 0), 1);
      const length = canvas.id.startsWith("sg-output") ? n : this.result.input.data.length;
      const { from, to } = this.detailRange(windowSpan(g, this.taps().length, Math.min(g.at, n - 1)));
      const detail = canvas.id === "sg-input" ? [from, to] : canvas.id === "sg-output" ? [from / g.stride, to / g.stride] : [0, length];
      const sample = detail[0] + frac * (detail[1] - detail[0]);
      if (canvas.id.startsWith("sg-output")) return Math.round(sample);
      const [before] = padsOf(g, this.taps().length);
      return Math.round((sample + before - (g.dilation * (this.taps().length - 1)) / 2) / g.stride); // the window's middle there
    };
    for (const id of ["sg-input", "sg-output", "sg-input-all", "sg-output-all"]) {
      const canvas = $(id);
      let dragging = false;
      canvas.addEventListener("pointerdown", (e) => { if (!this.result) return; dragging = true; canvas.setPointerCapture(e.pointerId); this.moveTo(toT(canvas, e)); });
      canvas.addEventListener("pointermove", (e) => dragging && this.moveTo(toT(canvas, e)));
      canvas.addEventListener("pointerup", () => { dragging = false; });
    }
    $("sg-input").addEventListener("keydown", (e) => {
      const by = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
      if (!by || !this.result) return;
      e.preventDefault();
      this.moveTo(this.layer.at + by * (e.shiftKey ? 100 : 1));
    });
  }

  moveTo(t) {
    const n = this.result.output.data.length;
    this.ctx.patch({ signal: { ...this.layer, at: Math.min(Math.max(t, 0), n - 1) } }); // nothing to recompute
    this.draw();
  }

  // --- the taps: drag a stem, or select with ← → and change with ↑ ↓ -----------------------------

  wireTaps() {
    const canvas = $("sg-taps-canvas");
    let dragging = false;
    const at = (e) => {
      const box = canvas.getBoundingClientRect(), taps = this.taps();
      const m = Math.min(taps.length - 1, Math.max(0, Math.floor(((e.clientX - box.left) / box.width) * taps.length)));
      const top = Math.max(1e-9, ...taps.map(Math.abs)), half = box.height / 2;
      return { m, value: Math.round((((half - (e.clientY - box.top)) / (half - 8)) * top) * 100) / 100 };
    };
    canvas.addEventListener("pointerdown", (e) => { if (!this.result) return; dragging = true; canvas.setPointerCapture(e.pointerId); this.editTap(at(e)); });
    canvas.addEventListener("pointermove", (e) => dragging && this.editTap(at(e)));
    canvas.addEventListener("pointerup", () => { dragging = false; });
    canvas.addEventListener("keydown", (e) => {
      if (!this.result) return;
      const taps = this.taps();
      if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
        this.selected = Math.min(taps.length - 1, Math.max(0, this.selected + (e.key === "ArrowLeft" ? -1 : 1)));
        this.draw();
      } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
        const step = (e.key === "ArrowUp" ? 1 : -1) * STEP * (e.shiftKey ? 10 : 1);
        this.editTap({ m: this.selected, value: Math.round((taps[this.selected] + step) * 1000) / 1000 });
      } else return;
      e.preventDefault();
    });
  }

  /** One tap set to value: the filter becomes the learner's own taps. */
  editTap({ m, value }) {
    this.selected = m;
    const taps = this.taps();
    taps[m] = Math.max(-1000, Math.min(1000, value));
    this.set({ filter: null, taps });
  }

  // --- sound ----------------------------------------------------------------------------------------

  /** Play the input or the output (at its own rate: a stride plays fewer samples a second); again: stop. */
  play(which) {
    const playing = this.audio?.which;
    this.stop();
    if (playing === which || !this.result) return;
    const data = this.result[which].data, rate = which === "output" ? RATE / this.layer.stride : RATE;
    const context = new AudioContext();
    const buffer = context.createBuffer(1, data.length, rate);
    const peak = Math.max(1, ...Array.from(data, Math.abs)); // louder than full scale would clip: scale it down
    buffer.copyToChannel(Float32Array.from(data, (v) => v / peak), 0);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(context.destination);
    source.onended = () => this.audio?.source === source && this.stop();
    source.start();
    this.audio = { context, source, which, peak };
    $(`sg-play-${which}`).setAttribute("aria-pressed", "true");
    $(`sg-play-${which}`).textContent = `■ Stop ${which}`;
  }

  stop() {
    if (!this.audio) return;
    const { context, which } = this.audio;
    this.audio = null;
    context.close();
    $(`sg-play-${which}`).setAttribute("aria-pressed", "false");
    $(`sg-play-${which}`).textContent = `▶ Play ${which}`;
  }
}

let view = null;
let painted = null;

export default {
  id: "signal",
  title: "1-D signals",

  mount(root, ctx) {
    view = new SignalView(ctx);
    // NumPy's random (the hiss) loads WebAssembly libraries the first time: load them as the mode opens.
    return ctx.compute.ready.then(() => ctx.compute.call("prepare", { mode: "signal" }));
  },

  run: (state) => view.run(state),

  paint(state, result) {
    painted = result;
    view.paint(result, state);
  },

  unmount() {
    view.stop();
  },

  getState: () => ({
    signalTaps: Array.from(painted.taps.data), signalOutput: Array.from(painted.output.data),
    signalResponse: Array.from(painted.response.data),
  }),
};
