// The responsiveness probe (init script, only listens): Event Timing, and each armed interaction's input → answer → frame.
(() => {
  if (window.__resp) return;
  const r = window.__resp = { armed: null, done: [], events: [], firstInput: null, observerError: null };
  // Event Timing, as INP reads it: entries of 16 ms or more (Chromium's floor) with an interactionId.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.interactionId) r.events.push({ id: e.interactionId, name: e.name, start: e.startTime, duration: e.duration });
      }
    }).observe({ type: "event", durationThreshold: 16, buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        r.firstInput = { name: e.name, start: e.startTime, duration: e.duration, delay: e.processingStart - e.startTime };
      }
    }).observe({ type: "first-input", buffered: true });
  } catch (err) { r.observerError = String(err); }

  const $ = (id) => document.getElementById(id);
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
  // What "usable" looks like for each mode, and "done" for code mode's Run and Check: checked once a frame.
  const CHECKS = {
    channels: () => document.body.dataset.mode === "channels" && !!document.querySelector("#ch-layer .kernel-cell"),
    transposed: () => document.body.dataset.mode === "transposed" && $("tr-sum").textContent !== "" && !$("transposed-mode").inert,
    signal: () => document.body.dataset.mode === "signal" && $("sg-sum").textContent !== "" && !$("signal-mode").inert,
    learn: () => document.body.dataset.mode === "learn" && $("learn-target").options.length > 2, // the Learner is wired
    // Code: the exercise shown and its Python ready (it says Ready; after a Check or Run it says
    // nothing, but a verdict came from it).
    code: () => document.body.dataset.mode === "code" && $("code-prompt").textContent !== ""
      && (/^Ready/.test($("code-status").textContent) || Number($("code-verdict").dataset.runs || 0) > 0),
    network: () => document.body.dataset.mode === "network" && document.querySelectorAll("#net-probs .net-prob").length > 0
      && $("net-accuracy").dataset.pending === "false",
    codeResult: (a) => Number($("code-verdict").dataset.runs || 0) > a.runsBefore,
  };
  const response = async (a) => {
    if (a.until === "paint") { await window.convExplorer.nextPaint(); a.painted = performance.now(); return; }
    if (a.until === "frame") return;
    while (!CHECKS[a.until](a)) await nextFrame();
    a.usable = performance.now();
  };
  // The armed interaction. At the event the app acts on (a.on: click, change, keydown, pointerdown):
  // the timeStamp of the input that caused it (the latest pointerdown, pointerup or keydown: for a
  // held click its release), then the app's response (its paint, a check, or nothing) and the next
  // animation frame.
  const onInput = (e) => {
    const a = r.armed;
    if (!a || !e.isTrusted) return;
    if (e.type === "pointermove") { // during a drag: each move to the next frame
      if (a.start !== null) { const t = e.timeStamp; requestAnimationFrame(() => a.moves.push(performance.now() - t)); }
      return;
    }
    if (a.start === null) a.start = e.timeStamp;
    if (!a.finished && ["pointerdown", "pointerup", "keydown"].includes(e.type)) a.input = e.timeStamp;
    if (e.type !== a.on || a.finished) return;
    a.input ??= e.timeStamp;
    a.handled = performance.now();
    a.finished = response(a).then(nextFrame).then((t) => { a.frame = t; });
  };
  for (const type of ["pointerdown", "pointerup", "keydown", "input", "change", "click", "pointermove"]) {
    document.addEventListener(type, onInput, true);
  }
})();
