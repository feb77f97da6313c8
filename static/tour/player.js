// The explainer player: plays a tour (dist/tours/<name>.json, its .vtt captions and narration) with the
// live explorer. It drives the page only through the public JS API (window.convExplorer: setState,
// getState), so a tour is also a test of it. Loaded the first time a tour is opened (main.js).
//
// Its clock is the narration's when that plays (picture follows voice), else the page's own. The clock
// holds while a scene's view is painting, so a slow first view (the network's) never runs ahead of it.

import { defaultState } from "../core/state.js";
import { SPEEDS, parseVtt, captionAt, sceneAt, events, viewAt, sceneState, over, clock, sceneStep, isObject } from "./timeline.js";

const ICONS = {
  play: "M8 5v14l11-7z",
  pause: "M7 5h4v14H7zM13 5h4v14h-4z",
  prev: "M6 5h2v14H6zM20 5v14L9 12z",
  next: "M16 5h2v14h-2zM4 5v14l11-7z",
  restart: "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z",
  sound: "M4 9v6h4l5 4V5L8 9zm12.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z",
  muted: "M4 9v6h4l5 4V5L8 9zm11.6.6 1.4-1.4 2.1 2.1 2.1-2.1 1.4 1.4-2.1 2.1 2.1 2.1-1.4 1.4-2.1-2.1-2.1 2.1-1.4-1.4 2.1-2.1z",
  close: "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z",
};
const icon = (name) => `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="${ICONS[name]}"/></svg>`;
const MARKUP = `
  <p class="tour-caption" aria-live="off"></p>
  <div class="tour-bar">
    <button type="button" class="tour-play" data-key="Space">${icon("play")}</button>
    <button type="button" class="tour-prev" aria-label="Previous scene (←)" title="Previous scene (←)">${icon("prev")}</button>
    <button type="button" class="tour-next" aria-label="Next scene (→)" title="Next scene (→)">${icon("next")}</button>
    <div class="tour-scrubber" role="slider" tabindex="0" aria-label="Scene (← →)" aria-valuemin="0"><div class="tour-fill"></div></div>
    <span class="tour-time" aria-hidden="true"></span>
    <select class="tour-speed" aria-label="Speed" title="Speed"></select>
    <button type="button" class="tour-cc" aria-pressed="true" title="Captions (C)">CC</button>
    <button type="button" class="tour-mute" aria-pressed="false" aria-label="Mute (M)" title="Mute (M)">${icon("sound")}</button>
    <button type="button" class="tour-transcript-open" aria-expanded="false">Transcript</button>
    <button type="button" class="tour-restart" aria-label="Restart" title="Restart">${icon("restart")}</button>
    <button type="button" class="tour-takeover" title="Stop the explainer and keep this view">Take over</button>
    <button type="button" class="tour-close" aria-label="Close the explainer (Esc)" title="Close (Esc)">${icon("close")}</button>
  </div>
  <p class="tour-notice" role="status"></p>
  <ol class="tour-transcript" hidden></ol>`;

let open = null; // {name, player: Promise of the Player}: one at a time, however often it is asked for

/** Open tour name (its poster: it plays on a click), or the one already open. Resolves to its handle. */
export async function openTour(name, api, { opener = null } = {}) {
  if (open?.name !== name) {
    const before = open;
    open = { name, player: start(name, api, opener) };
    before?.player.then((p) => p.close(), () => {});
    open.player.catch(() => { open = null; });
  }
  return (await open.player).handle;
}

async function start(name, api, opener) {
  const base = new URL(`tours/${name}`, document.baseURI).href;
  const [tour, vtt] = await Promise.all([fetchOk(`${base}.json`, "json", name), fetchOk(`${base}.vtt`, "text", name)]);
  await Promise.all([api.ready, stylesheet()]);
  return new Player(name, tour, parseVtt(vtt), defaultState(), api, opener);
}

