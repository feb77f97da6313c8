"""The three browser engines behind one small page interface, for tests/browser/test_every_engine.py.

- Chromium 156: Playwright, as every other browser test (Debian's /usr/bin/chromium).
- Firefox ESR 153: puppeteer-core over WebDriver BiDi, through tests/engines/firefox.mjs (no geckodriver
  exists on these machines, and puppeteer-core is the well-kept BiDi client).
- WebKitGTK 2.50 (the engine Safari is built on): Selenium's WebKitGTK driver with Debian's
  WebKitWebDriver and MiniBrowser, on an Xvfb screen of its own.

Each engine's page gives the same primitives (open, goto, eval, mouse, touch, keys, files, screenshot);
waiting, boxes and clicks on a selector are built on them once, in EnginePage. Pages are served by
`serve_collecting_errors`, which puts tests/engines/collect-errors.js first into every HTML page, so
that every engine reports console errors, uncaught errors and CSP-blocked requests the same way.
"""
import json
import os
import queue
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from builder.server import Handler, QuietServer, read_headers

ENGINES = ("chromium", "firefox", "webkit")
DRIVERS = Path(__file__).resolve().parent / "engines"
COLLECTOR = "/__tests__/collect-errors.js"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
CALL_TIMEOUT_S = 150
# The page's window and its frames' (same origin: the explorer's embeds), as a JS expression.
WINDOWS = "[window, ...[...document.querySelectorAll('iframe')].map((f) => f.contentWindow)].filter(Boolean)"


class EngineError(AssertionError):
    """The engine refused a command, or a script thrown in the page: the page's own message."""


class LostAnswer(EngineError):
    """The script ran but its answer did not come back (WebKitWebDriver's "Could not parse script result",
    seen once in CI while a tap's handlers were still running): a poll may ask again."""


# --- serving ---------------------------------------------------------------------------

class CollectingHandler(Handler):
    """dist/ with the same headers as `python build.py serve`, and the error collector first in each HTML page."""

    def send_head(self):
        path = self.path.split("?")[0].split("#")[0]
        if path == COLLECTOR:
            return self._send(DRIVERS.joinpath("collect-errors.js").read_bytes(), "text/javascript")
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        if file.suffix != ".html" or not file.is_file():
            return super().send_head()
        html = file.read_text(encoding="utf-8")
        html = html.replace("<head>", f'<head><script src="{COLLECTOR}"></script>', 1)
        return self._send(html.encode(), "text/html; charset=utf-8")

    def _send(self, body, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)


