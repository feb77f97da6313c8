"""The bench's responsiveness part (`python build.py bench --only responsiveness [--quick]`).

How soon the page answers a learner's real input (Playwright's mouse and keyboard, in headless
Chromium), in three sub-parts of out["responsiveness"]:
  * first_touch: the first click right after the page (or a mode, or a lesson's embed) became usable,
    against later clicks of the same control;
  * session: a scripted learner uses every control of every mode, each interaction measured with the
    Event Timing API (as Interaction to Next Paint is) and with the page's own next frame;
  * open_mode: from a mode button's click to the mode being usable, first open and re-open.

The probe (RESP_INIT, an init script beside bench.INIT_SCRIPT) only listens: capture listeners on
document and PerformanceObservers. page.wait_for_function is blocked by the page's CSP, so every wait
is an awaited page.evaluate or a poll.
"""
import time

from bench import (CELL, HUMAN_PRESS_MS, JS_AWAIT_CLICK, JS_CLICK_PROBE, click_edits, new_page, stats, target,
                   wait_ready)

REPS = {
    # loads: fresh pages for the explorer's first click; mode_runs: fresh pages per mode; per_control:
    # uses of each control in the session (even, so that toggles end where they began).
    "full": {"loads": 10, "later": 5, "mode_runs": 2, "mode_later": 3, "lesson_runs": 3, "per_control": 4},
    "quick": {"loads": 3, "later": 5, "mode_runs": 1, "mode_later": 2, "lesson_runs": 1, "per_control": 2},
}
LIMITS = {"first_click_ms": 50.0, "first_vs_later": 1.5, "control_p95_ms": 50.0, "interaction_max_ms": 100.0,
          "kernel_click_to_paint_ms": 4.0}
MODES = ("channels", "learn", "code", "network")
SETTLE_MS = 2000  # after the first touch, before the later ones
LATER_GAP_MS = 300  # between the later clicks
GAP_MS = 150  # between a scripted learner's actions (plus an 80 ms press and Playwright's own time): a brisk person
LEARN_RUN_MS = 1000  # how long the session's ▶ Learn runs before the learner pauses it
LESSON = "lessons/01-what-a-filter-is.html"

# --- what runs in the page ------------------------------------------------------------------------

RESP_INIT = r"""
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
"""

JS_ARM = """({ label, until, on }) => {
  window.__resp.armed = { label, until, on, armedAt: performance.now(), start: null, input: null, handled: null,
    painted: null, usable: null, frame: null, finished: null, moves: [],
    runsBefore: Number(document.getElementById("code-verdict")?.dataset.runs || 0) };
}"""

JS_AWAIT = """async (timeoutMs) => {
  const r = window.__resp, a = r.armed, t0 = performance.now();
  const left = () => Math.max(0, timeoutMs - (performance.now() - t0));
  while (!a.finished && left() > 0) await new Promise((resolve) => setTimeout(resolve, 5)); // the input may be on its way
  if (a.finished) await Promise.race([a.finished, new Promise((resolve) => setTimeout(resolve, left()))]);
  r.armed = null;
  const { finished, ...record } = a;
  record.error = a.frame !== null ? null : a.start === null ? "no input reached the page"
    : a.handled === null ? `no ${a.on} event` : `no ${a.until} within ${timeoutMs} ms`;
  r.done.push(record);
  return record;
}"""

JS_RESULTS = """async () => {
  // Event Timing entries arrive after the frame they end in: give the last ones two frames and a moment.
  for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const r = window.__resp;
  return { done: r.done, events: r.events, firstInput: r.firstInput, observerError: r.observerError,
           longtasks: window.__bench.longtasks };
}"""


# --- one interaction ------------------------------------------------------------------------------

def interact(page, label, action, until="paint", on="click", timeout_ms=20000):
    """Arm the probe, do action() with real input, wait for the app's answer; the probe's record.

    until: "paint" (convExplorer.nextPaint), "frame" (controls that repaint nothing of the app's), or a
    check of RESP_INIT's CHECKS (a mode's name: usable; "codeResult"). on: the event the app acts on.
    """
    page.evaluate(JS_ARM, {"label": label, "until": until, "on": on})
    action()
    return page.evaluate(JS_AWAIT, timeout_ms)


