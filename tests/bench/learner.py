"""A learner's real input and the probe that times the page's answer, for the responsiveness part
(responsiveness.py: first touch and opening a mode; session.py: every control).

Input is Playwright's mouse and keyboard in headless Chromium: selects change with the keyboard, because
page.select_option fires untrusted events, which the Event Timing API ignores. The probe
(page/record-input.js, an init script beside the bench's record-timings.js) only listens: capture
listeners on document and PerformanceObservers. page.wait_for_function is blocked by the page's CSP, so
every wait is an awaited page.evaluate or a poll.
"""
from .common import new_page, page_js
from .interaction import HUMAN_PRESS_MS

MODES = ("channels", "transposed", "signal", "learn", "code", "network")
GAP_MS = 150  # between a scripted learner's actions (plus an 80 ms press and Playwright's own time): a brisk person
CHANNEL_CELLS = [f"#ch-layer .kernel-cell >> nth={k}" for k in (4, 13, 22, 31)]  # a cell of each of four kernels
NET_CELLS = [f"#net-kernels .kernel-cell >> nth={k}" for k in (4, 0, 8)]
TRANSPOSED_CELLS = [f"#tr-input .kernel-cell >> nth={k}" for k in (4, 0, 8)]


# --- one interaction ------------------------------------------------------------------------------

def interact(page, label, action, until="paint", on="click", timeout_ms=20000):
    """Arm the probe, do action() with real input, wait for the app's answer; the probe's record.

    until: "paint" (convExplorer.nextPaint), "frame" (controls that repaint nothing of the app's), or a
    check of record-input.js's CHECKS (a mode's name: usable; "codeResult"). on: the event the app acts on.
    """
    page.evaluate(page_js("arm-interaction"), {"label": label, "until": until, "on": on})
    action()
    return page.evaluate(page_js("await-interaction"), timeout_ms)


def fresh_page(browser):
    """A new context (cold cache, a Python of its own) with both probes."""
    context, page, errors = new_page(browser)
    context.add_init_script(page_js("record-input"))
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
    got = page.evaluate(page_js("interaction-results"))
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


def open_mode(mode):
    """The step that opens a mode by its button (explore: until painted; another mode: until usable)."""
    return (f"mode: open {mode}", "click", [f"button[data-mode={mode}]"], "paint" if mode == "explore" else mode, "click")