/** tour.css, once: the page's own stylesheet does not carry the player's rules. */
function stylesheet() {
  const href = new URL("./tour.css", import.meta.url).href;
  let link = document.querySelector(`link[href="${href}"]`);
  if (link) return Promise.resolve();
  link = Object.assign(document.createElement("link"), { rel: "stylesheet", href });
  document.head.append(link);
  return new Promise((resolve) => { link.onload = link.onerror = resolve; });
}

async function fetchOk(url, kind, name) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`There is no explainer called "${name}" here.`);
  return response[kind]();
}

class Player {
  constructor(name, tour, cues, defaults, api, opener) {
    Object.assign(this, { name, tour, cues, defaults, api, opener });
    this.t = 0;
    this.speed = 1;
    this.playing = false;
    this.started = false; // the first Play has been pressed
    this.holds = 0;
    this.stalled = 0; // seconds the narration has not moved while it should
    this.generation = 0; // a seek or close ends the run of events before it
    this.queue = Promise.resolve(); // the views asked for, in order
    this.reduced = matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.events = events(tour, { reduced: this.reduced });
    this.before = this.snapshot();
    this.build();
    this.narration = this.chooseNarration();
    this.el.caption.dataset.title = `${tour.title}: ${clock(tour.duration)}, ${this.narration === "captions" ? "captioned" : "narrated and captioned"}.`;
    this.captionsVoice();
    this.frame = requestAnimationFrame((now) => this.tick(now));
    this.handle = this.makeHandle();
  }

  /** The page as the tour found it: its settings (with the image), scroll and address. */
  snapshot() {
    const s = this.api.getState();
    // Settings only: a mode's getState adds what it computed (the network's answer) beside them.
    const only = (value, like) => (isObject(like) && isObject(value)
      ? Object.fromEntries(Object.keys(like).map((k) => [k, value[k]])) : value);
    const settings = Object.fromEntries(Object.entries(this.defaults).map(([k, like]) => [k, only(s[k], like)]));
    settings.image = s.imageName === "custom" ? s.image : s.imageName;
    return { settings, scroll: [scrollX, scrollY], url: location.href };
  }

  // --- the dock -----------------------------------------------------------------------------

  build() {
    const root = this.root = Object.assign(document.createElement("section"), { className: "tour", innerHTML: MARKUP });
    root.setAttribute("aria-label", this.tour.title);
    const $ = (c) => root.querySelector(`.tour-${c}`);
    this.el = { caption: $("caption"), play: $("play"), prev: $("prev"), next: $("next"), scrubber: $("scrubber"),
      fill: $("fill"), time: $("time"), speed: $("speed"), cc: $("cc"), mute: $("mute"), restart: $("restart"),
      takeover: $("takeover"), close: $("close"), transcript: $("transcript"), transcriptOpen: $("transcript-open"),
      notice: $("notice") };
    const { scrubber, speed, transcript } = this.el;
    scrubber.setAttribute("aria-valuemax", String(this.tour.duration));
    for (const scene of this.tour.scenes) {
      const mark = Object.assign(document.createElement("span"), { className: "tour-mark", title: scene.title });
      mark.style.left = `${(scene.start / this.tour.duration) * 100}%`;
      scrubber.append(mark);
    }
    speed.append(...SPEEDS.map((x) => new Option(`${x}×`, String(x), x === 1, x === 1)));
    transcript.append(...this.tour.scenes.map((scene) => {
      const item = document.createElement("li");
      const go = Object.assign(document.createElement("button"), { type: "button", textContent: clock(scene.start) });
      go.setAttribute("aria-label", `Play from ${scene.title}, ${clock(scene.start)}`);
      go.addEventListener("click", () => this.seek(scene.start, true));
      const words = Object.assign(document.createElement("p"), { textContent: scene.lines.map((l) => l.show).join(" ") });
      item.append(go, Object.assign(document.createElement("strong"), { textContent: scene.title }), words);
      return item;
    }));
    this.ring = Object.assign(document.createElement("div"), { className: "tour-ring" });
    document.body.append(this.ring, root);
    document.body.classList.add("touring");
    this.wire();
    this.paintControls();
    this.el.play.focus({ preventScroll: true });
  }

