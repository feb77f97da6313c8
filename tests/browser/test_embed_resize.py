"""The Embed dialog's code on a course page of another site: the frame fills the column, and with
static/embed-resize.js its height follows the view; without the script (a host that strips it) the
frame keeps its aspect ratio and the view fits it. Checked by geometry, at column widths from a phone's
to a wide page's.

The course page is served by a second server and opened as `localhost` (the explorer is on 127.0.0.1:
another site to the browser), as an LMS's page would be.
"""
import time

import pytest

from pages import assert_inside, embed_codes, frame_box, wait_for_fitted_height, wait_ready


# What each view is about: these must lie inside the frame.
ESSENTIAL = {
    "v=1&img=digit3": ["#input-canvas", "#kernel-grid", "#output-canvas"],
    "v=1&mode=network": ["#net-input", "#net-probs", "#net-layers"],
    "v=1&mode=channels": ["#ch-input-0", "#ch-input-1", "#ch-input-2", "canvas[aria-label='filter 1 output']"],
    "v=1&mode=learn": ["#kernel-grid", "#output-canvas", "#loss-curve", "#learn-play"],
    "v=1&mode=code": ["#code-prompt", ".editor", "#code-run", "#code-check"],
}
# The other modes' sections stay hidden at every width.
HIDDEN = {"v=1&img=digit3": ["#network-mode"], "v=1&mode=network": ["#explorer"], "v=1&mode=channels": ["#explorer"],
          "v=1&mode=learn": ["#channels-mode"], "v=1&mode=code": ["#explorer"]}
# Every view at a phone's widths and a theme's column; explore and network mode at a wide page's too.
WIDTHS = {view: [w for w in (1000, 688, 390, 320) if w in (320, 688) or view in ("v=1&img=digit3", "v=1&mode=network")]
          for view in ESSENTIAL}


@pytest.fixture(scope="module")
def dialog_codes(browser, base_url):
    """{view: the Embed dialog's code for it}, as an instructor copies it (default size: the column)."""
    return embed_codes(browser, base_url, list(ESSENTIAL))


@pytest.fixture(scope="module")
def course_site(other_site):
    """serve(html) -> the URL of a course page on another site holding html."""
    count = iter(range(10_000))

    def serve(html):
        name = f"page{next(count)}.html"
        (other_site.root / name).write_text(html)
        return f"{other_site.origin}/{name}"

    return serve


def column_page(code, width):
    """A course page whose content column is width px (a theme's column, a phone's screen)."""
    return (f'<!doctype html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,">'
            f'<title>A lesson</title><body style="margin:0"><main style="width:{width}px;margin:0 auto">'
            f'<p>Before the explorer.</p>{code}<p>After it.</p></main></body></html>')


def open_course(browser, url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    deadline = time.monotonic() + 60
    while not (page.frames[1:] and page.frames[1].evaluate("() => !!window.convExplorer")):
        assert time.monotonic() < deadline, "the embed never appeared"
        page.wait_for_timeout(20)
    frame = page.frames[1]
    wait_ready(frame)
    return page, frame


@pytest.mark.parametrize("view", list(ESSENTIAL))
def test_with_the_script_the_frame_fills_the_column_and_its_height_follows_the_view(
        browser, dialog_codes, course_site, view):
    """One course page per view, its window and column narrowed from a wide page's to a phone's (as a
    window resized, or a tablet turned): at each width the frame fills the column and fits the view."""
    code = dialog_codes[view]
    assert "embed-resize.js" in code and "width: 100%" in code
    widths = WIDTHS[view]
    page, frame = open_course(browser, course_site(column_page(code, widths[0])), widths[0])
    try:
        for width in widths:
            narrow(page, width)
            check_fitted_view(page, frame, view, width)
    finally:
        page.context.close()


def narrow(page, width):
    """The course page's window and its column, width px wide (a window resized, a tablet turned)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate("(w) => { document.querySelector('main').style.width = w + 'px'; }", width)


def check_fitted_view(page, frame, view, width):
    assert frame_box(page)["width"] == width
    height = wait_for_fitted_height(page, frame)
    assert frame.evaluate("() => document.documentElement.scrollHeight") <= height + 1, width  # no scroll bar inside
    assert_inside(frame, ESSENTIAL[view])
    assert all(frame.locator(part).is_hidden() for part in HIDDEN[view])
    if view == "v=1&img=digit3" and width < 561:
        # Compact on a phone: the input and the map share a row, and the kernel follows within a
        # phone's screen (844 px), so the three are seen together.
        inp, kernel, out = (frame.locator(p).bounding_box() for p in ESSENTIAL[view])
        assert abs(inp["y"] - out["y"]) < 1 and inp["x"] + inp["width"] <= out["x"]
        top = frame_box(page)["y"]  # (bounding_box() is in the course page's coordinates)
        assert inp["width"] >= 130 and kernel["y"] - top + kernel["height"] <= 844  # cells of 5.4 px at least
    if view == "v=1&img=digit3":
        # Stages on: two more maps (a row of their own, or smaller maps), and the frame follows; then off.
        frame.evaluate("() => window.convExplorer.setState({activation: 'relu', pool: {mode: 'max', size: 2, stride: 2}})")
        wait_for_fitted_height(page, frame)
        assert_inside(frame, ESSENTIAL[view] + ["#stage-activation-canvas", "#stage-pool-canvas"])
        frame.evaluate("() => window.convExplorer.setState({activation: 'none', pool: null})")
    if view == "v=1&mode=network":
        # Every map without scrolling sideways, each layer's maps level with its group's (a heading
        # that wraps moves them all), three layers to a row on a small phone.
        assert frame.evaluate("() => { const l = document.querySelector('.net-layers'); "
                              "return l.scrollWidth <= l.clientWidth; }")
        tops = frame.evaluate("() => [...document.querySelectorAll('.net-column')]"
                              ".map((c) => Math.round(c.querySelector('.net-maps').getBoundingClientRect().top))")
        assert len(tops) == 6 and len(set(tops[:3])) == 1 and len(set(tops[3:])) == 1, tops
        assert (tops[0] < tops[3]) == (width < 380), tops
    if view == "v=1&mode=channels" and width < 561:
        # A phone: a filter's sum in two rows, "red + green +" over "blue + bias = output".
        tops = frame.evaluate("() => [...document.querySelector('.ch-sum').querySelectorAll('canvas')]"
                              ".map((c) => Math.round(c.getBoundingClientRect().top))")
        assert len(tops) == 4 and tops[0] == tops[1] < tops[2] == tops[3], tops
    if view == "v=1&mode=code":
        # The frame has room for the whole starter code: the editor does not scroll.
        assert frame.evaluate("() => { const s = document.querySelector('.CodeMirror-scroll'); "
                              "return s.scrollHeight <= s.clientHeight + 1; }")


@pytest.mark.parametrize("view, ratio", [("v=1&img=digit3", 3 / 4), ("v=1&mode=network", 1)])
def test_without_the_script_the_frame_keeps_its_ratio_and_the_view_fits_it(browser, dialog_codes, course_site, view,
                                                                            ratio):
    """A host that strips scripts (Canvas, some LMS editors): the frame is the column's width at 4:3 (network
    mode: 1:1), and what the view is about fits in it, in a wide column and in a theme's."""
    code = dialog_codes[view].split("\n")[0]
    assert code.startswith("<iframe") and "aspect-ratio:" in code
    page, frame = open_course(browser, course_site(column_page(code, 1000)), 1000)
    try:
        for width in (1000, 688):
            narrow(page, width)
            frame.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")  # refitted
            box = frame_box(page)
            assert box["width"] == width and abs(box["height"] - width * ratio) <= 1, (width, box)
            assert_inside(frame, ESSENTIAL[view])
    finally:
        page.context.close()