class _Body:
    """What send_head returns: a file-like the base class copies to the socket and closes."""

    def __init__(self, data):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def serve_collecting_errors(directory):
    """Serve directory on 127.0.0.1 (any free port) in a thread; returns the server."""
    handler = type("Collecting", (CollectingHandler,), {"rules": read_headers()})
    server = QuietServer(("127.0.0.1", 0), lambda *a: handler(*a, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- one interface -----------------------------------------------------------------------

class EnginePage:
    """One page in one engine. Subclasses give the primitives; the rest is written once here."""

    name = ""

    def keep_python(self, url):
        """Keep an explorer open at url beside the tested pages, so that each new page joins its Python (as a
        learner's second tab does) instead of starting its own. WebKit's one window keeps its Python across
        navigations by itself."""

    def wait(self, js, arg=None, timeout_s=30, what="the page"):
        """Poll js (a function's source, given arg) until it returns something truthy; return that."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                value = self.eval(js, arg)
            except LostAnswer:
                value = None  # a poll only reads: asking again is safe
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: {what} did not happen within {timeout_s} s")
            time.sleep(0.03)

    def wait_ready(self, frame=None, timeout_s=90):
        """Wait for convExplorer.ready (of the page, or of the iframe matching the CSS selector frame)."""
        win = f"document.querySelector({json.dumps(frame)}).contentWindow" if frame else "window"
        self.wait(f"() => {{ const w = {win}; return !!(w && w.convExplorer && w.convExplorer.ready); }}",
                  timeout_s=timeout_s, what="window.convExplorer")
        self.eval(f"() => {win}.convExplorer.ready.then(() => true)")

    def box(self, selector):
        """The element's box in CSS pixels, {x, y, width, height}, scrolled into view, once it has stopped
        moving (the same in two frames running: a layout may still be settling, as Playwright's clicks wait for)."""
        return self.eval("""async (selector) => {
            const el = document.querySelector(selector);
            if (!el) return null;
            el.scrollIntoView({block: "center", inline: "nearest"});
            const measure = () => { const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; };
            let last = measure();
            for (let i = 0; i < 60; i++) {
                await new Promise((resolve) => requestAnimationFrame(resolve));
                const now = measure();
                if (JSON.stringify(now) === JSON.stringify(last)) return now;
                last = now;
            }
            return last;
        }""", selector)

    def center(self, selector):
        b = self.box(selector)
        assert b, f"{self.name}: nothing matches {selector}"
        return b["x"] + b["width"] / 2, b["y"] + b["height"] / 2

    def click(self, selector):
        self.mouse("click", *self.center(selector))

    def tap(self, selector):
        self.touch("tap", *self.center(selector))

    def errors(self):
        """What collect-errors.js caught in the page and in its same-origin frames."""
        return self.eval(f"() => {WINDOWS}.flatMap((w) => w.__testErrors || [])")

    def foreign_resources(self):
        """Every resource the page and its frames fetched from another origin (Resource Timing)."""
        return self.eval(f"""() => {WINDOWS}.flatMap((w) => w.performance.getEntriesByType('resource').map((e) => e.name))
            .filter((url) => !url.startsWith(location.origin) && !/^(data|blob):/.test(url))""")


# --- Chromium: Playwright ------------------------------------------------------------------

class ChromiumPage(EnginePage):
    name = "chromium"

    def __init__(self, browser):
        self.browser = browser
        self.context = browser.new_context()
        self.page = None
        self.touch_context = None  # touch is a context's setting in Playwright
        self.cdp = None  # the page's DevTools session, for touch drags
        self.version = browser.version

    def keep_python(self, url):
        kept = self.context.new_page()
        kept.goto(url)
        kept.evaluate("() => window.convExplorer.ready.then(() => true)")

    def open(self, width, height, touch=False):
        if self.page:
            self.page.close()
        if touch and not self.touch_context:
            self.touch_context = self.browser.new_context(has_touch=True)
        self.page = (self.touch_context if touch else self.context).new_page()
        self.cdp = None  # a session belongs to one page
        self.page.set_viewport_size({"width": width, "height": height})

    def goto(self, url):
        self.page.goto(url)

    def eval(self, js, arg=None):
        try:
            return self.page.evaluate(js, arg)
        except Exception as e:  # Playwright's Error: the page's message
            raise EngineError(f"chromium: {e}") from None

    def mouse(self, action, x=0, y=0):
        m = self.page.mouse
        {"click": lambda: m.click(x, y), "move": lambda: m.move(x, y, steps=4),
         "down": lambda: (m.move(x, y), m.down()), "up": m.up}[action]()

    def touch(self, action, x=0, y=0):
        if action == "tap":
            return self.page.touchscreen.tap(x, y)
        # Playwright's touchscreen only taps; a touch drag goes through the DevTools protocol.
        self.cdp = self.cdp or self.page.context.new_cdp_session(self.page)
        kind = {"start": "touchStart", "move": "touchMove", "end": "touchEnd"}[action]
        points = [] if action == "end" else [{"x": x, "y": y}]
        self.cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    def keys(self, text=None, press=None):
        if text:
            self.page.keyboard.type(text)
        if press:
            self.page.keyboard.press(press)

    def files(self, selector, paths):
        self.page.set_input_files(selector, [str(p) for p in paths])

    def screenshot(self, path):
        self.page.screenshot(path=str(path))

    def close(self):
        for context in (self.context, self.touch_context):
            if context:
                context.close()


# --- Firefox: puppeteer-core over WebDriver BiDi, through a Node bridge ----------------------

class FirefoxPage(EnginePage):
    name = "firefox"

    def __init__(self):
        self.log = tempfile.TemporaryFile("w+")  # the bridge's and Firefox's own messages, for errors
        self.proc = subprocess.Popen(["node", "firefox.mjs"], cwd=DRIVERS, text=True, bufsize=1,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)
        self.answers = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 0
        self.version = self.call("version")

    def _read(self):
        for line in self.proc.stdout:
            self.answers.put(json.loads(line))
        self.answers.put(None)  # the bridge ended

    def call(self, op, **args):
        self.next_id += 1
        self.proc.stdin.write(json.dumps({"id": self.next_id, "op": op, **args}) + "\n")
        try:
            answer = self.answers.get(timeout=CALL_TIMEOUT_S)
        except queue.Empty:
            raise EngineError(f"firefox: {op} got no answer in {CALL_TIMEOUT_S} s") from None
        if answer is None:
            self.log.seek(0)
            raise EngineError(f"firefox: the driver stopped (exit {self.proc.wait()}) during {op}:\n"
                              f"{self.log.read()[-2000:]}")
        if "error" in answer:
            raise EngineError(f"firefox: {answer['error']}")
        return answer["value"]

    def keep_python(self, url):
        self.call("keep", url=url)

    def open(self, width, height, touch=False):
        self.call("open", width=width, height=height, touch=touch)

    def goto(self, url):
        self.call("goto", url=url)

    def eval(self, js, arg=None):
        return self.call("eval", js=js, arg=arg)

    def mouse(self, action, x=0, y=0):
        self.call("mouse", action=action, x=x, y=y)

    def touch(self, action, x=0, y=0):
        self.call("touch", action=action, x=x, y=y)

    def keys(self, text=None, press=None):
        self.call("keys", text=text, press=press)

    def files(self, selector, paths):
        self.call("files", selector=selector, paths=[str(p) for p in paths])

    def screenshot(self, path):
        self.call("screenshot", path=str(path))

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        self.log.close()


# --- WebKitGTK: Selenium and WebKitWebDriver, on an Xvfb screen ------------------------------

def start_xvfb():
    """A virtual screen for MiniBrowser: (process, display name)."""
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1200x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as f:
        display = f.readline().strip()
    if not display:
        raise EngineError(f"webkit: Xvfb did not start (exit {proc.wait()})")
    return proc, f":{display}"


class WebKitPage(EnginePage):
    name = "webkit"
    KEYS = {"Enter": "\ue007", "Backspace": "\ue003", "Tab": "\ue004", "ArrowRight": "\ue014",
            "ArrowLeft": "\ue012", "ArrowUp": "\ue013", "ArrowDown": "\ue015", "End": "\ue010"}

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service
        self.xvfb, display = start_xvfb()
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        service = Service(executable_path="/usr/bin/WebKitWebDriver", env={**os.environ, "DISPLAY": display})
        self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.driver.set_script_timeout(CALL_TIMEOUT_S)
        self.version = self.driver.capabilities.get("browserVersion", "")

    def open(self, width, height, touch=False):
        # The window's size includes its frame and toolbar: set it, measure the view, set it again.
        self.driver.get("about:blank")
        self.driver.set_window_size(width, height)
        inner = self.driver.execute_script("return [innerWidth, innerHeight]")
        self.driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])

    def goto(self, url):
        self.driver.get(url)

    def eval(self, js, arg=None):
        # execute_async_script gives None for undefined and cannot await: wrap the result in JSON.
        from selenium.common.exceptions import WebDriverException
        try:
            answer = self.driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                f"Promise.resolve().then(() => ({js})(arguments[0]))"
                ".then((v) => done(JSON.stringify({value: v === undefined ? null : v})),"
                " (e) => done(JSON.stringify({error: String((e && e.stack) || e)})));", arg)
        except WebDriverException as e:
            if "Could not parse script result" in str(e):
                raise LostAnswer(f"webkit: {e.msg}") from None
            raise
        answer = json.loads(answer)
        if "error" in answer:
            raise EngineError(f"webkit: {answer['error']}")
        return answer["value"]

    def mouse(self, action, x=0, y=0):
        self._act("mouse", action, x, y)

    def touch(self, action, x=0, y=0):
        self._act("touch", action, x, y)

    def _act(self, kind, action, x, y):
        from selenium.webdriver.common.actions.action_builder import ActionBuilder
        from selenium.webdriver.common.actions.pointer_input import PointerInput
        builder = ActionBuilder(self.driver, mouse=PointerInput(kind, kind))
        pointer = builder.pointer_action
        x, y = round(x), round(y)
        if action in ("click", "tap"):
            pointer.move_to_location(x, y).pointer_down().pointer_up()
        elif action in ("down", "start"):
            pointer.move_to_location(x, y).pointer_down()
        elif action == "move":
            pointer.move_to_location(x, y)
        else:
            pointer.pointer_up()
        builder.perform()

    def keys(self, text=None, press=None):
        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(self.driver).send_keys((text or "") + (self.KEYS[press] if press else "")).perform()

    def files(self, selector, paths):
        self.driver.find_element("css selector", selector).send_keys("\n".join(str(p) for p in paths))

    def screenshot(self, path):
        self.driver.save_screenshot(str(path))

    def close(self):
        try:
            self.driver.quit()
        finally:
            self.xvfb.terminate()
            self.xvfb.wait(timeout=10)


def launch(name, chromium=None):
    """A page in the named engine (chromium needs Playwright's browser)."""
    if name == "chromium":
        return ChromiumPage(chromium)
    return {"firefox": FirefoxPage, "webkit": WebKitPage}[name]()
