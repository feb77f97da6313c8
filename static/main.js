// The shell: the modes' registry (static/modes/index.js) and the one loop
// link → state → worker (Python) → the mode's view, and the page's JS API
// window.convExplorer (see README). It names no mode: each is a folder under
// static/modes/ behind one contract, loaded the first time it is opened.

import { firstWorker, connect, options } from "./core/boot.js";
import { Compute, splitStages, toRows, stageRows } from "./core/compute.js";
import { defaultState, merge, coreSettings } from "./core/state.js";
import { builtinPixels as pixelsOf, gridPixels } from "./core/pixels.js";
import { readFragment, writeFragment } from "./core/url.js";
import { connectParent } from "./core/embed.js";
import { setAttr } from "./views/dom.js";
import { LoadingView } from "./views/loading.js";
import { EmbedDialog, copyText } from "./views/embed-dialog.js";
import { MODES } from "./modes/index.js";

const $ = (id) => document.getElementById(id);
const FRAME = { fixed: "640x480", ratio: "4 / 3" }; // the embed dialog's default size, unless a mode asks for another

const loading = new LoadingView($("loading"));
loading.stage("page", "Loading the page…");
const startup = { page: performance.now() }; // ms since navigation when each start-up stage began
const compute = new Compute({
  connect, // after a restart: the shared Python's successor, or one of our own
  onProgress: (stage, detail) => { startup[stage] ??= performance.now(); loading.stage(stage, detail); },
  onReady: (how) => {
    startup.python = how; // "started", "joined" (a Python already running) or "restarted"
    startup.ready ??= performance.now();
    loading.stage("ready", "Ready");
  },
  // The watchdog's notices: short, and the view stays as it was.
  onRestart: (notice) => say(notice),
});

let builtins = { presets: [], images: {} };
let state = defaultState(); // what is painted: the last good settings
let pixels = null; // {data: Float32Array in [0, 1], height, width}: the input image
let layer = null; // {stages: [{name, shape, data}]}: the layer's last good output (getState() reports it in every mode)
let shown = null; // {mode, result}: the mode in view and what it painted last
let timing = {};

function say(text) {
  $("message").textContent = text;
  $("message").hidden = !text;
}

const builtinPixels = (name) => pixelsOf(builtins.images[name], name);

// --- modes ------------------------------------------------------------------------------

const loaded = new Map(); // id → Promise of {mode, mounted: Promise}
const made = new Map(); // id → the root made for a mode whose markup is not in index.html (it builds its own)

/** A mode's root element: its markup in the page, or an empty section shown only in the mode. */
function rootOf(id) {
  const root = document.querySelector(`[data-mode-root="${id}"]`);
  if (root) return root;
  const section = Object.assign(document.createElement("section"), { className: "mode-root", hidden: true, inert: true });
  section.dataset.modeRoot = id;
  document.querySelector("footer").before(section);
  made.set(id, section);
  return section;
}

/** The mode id, loaded and mounted the first time it is opened; its root stays inert until mounted. */
function load(id) {
  if (!loaded.has(id)) {
    const entry = MODES.find((m) => m.id === id).load().then(({ default: mode }) => {
      const root = rootOf(id);
      const mounted = Promise.resolve(mode.mount(root, ctx));
      // A view the mode's root sits in (another mode's, which it builds on) is the mode's to mount: it has.
      for (let r = root.parentElement?.closest("[data-mode-root]"); r; r = r.parentElement?.closest("[data-mode-root]")) r.inert = false;
      mounted.then(() => { root.inert = false; }, (err) => say(err.message));
      return { mode, mounted };
    });
    entry.catch(() => loaded.delete(id)); // a failed import is tried again next time
    loaded.set(id, entry);
  }
  return loaded.get(id);
}

/** Put mode in view (the one before it unmounted) and paint its result. */
function show(mode, result) {
  if (shown && shown.mode !== mode) shown.mode.unmount();
  shown = { mode, result };
  if (document.body.dataset.mode !== mode.id) document.body.dataset.mode = mode.id;
  made.forEach((root, id) => { root.hidden = id !== mode.id; });
  document.querySelectorAll(".modes button").forEach((b) => setAttr(b, "aria-pressed", String(b.dataset.mode === mode.id)));
  mode.paint(state, result);
}

// --- applying settings -------------------------------------------------------------

let latest = Promise.resolve();

/**
 * Check partial, compute the layer and the mode's result in Python, then paint. newPixels replaces
 * the image (drawing, uploads). Resolves once painted (with the newest settings if newer ones
 * superseded these); rejects with a readable message, leaving the last good state and view on screen.
 */
