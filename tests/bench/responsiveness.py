"""The bench's responsiveness part (`python build.py bench --only responsiveness [--quick]`).

How soon the page answers a learner's real input (Playwright's mouse and keyboard, in headless
Chromium), in three sub-parts of out["responsiveness"]:
  * first_touch: the first click right after the page (or a mode, or a lesson's embed) became usable,
    against later clicks of the same control;
  * session: a scripted learner uses every control of every mode, each interaction measured with the
    Event Timing API (as Interaction to Next Paint is) and with the page's own next frame;
  * open_mode: from a mode button's click to the mode being usable, first open and re-open.
This module has first_touch and open_mode; session.py the session; learner.py the input and the probe.

The probe (page/record-input.js, an init script beside the bench's record-timings.js) only listens:
capture listeners on document and PerformanceObservers. page.wait_for_function is blocked by the page's
CSP, so every wait is an awaited page.evaluate or a poll.
"""
import time

from .common import new_page, page_js, stats, target, wait_recorded_ready
from .interaction import CELL, click_edits
from .learner import (CHANNEL_CELLS, GAP_MS, MODES, NET_CELLS, TRANSPOSED_CELLS, fresh_page, open_mode, response_ms, results,
                      since, use)
from .session import measure_session

REPS = {
    # loads: fresh pages for the explorer's first click; mode_runs: fresh pages per mode; per_control:
    # uses of each control in the session (even, so that toggles end where they began).
    "full": {"loads": 10, "later": 5, "mode_runs": 2, "mode_later": 3, "lesson_runs": 3, "per_control": 4},
    "quick": {"loads": 3, "later": 5, "mode_runs": 1, "mode_later": 2, "lesson_runs": 1, "per_control": 2},
}
LIMITS = {"first_click_ms": 50.0, "first_vs_later": 1.5}
SETTLE_MS = 2000  # after the first touch, before the later ones
LATER_GAP_MS = 300  # between the later clicks
LESSON = "lessons/01-what-a-filter-is.html"


# --- first touch ------------------------------------------------------------------------------------

def touch_figures(first, later, label):
    """First clicks against later ones; first and later: records of the bench's click probe (page/click-probe.js)."""
    f, l_ = stats([c["painted"] for c in first]), stats([c["painted"] for c in later])
    ratio = round(f["p95"] / l_["p95"], 2) if f["p95"] and l_["p95"] else None
    out = {"first": {"to_painted": f, "to_next_frame": stats([c["frame"] for c in first])},
           "later": {"to_painted": l_, "to_next_frame": stats([c["frame"] for c in later])},
           "first_vs_later_p95": target(ratio, LIMITS["first_vs_later"],
                                        judged_on=f"first.to_painted.p95 / later.to_painted.p95 ({label})")}
    out["first"]["target"] = target(f["p95"], LIMITS["first_click_ms"], judged_on=f"first.to_painted.p95 ({label})")
    return out


def first_click_after_ready(page_or_frame, later_n):
    """The bench's click probe is set before ready, so the click follows ready at once; later clicks after 2 s."""
    page_or_frame.evaluate("(s) => { window.__bench.clickSelector = s; }", "#kernel-grid .kernel-cell")
    page_or_frame.evaluate(page_js("click-probe"), CELL)
    ready_at = wait_recorded_ready(page_or_frame)
    page_or_frame.click(CELL)
    page_or_frame.evaluate(page_js("await-click"))
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
        f"after it) is set before ready; as soon as bench.common.wait_recorded_ready sees ready (polled every 10 ms), a real "
        f"page.click on {CELL}. Then {SETTLE_MS / 1000:g} s later {reps['later']} more clicks "
        f"{LATER_GAP_MS} ms apart (bench.interaction.click_edits). last_timing_after_first_click: convExplorer.lastTiming() "
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
    "transposed": [("input cell", "click", TRANSPOSED_CELLS, "paint", "click")],
    "signal": [("tap key", "key", ("#sg-taps-canvas", ["ArrowUp", "ArrowDown"]), "paint", "keydown")],
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
        wait_recorded_ready(page)
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
    """The bench's part "responsiveness": out["responsiveness"] = first_touch, session, open_mode.
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
                   "requestAnimationFrame): channels: its kernel cells drawn; transposed and 1-D: the sum at their "
                   "cell or window written; learn: the learner wired (its target "
                   "list filled); code: the exercise shown and its Python ready (#code-status starts with Ready, "
                   "or a verdict has come); network: the "
                   "probabilities shown and the held-out accuracy not pending. first_open_ms: right after ready "
                   "in a fresh context; reopen_ms: after switching to explore (explore.reopen_ms: that switch, to "
                   "its paint) and back"),
    }
    result["session"] = timed_step("session", lambda: measure_session(browser, url, r["per_control"]))
    result["seconds"] = timed