def test_only_the_explorers_own_messages_size_a_frame(browser, dialog_codes, course_site):
    page, frame = open_course(browser, course_site(column_page(dialog_codes["v=1&img=digit3"], 688)), 688)
    try:
        height = wait_for_fitted_height(page, frame)
        # The course page itself (another origin) says "size": the resizer must not listen.
        # Messages are delivered in order: once the marker arrives, the resizer has seen the first.
        page.evaluate("""() => new Promise((resolve) => {
          addEventListener("message", (e) => e.data === "marker" && resolve());
          postMessage({type: "size", height: 40}, "*");
          postMessage("marker", "*");
        })""")
        assert frame_box(page)["height"] == height
    finally:
        page.context.close()


# The parent page's log of the explorers' messages: [frame index, type, ms].
MESSAGE_LOG = """window.__log = [];
addEventListener("message", (e) => {
  const i = [...document.querySelectorAll("iframe")].findIndex((f) => f.contentWindow === e.source);
  if (i >= 0 && e.data) window.__log.push([i, e.data.type, Date.now()]);
});"""


def test_the_script_starts_an_explorer_within_a_screen_once_the_one_in_view_is_ready(browser, dialog_codes,
                                                                                      course_site):
    """On another site's page a frame learns only when it is in view; the script sees the next one coming
    a screen ahead, and starts it once the one in view is ready, so that one is not slowed."""
    code = dialog_codes["v=1&img=digit3"]
    frame_code, script = code.split("\n")
    gap = '<div style="height:{}px"></div>'
    # The third without loading="lazy" (an old code): loaded at once, it must still wait.
    body = frame_code + gap.format(700) + frame_code + gap.format(5000) + frame_code.replace(' loading="lazy"', "") + script
    context = browser.new_context(viewport={"width": 700, "height": 900})
    page = context.new_page()
    page.add_init_script(MESSAGE_LOG)
    try:
        page.goto(course_site(column_page(body, 688)))
        frames = [f.content_frame() for f in page.query_selector_all("iframe")]
        wait_ready(frames[0])
        # The second starts below the view but within a screen of it: it becomes ready without a scroll.
        assert page.query_selector_all("iframe")[1].bounding_box()["y"] > 900
        wait_ready(frames[1])
        assert page.evaluate("() => scrollY") == 0
        log = page.evaluate("() => window.__log")
        first_ready = next(t for i, kind, t in log if i == 0 and kind == "ready")
        second_started = frames[1].evaluate(  # when it asked for the explorer's code (ms since 1970)
            "() => performance.timeOrigin + performance.getEntriesByType('resource')"
            ".find((r) => r.name.endsWith('/main.js')).startTime")
        assert second_started >= first_ready, log
        # The third, 5,000 px further, has loaded no explorer (only boot.js's placeholder API).
        assert frames[2].evaluate("() => typeof window.convExplorer.getState") == "undefined"
        assert "scrolled into view" in frames[2].locator("#loading").inner_text()
        assert not any(i == 2 and kind != "waiting" for i, kind, _ in log), log
    finally:
        context.close()