def fresh_page(browser):
    """A new context (cold cache, a Python of its own) with both probes."""
    context, page, errors = new_page(browser)
    context.add_init_script(RESP_INIT)
    page.set_default_timeout(15000)  # a control that is not there fails the part in 15 s, not 30
    return context, page, errors


def since(record, end_key, start_key="handled"):
    """ms from the record's start_key to its end_key, or None."""
    a, b = record.get(start_key), record.get(end_key)
    return None if a is None or b is None else b - a


def response_ms(record):
    """From the event the app acts on to its answer: painted, or usable (a mode, code's result)."""
    return since(record, "painted") if record["until"] == "paint" else since(record, "usable")


def with_event_timing(records, events):
    """Each record's Event Timing duration: the longest entry with an interactionId between its arming
    and the next one's (None: nothing of 16 ms or more, Chromium's floor)."""
    bounds = [r["armedAt"] for r in records] + [float("inf")]
    for i, r in enumerate(records):
        durations = [e["duration"] for e in events if bounds[i] <= e["start"] < bounds[i + 1]]
        r["eventTimingMs"] = max(durations) if durations else None
    return records


def results(page):
    """Every interaction the probe recorded on page, with its Event Timing duration, and the long tasks."""
    got = page.evaluate(JS_RESULTS)
    with_event_timing(got["done"], got["events"])
    return got


# --- actions a learner takes -----------------------------------------------------------------------

def select_key(page, selector, i, back=True):
    """Change a <select> with the keyboard: one option down, and with back, up again on odd i (every
    select the script uses starts above its last option). page.select_option sends synthetic events,
    which Event Timing ignores; focus() is no input of its own."""
    page.focus(selector)
    page.keyboard.press("ArrowUp" if back and i % 2 else "ArrowDown")


def drag(page, selector, i):
    """Press on the canvas, move across a third of it in 12 steps, release (direction alternates)."""
    box = page.locator(selector).bounding_box()
    y = box["y"] + box["height"] * 0.5
    xs = [box["x"] + box["width"] * f for f in ((0.35, 0.65) if i % 2 == 0 else (0.65, 0.35))]
    page.mouse.move(xs[0], y)
    page.mouse.down()
    page.mouse.move(xs[1], y, steps=12)
    page.mouse.up()


def act(page, kind, what, i, press_ms):
    """The i-th use of a control. kind: click (what: selectors, taken in turn; the button held press_ms),
    select (down, then back up), select down (down each time), key ((selector, keys)), drag."""
    if kind == "click":
        page.click(what[i % len(what)], delay=press_ms)
    elif kind in ("select", "select down"):
        select_key(page, what, i, back=kind == "select")
    elif kind == "key":
        selector, keys = what
        page.focus(selector)
        page.keyboard.press(keys[i % len(keys)])
    elif kind == "drag":
        drag(page, what, i)
    else:
        raise ValueError(kind)


def use(page, step, i, press_ms=HUMAN_PRESS_MS):
    """The i-th use of a step (label, kind, what, until, on), measured."""
    label, kind, what, until, on = step
    timeout = 60000 if until in MODES else 20000 if until == "codeResult" else 5000  # code mode starts a second Python
    if kind == "type":
        selector, values = what
        page.fill(selector, values[i % len(values)])  # the typing is not measured: the Enter that applies it is
        action = lambda: page.press(selector, "Enter")  # noqa: E731
    else:
        action = lambda: act(page, kind, what, i, press_ms)  # noqa: E731
    return interact(page, label, action, until, on, timeout)


# --- the session's script ---------------------------------------------------------------------------

KERNEL_CELLS = [f"#kernel-grid .kernel-cell[data-row='{r}'][data-col='{c}']" for r, c in ((0, 1), (1, 1), (2, 0), (1, 2))]
CONV2 = "#stages section[data-stage=conv2]"  # the second layer's panel
CONV2_CELLS = [f"{CONV2} .kernel-cell[data-row='0'][data-col='{c}']" for c in (0, 1, 2)]
CHANNEL_CELLS = [f"#ch-layer .kernel-cell >> nth={k}" for k in (4, 13, 22, 31)]  # a cell of each of four kernels
NET_CELLS = [f"#net-kernels .kernel-cell >> nth={k}" for k in (4, 0, 8)]


def open_mode(mode):
    return (f"mode: open {mode}", "click", [f"button[data-mode={mode}]"], "paint" if mode == "explore" else mode, "click")


