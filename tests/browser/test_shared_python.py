"""Every embed on a page shares one Python where the browser allows it, and falls back to a Python
of its own where it does not (a page of another site: an LMS).

A course page of the same origin is served by routing one address of the explorer's own server; a
page of another site is served by a second server and opened as `localhost` (the explorer is on
127.0.0.1: another site to the browser). Python workers are counted over CDP (python_targets).
"""
import time

import pytest

from pages import edit_through_a_restart, hang_python, python_targets, serve_in_thread, wait_ready, Watched
from core_answers import assert_output_matches_core
from references import SOBEL_X


VIEWS = [  # four different views, as a lesson page would embed them
    f"v=1&img=digit0&k={','.join(map(str, sum(SOBEL_X, [])))}",
    f"v=1&img=digit3&k={','.join(['0.111111'] * 9)}&s=2",
    "v=1&img=digit7&k=0,1,0,1,-4,1,0,1,0&act=relu&pool=max.2.2",
    "v=1&img=vstripes&k=1,2,1,0,0,0,-1,-2,-1&pad=same",
]


def course_page(explorer_url, views, below=()):
    """A page embedding the explorer once per view at 640×480; the embeds at indexes in below come 3000 px down."""
    frames = "\n".join(
        f'<iframe title="Explorer {i + 1}" src="{explorer_url}index.html?embed#{view}" width="640" height="480"'
        f' style="display:block;{"margin-top:3000px" if i in below else ""}"></iframe>'
        for i, view in enumerate(views))
    return f'<!doctype html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,"><title>A course page</title><body>{frames}</body></html>'


