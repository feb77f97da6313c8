"""What every part of the bench shares: the numbers (stats, target), the request-logging server, and
opening a page with the bench's init script and waiting for the ready it records.

Nothing in the app is changed. The page is observed from outside only:
  * an init script (page/record-timings.js, injected over CDP before the page's own scripts; the CSP
    does not apply to it) records long tasks, the first draw of #input-canvas, the moment
    window.convExplorer.ready resolves, and wraps the Worker constructor to read each reply's
    meta.computeMs;
  * the static server logs every request (page and worker alike), so bytes are counted from the files
    it sent.
page.wait_for_function is blocked by the page's CSP, so the bench polls with page.evaluate.
"""
import functools
import gzip
import os
import statistics
import sys
import threading
import time
from pathlib import Path

from builder.server import make_server
from pages import CHROMIUM, CHROMIUM_ARGS, HOOK_WORKERS, READY_TIMEOUT_S, VIEWPORT

BENCH_ARGS = ["--enable-precise-memory-info", "--js-flags=--expose-gc"]
PAGE_DIR = Path(__file__).resolve().parent / "page"  # what runs in the page: scripts, and the bare page's HTML

# Set by run.main: the running sync_playwright() object (for persistent-profile contexts), and the
# dist/ given with --compare (served at compared/, timed by the start-up and code parts).
PLAYWRIGHT = [None]
COMPARED = [None]


@functools.cache
def page_js(name):
    """The text of page/<name>.js: a script that runs in the page (or its worker)."""
    return (PAGE_DIR / f"{name}.js").read_text()


def filled_js(name, placeholder, text):
    """page/<name>.js with its placeholder (a clear word or comment in it) replaced by text."""
    script = page_js(name)
    if placeholder not in script:
        raise RuntimeError(f"page/{name}.js has no {placeholder!r} to fill")
    return script.replace(placeholder, text)


INIT_SCRIPT = filled_js(
    "record-timings", "  /* HOOK_WORKERS: pages.HOOK_WORKERS, which sends every message from the explorer's Python there */\n",
    HOOK_WORKERS)


# --- numbers -----------------------------------------------------------------------------------

def stats(values, digits=2):
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "p95": None, "n": 0}
    s = sorted(values)
    pos = 0.95 * (len(s) - 1)  # linear interpolation, as numpy.percentile
    lo = int(pos)
    p95 = s[lo] + (s[min(lo + 1, len(s) - 1)] - s[lo]) * (pos - lo)
    r = (lambda v: round(v, digits)) if digits else (lambda v: int(round(v)))  # noqa: E731
    return {"median": r(statistics.median(s)), "p95": r(p95), "n": len(s), "min": r(s[0]), "max": r(s[-1])}


def target(value, limit, kind="max", judged_on=""):
    if value is None:
        return {"target": limit, "kind": kind, "judged_on": judged_on, "met": False, "why": "not measured"}
    met = value <= limit if kind == "max" else value >= limit
    return {"target": (f"≤ {limit}" if kind == "max" else f"≥ {limit}"), "judged_on": judged_on,
            "value": value, "met": bool(met)}


def rounded_tasks(tasks, phase_start=None):
    return [{"start_ms": round(t["start"], 1), "duration_ms": round(t["duration"], 1),
             **({"into_phase_ms": round(t["start"] - phase_start, 1)} if phase_start is not None else {})}
            for t in tasks]


# --- the server --------------------------------------------------------------------------------