def session_script(n):
    """(step, uses) in order: every control of every mode, n uses each (mode switches and on/off switches fewer)."""
    sel = lambda label, selector: (label, "select", selector, "paint", "change")  # noqa: E731
    return [
        (("explore: kernel cell", "click", KERNEL_CELLS, "paint", "click"), n),
        (("explore: typed weight + Enter", "type", ("#kernel-value", ["0.5", "1"]), "paint", "keydown"), n),
        # Down each time: after the edits above the preset list shows "Custom", and choosing it changes nothing.
        (("explore: preset", "select down", "#preset-select", "paint", "change"), n),
        (sel("explore: image", "#image-select"), n),
        (sel("explore: kernel size", "#kernel-size"), n),
        (sel("explore: stride", "#stride"), n),
        (sel("explore: padding", "#padding"), n),
        (sel("explore: dilation", "#dilation"), n),
        (sel("explore: padding mode", "#padding-mode"), n),
        (sel("explore: activation", "#activation"), n),
        (sel("explore: pooling", "#pool"), n),
        (sel("explore: colours", "#colormap"), n),
        (("explore: numbers checkbox", "click", ["#numbers"], "paint", "change"), n),
        (("explore: shift image", "click", ["[data-shift='0,1']", "[data-shift='0,-1']"], "paint", "click"), n),
        (("explore: drag the window", "drag", "#input-canvas", "frame", "pointerdown"), n),
        (("explore: arrow key moves the window", "key", ("#input-canvas", ["ArrowRight", "ArrowLeft"]), "frame", "keydown"),
         n),
        (("explore: step the window", "click", ["#step-forward", "#step-back"], "frame", "click"), n),
        (("explore: second layer checkbox", "click", ["#layer2"], "paint", "change"), 1),
        (("explore: layer 2 kernel cell", "click", CONV2_CELLS, "paint", "click"), n),
        (sel("explore: layer 2 padding", f"{CONV2} .layer2-padding"), n),
        (sel("explore: layer 2 stride", f"{CONV2} .layer2-stride"), n),
        (sel("explore: layer 2 dilation", f"{CONV2} .layer2-dilation"), n),
        (("explore: second layer checkbox", "click", ["#layer2"], "paint", "change"), 1),

        (open_mode("channels"), 1),
        (("channels: kernel cell", "click", CHANNEL_CELLS, "paint", "click"), n),
        (sel("channels: image", "#ch-image"), n),
        (sel("channels: filters", "#ch-filters"), n),
        (sel("channels: kernel size", "#ch-size"), n),
        (sel("channels: stride", "#ch-stride"), n),
        (sel("channels: padding", "#ch-padding"), n),
        (("channels: depthwise separable checkbox", "click", ["#ch-separable"], "paint", "change"), 1),
        (("channels: 1×1 weight", "click", [".ch-weight >> nth=0", ".ch-weight >> nth=4"], "paint", "click"), n),
        (("channels: depthwise separable checkbox", "click", ["#ch-separable"], "paint", "change"), 1),

        (open_mode("learn"), 1),
        (("learn: Reset", "click", ["#learn-reset"], "paint", "click"), 1),
        (("learn: One step", "click", ["#learn-step"], "paint", "click"), n),
        # ▶ Learn runs for LEARN_RUN_MS (run_session waits that long after it), then the same button pauses it.
        (("learn: ▶ Learn", "click", ["#learn-play"], "paint", "click"), 1),
        (("learn: Pause", "click", ["#learn-play"], "frame", "click"), 1),
        (("learn: Reset", "click", ["#learn-reset"], "paint", "click"), 1),

        (open_mode("code"), 1),
        (("code: Check", "click", ["#code-check"], "codeResult", "click"), n),
        (("code: Run", "click", ["#code-run"], "codeResult", "click"), n),

        (open_mode("network"), 1),
        (("network: weight edit", "click", NET_CELLS, "paint", "click"), n),
        (("network: ▶ next digit", "click", ["#net-next"], "paint", "click"), n),
        (("network: ◀ previous digit", "click", ["#net-prev"], "paint", "click"), n),
        (("network: open a filter (map click)", "click",
          [".net-map-button[data-layer='3'][data-filter='5']", ".net-map-button[data-layer='0'][data-filter='0']"],
          "paint", "click"), n),
        (("network: zero this filter", "click", ["#net-zero"], "paint", "click"), n),
        (("network: reset this filter", "click", ["#net-reset-filter"], "paint", "click"), n),
        (("network: reset to the trained weights", "click", ["#net-reset"], "paint", "click"), 1),
        (open_mode("explore"), 1),
    ]