def explorer_frames(page, count, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while len(frames := [f for f in page.frames if "index.html?embed" in f.url]) < count:
        assert time.monotonic() < deadline, "the embeds never appeared"
        page.wait_for_timeout(20)
    return frames


def frame_state(frame):
    return frame.evaluate("() => window.convExplorer.getState()")


@pytest.fixture
def same_origin(browser, base_url):
    """(Watched page, frames): four embeds of different views on a page of the explorer's own origin."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    context.route(f"{base_url}course.html", lambda route: route.fulfill(
        content_type="text/html", body=course_page(base_url, VIEWS)))
    page = context.new_page()
    watched = Watched(page)
    page.goto(f"{base_url}course.html")
    frames = explorer_frames(page, len(VIEWS))
    for frame in frames:
        wait_ready(frame)
    yield watched, frames
    context.close()


def test_four_embeds_on_one_page_share_one_python(same_origin, browser):
    watched, frames = same_origin
    assert [kind for kind, _ in python_targets(watched.page, browser)] == ["shared_worker"]
    states = [frame_state(f) for f in frames]
    assert [s["imageName"] for s in states] == ["digit0", "digit3", "digit7", "vstripes"]
    assert [s["stride"] for s in states] == [1, 2, 1, 1]
    for s in states:
        assert_output_matches_core(s)
    assert watched.errors == []


def test_one_embeds_edit_never_changes_anothers_map(same_origin):
    watched, frames = same_origin
    before = [frame_state(f) for f in frames]
    frames[0].evaluate("() => window.convExplorer.setState({image: 'checker', kernel: [[1]]})")
    # Each other embed computes again on its own image (a new setting sends no pixels): still its own.
    for frame, old in zip(frames[1:], before[1:]):
        frame.evaluate("() => window.convExplorer.setState({bias: 0.25})")
        s = frame_state(frame)
        assert s["image"] == old["image"] and s["bias"] == 0.25
        assert_output_matches_core(s)
    assert_output_matches_core(frame_state(frames[0]))


def test_a_hung_shared_python_is_replaced_for_every_embed(same_origin, browser):
    watched, frames = same_origin
    page = watched.page
    [(_, hung)] = python_targets(page, browser)
    hang_python(page, browser, hung)
    edit_through_a_restart(frames[0], {"bias": 0.5})
    # The other embeds were told and moved to the new Python: their next edit is answered.
    for frame in frames[1:]:
        frame.evaluate("() => window.convExplorer.setState({bias: -0.5})")
        assert_output_matches_core(frame_state(frame))
    s = frame_state(frames[0])
    assert s["bias"] == 0.5
    assert_output_matches_core(s)
    # One new shared Python serves them all. (The hung one stays until the page closes: a browser ends
    # a SharedWorker only when every page that connected to it has gone.)
    assert [kind for kind, t in python_targets(page, browser) if t != hung] == ["shared_worker"]


@pytest.fixture
def other_site(browser, base_url, tmp_path):
    """A page of another site (localhost) with three embeds: two in view, the third 3000 px down."""
    (tmp_path / "course.html").write_text(course_page(base_url, VIEWS[:3], below={2}))
    server = serve_in_thread(tmp_path, headers={})  # an LMS's page, not the explorer's headers
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    watched = Watched(page)
    page.goto(f"http://localhost:{server.server_address[1]}/course.html")
    yield watched, explorer_frames(page, 3)
    context.close()
    server.shutdown()


def test_on_another_sites_page_each_embed_in_view_gets_its_own_python(other_site, browser):
    watched, frames = other_site
    page = watched.page
    for frame in frames[:2]:
        wait_ready(frame)
        assert_output_matches_core(frame_state(frame))
    # The embed out of view waits, and says so; no Python was started for it.
    assert "scrolled into view" in frames[2].locator("#loading").inner_text()
    assert [kind for kind, _ in python_targets(page, browser)] == ["worker", "worker"]
    frames[2].frame_element().scroll_into_view_if_needed()
    wait_ready(frames[2])
    s = frame_state(frames[2])
    assert s["imageName"] == "digit7" and s["pool"] == {"mode": "max", "size": 2, "stride": 2}
    assert_output_matches_core(s)
    assert [kind for kind, _ in python_targets(page, browser)] == ["worker"] * 3
    assert watched.errors == []


def test_an_embed_far_down_the_page_loads_nothing_more_until_it_is_scrolled_to(other_site):
    """It must take nothing from the embeds the learner is looking at: no explorer code, data or Python."""
    watched, frames = other_site
    page, far = watched.page, frames[2]
    wait_ready(frames[0])  # by now the far embed has had every chance to fetch what it would
    fetched = far.evaluate("() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)")
    assert sorted(fetched) == ["/static/core/boot.js", "/static/core/connect.js", "/static/core/embed.js", "/static/dark.css",
                              "/static/style.css"]
    assert far.evaluate("() => document.body.classList.contains('embed')")  # laid out as an embed meanwhile
    # The course page talks to it before it has started: the message waits for the explorer.
    page.evaluate("() => document.querySelectorAll('iframe')[2].contentWindow.postMessage("
                  "{type: 'set', state: {bias: 0.5}}, '*')")
    far.frame_element().scroll_into_view_if_needed()
    wait_ready(far)
    deadline = time.monotonic() + 10
    while frame_state(far)["bias"] != 0.5:
        assert time.monotonic() < deadline, "the message sent before the explorer started was lost"
        far.wait_for_timeout(20)
    assert_output_matches_core(frame_state(far))
    assert watched.errors == []


def test_an_embed_that_joins_a_running_python_ends_its_start_up_indicator(browser, base_url):
    """Scrolled to after the shared Python has started, an embed joins it: its indicator must still end."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    context.route(f"{base_url}course.html", lambda route: route.fulfill(
        content_type="text/html", body=course_page(base_url, VIEWS[:2], below={1})))
    try:
        page = context.new_page()
        watched = Watched(page)
        page.goto(f"{base_url}course.html")
        first, far = explorer_frames(page, 2)
        wait_ready(first)
        far.frame_element().scroll_into_view_if_needed()
        wait_ready(far)
        far.locator("#loading").wait_for(state="hidden", timeout=10000)
        assert far.evaluate("() => window.convExplorer.startupTiming().python") == "joined"
        assert first.evaluate("() => window.convExplorer.startupTiming().python") == "started"
        assert [kind for kind, _ in python_targets(page, browser)] == ["shared_worker"]
        assert watched.errors == []
    finally:
        context.close()


def test_a_second_tab_and_a_reload_join_the_running_python_and_end_their_indicator(browser, base_url):
    """Firefox and WebKit keep a shared worker across a reload; any browser keeps it while another tab uses it."""
    context = browser.new_context()
    try:
        first = context.new_page()
        first.goto(base_url)
        wait_ready(first)
        second = context.new_page()
        watched = Watched(second)
        for load in (lambda: second.goto(f"{base_url}#v=1&img=digit7"), second.reload):
            load()
            wait_ready(second)
            second.locator("#loading").wait_for(state="hidden", timeout=10000)
            assert second.evaluate("() => window.convExplorer.startupTiming().python") == "joined"
            second.evaluate("() => window.convExplorer.setState({bias: 0.25})")
            assert_output_matches_core(frame_state(second))
        assert first.evaluate("() => window.convExplorer.startupTiming().python") == "started"
        assert watched.errors == []
    finally:
        context.close()