  wire() {
    const on = (target, type, fn) => target.addEventListener(type, fn);
    const { el } = this;
    on(el.play, "click", () => this.toggle());
    on(el.prev, "click", () => this.seek(sceneStep(this.tour, this.t, -1)));
    on(el.next, "click", () => this.seek(sceneStep(this.tour, this.t, 1)));
    on(el.restart, "click", () => this.seek(0, true));
    on(el.takeover, "click", () => this.takeOver());
    on(el.close, "click", () => this.close());
    on(el.speed, "change", () => this.setSpeed(Number(el.speed.value)));
    on(el.cc, "click", () => this.setCaptions(el.caption.hidden));
    on(el.mute, "click", () => this.setMuted(!this.muted));
    on(el.transcriptOpen, "click", () => {
      el.transcript.hidden = !el.transcript.hidden;
      el.transcriptOpen.setAttribute("aria-expanded", String(!el.transcript.hidden));
    });
    on(el.scrubber, "pointerdown", (e) => {
      const box = el.scrubber.getBoundingClientRect();
      this.seek(Math.min(1, Math.max(0, (e.clientX - box.left) / box.width)) * this.tour.duration);
    });
    this.keys = (e) => this.key(e);
    this.interrupt = (e) => {
      if (this.playing && !this.root.contains(e.target)) {
        this.pause();
        this.say("Paused: press Play to go on, or Take over to keep exploring this view.");
      }
    };
    this.hidden = () => { if (document.hidden && this.playing) this.pause(); };
    document.addEventListener("keydown", this.keys);
    document.addEventListener("pointerdown", this.interrupt, true);
    document.addEventListener("visibilitychange", this.hidden);
  }

  key(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const inDock = this.root.contains(e.target);
    const typing = e.target.closest?.("input, select, textarea, [contenteditable]");
    if (e.key === "Escape") return this.close();
    if (typing || (!inDock && e.target !== document.body)) return; // the page's own controls keep their keys
    const onButton = e.target.closest?.("button");
    if (e.key === " " && !onButton) { e.preventDefault(); this.toggle(); }
    else if (e.key === "ArrowLeft") { e.preventDefault(); this.seek(sceneStep(this.tour, this.t, -1)); }
    else if (e.key === "ArrowRight") { e.preventDefault(); this.seek(sceneStep(this.tour, this.t, 1)); }
    else if (e.key === "Home" && e.target === this.el.scrubber) { e.preventDefault(); this.seek(0); }
    else if (e.key === "m" || e.key === "M") this.setMuted(!this.muted);
    else if (e.key === "c" || e.key === "C") this.setCaptions(this.el.caption.hidden);
  }

  paintControls() {
    const { el, tour } = this;
    const label = this.playing ? "Pause (Space)" : this.t >= tour.duration ? "Play again (Space)" : "Play (Space)";
    if (el.play.title !== label) {
      el.play.innerHTML = icon(this.playing ? "pause" : "play");
      el.play.setAttribute("aria-label", label);
      el.play.title = label;
    }
    const scene = sceneAt(tour, this.t);
    el.fill.style.width = `${(this.t / tour.duration) * 100}%`;
    el.time.textContent = `${clock(this.t)} / ${clock(tour.duration)}`;
    el.scrubber.setAttribute("aria-valuenow", this.t.toFixed(1));
    el.scrubber.setAttribute("aria-valuetext",
      `Scene ${scene + 1} of ${tour.scenes.length}: ${tour.scenes[scene].title}, ${clock(this.t)} of ${clock(tour.duration)}`);
    this.root.classList.toggle("tour-fresh", !this.started);
    const cue = this.started ? captionAt(tour, this.cues, this.t) : null; // the poster shows the title
    if (cue !== this.shownCue) {
      this.shownCue = cue;
      el.caption.textContent = cue?.text ?? "";
      if (cue) this.root.dispatchEvent(new CustomEvent("tour-cue", { detail: { id: cue.id, text: cue.text } }));
    }
  }

  say(text) {
    this.el.notice.textContent = text;
  }

  // --- narration -----------------------------------------------------------------------------

