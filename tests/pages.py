"""Chromium pages for the tests, the benchmark and the README's pictures: one copy of each helper.

The launch (Debian's Chromium), the local server with the project's headers, the waits (every one polls
the page's own state: `page.wait_for_function` is blocked by the page's Content-Security-Policy), the
page's state, what must be on screen, the explorer's Python workers, and embeds in another site's page.
"""
import contextlib
import json
import shutil
import threading
import time
from urllib.parse import urlparse

from builder import CACHE, startup_files
from builder.runtime import NUMPY_WHEEL
from builder.server import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
READY_TIMEOUT_S = 90
VIEWPORT = {"width": 1280, "height": 900}
WATCHDOG_MS = 11_000  # past the longest wait for an edit's answer (static/core/compute.js ANSWER_TIMEOUT_MS)


def serve_in_thread(directory, headers=None, types=None):
    """A static server of directory on 127.0.0.1 (a free port) with the project's headers unless given."""
    server = make_server(directory, headers=headers, types=types)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Watched:
    """A page with what it logged and requested, for 'no console error' and 'nothing leaves localhost'."""

    def __init__(self, page):
        self.page = page
        self.errors = []
        self.requests = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.context.on("request", lambda r: self.requests.append(r.url))

    def foreign_requests(self):
        return [u for u in self.requests if urlparse(u).hostname not in ("127.0.0.1", "localhost")
                and not u.startswith(("data:", "blob:"))]


# --- waits -------------------------------------------------------------------------------------

def wait_for(page, script, timeout_s=30, what=None, arg=None):
    """Poll script (a JS function of arg) in page (a page or a frame) until it returns something truthy,
    and return that."""
    deadline = time.monotonic() + timeout_s
    while not (value := page.evaluate(script, arg)):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout_s} s for {what or script}")
        page.wait_for_timeout(20)
    return value


def wait_network(page, timeout_s=30):
    """Wait until network mode has answered and measured its held-out accuracy."""
    return wait_for(page, "() => { const n = window.convExplorer.getState().network; return n.probs && !n.accuracyPending && n; }",
                    timeout_s, what="network mode's answer")


def wait_ready(page, timeout=READY_TIMEOUT_S):
    """Wait until window.convExplorer.ready has resolved (page: a page or a frame)."""
    wait_for(page, "() => !!(window.convExplorer && window.convExplorer.ready)", timeout, "window.convExplorer")
    page.evaluate("() => window.convExplorer.ready")


def open_explorer(browser, url, width=VIEWPORT["width"], height=VIEWPORT["height"], **context_args):
    """A new context's page at url, width×height CSS px, once the explorer is ready: a Watched."""
    context = browser.new_context(viewport={"width": width, "height": height}, **context_args)
    watched = Watched(context.new_page())
    watched.page.goto(url)
    wait_ready(watched.page)
    return watched


@contextlib.contextmanager
def opened_explorer(browser, url, width=VIEWPORT["width"], height=VIEWPORT["height"], **context_args):
    """open_explorer for a with block: the page's context is closed after it, whatever happens."""
    watched = open_explorer(browser, url, width, height, **context_args)
    try:
        yield watched
    finally:
        watched.page.context.close()


# --- the page's state --------------------------------------------------------------------------

def state(page):
    return page.evaluate("() => window.convExplorer.getState()")


def set_state(page, partial):
    page.evaluate("(p) => window.convExplorer.setState(p)", partial)


def after_paint(page, action, timeout_s=10):
    """Do action (a click, a key) and wait until the page has painted the result."""
    count = page.evaluate("() => Number(document.body.dataset.painted)")
    action()
    deadline = time.monotonic() + timeout_s
    while page.evaluate("() => Number(document.body.dataset.painted)") == count:
        assert time.monotonic() < deadline, "the page did not repaint"
        page.wait_for_timeout(5)


def input_cell_centre(page, row, col, size=24):
    """The page coordinates (CSS px) of the centre of the input image's pixel (row, col)."""
    page.locator("#input-canvas").scroll_into_view_if_needed()
    box = page.locator("#input-canvas").bounding_box()
    return box["x"] + (col + 0.5) * box["width"] / size, box["y"] + (row + 0.5) * box["height"] / size


# --- code mode's editor ------------------------------------------------------------------------

