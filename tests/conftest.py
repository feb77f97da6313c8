"""Shared test fixtures: the built dist/ served on localhost, a real Chromium, another site.

Browser tests build dist/ once per session (offline after the first build,
thanks to the runtime cache) and serve it with the same headers as
`python build.py serve`, strict Content-Security-Policy included. The helpers
the fixtures use are in pages.py (one copy for the tests, the benchmark and
the pictures).
"""
import os

import pytest

import axe
from builder import DIST
from builder.assemble import build
from pages import CHROMIUM, CHROMIUM_ARGS, opened_explorer, serve_in_thread


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


@pytest.fixture(scope="module")
def explorer(browser, base_url):
    """One loaded explorer per test module (Python takes seconds to start); tests reset what they change."""
    with opened_explorer(browser, base_url) as watched:
        yield watched


@pytest.fixture(scope="module")
def other_site(tmp_path_factory):
    """A folder served as another site than the explorer (`localhost` against its `127.0.0.1`), as an
    LMS's course page is: .root (Path), .origin ("http://localhost:PORT")."""
    root = tmp_path_factory.mktemp("other-site")
    server = serve_in_thread(root, headers={})
    yield type("OtherSite", (), {"root": root, "origin": f"http://localhost:{server.server_address[1]}"})
    server.shutdown()


@pytest.fixture(scope="session")
def assert_accessible():
    """assert_accessible(page, view): fails listing every serious or critical axe violation in page."""
    source = axe.axe_source()
    return lambda page, view: axe.assert_accessible(page, view, source)


@pytest.fixture(scope="session")
def trained():
    """The shipped digits model, loaded in CPython: what network mode's answers are checked against."""
    from app import network
    from core_answers import DIGITS_MODEL
    return network.load(DIGITS_MODEL)


@pytest.fixture(scope="session")
def heldout():
    """The 2,000 held-out digits as the page has them: (images (2000, 24, 24), labels (2000,))."""
    from core_answers import heldout_digits
    return heldout_digits()