  /** "audio" (the recorded narration), "speech" (the browser's voice) or "captions", with a notice when not audio. */
  chooseNarration() {
    if (this.tour.audio) {
      const audio = this.audio = new Audio();
      audio.preload = "auto";
      for (const f of this.tour.audio.files) {
        audio.append(Object.assign(document.createElement("source"), { src: new URL(`tours/${f.src}`, document.baseURI).href, type: f.type }));
      }
      audio.lastChild.addEventListener("error", () => this.lostAudio()); // every source failed
      this.root.append(audio); // inside the dock: it goes when the dock goes
      const credit = Object.assign(document.createElement("li"), { className: "tour-credit", textContent: this.tour.audio.credit });
      this.el.transcript.append(credit); // the voice's credit, where the words are
      return "audio";
    }
    return this.withoutAudio("This build has no recorded narration");
  }

  withoutAudio(why) {
    const voice = "speechSynthesis" in window && speechSynthesis.getVoices().length > 0;
    this.say(voice ? `${why}: your browser's voice reads the captions.` : `${why}: captions only.`);
    return voice ? "speech" : "captions";
  }

  lostAudio() {
    if (this.narration !== "audio") return;
    this.audio?.pause();
    this.narration = this.withoutAudio("The narration could not play here");
    this.setCaptions(true);
  }

  /** The browser's voice says a line (speech narration); resolves when it has, so the clock waits for it. */
  speak(text) {
    if (this.narration !== "speech" || this.muted) return Promise.resolve();
    return new Promise((resolve) => {
      const u = new SpeechSynthesisUtterance(text);
      u.rate = this.speed;
      u.onend = u.onerror = () => resolve();
      speechSynthesis.speak(u);
      setTimeout(resolve, (text.split(" ").length / 2 + 2) * 1000 / this.speed); // a voice that never ends
    });
  }

  syncAudio() {
    const { audio } = this;
    if (this.narration !== "audio") return;
    const run = this.playing && this.holds === 0 && this.t < (audio.duration || this.tour.duration) - 0.05;
    if (run && audio.paused) {
      if (Math.abs(audio.currentTime - this.t) > 0.05) audio.currentTime = this.t;
      audio.play().catch(() => this.lostAudio());
    } else if (!run && !audio.paused) audio.pause();
  }

  // --- the clock and the events -----------------------------------------------------------------

  tick(now) {
    const dt = this.last === undefined ? 0 : (now - this.last) / 1000;
    this.last = now;
    if (this.playing && this.holds === 0) {
      const a = this.audio;
      if (this.narration === "audio" && !a.paused) {
        // The voice leads; a voice that stalls (no sound device, a blocked decoder) hands the clock back.
        this.stalled = a.currentTime === this.heard ? this.stalled + dt : 0;
        this.heard = a.currentTime;
        if (this.stalled > 1.5) this.lostAudio();
        else this.t = Math.max(this.t, a.currentTime);
      } else {
        this.t += dt * this.speed; // no voice, or past its end
      }
      this.t = Math.min(this.t, this.tour.duration);
      if (this.waiter && this.t >= this.waiter.at) this.waiter.resolve();
    }
    this.syncAudio();
    this.paintControls();
    // The page keeps room for the dock below it (a ResizeObserver here would re-lay the page's own maps
    // inside their observers' loop).
    if (this.root.offsetHeight !== this.height) {
      this.height = this.root.offsetHeight;
      document.body.style.setProperty("--tour-height", `${this.height}px`);
    }
    this.follow();
    this.frame = requestAnimationFrame((n) => this.tick(n));
  }

  /** Resolves when the clock reaches at. */
  until(at) {
    if (this.t >= at) return Promise.resolve();
    return new Promise((resolve) => { this.waiter = { at, resolve }; });
  }

  /** The clock waits for promise (a view painting, a voice speaking). */
  async hold(promise) {
    this.holds += 1;
    try {
      await promise;
    } finally {
      this.holds -= 1;
    }
  }

