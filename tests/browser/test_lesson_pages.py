"""The lesson pages as a learner uses them: commit to an answer, be told, see the explorer move.

Each lesson page embeds the explorer (same origin) and moves it with the postMessage API; the tests
read the embed's own state (window.convExplorer.getState() inside the iframe) and wait on it.
"""
import time

import pytest

from builder import course
from pages import state, wait_for, wait_ready, Watched
from references import SOBEL_X


@pytest.fixture(scope="module")
def warm(browser, base_url):
    """One browser context for the module's lesson pages, with the explorer kept open in it, so that each
    lesson's embeds join its Python, as a learner's second tab does, instead of starting one each (CI time;
    an embed's own start is tested in test_shared_python.py and test_every_engine.py)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    anchor = context.new_page()
    anchor.goto(base_url)
    wait_ready(anchor)
    yield context
    context.close()


def open_lesson(warm, base_url, page_name, width=1280, height=800, color_scheme=None):
    page = warm.new_page()
    page.set_viewport_size({"width": width, "height": height})
    if color_scheme:
        page.emulate_media(color_scheme=color_scheme)
    watched = Watched(page)
    page.goto(f"{base_url}lessons/{page_name}")
    return watched


def embed(page, index=0):
    """The explorer in the lesson's index-th figure, once Python is ready in it."""
    frame = page.locator("figure.view iframe").nth(index).element_handle().content_frame()
    wait_ready(frame)
    return frame


def verdict(page):
    return page.locator("#feedback-verdict").inner_text()


@pytest.fixture
def lesson(warm, base_url, request):
    watched = open_lesson(warm, base_url, request.param)
    yield watched
    assert watched.errors == [], f"console errors on {request.param}: {watched.errors}"
    watched.page.close()


@pytest.mark.parametrize("lesson", ["05-output-size.html"], indirect=True)
def test_a_number_question_wrong_then_right_moves_the_explorer(lesson):
    page = lesson.page
    frame = embed(page)
    before = state(frame)
    assert len(before["output"]) == 22 and before["kernel"] == SOBEL_X
    more = page.locator("#feedback-more")
    assert more.is_hidden()

    page.fill("#answer", "eleven-ish")
    page.click("text=Check my answer")
    assert verdict(page) == "Type a number, such as 12 or 0.5, then check."
    assert more.is_hidden(), "nothing is revealed before the learner commits to an answer"
    assert state(frame)["stride"] == 1

    page.fill("#answer", "12")
    page.click("text=Check my answer")
    assert verdict(page) == "Not quite: you said 12."
    assert more.is_visible() and "11 cells" in page.locator(".answer-line").inner_text()
    wait_for(frame, "() => window.convExplorer.getState().stride === 2", what="the explorer moving to stride 2")
    moved = state(frame)
    assert len(moved["kernel"]) == 5 and moved["padding"] == 1
    assert len(moved["output"]) == 11 and len(moved["output"][0]) == 11  # what the answer says
    assert frame.locator("#output-canvas").is_visible()

    page.fill("#answer", "11")
    page.click("text=Check my answer")
    assert verdict(page) == "Right: 11."

    page.click("#view-1 button.reset-view")  # the lesson's starting view again
    wait_for(frame, "() => window.convExplorer.getState().stride === 1", what="the explorer going back")
    assert state(frame)["kernel"] == SOBEL_X and len(state(frame)["output"]) == 22
    assert page.locator("#feedback-verdict.right").count() == 1


@pytest.mark.parametrize("lesson", ["01-what-a-filter-is.html"], indirect=True)
def test_a_choice_question_names_the_choice_and_shows_the_bias_move_the_map(lesson):
    page = lesson.page
    frame = embed(page)
    before = state(frame)["output"]
    page.click("text=Check my answer")
    assert verdict(page) == "Choose one of the answers first, then check."
    assert page.locator("#feedback-more").is_hidden()

    page.get_by_label("Every value is doubled.").check()
    page.click("text=Check my answer")
    assert verdict(page) == "Not quite: you chose “Every value is doubled”."
    assert page.locator("label.option.is-wrong").inner_text().strip() == "Every value is doubled."
    assert page.locator("label.option.is-answer").inner_text().strip() == "Every value goes up by exactly 1."
    wait_for(frame, "() => window.convExplorer.getState().bias === 1", what="the explorer moving to bias 1")
    after = state(frame)["output"]
    shifts = {round(a - b, 5) for row_a, row_b in zip(after, before) for a, b in zip(row_a, row_b)}
    assert shifts == {1.0}  # every cell up by the bias (to the float32 the map travels in), as the lesson says

    page.get_by_label("Every value goes up by exactly 1.").check()
    page.click("text=Check my answer")
    assert verdict(page) == "Right: “Every value goes up by exactly 1”."