EDITOR_JS = "document.querySelector('#code-mode .CodeMirror').CodeMirror"  # CodeMirror 5 keeps its instance there


def editor_text(page):
    return page.evaluate(f"() => {EDITOR_JS}.getValue()")


def set_code(page, code):
    page.evaluate(f"(code) => {EDITOR_JS}.setValue(code)", code)


def run_code(page, code, button="#code-check", endless=False):
    """Put code in the editor, press button, wait for the verdict: (verdict text, error text).
    endless: the code never ends, so skip the page's clock past the time it is given (as in
    edit_through_a_restart) instead of waiting it out."""
    set_code(page, code)
    runs = int(page.locator("#code-verdict").get_attribute("data-runs") or 0)
    if endless:
        page.clock.install()
    page.click(button)
    if endless:
        page.clock.fast_forward(WATCHDOG_MS)
    wait_for(page, f"() => Number(document.getElementById('code-verdict').dataset.runs) > {runs}", what="a result")
    return page.locator("#code-verdict").inner_text(), page.locator("#code-error").inner_text()


# --- what must be on screen --------------------------------------------------------------------

def box(page, selector):
    b = page.locator(selector).first.bounding_box()
    assert b is not None, f"{selector} is not shown"
    return b


def assert_on_screen(page, selectors, width, height):
    """Each part lies inside the width×height viewport with the page scrolled to its top left."""
    assert page.evaluate("() => [scrollX, scrollY]") == [0, 0]
    for sel in selectors:
        b = box(page, sel)
        assert b["x"] >= 0 and b["y"] >= 0, f"{sel} starts off screen at {b}"
        assert b["x"] + b["width"] <= width + 0.5, f"{sel} leaves the right edge of {width}×{height}: {b}"
        assert b["y"] + b["height"] <= height + 0.5, f"{sel} leaves the bottom of {width}×{height}: {b}"
# --- the explorer's Python -------------------------------------------------------------------

def python_targets(page, browser):
    """The explorer's Python workers in page's browser context: [(type, targetId)], type "worker"
    (an explorer's own) or "shared_worker" (the site's shared one). Read over CDP: Playwright lists
    no shared workers."""
    cdp = browser.new_browser_cdp_session()
    try:
        context_id = page.context.new_cdp_session(page).send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
        return [(t["type"], t["targetId"]) for t in cdp.send("Target.getTargets")["targetInfos"]
                if t["type"] in ("worker", "shared_worker") and t["url"].endswith("/static/core/worker.js")
                and t.get("browserContextId") == context_id]
    finally:
        cdp.detach()


def edit_through_a_restart(explorer, edit, timeout_s=30):
    """setState(edit) on an explorer (a page or an embed's frame) whose Python hangs: wait until the
    watchdog says it is restarting Python, then until the new Python has painted the edit.

    On a page of its own the page's clock is Playwright's from here on (it runs as the real one does)
    so that the watchdog's ten seconds can be skipped: the hang is seen as it would be, without the
    wait. An embed's wait is real: Playwright's clock is the whole page's, and skipping it would also
    skip the other embeds' wait for their new shared Python's hello (static/core/connect.js), so they
    would give up on it and start Pythons of their own."""
    own_page = not hasattr(explorer, "page")
    if own_page:
        explorer.clock.install()
    explorer.evaluate("(edit) => { window.__edit = window.convExplorer.setState(edit); }", edit)
    if own_page:
        explorer.clock.fast_forward(WATCHDOG_MS)
    deadline = time.monotonic() + timeout_s
    while "restarting" not in explorer.locator("#message").inner_text():
        assert time.monotonic() < deadline, "the watchdog never noticed"
        explorer.wait_for_timeout(50)
    explorer.evaluate("() => window.__edit")


def hang_python(page, browser, target_id=None):
    """Make a Python worker's thread spin for ever (as a Python stuck in a loop would): the last one, or target_id's."""
    target_id = target_id or python_targets(page, browser)[-1][1]
    cdp = browser.new_browser_cdp_session()
    replies = []
    cdp.on("Target.receivedMessageFromTarget", lambda e: replies.append(json.loads(e["message"])))
    session = cdp.send("Target.attachToTarget", {"targetId": target_id, "flatten": False})["sessionId"]
    cdp.send("Target.sendMessageToTarget", {"sessionId": session, "message": json.dumps(
        {"id": 1, "method": "Runtime.evaluate", "params": {"expression": "setTimeout(() => { for (;;) {} }, 0)"}})})
    deadline = time.monotonic() + 10
    while not any(r.get("id") == 1 for r in replies):  # evaluated: the loop starts in the next task
        assert time.monotonic() < deadline, "the worker never took the loop"
        page.wait_for_timeout(10)
    cdp.detach()