function apply(partial, newPixels = null) {
  const run = (async () => {
    const next = merge(state, partial);
    const { mode } = await load(next.mode);
    let image = await imageFor(partial, newPixels);
    if (mode.input) image = await mode.input(image, partial);
    next.image = image.name;
    const out = await compute.run(coreSettings(next), image.pixels);
    if (out === null) return latest; // superseded: the newer request paints
    const stages = { stages: splitStages(out) };
    const result = await mode.run(next, image.pixels, stages);
    if (result === null) return latest;
    state = next;
    pixels = image.pixels;
    layer = stages;
    const started = performance.now();
    show(mode, result);
    timing = { ...compute.lastTiming, paintMs: performance.now() - started };
    painted();
    changed();
  })();
  latest = run;
  return run;
}

/** The input partial asks for: new pixels (drawing, uploads), a built-in's name, a 2-D array, or the current one. */
async function imageFor(partial, newPixels) {
  const { image } = partial;
  if (newPixels) return { pixels: newPixels, name: "custom" };
  if (typeof image === "string" && image !== "custom") return { pixels: await builtinPixels(image), name: image };
  if (image !== undefined && typeof image !== "string") return { pixels: gridPixels(image), name: "custom" };
  return { pixels, name: image === "custom" ? "custom" : state.image };
}

/** A user action: its problem goes to the message line, and the view shows the last good settings again. */
function userSet(partial, newPixels) {
  return apply(partial, newPixels).then(() => say(""), (err) => {
    say(err.message);
    shown?.mode.paint(state, shown.result);
  });
}

/** What the shell lends a mode (static/modes/index.js says how a mode uses it). */
const ctx = {
  compute, say, apply, builtinPixels, afterFrame,
  get builtins() { return builtins; },
  /** The current settings and input image. */
  state: () => state,
  pixels: () => pixels,
  /** A user's change: computed, painted, its problem said. */
  set: userSet,
  /** A change with nothing to recompute (the filter window): the state and the link follow. */
  patch: (partial) => { state = { ...state, ...partial }; changed(); },
  changed: () => changed(),
  /** Whether an embed locked part (options.lock: "image", "kernel", "window", "layer"). */
  locked: (part) => options.lock.has(part),
};

// --- links and the embedding page ---------------------------------------------------------

/** A command for the window's motion (play, pause, step), to the mode in view: a Promise, rejected
 * with a sentence in a mode without a window. */
function command(name, ...args) {
  const run = shown?.mode.commands?.[name];
  if (!run) return Promise.reject(new Error(`This mode has no filter window to ${name}.`));
  return Promise.resolve(run(...args));
}

const parent = connectParent({
  origin: options.origin, getState,
  set: (p) => ready.then(() => apply(p)),
  command: (type) => ready.then(() => command(type, 1)),
  // The frame's height follows the view now (html.autosize): the views fit themselves again.
  onAutosize: () => window.dispatchEvent(new Event("resize")),
});
let hashTimer = null;
let writtenHash = null; // null until the page's own link has been read

/** After every change: the link follows (without a history entry per click), the parent hears. */
function changed() {
  if (writtenHash === null) return;
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => {
    writtenHash = `#${writeFragment(state, pixels)}`;
    if (location.hash !== writtenHash) history.replaceState(null, "", writtenHash);
    // An embed's "Open in the full explorer": this view, without the embed's options.
    if (options.embed) $("open-full").href = `${location.pathname}${writtenHash}`;
  }, 80);
  parent.changed();
}

/** Show the view a link describes: settings it leaves out are the defaults. */
async function applyLink(hash) {
  const { partial, notices } = readFragment(hash);
  const view = { ...defaultState(), ...partial };
  say(""); // the last link's notices go; what the new view's mode says while it opens stays
  try {
    await apply(view);
  } catch (err) {
    notices.push(`The link's settings do not work together (${err.message}); the default view is shown.`);
    await apply(defaultState());
  }
  if (notices.length) say(notices.join(" "));
}

window.addEventListener("hashchange", () => {
  if (location.hash !== writtenHash) applyLink(location.hash).catch((err) => say(err.message));
});