def run_session(page, n):
    """The scripted learner: every step of session_script, a person's gap after each use."""
    for step, uses in session_script(n):
        for i in range(uses):
            use(page, step, i)
            page.wait_for_timeout(LEARN_RUN_MS if step[0] == "learn: ▶ Learn" else GAP_MS)


def control_figures(records):
    """One control's uses: Event Timing (unreported = under 16 ms, counted as 16: an upper bound) and
    the page's own measure (input → the frame after the app's answer)."""
    et = [r["eventTimingMs"] for r in records]
    upper = stats([16 if v is None else v for v in et], 1)
    own = stats([since(r, "frame", "input") for r in records], 1)
    entry = {
        "n": len(records),
        "event_timing_ms": {k: upper[k] for k in ("median", "p95", "max")},
        "event_timing_under_16ms": sum(v is None for v in et),
        "input_to_next_frame_ms": {k: own[k] for k in ("median", "p95", "max")},
        "target": target(upper["p95"], LIMITS["control_p95_ms"], judged_on="event_timing_ms.p95 (unreported counted as 16)"),
    }
    answer = stats([response_ms(r) for r in records], 1)
    if answer["n"]:
        key = "to_painted_ms" if records[0]["until"] == "paint" else "to_usable_or_result_ms"
        entry[key] = {k: answer[k] for k in ("median", "p95", "max")}
    moves = stats([m for r in records for m in r["moves"]], 1)
    if moves["n"]:
        entry["pointermove_to_next_frame_ms"] = moves
    errors = [r["error"] for r in records if r["error"]]
    if errors:
        entry["errors"] = errors
    return entry


def overlapping_tasks(records, tasks):
    """Long tasks of the main thread that overlapped an interaction (its input to its last frame)."""
    hits = []
    for r in records:
        if r["start"] is None:
            continue
        end = r["frame"] if r["frame"] is not None else r["start"] + 1000
        for t in tasks:
            if t["start"] < end and t["start"] + t["duration"] > r["start"]:
                hits.append({"control": r["label"], "into_interaction_ms": round(t["start"] - r["start"], 1),
                             "duration_ms": round(t["duration"], 1)})
    return hits


def measure_session(browser, url, n):
    """One fresh page, ready, then the scripted learner (session_script); the figures per control."""
    context, page, errors = fresh_page(browser)
    try:
        page.goto(url)
        wait_ready(page)
        run_session(page, n)
        got = results(page)
    finally:
        context.close()
    return {**session_figures(got), "page_errors": errors[:10], "method": session_method(n)}


def session_figures(got):
    records = got["done"]
    by_control = {}
    for r in records:
        by_control.setdefault(r["label"], []).append(r)
    controls = {label: control_figures(rs) for label, rs in by_control.items()}
    worst = max(controls, key=lambda c: controls[c]["event_timing_ms"]["p95"] or 0)
    longest = max(records, key=lambda r: r["eventTimingMs"] or 0)
    clicks = stats([since(r, "painted") for r in by_control["explore: kernel cell"]], 2)
    return {
        "controls": controls,
        "interactions": len(records),
        "worst_control_p95": target(controls[worst]["event_timing_ms"]["p95"], LIMITS["control_p95_ms"],
                                    judged_on=f"the highest Event Timing p95 of any control: {worst}"),
        "longest_interaction": target(longest["eventTimingMs"] or 16, LIMITS["interaction_max_ms"],
                                      judged_on=f"the longest Event Timing duration: {longest['label']}"),
        "explore_kernel_click_to_paint_ms": {
            **clicks, "target": target(clicks["p95"], LIMITS["kernel_click_to_paint_ms"],
                                       judged_on="p95, click event (capture listener, performance.now()) → app paint, "
                                                 f"the button held {HUMAN_PRESS_MS} ms, as edit_to_paint_ms judges it")},
        "first_input": {k: round(v, 1) if isinstance(v, float) else v for k, v in (got["firstInput"] or {}).items()},
        "long_tasks_overlapping_interactions": overlapping_tasks(records, got["longtasks"]),
        "errors": [f"{r['label']}: {r['error']}" for r in records if r["error"]],
        "observer_error": got["observerError"],
    }