  /** Ask for a view: the whole settings object, after every view asked for before it. */
  show(state) {
    // A view still queued when the tour ends is not shown: the page is the learner's again.
    this.queue = this.queue.then(() => this.ended || this.api.setState(state))
      .catch((err) => this.say(`This view could not be shown: ${err.message}`));
    return this.queue;
  }

  /** Play events from index next on, until a seek or close starts another run. */
  async run(next) {
    const generation = ++this.generation;
    const live = () => generation === this.generation;
    let speaking = Promise.resolve();
    for (let i = next; i < this.events.length; i++) {
      const e = this.events[i];
      await this.until(e.at);
      if (!live()) return;
      if (e.kind === "scene" && e.scene > 0) {
        await this.hold(Promise.all([this.queue, speaking]));
        if (!live()) return;
        this.root.dispatchEvent(new CustomEvent("tour-scene-end", { detail: { scene: e.scene - 1 } }));
      }
      this.view = e.view ? sceneState(this.defaults, e.view) : over(this.view, e.set);
      if (e.view || e.set) {
        const painted = this.show(this.view);
        if (e.view) await this.hold(painted); // a scene's picture is there before its words
      }
      if (e.point !== undefined) this.pointAt(e.point);
      if (e.kind === "line") {
        await this.hold(speaking);
        speaking = this.speak(this.tour.scenes[e.scene].lines[e.line].say);
      }
      if (!live()) return;
    }
    await this.until(this.tour.duration);
    await this.hold(Promise.all([this.queue, speaking]));
    if (!live()) return;
    this.root.dispatchEvent(new CustomEvent("tour-scene-end", { detail: { scene: this.tour.scenes.length - 1 } }));
    this.playing = false;
    this.say("The end. Take over to keep exploring this view, or play it again.");
  }

  play() {
    if (this.playing) return;
    if (this.t >= this.tour.duration) return this.seek(0, true);
    this.playing = true;
    this.say("");
    if (!this.started) {
      this.started = true;
      this.audio?.play().catch(() => {}); // within the click: the browser lets this element speak from now on
      this.seek(this.t, true);
    }
    this.syncAudio();
  }