@pytest.mark.parametrize("lesson", ["09-stride-versus-pooling.html"], indirect=True)
def test_the_reveal_moves_the_view_it_names_and_leaves_the_other(lesson):
    page = lesson.page
    first, second = embed(page, 0), embed(page, 1)
    assert state(first)["pool"] == {"mode": "max", "size": 2, "stride": 2} and state(second)["stride"] == 2
    page.fill("#answer", "121")
    page.click("text=Check my answer")
    assert verdict(page) == "Right: 121."
    wait_for(second, "() => window.convExplorer.getState().numbers === true", what="numbers on the second map")
    assert len(state(second)["output"]) == 11
    assert state(first)["numbers"] is False and state(first)["pool"] is not None
    assert "Explorer 2 now shows it" in page.locator(".moved").inner_text()


@pytest.mark.parametrize("lesson", ["12-equivariance.html"], indirect=True)
def test_the_reveal_can_carry_a_drawn_image(lesson):
    page = lesson.page
    frame = embed(page)
    original = state(frame)["image"]
    page.get_by_label("It is the same map, moved one cell to the right.").check()
    page.click("text=Check my answer")
    wait_for(frame, "() => window.convExplorer.getState().imageName === 'custom'", what="the shifted digit")
    shifted = state(frame)["image"]
    # The digit one pixel to the right (both are 8-bit pixels, so they match to well under 1/255).
    assert all(row[0] == 0 for row in shifted)
    assert max(abs(a - b) for rs, ro in zip(shifted, original) for a, b in zip(rs[1:], ro[:-1])) < 1e-6