def session_method(n):
    return (
        f"one fresh page at the default view, ready; then a scripted learner uses every control, {n} times each "
        f"(on/off switches and mode buttons fewer), {GAP_MS} ms apart, ▶ Learn runs {LEARN_RUN_MS} ms before the "
        f"same button pauses it. Real input: page.click with the button held {HUMAN_PRESS_MS} ms as a person does, "
        "page.mouse (drags), page.keyboard (selects change with ArrowDown/ArrowUp after a JS focus, because "
        "page.select_option's events are synthetic and Event Timing ignores them; the kernel field is filled, then "
        "Enter is the interaction). event_timing_ms: a PerformanceObserver({type: 'event', durationThreshold: 16, "
        "buffered: true}) from an init script; an interaction's duration = the longest entry with an interactionId "
        "between its arming and the next's (Chromium reports none under 16 ms: those are counted in "
        "event_timing_under_16ms and as 16 in the percentiles, an upper bound). input_to_next_frame_ms: the page's "
        "own measure, capture listeners on document: the timeStamp of the input that made the app act (a click's "
        "pointerup, a key's keydown, a drag's pointerdown) → the requestAnimationFrame after the app's answer: its "
        "paint (convExplorer.nextPaint); for code mode its result (#code-verdict's data-runs); for a mode button the "
        "mode usable (see open_mode); for controls that repaint nothing of the app's (the window's moves, Pause) "
        "the event itself. to_painted_ms: the event the app acts on (click, change, keydown; performance.now() in "
        "the capture listener) → the paint. pointermove_to_next_frame_ms: each move of a drag to the next frame. "
        "long tasks: window.__bench.longtasks that overlapped an interaction's first input → last frame")


# --- first touch ------------------------------------------------------------------------------------

def touch_figures(first, later, label):
    """First clicks against later ones; first and later: records of bench's JS_CLICK_PROBE."""
    f, l_ = stats([c["painted"] for c in first]), stats([c["painted"] for c in later])
    ratio = round(f["p95"] / l_["p95"], 2) if f["p95"] and l_["p95"] else None
    out = {"first": {"to_painted": f, "to_next_frame": stats([c["frame"] for c in first])},
           "later": {"to_painted": l_, "to_next_frame": stats([c["frame"] for c in later])},
           "first_vs_later_p95": target(ratio, LIMITS["first_vs_later"],
                                        judged_on=f"first.to_painted.p95 / later.to_painted.p95 ({label})")}
    out["first"]["target"] = target(f["p95"], LIMITS["first_click_ms"], judged_on=f"first.to_painted.p95 ({label})")
    return out


def first_click_after_ready(page_or_frame, later_n):
    """bench's click probe is set before ready, so the click follows ready at once; later clicks after 2 s."""
    page_or_frame.evaluate("(s) => { window.__bench.clickSelector = s; }", "#kernel-grid .kernel-cell")
    page_or_frame.evaluate(JS_CLICK_PROBE, CELL)
    ready_at = wait_ready(page_or_frame)
    page_or_frame.click(CELL)
    page_or_frame.evaluate(JS_AWAIT_CLICK)
    first = page_or_frame.evaluate("() => window.__bench.clicks[0]")
    timing = page_or_frame.evaluate("() => window.convExplorer.lastTiming()")
    page_or_frame.wait_for_timeout(SETTLE_MS)
    return ready_at, first, timing, click_edits(page_or_frame, later_n, LATER_GAP_MS)


def measure_explore_first_touch(browser, url, reps):
    firsts, laters, timings, readies, errors = [], [], [], [], []
    for _ in range(reps["loads"]):
        context, page, page_errors = new_page(browser)
        try:
            page.goto(url)
            ready_at, first, timing, later = first_click_after_ready(page, reps["later"])
            firsts.append(first)
            laters += later
            timings.append(timing)
            readies.append(ready_at)
            errors += page_errors
        finally:
            context.close()
    out = touch_figures(firsts, laters, "explore kernel cell")
    out["last_timing_after_first_click"] = {
        key: stats([t.get(key) for t in timings]) for key in ("roundTripMs", "toWorkerMs", "workerMs", "backMs", "paintMs")}
    out["last_timing_runs"] = [{k: round(v, 1) for k, v in t.items() if isinstance(v, (int, float))} for t in timings]
    out["ready_ms"] = stats(readies, 0)
    out["page_errors"] = errors[:10]
    out["method"] = (
        f"{reps['loads']} fresh contexts (cold cache, a Python each); bench's click probe (a capture listener on "
        "document: performance.now() at the click, then convExplorer.nextPaint() and the requestAnimationFrame "
        f"after it) is set before ready; as soon as bench.wait_ready sees ready (polled every 10 ms), a real "
        f"page.click on {CELL}. Then {SETTLE_MS / 1000:g} s later {reps['later']} more clicks "
        f"{LATER_GAP_MS} ms apart (bench.click_edits). last_timing_after_first_click: convExplorer.lastTiming() "
        "right after the first click (where its time went)")
    return out