function wire() {
  // index.html names the modes for the first paint; a mode only the registry names gets its button here.
  const nav = document.querySelector(".modes");
  for (const { id, title } of MODES) {
    if (nav.querySelector(`[data-mode="${id}"]`)) continue;
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: title });
    button.dataset.mode = id;
    nav.append(button);
  }
  nav.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => userSet({ mode: b.dataset.mode })));
  $("copy-link").addEventListener("click", async () => {
    say((await copyText(location.href)) ? "Link copied: it opens exactly this view." : `Copy this link: ${location.href}`);
  });
  const embedDialog = new EmbedDialog($("embed-dialog"), {
    fragment: () => writeFragment(state, pixels),
    size: () => shown?.mode.embedSize ?? FRAME,
  });
  $("embed-open").addEventListener("click", () => embedDialog.open());
  $("tour-open").addEventListener("click", () => openTour("explainer", $("tour-open")).catch(() => {}));
}

/** The explainer player (static/tour/), loaded the first time a tour is opened: resolves to its handle. */
function openTour(name = "explainer", opener = null) {
  return import("./tour/player.js").then((m) => m.openTour(name, window.convExplorer, { opener })).catch((err) => {
    say(err.message);
    throw err;
  });
}

// --- the page's JS API ---------------------------------------------------------------------

let paintWaiters = [];
function painted() {
  document.body.dataset.painted = String(Number(document.body.dataset.painted || 0) + 1);
  paintWaiters.forEach((resolve) => resolve());
  paintWaiters = [];
}

function getState() {
  const s = structuredClone(state);
  s.imageName = state.image;
  s.image = toRows(pixels.data, [pixels.height, pixels.width]);
  s.output = toRows(layer.stages[0].data, layer.stages[0].shape);
  s.stages = stageRows(layer.stages);
  return Object.assign(s, shown?.mode.getState?.(s));
}

/** The state a link asks for, before Python can check it (the full check, with a notice, comes with applyLink). */
function linkedState(hash) {
  const { partial } = readFragment(hash);
  try {
    const { image, ...settings } = { ...defaultState(), ...partial };
    const s = merge(defaultState(), settings);
    return { ...s, image: Array.isArray(image) ? "custom" : image, drawn: Array.isArray(image) ? gridPixels(image) : null };
  } catch {
    return { ...defaultState(), drawn: null };
  }
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
/** After the next frame is drawn (or 100 ms, where frames are not drawn: a hidden tab, an off-screen frame). */
function afterFrame() {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
}

async function start() {
  const booting = compute.start(firstWorker); // Python has been booting since boot.js ran
  booting.catch(() => {}); // its failure is reported below, once awaited
  builtins = await (await fetch("data/builtins.json")).json();
  const { drawn, ...linked } = linkedState(location.hash);
  state = linked;
  wire();
  await nextTask(); // short tasks: the page stays responsive, and no task is long, while it builds itself
  pixels = drawn ?? await builtinPixels(state.image in builtins.images ? state.image : defaultState().image);
  // The linked mode's view at once, with what it can show before Python is ready.
  const { mode } = await load(state.mode);
  if (mode.preview) {
    layer = mode.preview(state, pixels);
    show(mode, layer);
    painted();
  } else document.body.dataset.mode = mode.id;
  await booting;
  await applyLink(location.hash);
  await (await load(state.mode)).mounted; // a link into a mode is ready when its controls work
  document.body.classList.remove("starting");
  writtenHash = "";
  changed();
  $("explorer").setAttribute("aria-busy", "false");
  startup.painted = performance.now();
  parent.ready();
  if (options.tour) openTour(options.tour).catch(() => {}); // its poster: it plays on a click
}

const ready = start();
ready.catch((err) => { loading.fail(err.message); console.error(err); });

window.convExplorer = {
  ready,
  getState,
  setState: (partial) => ready.then(() => apply(partial)),
  /** Open an explainer (tours/<name>.json): resolves to its player ({play, pause, seek, scene, setSpeed, status, on, …}). */
  tour: (name) => openTour(name),
  /** The link to the view on screen: its #fragment, as Copy link shares it (the address follows it shortly). */
  link: () => `#${writeFragment(state, pixels)}`,
  /** Resolves after the next paint (for benchmarks and course scripts). */
  nextPaint: () => new Promise((resolve) => paintWaiters.push(resolve)),
  /** Move the window through every position: play(), pause(), step(n) (n may be negative). */
  play: () => ready.then(() => command("play")),
  pause: () => command("pause"),
  step: (n = 1) => ready.then(() => command("step", n)),
  /** When each start-up stage began, in ms since navigation: {page, runtime, packages, ready, painted},
   * and how Python became ready: python "started", "joined" or "restarted". */
  startupTiming: () => ({ ...startup }),
  /** Where the last edit's time went: {roundTripMs (to the worker and back), workerMs (Python), paintMs}. */
  lastTiming: () => ({ ...timing }),
  version: 1,
};