class RequestLog:
    """Every request the static server answered: (time, path, status, body bytes)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []

    def add(self, entry):
        with self.lock:
            self.entries.append(entry)

    def since(self, index):
        with self.lock:
            return list(self.entries[index:])

    def mark(self):
        with self.lock:
            return len(self.entries)


def start_server(directory, log):
    server = make_server(directory)
    base = server.RequestHandlerClass  # functools.partial(DistHandler, directory=...)

    def log_request(self, code="-", size="-"):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        fs = self.translate_path(path)
        if os.path.isdir(fs):
            fs = os.path.join(fs, "index.html")
        try:
            code = int(code)  # an HTTPStatus or an int
        except (TypeError, ValueError):
            code = 0
        body = os.path.getsize(fs) if code == 200 and self.command == "GET" and os.path.isfile(fs) else 0
        log.add({"t": time.time() * 1000, "method": self.command, "path": path, "file": fs, "status": code,
                 "bytes": body})

    handler = type("BenchHandler", (base.func,), {"log_request": log_request})
    server.RequestHandlerClass = functools.partial(handler, *base.args, **base.keywords)
    quiet = server.handle_error

    def handle_error(request, client_address):
        # A download the page stopped (a snapshot it declined on a slow link) is not a server error.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            quiet(request, client_address)

    server.handle_error = handle_error
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


_gzip_cache = {}


def gzip_size(path):
    if path not in _gzip_cache:
        _gzip_cache[path] = len(gzip.compress(Path(path).read_bytes(), compresslevel=6))
    return _gzip_cache[path]


def bytes_of(requests):
    sent = [r for r in requests if r["status"] == 200 and r["method"] == "GET"]
    return {
        "requests": len(requests),
        "status_counts": {str(s): sum(1 for r in requests if r["status"] == s) for s in sorted({r["status"] for r in requests})},
        "raw_bytes": sum(r["bytes"] for r in sent),
        "gzip6_bytes": sum(gzip_size(r["file"]) for r in sent if os.path.isfile(r["file"])),
        "files": sorted({r["path"] for r in requests}),
        "requests_by_method": {m: sum(1 for r in requests if r["method"] == m) for m in sorted({r["method"] for r in requests})},
        "fetched_more_than_once": sorted({r["path"] for r in sent if sum(1 for x in sent if x["path"] == r["path"]) > 1}),
    }


# --- the browser ---------------------------------------------------------------------------------

def wait_recorded_ready(page, timeout=READY_TIMEOUT_S):
    """Poll (wait_for_function is blocked by the CSP) until the init script saw ready resolve or fail;
    the ms since navigation when it resolved. (pages.wait_ready waits without the init script and
    cannot tell a failed start from a slow one.)"""
    deadline = time.monotonic() + timeout
    while True:
        got = page.evaluate("() => window.__bench ? [window.__bench.readyAt, window.__bench.readyError] : [null, null]")
        if got[0] is not None:
            return got[0]
        if got[1]:
            raise RuntimeError(f"the page failed to start: {got[1]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"convExplorer.ready did not resolve within {timeout} s")
        page.wait_for_timeout(10)


def new_page(browser, on_worker=None, context=None):
    """A page with the bench's init script: in a new off-the-record context, or in context."""
    context = context or browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INIT_SCRIPT)
    page = context.pages[0] if context.pages else context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(f"{m.text} ({m.location.get('url', '?')})"))
    if on_worker:
        page.on("worker", on_worker)
    return context, page, errors


def persistent_context(profile):
    """A browser with a profile on disk (profile: a folder), like a returning visitor's: Playwright's new
    contexts are off the record, and their in-memory HTTP cache does not keep the 10 MB pyodide.asm.wasm."""
    return PLAYWRIGHT[0].chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS + BENCH_ARGS, headless=True, viewport=VIEWPORT)


def load(page, url, log):
    """Navigate and wait for ready; returns the page's load figures and the requests before ready."""
    mark = log.mark()
    page.goto(url)
    wait_recorded_ready(page)
    page.wait_for_timeout(300)  # let the frame after ready land, so late long tasks are seen
    figures = page.evaluate(page_js("load-figures"))
    ready_epoch = figures["timeOrigin"] + figures["readyAt"]
    requests = [e for e in log.since(mark) if e["t"] <= ready_epoch + 1]
    return figures, requests


def install_helpers(page):
    """A seeded random image (mulberry32) and a varying kernel, made in the page so 512×512 numbers do not
    cross CDP. (The CSP forbids inline scripts; evaluate() with a function is allowed.)"""
    page.evaluate(page_js("seeded-image-and-kernel"))