def measure_lesson_first_touch(browser, url, reps):
    firsts, laters, readies, errors = [], [], [], []
    for _ in range(reps["lesson_runs"]):
        context, page, page_errors = new_page(browser)  # bench's init script runs in the embed's frame too
        try:
            page.goto(url + LESSON)
            frame = embed_frame(page)
            ready_at, first, _, later = first_click_after_ready(frame, reps["later"])
            firsts.append(first)
            laters += later
            readies.append(ready_at)
            errors += page_errors
        finally:
            context.close()
    out = touch_figures(firsts, laters, "lesson embed kernel cell")
    out["embed_ready_ms"] = stats(readies, 0)
    out["page_errors"] = errors[:10]
    out["method"] = (f"{LESSON} in a fresh context; in its first embed's iframe, as explore's first touch: the "
                     "click probe set before ready, a real click on the kernel cell as soon as the iframe's "
                     "convExplorer.ready resolved (frame.evaluate), later clicks after 2 s. embed_ready_ms: ms "
                     "since the iframe's navigation")
    return out


def embed_frame(page, timeout_s=30):
    """The lesson's first embed, once bench's init script runs in it."""
    deadline = time.monotonic() + timeout_s
    while True:
        frames = [f for f in page.frames if "index.html?embed" in f.url]
        if frames and frames[0].evaluate("() => !!window.__bench"):
            return frames[0]
        if time.monotonic() > deadline:
            raise RuntimeError(f"{LESSON} showed no embed within {timeout_s} s")
        page.wait_for_timeout(10)


# Each mode's controls for its first touch: (label, kind, what, until, on), as in the session.
MODE_TOUCHES = {
    "channels": [("kernel cell", "click", CHANNEL_CELLS, "paint", "click")],
    "learn": [("One step", "click", ["#learn-step"], "paint", "click")],
    "code": [("Check", "click", ["#code-check"], "codeResult", "click")],
    # The digit first: an edit starts the held-out accuracy in the worker, which a click right after waits for.
    "network": [("next digit", "click", ["#net-next"], "paint", "click"),
                ("weight edit", "click", NET_CELLS, "paint", "click")],
}


def mode_run(browser, url, mode, later_n):
    """A fresh page, ready: open the mode, its controls once at once, later ones after 2 s, then away and back.
    Clicks are instant (Playwright's default), as in explore's first touch."""
    context, page, errors = fresh_page(browser)
    touch = lambda step, i: use(page, step, i, press_ms=0)  # noqa: E731
    try:
        page.goto(url)
        wait_ready(page)
        opened = touch(open_mode(mode), 0)
        first = {step[0]: touch(step, 0) for step in MODE_TOUCHES[mode]}
        page.wait_for_timeout(SETTLE_MS)
        later = {label: [] for label in first}
        for i in range(1, later_n + 1):
            for step in MODE_TOUCHES[mode]:
                later[step[0]].append(touch(step, i))
                page.wait_for_timeout(LATER_GAP_MS)
        back = touch(open_mode("explore"), 0)
        page.wait_for_timeout(GAP_MS)
        reopened = touch(open_mode(mode), 0)
        run = {"opened": opened, "first": first, "later": later, "back": back, "reopened": reopened, "errors": errors}
        timing = {d["armedAt"]: d["eventTimingMs"] for d in results(page)["done"]}
        for record in all_records(run):
            record["eventTimingMs"] = timing.get(record["armedAt"])
        return run
    finally:
        context.close()