# In an init script: every message from the explorer's Python (the site's SharedWorker, or a Worker of
# its own where sharing is refused) goes to window.__onWorkerMessage.
HOOK_WORKERS = """
  for (const name of ["Worker", "SharedWorker"]) {
    const Native = window[name];
    function Hooked(url, options) {
      const worker = new Native(url, options);
      (worker.port ?? worker).addEventListener("message", (e) => window.__onWorkerMessage(e));
      return worker;
    }
    Hooked.prototype = Native.prototype;
    window[name] = Hooked;
  }
"""

# An init script for tests: the timings of every "ready" the explorer's Python sends, in window.__starts.
RECORD_WORKER_STARTS = """(() => {
  window.__starts = [];
  window.__onWorkerMessage = (e) => { if (e.data && e.data.type === "ready") window.__starts.push(e.data.timings); };
""" + HOOK_WORKERS + "})()"


def as_built_without_node(site, info):
    """Make a copy of dist/ (site, and its build-info.json as the dict info) what a build without Node
    writes: no snapshot, and NumPy's bundle with its sources instead of bytecode."""
    shutil.rmtree(site / "snapshots", ignore_errors=True)
    bundle = site / info["numpy"]
    sources = startup_files.numpy_bundle(site / info["pyodidePath"] / NUMPY_WHEEL, None, CACHE)
    extra = sources.stat().st_size - bundle.stat().st_size
    shutil.copyfile(sources, bundle)
    info.update(snapshot=None, snapshotBytes=0, numpyCompiled=False,
                bytesBeforeReady=info["bytesBeforeReady"] - info.get("snapshotBytes", 0) + extra)


# --- embedding in another site's course page -------------------------------------------------

def embed_codes(browser, base_url, views):
    """{view: the Embed dialog's code for view (a link fragment)}, as an instructor copies it (default
    size), each view opened by its link in one explorer."""
    page = open_explorer(browser, base_url).page
    codes = {}
    try:
        for view in views:
            page.goto(f"{base_url}#{view}")  # the same page reads the new link
            deadline = time.monotonic() + 30
            while True:
                page.click("#embed-open")
                code = page.locator("#embed-code").input_value()
                page.click("#embed-close")
                if all(key in code for key in view.split("&")):
                    break
                assert time.monotonic() < deadline, f"the Embed dialog never gave {view}: {code}"
                page.wait_for_timeout(50)
            codes[view] = code
        return codes
    finally:
        page.context.close()


def frame_box(page):
    """The page's one iframe's box (CSS px)."""
    return page.locator("iframe").bounding_box()


def wait_for_fitted_height(page, frame, timeout_s=10):
    """Until the frame's height equals its page's content height, and stays so."""
    deadline = time.monotonic() + timeout_s
    last = None
    while True:
        content = frame.evaluate("() => document.body.scrollHeight")
        height = frame_box(page)["height"]
        if abs(content - height) <= 1 and last == (content, height):
            return height
        last = (content, height)
        assert time.monotonic() < deadline, f"the frame is {height} px tall for {content} px of content"
        page.wait_for_timeout(100)


def assert_inside(frame, selectors):
    """Each part has a size and lies inside the frame's viewport at scroll 0; nothing scrolls sideways."""
    size = frame.evaluate("() => [document.documentElement.clientWidth, innerHeight, document.documentElement.scrollWidth]")
    width, height, scroll_width = size
    assert scroll_width <= width, f"the view scrolls sideways: {scroll_width} px of content in {width}"
    for selector in selectors:
        # In the frame's own coordinates (Playwright's bounding_box() gives the top page's).
        box = frame.locator(selector).evaluate(
            "(e) => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; }")
        assert box["width"] > 0 and box["height"] > 0, f"{selector} is not shown"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, f"{selector} leaves the frame sideways: {box}"
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5, f"{selector} is below the frame: {box}"
