"""Shared test fixtures: the built dist/ served on localhost and a real Chromium.

Browser tests build dist/ once per session (offline after the first build,
thanks to the runtime cache) and serve it with the same headers as
`python build.py serve`, strict Content-Security-Policy included.
"""
import json
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder import DIST  # noqa: E402
from builder.assemble import build  # noqa: E402
from builder.data import read_pgm  # noqa: E402
from builder.server import make_server  # noqa: E402
from app import network, ops, pipeline  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
READY_TIMEOUT_S = 90


def serve_in_thread(directory, headers=None, types=None):
    server = make_server(directory, headers=headers, types=types)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def dist():
    if not os.environ.get("CONVEXPLORER_BUILT"):  # `python build.py test` has just built it
        build()
    return DIST


@pytest.fixture(scope="session")
def base_url(dist):
    server = serve_in_thread(dist)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


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


def wait_ready(page, timeout=READY_TIMEOUT_S):
    """Wait until window.convExplorer.ready has resolved (polling state: wait_for_function is blocked by the CSP)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate("() => !!(window.convExplorer && window.convExplorer.ready)"):
        if time.monotonic() > deadline:
            raise AssertionError("window.convExplorer never appeared")
        page.wait_for_timeout(20)
    page.evaluate("() => window.convExplorer.ready")


def wait_until(page, script, arg=None, timeout_s=30):
    """Poll script (a JS function of arg) until it returns something truthy, and return that (polling
    state, as wait_ready does: wait_for_function is blocked by the CSP)."""
    deadline = time.monotonic() + timeout_s
    while not (value := page.evaluate(script, arg)):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {script}")
        page.wait_for_timeout(20)
    return value


def open_explorer(browser, url, **context_args):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_args)
    page = context.new_page()
    watched = Watched(page)
    page.goto(url)
    wait_ready(page)
    return watched


@pytest.fixture(scope="module")
def explorer(browser, base_url):
    """One loaded explorer per test module (Python takes seconds to start); tests reset what they change."""
    watched = open_explorer(browser, base_url)
    yield watched
    watched.page.context.close()


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


def edit_through_a_restart(explorer, edit, timeout_s=20):
    """setState(edit) on an explorer (a page or an embed's frame) whose Python hangs: wait until the
    watchdog says it is restarting Python, then until the new Python has painted the edit."""
    explorer.evaluate("(edit) => { window.__edit = window.convExplorer.setState(edit); }", edit)
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


@pytest.fixture(scope="module")
def other_site(tmp_path_factory):
    """A folder served as another site than the explorer (`localhost` against its `127.0.0.1`), as an
    LMS's course page is: .root (Path), .origin ("http://localhost:PORT")."""
    root = tmp_path_factory.mktemp("other-site")
    server = serve_in_thread(root, headers={})
    yield type("OtherSite", (), {"root": root, "origin": f"http://localhost:{server.server_address[1]}"})
    server.shutdown()


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


# --- what CPython's core says for a page's state (every number a page paints is checked against it) ---

DIGITS_MODEL = ROOT / "models" / "digits.json"


def expected_output(s):
    """What CPython's core computes for the page's state, as the page receives it (float32)."""
    out = ops.conv2d(np.array(s["image"]), np.array(s["kernel"]), stride=s["stride"],
                     padding=s["padding"], dilation=s["dilation"], bias=s["bias"])
    return out.astype(np.float32)


def assert_output_matches_core(s):
    np.testing.assert_array_equal(np.array(s["output"], dtype=np.float32), expected_output(s))


def colour_image(name):
    """A built-in colour image as the core reads it: (3, H, W) float32 in [0, 1]."""
    img = read_pgm(ROOT / "images" / f"{name}.ppm")
    return (np.array(img["pixels"], dtype=np.float32) / 255).reshape(3, img["height"], img["width"])


def core_channel_stages(layer, image):
    """[(name, float32 array)] of channels mode's layer (getState().channels) on image (3, H, W)."""
    settings = {k: layer[k] for k in ("stride", "padding", "separable", "filters", "depthwise", "pointwise", "biases")}
    return [(name, a.astype(np.float32)) for name, a in pipeline.run_channels(image, settings)]


def assert_channels_match_core(s, image=None):
    """Channels mode's maps in getState() s equal the core's (on its built-in image unless image is given)."""
    layer = s["channels"]
    image = colour_image(layer["image"]) if image is None else image
    expected = core_channel_stages(layer, image)
    assert [st["name"] for st in s["channelStages"]] == [n for n, _ in expected]
    for st, (name, a) in zip(s["channelStages"], expected):
        np.testing.assert_array_equal(np.array(st["data"], dtype=np.float32), a, err_msg=name)


def cpython_probs(model, image):
    """The ten class probabilities of network.forward on one image (H, W)."""
    return network.probabilities(network.forward(model, np.array(image, dtype=np.float32)[None]))[0]