  pause() {
    this.playing = false;
    if (this.narration === "speech") speechSynthesis.cancel();
    this.syncAudio();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Go to t (seconds): the view there at once, then on from there; play too when asked. */
  seek(t, play = false) {
    this.t = Math.min(Math.max(0, t), this.tour.duration);
    if (this.narration === "speech") speechSynthesis.cancel();
    if (this.audio && this.narration === "audio") this.audio.currentTime = this.t;
    const { state, point } = viewAt(this.tour, this.t, this.defaults, { reduced: this.reduced });
    this.view = state;
    this.hold(this.show(state));
    this.pointAt(point);
    this.shownCue = undefined;
    this.started = true;
    if (play) this.play();
    const next = this.events.findIndex((e) => e.at > this.t);
    this.run(next < 0 ? this.events.length : next);
  }

  setSpeed(x) {
    if (!(x >= 0.25 && x <= 8)) throw new Error("The explainer's speed is from 0.25× to 8×.");
    this.speed = x;
    if (this.audio) this.audio.playbackRate = x;
    if (SPEEDS.includes(x)) this.el.speed.value = String(x);
  }

  setMuted(muted) {
    this.muted = muted;
    if (this.audio) this.audio.muted = muted;
    if (muted && this.narration === "speech") speechSynthesis.cancel();
    this.el.mute.innerHTML = icon(muted ? "muted" : "sound");
    this.el.mute.setAttribute("aria-pressed", String(muted));
    this.captionsVoice();
  }

  setCaptions(on) {
    this.el.cc.setAttribute("aria-pressed", String(on));
    this.el.caption.hidden = !on;
    this.captionsVoice();
  }

  /** A screen reader reads the captions when nothing else says them (muted, or captions only). */
  captionsVoice() {
    const silent = this.muted || this.narration === "captions";
    this.el.caption.setAttribute("aria-live", silent && !this.el.caption.hidden ? "polite" : "off");
  }

  // --- pointing --------------------------------------------------------------------------------

  pointAt(selector) {
    this.target = selector ? document.querySelector(selector) : null;
    this.scrolled = false;
  }

  /** The ring follows its element; the element is scrolled into the part of the page the dock leaves. */
  follow() {
    const box = this.target?.getBoundingClientRect();
    const visible = box && box.width > 0 && box.height > 0;
    this.ring.hidden = !visible;
    if (!visible) return;
    const pad = 4;
    Object.assign(this.ring.style, { left: `${box.left - pad}px`, top: `${box.top - pad}px`,
      width: `${box.width + 2 * pad}px`, height: `${box.height + 2 * pad}px` });
    if (this.scrolled) return;
    this.scrolled = true;
    const bottom = innerHeight - this.root.offsetHeight - 8;
    if (box.top >= 8 && box.bottom <= bottom) return;
    const room = bottom - 8;
    const by = box.height > room ? box.top - 8 : box.top - 8 - (room - box.height) / 2;
    window.scrollBy({ top: by, behavior: this.reduced ? "instant" : "smooth" });
  }

  // --- leaving ----------------------------------------------------------------------------------

  /** Stop, and leave the learner in this view with its link (the address without the tour). */
  async takeOver() {
    const at = clock(this.t);
    this.end();
    await this.queue; // the view being painted is the one kept
    const here = new URL(withoutTour(location.href));
    here.hash = this.api.link();
    history.replaceState(null, "", here.href);
    const toast = Object.assign(document.createElement("p"), { className: "tour-toast", role: "status" });
    toast.textContent = `You have the controls: this is the explainer's view at ${at}. Its link is in the address bar; Copy link shares it.`;
    document.body.append(toast);
    setTimeout(() => toast.remove(), 8000);
  }

  /** Stop, and put the page back as the tour found it. */
  close() {
    this.end();
    const { settings, scroll, url } = this.before;
    const back = withoutTour(url);
    this.queue.then(() => this.api.setState(settings)).then(() => {
      history.replaceState(null, "", back);
      scrollTo(...scroll);
    }, () => { location.hash = new URL(back).hash; }); // the link then, which the page reads as it always does
    (this.opener ?? document.body).focus?.();
  }

  end() {
    this.ended = true;
    this.generation += 1;
    this.playing = false;
    this.audio?.pause();
    if (this.narration === "speech") speechSynthesis.cancel();
    cancelAnimationFrame(this.frame);
    document.removeEventListener("keydown", this.keys);
    document.removeEventListener("pointerdown", this.interrupt, true);
    document.removeEventListener("visibilitychange", this.hidden);
    this.root.remove();
    this.ring.remove();
    document.body.classList.remove("touring");
    document.body.style.removeProperty("--tour-height");
    if (open?.name === this.name) open = null;
  }

  /** window.convExplorer.tour: the player for course scripts and tests. */
  makeHandle() {
    return {
      play: () => this.play(), pause: () => this.pause(), seek: (t) => this.seek(t),
      scene: (i) => this.seek(this.tour.scenes[i].start), setSpeed: (x) => this.setSpeed(x),
      setMuted: (m) => this.setMuted(m), setCaptions: (c) => this.setCaptions(c),
      takeOver: () => this.takeOver(), close: () => this.close(),
      /** {name, time, duration, scene, sceneId, playing, speed, muted, narration, waiting (for a view or a voice)} */
      status: () => {
        const scene = sceneAt(this.tour, this.t);
        return { name: this.name, time: this.t, duration: this.tour.duration, scene, sceneId: this.tour.scenes[scene].id,
          playing: this.playing, speed: this.speed, muted: Boolean(this.muted), narration: this.narration, waiting: this.holds > 0 };
      },
      /** Listen: "cue" ({id, text}, as a caption shows) and "scene-end" ({scene}, its view painted). */
      on: (type, fn) => this.root.addEventListener(`tour-${type}`, (e) => fn(e.detail)),
      script: this.tour,
    };
  }
}

/** The address without ?tour= (a reload then opens the explorer, not the explainer). */
function withoutTour(href) {
  const url = new URL(href);
  url.searchParams.delete("tour");
  return url.href.replace(/\?(?=#|$)/, "");
}
