"""The session: one page, ready, and a scripted learner who uses every control of every mode, each
interaction measured with the Event Timing API (as Interaction to Next Paint is) and with the page's own
next frame (out["responsiveness"]["session"]; the part is responsiveness.py)."""
from .common import stats, target, wait_recorded_ready
from .interaction import HUMAN_PRESS_MS
from .learner import CHANNEL_CELLS, GAP_MS, NET_CELLS, fresh_page, open_mode, response_ms, results, since, use

LIMITS = {"control_p95_ms": 50.0, "interaction_max_ms": 100.0, "kernel_click_to_paint_ms": 4.0}
LEARN_RUN_MS = 1000  # how long the session's ▶ Learn runs before the learner pauses it


# --- the session's script ---------------------------------------------------------------------------

KERNEL_CELLS = [f"#kernel-grid .kernel-cell[data-row='{r}'][data-col='{c}']" for r, c in ((0, 1), (1, 1), (2, 0), (1, 2))]
CONV2 = "#stages section[data-stage=conv2]"  # the second layer's panel
CONV2_CELLS = [f"{CONV2} .kernel-cell[data-row='0'][data-col='{c}']" for c in (0, 1, 2)]


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
        wait_recorded_ready(page)
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
