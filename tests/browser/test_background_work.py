"""The worker's background work never stands between a learner and an answer.

The only background work is fetching, for the next visit, a snapshot this visit declined (a slow
link). Here the server holds the snapshot back: during start-up the worker declines it, and after
ready it fetches it again in the background, which the server keeps unfinished until the test lets
it go. An edit made meanwhile must be painted while that work is still going on, and the work must
still finish afterwards, so that the next visit restores Python from the cached snapshot.
"""
import functools
import json
import threading

import pytest

from builder.server import make_server
from pages import after_paint, RECORD_WORKER_STARTS, wait_ready, Watched

CELL = "#kernel-grid .kernel-cell[data-row='0'][data-col='1']"


class LoggedServer:
    """A dist/ server that logs every path asked for, and answers for `held` only once `release` is set."""

    def __init__(self, directory, held=None):
        self.release = threading.Event()
        self.paths = []  # every path asked for, in order
        self.requested = []  # one entry per request for the held path
        self.finished = []  # the same, once its whole body was sent
        logged = self
        server = make_server(directory)
        base = server.RequestHandlerClass  # functools.partial(handler, directory=...)

        class Handler(base.func):
            def do_GET(self):
                path = self.path.split("?")[0]
                logged.paths.append(path)
                if path != f"/{held}":
                    return super().do_GET()
                logged.requested.append(path)
                logged.release.wait(60)
                try:
                    super().do_GET()
                    logged.finished.append(path)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the start-up's request, declined and dropped by the page

        server.RequestHandlerClass = functools.partial(Handler, *base.args, **base.keywords)
        server.handle_error = lambda *a: None  # a dropped download is not an error here
        self.server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}/"

    def wait_for(self, what, count, page, timeout_ms=20000):
        for _ in range(timeout_ms // 50):
            if len(getattr(self, what)) >= count:
                return
            page.wait_for_timeout(50)
        raise AssertionError(f"the snapshot was {what} {len(getattr(self, what))} times, not {count}")


@pytest.fixture
def held(dist):
    """A server of dist/ that holds the snapshot back."""
    info = json.loads((dist / "static" / "build-info.json").read_text())
    if not info["snapshot"]:
        pytest.skip("this build has no snapshot (built without Node)")
    held = LoggedServer(dist, info["snapshot"])
    yield held
    held.release.set()
    held.server.shutdown()


def open_page(context, url):
    page = context.new_page()
    watched = Watched(page)
    page.goto(url)
    wait_ready(page)
    return watched


def test_an_edit_made_during_background_work_is_answered_before_it_ends(browser, held):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_WORKER_STARTS)
    try:
        watched = open_page(context, held.url)
        page = watched.page
        assert page.evaluate("() => window.__starts[0].snapshot").startswith("declined")

        held.wait_for("requested", 2, page)  # the background fetch has begun, and is held
        before = page.evaluate("() => window.convExplorer.getState().kernel[0][1]")
        after_paint(page, lambda: page.click(CELL))
        assert page.evaluate("() => window.convExplorer.getState().kernel[0][1]") != before
        assert held.finished == [], "the edit was painted only after the background work ended"

        held.release.set()
        held.wait_for("finished", 1, page)  # the background work then goes on to the end
        # The next visit finds the snapshot in the HTTP cache and restores Python from it.
        again = open_page(context, f"{held.url}?python=own")
        assert again.page.evaluate("() => window.__starts[0].snapshot") == "used"
        assert len(held.requested) == 2, "the next visit downloaded the snapshot again"
        assert watched.errors == [] and again.errors == []
    finally:
        context.close()


def test_nothing_is_loaded_after_ready_ahead_of_the_first_edit(browser, dist):
    """Loading micropip (which nothing used) after ready held up the first edit by 0.5-1.5 s."""
    logged = LoggedServer(dist)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = open_page(context, logged.url).page
        # Work queued at ready would have asked for its files before the worker took this click.
        after_paint(page, lambda: page.click(CELL))
        assert "/static/core/worker.js" in logged.paths
        assert [p for p in logged.paths if p.endswith(".whl") and "convexplorer" not in p] == []
    finally:
        context.close()
        logged.server.shutdown()