def measure_modes(browser, url, reps):
    """first_touch.modes and open_mode, from the same runs."""
    runs = {mode: [] for mode in MODES}
    for _ in range(reps["mode_runs"]):
        for mode in MODES:
            runs[mode].append(mode_run(browser, url, mode, reps["mode_later"]))
    touches, opens = {}, {}
    for mode, rs in runs.items():
        touches[mode] = {
            "open_ms": stats([response_ms(r["opened"]) for r in rs], 1),
            "controls": {label: mode_touch_figures([r["first"][label] for r in rs],
                                                   [x for r in rs for x in r["later"][label]], f"{mode}: {label}")
                         for label in rs[0]["first"]},
            "errors": [f"{rec['label']}: {rec['error']}" for r in rs for rec in all_records(r) if rec["error"]],
            "page_errors": [e for r in rs for e in r["errors"]][:10],
        }
        opens[mode] = {"first_open_ms": touches[mode]["open_ms"],
                       "reopen_ms": stats([response_ms(r["reopened"]) for r in rs], 1)}
    opens["explore"] = {"reopen_ms": stats([response_ms(r["back"]) for rs in runs.values() for r in rs], 1)}
    return touches, opens


def all_records(run):
    later = [x for xs in run["later"].values() for x in xs]
    return [run["opened"], *run["first"].values(), *later, run["back"], run["reopened"]]


def mode_touch_figures(first, later, label):
    """A mode's first use of a control against later uses: from the event the app acts on to its answer
    (paint, or code's result) and to the frame after it."""
    f, l_ = stats([response_ms(r) for r in first]), stats([response_ms(r) for r in later])
    ratio = round(f["p95"] / l_["p95"], 2) if f["p95"] and l_["p95"] else None
    frame = lambda rs: stats([since(r, "frame") for r in rs])  # noqa: E731
    return {"first": {"to_answer": f, "to_next_frame": frame(first),
                      "event_timing_ms": [r["eventTimingMs"] for r in first]},
            "later": {"to_answer": l_, "to_next_frame": frame(later)},
            "first_vs_later_p95": target(ratio, LIMITS["first_vs_later"],
                                         judged_on=f"first.to_answer.p95 / later.to_answer.p95 ({label})")}


# --- the part --------------------------------------------------------------------------------------

def measure_responsiveness(browser, url, log, reps, out):
    """bench.py's part "responsiveness": out["responsiveness"] = first_touch, session, open_mode.
    (Its repetitions are this module's REPS, for the bench's mode; bench's reps and log are not used.)"""
    r = REPS[out.get("mode", "full")]
    result = out["responsiveness"] = {"repetitions": r}
    timed = {}

    def timed_step(name, fn):
        t = time.monotonic()
        value = fn()
        timed[name] = round(time.monotonic() - t, 1)
        return value

    explore = timed_step("explore_first_touch", lambda: measure_explore_first_touch(browser, url, r))
    lesson = timed_step("lesson_first_touch", lambda: measure_lesson_first_touch(browser, url, r))
    modes, opens = timed_step("modes", lambda: measure_modes(browser, url, r))
    result["first_touch"] = {
        "explore": explore, "lesson": lesson, "modes": modes,
        "modes_method": (
            f"per mode, {r['mode_runs']} fresh context(s), ready, then a real click on button[data-mode=<mode>]; once "
            "the mode is usable, each of its controls once at once (first), then after 2 s "
            f"{r['mode_later']} more uses of each, {LATER_GAP_MS} ms apart (later). to_answer: the event the app "
            "acts on (performance.now() in a capture listener on document) → the app's paint "
            "(convExplorer.nextPaint), for code's Check its result (#code-verdict data-runs); to_next_frame: → the "
            "requestAnimationFrame after that. learn's first One step also resets the learner (its first paint is "
            "the reset's). event_timing_ms: Event Timing duration of each first use (null: under 16 ms)"),
    }
    result["open_mode"] = {
        **opens,
        "method": ("the runs of first_touch.modes: a click on the mode's button (performance.now() at the click, "
                   "capture listener) → the frame in which the mode is first usable (checked every "
                   "requestAnimationFrame): channels: its kernel cells drawn; learn: the learner wired (its target "
                   "list filled); code: the exercise shown and its Python ready (#code-status starts with Ready, "
                   "or a verdict has come); network: the "
                   "probabilities shown and the held-out accuracy not pending. first_open_ms: right after ready "
                   "in a fresh context; reopen_ms: after switching to explore (explore.reopen_ms: that switch, to "
                   "its paint) and back"),
    }
    result["session"] = timed_step("session", lambda: measure_session(browser, url, r["per_control"]))
    result["seconds"] = timed