def test_the_explorer_links_to_the_lessons_in_order(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(base_url)
        page.click("a.lessons-link")
        page.wait_for_url("**/lessons/")
        titles = page.locator(".lesson-list a").all_inner_texts()
        assert len(titles) == 24 and titles[0] == "A filter is a small grid of weights"
        page.click(f"text={titles[0]}")
        page.click("a[rel=next]")
        assert page.locator("h1").inner_text().endswith("Sobel-x lights up vertical edges")
        assert page.locator("a[rel=prev]").get_attribute("href") == "01-what-a-filter-is.html"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_lesson_page_and_the_index_pass_axe(warm, base_url, assert_accessible, scheme):  # noqa: F811
    watched = open_lesson(warm, base_url, "08-pooling.html", color_scheme=scheme)
    page = watched.page
    try:
        embed(page)
        assert_accessible(page, f"lesson 8 ({scheme})")
        page.fill("#answer", "9")
        page.click("text=Check my answer")
        assert page.locator("#feedback-more").is_visible()
        assert_accessible(page, f"lesson 8 after an answer ({scheme})")
        page.goto(f"{base_url}lessons/")
        assert_accessible(page, f"the lessons index ({scheme})")
    finally:
        page.close()


def test_a_lesson_on_a_phone_does_not_scroll_sideways(warm, base_url):
    watched = open_lesson(warm, base_url, "10-receptive-field.html", width=390, height=844)
    page = watched.page
    try:
        frame = embed(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        box = page.locator("figure.view iframe").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert frame.evaluate("() => document.documentElement.scrollWidth") <= box["width"]
        # The frame grows to its content, so the page scrolls through every map: nothing hides inside it.
        wait_for(page, """() => { const f = document.querySelector('figure.view iframe');
            return Math.abs(f.contentDocument.documentElement.scrollHeight - f.clientHeight) <= 2; }""",
                 what="the frame fitting its content")
        box = page.locator("figure.view iframe").bounding_box()
        # The explorer in its frame puts maps two to a row (input and map, then the stages), the kernel
        # under the input: cells shrink, down to a legible size, before anything stacks.
        for part in ("#input-canvas", "#kernel-grid", "#output-canvas", "#stage-activation-canvas",
                     "#stage-conv2-canvas"):
            b = frame.locator(part).bounding_box()
            # (boxes of parts inside a frame are given in the page's coordinates)
            assert b["x"] >= box["x"] and b["x"] + b["width"] <= box["x"] + box["width"], f"{part} leaves the frame's sides"
            assert b["y"] >= box["y"] and b["y"] + b["height"] <= box["y"] + box["height"], f"{part} is below the frame"
            assert b["width"] >= 140 or part == "#kernel-grid", f"{part} is only {b['width']} px wide"
        inp, out = (frame.locator(p).bounding_box() for p in ("#input-canvas", "#output-canvas"))
        assert abs(inp["y"] - out["y"]) < 1 and inp["x"] + inp["width"] <= out["x"], "the input and the map share a row"
        page.fill("#answer", "8")
        page.click("text=Check my answer")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    finally:
        page.close()


def test_printing_a_lesson_keeps_the_text_and_question_and_drops_the_controls(warm, base_url):
    watched = open_lesson(warm, base_url, "06-weight-sharing.html")
    page = watched.page
    try:
        page.emulate_media(media="print")
        for hidden in ("figure.view iframe", "button.reset-view", "button[type=submit]", ".lesson-nav", ".lesson-top", "#answer", "#feedback"):
            assert page.locator(hidden).first.is_hidden(), f"{hidden} is printed"
        for shown in ("h1", ".lesson p", ".view figcaption", ".question .prompt"):
            assert page.locator(shown).first.is_visible(), f"{shown} is not printed"
        link = page.locator("a.view-link")
        assert link.is_visible()
        assert link.inner_text().startswith(f"The explorer online: {base_url}index.html#v=1&img=digit3")
        page.emulate_media(media="screen")
        assert link.is_hidden() and page.locator("figure.view iframe").is_visible()
    finally:
        page.close()


def test_every_lessons_views_read_without_a_notice(warm, base_url):
    """Every fragment a lesson shows (or reveals) is read by the explorer's own link reader with no notice."""
    page = warm.new_page()
    try:
        page.goto(f"{base_url}lessons/")
        # The pages as served, read without opening them (their embeds would start for nothing).
        notices = page.evaluate("""async () => {
            const { readFragment } = await import('../static/core/url.js');
            const fragments = [];
            for (const a of document.querySelectorAll('.lesson-list a')) {
                const html = new DOMParser().parseFromString(await (await fetch(a.href)).text(), 'text/html');
                fragments.push(...[...html.querySelectorAll('figure.view iframe')].map((f) => f.getAttribute('src').split('#')[1]),
                               html.getElementById('question').dataset.reveal);
            }
            return [fragments.length, fragments.map((f) => [f.slice(0, 60), readFragment(f).notices]).filter(([, n]) => n.length)];
        }""")
        assert notices[0] >= 32 and notices[1] == []
    finally:
        page.close()


@pytest.mark.parametrize("lesson", course.read_lessons(), ids=lambda lesson: lesson["file"])
def test_every_lessons_right_answer_moves_its_explorer_to_the_reveal(warm, base_url, lesson):
    """For each lesson: answer right, and the named explorer ends up on the reveal's view, with no message."""
    watched = open_lesson(warm, base_url, lesson["page"])
    page = watched.page
    q = lesson["question"]
    try:
        frame = embed(page, q["reveal"]["view"])
        want = page.evaluate("""async (fragment) => {
            const { readFragment } = await import('../static/core/url.js');
            return readFragment(fragment).partial;
        }""", q["reveal"]["fragment"])

        def matches():
            got = state(frame)
            for key, value in want.items():
                if key == "image":
                    same = got["imageName"] == value if isinstance(value, str) else \
                        max(abs(a - b) for ra, rb in zip(got["image"], value) for a, b in zip(ra, rb)) < 1e-6
                elif key in ("channels", "transposed", "signal", "network"):  # an object setting: the fields the link gives
                    same = all(got[key][k] == v for k, v in value.items())
                elif key == "layer2":
                    same = got["layer2"] is not None and got["layer2"]["kernel"] == value["kernel"]
                else:
                    same = got[key] == value
                if not same:
                    return False
            return True

        assert not matches(), f"{lesson['file']}: the explorer shows the reveal before any answer"
        if q["kind"] == "choice":
            page.locator("input[name=answer]").nth(q["answer"]).check()
        else:
            page.fill("#answer", f"{q['answer']:g}")
        page.click("text=Check my answer")
        assert verdict(page).startswith("Right"), verdict(page)
        deadline = time.monotonic() + 30
        while not matches():
            assert time.monotonic() < deadline, f"{lesson['file']}: the explorer never showed {want}"
            page.wait_for_timeout(50)
        assert frame.locator("#message").is_hidden(), frame.locator("#message").inner_text()
        assert watched.errors == [], watched.errors
    finally:
        page.close()


@pytest.mark.parametrize("lesson", ["03-blur.html"], indirect=True)
def test_numbers_are_read_as_people_write_them(lesson):
    page = lesson.page
    embed(page)
    for typed, said in [("1/3", "Right: 1/3."), ("0,33", "Right: 0,33."), (" 0.34 ", "Right: 0.34."),
                        ("−0.333", "Not quite: you said −0.333."), ("1,792", "Not quite: you said 1,792."),
                        ("1/0", "Type a number, such as 12 or 0.5, then check."),
                        ("a third", "Type a number, such as 12 or 0.5, then check.")]:
        page.fill("#answer", typed)
        page.click("text=Check my answer")
        assert verdict(page) == said, typed


def test_the_atlas_shows_a_figure_both_ways_and_its_embed_code_names_this_site(warm, base_url):
    watched = open_lesson(warm, base_url, "atlas.html")
    page = watched.page
    figure = page.locator("#padding-strides-odd")
    figure.scroll_into_view_if_needed()
    frames = [figure.locator("iframe").nth(i).element_handle().content_frame() for i in (0, 1)]
    for frame in frames:
        wait_ready(frame)
    forward, transposed = state(frames[0]), state(frames[1])
    assert (len(forward["image"]), len(forward["output"])) == (6, 3)  # the guide's i = 6 → o = 3
    assert len(transposed["transposed"]["input"]) == 3
    assert len(transposed["transposedStages"][0]["data"]) == 6  # and back to 6 with output padding 1
    code = figure.locator("code[data-embed]").nth(1).text_content()  # inside a closed <details>
    assert code.startswith(f'<iframe src="{base_url}index.html?embed#v=1&mode=transposed&tr=')
    assert f'<script src="{base_url}static/embed-resize.js" async></script>' in code
    assert watched.errors == []
