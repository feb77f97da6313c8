"""An instructor shares exact views: links that round-trip, embeds configured by query
options, and a parent page (on another origin) that drives the embed with postMessage."""
import json
import time

import pytest

from builder import settings
from pages import after_paint, open_explorer, opened_explorer, serve_in_thread, state, wait_ready
from references import SOBEL_X

SETTINGS = ["kernel", "bias", "stride", "padding", "paddingMode", "dilation", "activation", "pool",
            "layer2", "window", "colormap", "numbers", "imageName", "image"]


def wait_hash(page, needle, timeout_s=10):
    """The fragment is written shortly after a change (no history entry per click)."""
    deadline = time.monotonic() + timeout_s
    while needle not in page.evaluate("() => location.hash"):
        assert time.monotonic() < deadline, f"the link never got {needle!r}"
        page.wait_for_timeout(20)
    return page.evaluate("() => location.href")


def reopen(browser, url):
    other = open_explorer(browser, url)
    return other, state(other.page)


def test_a_link_reproduces_the_view_exactly(explorer, browser):
    page = explorer.page
    page.evaluate("""() => window.convExplorer.setState({image: "digit7",
        kernel: [[0, 1, 0, 1, 0], [1, 2, 0, -1, 0], [0, 0, -4, 0, 0], [0, 0.5, 0, 1, 0], [0, 1, 0, 1, 0]],
        bias: -0.25, padding: "same", paddingMode: "reflect", dilation: 2, activation: "leaky_relu",
        pool: {mode: "avg", size: 3, stride: 2}, layer2: {kernel: [[1, 2, 1], [0, 0, 0], [-1, -2, -1]]},
        window: {row: 5, col: 7}, colormap: "gray", numbers: true})""")
    url = wait_hash(page, "k2=")
    assert "pad=same" in url and "img=digit7" in url and "%2C" not in url
    original = state(page)
    other, copy = reopen(browser, url)
    try:
        for key in SETTINGS + ["stages"]:
            assert copy[key] == original[key], key
        assert other.errors == []
    finally:
        other.page.context.close()


def test_a_drawn_image_travels_in_the_link(explorer, browser):
    page = explorer.page
    drawn = [[((r * 7 + c * 3) % 256) / 255 for c in range(24)] for r in range(24)]
    page.evaluate("(img) => window.convExplorer.setState({image: img, kernel: %s})" % json.dumps(SOBEL_X), drawn)
    url = wait_hash(page, "px=24x24.")
    other, copy = reopen(browser, url)
    try:
        assert copy["image"] == state(page)["image"] and copy["imageName"] == "custom"
        assert copy["output"] == state(page)["output"]
    finally:
        other.page.context.close()


def test_clicks_do_not_add_history_entries(explorer):
    page = explorer.page
    length = page.evaluate("() => history.length")
    for _ in range(5):
        after_paint(page, page.locator("#kernel-grid .kernel-cell").first.click)
    assert page.evaluate("() => history.length") == length


def test_following_a_new_link_in_the_same_page(explorer):
    page = explorer.page
    page.evaluate("() => { location.hash = 'v=1&img=checker&k=0,0,0,0,1,0,0,0,0&s=2'; }")
    deadline = time.monotonic() + 10
    while state(page)["imageName"] != "checker":
        assert time.monotonic() < deadline
        page.wait_for_timeout(20)
    s = state(page)
    assert s["stride"] == 2 and s["kernel"] == [[0, 0, 0], [0, 1, 0], [0, 0, 0]]


HOSTILE_FRAGMENTS = [
    "v=1&img=<script>alert(1)</script>&k=1,2",
    "k=1e309,0,0,0,0,0,0,0,0&b=NaN&s=-1&pad=<img src=x onerror=alert(1)>",
    "w=99999,99999&d=0&pool=max.9.9&k2=x",
    "v=99&img=nosuchimage&act=sigmoid&cm=rainbow",
    "%E0%A4%A&&&==&k=" + ",".join(["1"] * 100),
    "px=24x24.!!!!&img=custom",
    "px=99x99." + "A" * 200,
    "k=" + "9" * 5000,
    "x" * 20000,
]


@pytest.mark.parametrize("fragment", HOSTILE_FRAGMENTS)
def test_a_broken_or_hostile_link_leaves_a_working_page(browser, base_url, fragment):
    watched = open_explorer(browser, f"{base_url}#{fragment}")
    try:
        page = watched.page
        s = state(page)
        assert len(s["output"]) > 0
        assert watched.errors == []
        assert page.locator("img, script:not([src])").count() == 0  # nothing from the link became markup
        assert page.evaluate("() => !!window.convExplorer.getState")
        # Still playable: a click recomputes.
        after_paint(page, page.locator("#kernel-grid .kernel-cell").first.click)
    finally:
        watched.page.context.close()


def test_an_embed_hides_and_locks_what_the_instructor_chose(browser, base_url):
    watched = open_explorer(browser, f"{base_url}?embed&hide=inspector,layer&lock=kernel,image")
    try:
        page = watched.page
        assert page.locator(".inspector-panel").is_hidden() and page.locator(".layer-panel").is_hidden()
        assert page.locator("#kernel-grid .kernel-cell").first.is_disabled()
        assert page.locator("#image-select").is_disabled() and page.locator("#preset-select").is_disabled()
        assert page.locator("#output-canvas").is_visible()
    finally:
        watched.page.context.close()


@pytest.mark.parametrize("width,height", [(640, 480), (360, 640)])
def test_the_embed_fits_its_frame(browser, base_url, width, height, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{base_url}?embed")
        wait_ready(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width  # no sideways scrolling
        box = page.locator("#output-canvas").bounding_box()
        assert box["width"] >= 150 and box["x"] + box["width"] <= width
        page.screenshot(path=str(tmp_path / f"embed-{width}.png"))
    finally:
        context.close()


PARENT_PAGE = """<!doctype html><title>Course page</title>
<h1>Lesson: edges</h1>
<iframe id="explorer" src="%s" width="640" height="480"></iframe>
<script>
  window.received = [];
  window.addEventListener("message", (e) => {
    if (e.source === document.getElementById("explorer").contentWindow) window.received.push(e.data);
  });
  window.send = (msg) => document.getElementById("explorer").contentWindow.postMessage(msg, "*");
</script>"""


@pytest.fixture
def course_page(browser, base_url, tmp_path):
    """A plain course page on another origin (another port) that embeds the explorer."""
    (tmp_path / "index.html").write_text(PARENT_PAGE % f"{base_url}?embed")
    server = serve_in_thread(tmp_path, headers={})
    context = browser.new_context()
    page = context.new_page()
    warnings = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    yield page, warnings
    context.close()
    server.shutdown()


def messages(page, kind, count=1, timeout_s=90):
    deadline = time.monotonic() + timeout_s
    while True:
        got = page.evaluate("(k) => window.received.filter((m) => m.type === k)", kind)
        if len(got) >= count:
            return got
        assert time.monotonic() < deadline, f"no {kind!r} message; received {page.evaluate('() => window.received.map(m => m.type)')}"
        page.wait_for_timeout(25)


def test_a_course_page_drives_the_embed_with_messages(course_page):
    page, warnings = course_page
    ready = messages(page, "ready")[0]
    assert ready["state"]["kernel"] == SOBEL_X and len(ready["state"]["output"]) == 22
    before = len(page.evaluate("() => window.received"))
    page.evaluate("() => window.send({type: 'set', state: {stride: 2, image: 'digit0'}})")
    change = messages(page, "change", 1)[-1]
    deadline = time.monotonic() + 10
    while change["state"]["stride"] != 2:
        assert time.monotonic() < deadline
        change = messages(page, "change", 1)[-1]
    assert change["state"]["imageName"] == "digit0" and len(change["state"]["output"]) == 11
    assert len(page.evaluate("() => window.received")) > before

    page.evaluate("() => window.send({type: 'set', state: {dilation: 4, kernel: Array(7).fill(Array(7).fill(1))}})")
    error = messages(page, "error")[0]
    assert "does not fit" in error["message"]

    for bad in ["'hello'", "null", "[1, 2]", "{type: 'explode'}", "{type: 'set'}", "{type: 'set', state: [1]}",
                "{type: 'set', state: {kernel: 'x'.repeat(3000000)}}"]:
        page.evaluate(f"() => window.send({bad})")
    deadline = time.monotonic() + 10
    while sum("message ignored" in w for w in warnings) < 7:
        assert time.monotonic() < deadline, warnings
        page.wait_for_timeout(25)
    page.evaluate("() => window.send({type: 'set', state: {stride: 1}})")
    deadline = time.monotonic() + 10
    while messages(page, "change")[-1]["state"]["stride"] != 1:
        assert time.monotonic() < deadline, "the embed stopped answering after malformed messages"
        page.wait_for_timeout(25)

    # Motion in a mode without a window: an error message, as for a setting that does not work.
    page.evaluate("() => window.send({type: 'set', state: {mode: 'channels'}})")
    deadline = time.monotonic() + 10
    while messages(page, "change")[-1]["state"]["mode"] != "channels":
        assert time.monotonic() < deadline
        page.wait_for_timeout(25)
    page.evaluate("() => window.send({type: 'play'})")
    assert messages(page, "error", 2)[-1]["message"] == "This mode has no filter window to play."


DARK_BG, LIGHT_BG = "rgb(18, 21, 27)", "rgb(246, 247, 249)"  # --bg in dark.css and style.css
BACKGROUND_JS = "() => getComputedStyle(document.body).backgroundColor"


@pytest.mark.parametrize("system, themes", [
    ("light", [("dark", DARK_BG), ("auto", LIGHT_BG), ("purple", LIGHT_BG)]),  # an unknown theme: as auto
    ("dark", [("light", LIGHT_BG), ("auto", DARK_BG)]),
])
def test_theme_by_link_overrides_the_system(browser, base_url, system, themes):
    context = browser.new_context(color_scheme=system)
    page = context.new_page()
    try:
        for theme, expected in themes:
            page.goto(f"{base_url}?embed&theme={theme}")
            wait_ready(page)
            assert page.evaluate(BACKGROUND_JS) == expected, theme
            # The browser's own parts (scroll bars, form controls) follow too.
            assert page.evaluate("() => getComputedStyle(document.documentElement).colorScheme") == \
                ("dark" if expected == DARK_BG else "light")
    finally:
        context.close()


def test_a_course_themes_switch_sets_the_embeds_colours(browser, base_url, tmp_path):
    """A course theme (Material, furo) has its own light/dark switch: the page tells the embed by message."""
    (tmp_path / "index.html").write_text(PARENT_PAGE % f"{base_url}?embed")
    server = serve_in_thread(tmp_path, headers={})
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    warnings = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        messages(page, "ready")
        frame = page.query_selector("#explorer").content_frame()
        assert frame.evaluate(BACKGROUND_JS) == LIGHT_BG
        for theme, expected in [("dark", DARK_BG), ("light", LIGHT_BG), ("dark", DARK_BG), ("auto", LIGHT_BG)]:
            page.evaluate(f"() => window.send({{type: 'theme', theme: '{theme}'}})")
            deadline = time.monotonic() + 5
            while frame.evaluate(BACKGROUND_JS) != expected:
                assert time.monotonic() < deadline, f"theme {theme} not applied"
                page.wait_for_timeout(20)
        page.evaluate("() => window.send({type: 'theme', theme: 'sepia'})")
        deadline = time.monotonic() + 5
        while not any("theme must be one of auto, light, dark" in w for w in warnings):
            assert time.monotonic() < deadline, warnings
            page.wait_for_timeout(20)
        assert frame.evaluate(BACKGROUND_JS) == LIGHT_BG
    finally:
        context.close()
        server.shutdown()


def test_keyboard_alone_moves_the_window_and_changes_a_weight(explorer):
    page = explorer.page
    page.evaluate("() => window.convExplorer.setState({kernel: %s, window: {row: 5, col: 5}, stride: 1, padding: 0})"
                  % json.dumps(SOBEL_X))
    page.locator("#input-canvas").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    assert state(page)["window"] == {"row": 6, "col": 7}
    assert "row 7, column 8" in page.locator("#inspector-summary").inner_text()
    # Tab from the canvas reaches the kernel; one tab stop for the grid, Enter cycles.
    page.locator("#kernel-grid .kernel-cell[tabindex='0']").focus()
    page.keyboard.press("ArrowDown")
    after_paint(page, lambda: page.keyboard.press("Enter"))
    assert state(page)["kernel"][1][0] == -2  # 2 -> -2 in the cycle


def test_the_embed_dialog_writes_the_iframe_for_this_view(explorer):
    page = explorer.page
    page.evaluate("() => window.convExplorer.setState({image: 'digit0', stride: 2})")
    wait_hash(page, "s=2")
    page.click("#embed-open")
    # By default the frame fills the column and the resizer sets its height (tests/browser/test_embed_resize.py).
    assert page.locator("#embed-size").input_value() == "column"
    frame_code, script = page.locator("#embed-code").input_value().split("\n")
    assert 'width="640" height="480" style="width: 100%; height: auto; aspect-ratio: 4 / 3; border: 0;"' in frame_code
    assert script.startswith('<script src="http://127.0.0.1:') and script.endswith('/static/embed-resize.js" async></script>')
    page.locator("#embed-hide input[value='inspector']").check()
    page.locator("#embed-lock input[value='kernel']").check()
    page.select_option("#embed-size", "800x600")
    code = page.locator("#embed-code").input_value()
    assert code.startswith('<iframe src="http://127.0.0.1:') and 'width="800" height="600"' in code
    assert "?embed&hide=inspector&lock=kernel#v=1&img=digit0" in code and "&s=2" in code
    page.select_option("#embed-theme", "dark")
    assert "?embed&hide=inspector&lock=kernel&theme=dark#v=1" in page.locator("#embed-code").input_value()
    page.select_option("#embed-theme", "auto")
    assert "theme=" not in page.locator("#embed-code").input_value()
    # With the explainer: its controls sit at the frame's foot, so the frame keeps its shape (no resizer).
    page.select_option("#embed-size", "column")
    page.locator("#embed-tour").check()
    code = page.locator("#embed-code").input_value()
    assert "?embed&hide=inspector&lock=kernel&tour=explainer#v=1" in code and "embed-resize.js" not in code
    page.locator("#embed-tour").uncheck()
    page.click("#embed-close")
    page.evaluate("() => window.convExplorer.setState({stride: 1})")


def test_a_field_that_does_not_parse_is_named_and_the_rest_applies(browser, base_url):
    watched = open_explorer(browser, f"{base_url}#v=1&img=digit7&s=9&act=relu")
    try:
        s = state(watched.page)
        assert s["imageName"] == "digit7" and s["activation"] == "relu" and s["stride"] == 1
        assert "The link's stride (s=) should be a whole number from 1 to 4; the default is used." in watched.page.locator("#message").inner_text()
    finally:
        watched.page.context.close()


KERNEL_EXPECTED = "1 to 49 numbers separated by commas, a square count such as 9 for a 3×3 kernel"
PIXELS_EXPECTED = "a drawing of at most 1024 pixels written as HxW.base64, with exactly H×W pixels"
# key=bad value → the whole notice: one sentence naming the setting and what was expected.
LINK_NOTICES = {
    "img=Digit 3!": "The link's image (img=) should be a built-in image's name, like digit3; the default is used.",
    "k=1,2,3": f"The link's kernel (k=) should be {KERNEL_EXPECTED}; the default is used.",
    "b=abc": "The link's bias (b=) should be a number; the default is used.",
    "s=9": "The link's stride (s=) should be a whole number from 1 to 4; the default is used.",
    "pad=wide": "The link's padding (pad=) should be valid, same or a whole number from 0 to 8; the default is used.",
    "pm=mirror": "The link's padding mode (pm=) should be one of zeros, reflect, replicate or circular; "
                 "the default is used.",
    "d=0": "The link's dilation (d=) should be a whole number from 1 to 4; the default is used.",
    "act=tanh": None,  # the activation's choices are read from state.js below
    "pool=min.2.2": "The link's pooling (pool=) should be none or mode.size.stride, like max.2.2 "
                    "(mode max or avg, size and stride 1 to 4); the default is used.",
    "k2=1,2": f"The link's second layer's kernel (k2=) should be none or {KERNEL_EXPECTED}; the default is used.",
    "w=centre": "The link's filter window (w=) should be the window's row and column, two whole numbers like 5,7; "
                "the default is used.",
    "cm=rainbow": None,
    "num=yes": "The link's numbers setting (num=) should be 0 or 1; the default is used.",
    "fill=2": "The link's fill setting (fill=) should be 0 or 1; the default is used.",
    "mode=draw": None,
    "ch={red": "The link's channels (ch=) should be a JSON object of channel settings; the default is used.",
    "ex=Valid Convolution": "The link's exercise (ex=) should be an exercise's name, like valid-convolution; "
                            "the default is used.",
    "px=24x24.!!!!": f"The link's drawn image (px=) should be {PIXELS_EXPECTED}; the default is used.",
    "px=2x2.AAAA": f"The link's drawn image (px=) should be {PIXELS_EXPECTED}; the default is used.",
}


CHOICES = settings.load()["settings"]  # read once for the module, not once a case


@pytest.fixture(scope="module")
def url_module(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1") as watched:
        yield watched.page


@pytest.mark.parametrize("field", LINK_NOTICES)
def test_each_link_key_has_one_correct_sentence(url_module, field):
    notices = url_module.evaluate("""async (field) => {
        const url = await import("./static/core/url.js");
        return url.readFragment("v=1&" + field).notices;
    }""", field)
    expected = LINK_NOTICES[field]
    if expected is None:  # a choice: every allowed value is named, the last after "or"
        key = field.split("=")[0]
        label, setting = {"act": ("activation", "activation"), "cm": ("colour map", "colormap"),
                          "mode": ("mode", "mode")}[key]
        values = CHOICES[setting]["options"]
        expected = (f"The link's {label} ({key}=) should be one of {', '.join(values[:-1])} or {values[-1]}; "
                    "the default is used.")
    assert notices == [expected]


def test_every_key_of_the_link_has_a_notice_test(url_module):
    written = url_module.evaluate("""async () => {
        const url = await import("./static/core/url.js"), state = await import("./static/core/state.js");
        return url.writeFragment({...state.defaultState(), exercise: "x", pool: {mode: "max", size: 2, stride: 2},
                                  numbers: true, fill: true, mode: "code", layer2: {kernel: [[1]]}, bias: 1, stride: 2,
                                  padding: 1, paddingMode: "reflect", dilation: 2, activation: "relu",
                                  colormap: "viridis", window: {row: 1, col: 1}, channels: {}}, {height: 0, width: 0});
    }""")
    keys = {part.split("=")[0] for part in written.split("&")} - {"v"}
    assert keys | {"px"} == {field.split("=")[0] for field in LINK_NOTICES}


def test_a_link_to_an_exercise_that_does_not_exist_says_so(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=code&ex=valid-convolutoin") as watched:
        page = watched.page
        deadline = time.monotonic() + 30
        while page.locator("#exercise-select option").count() == 0:
            assert time.monotonic() < deadline, "the exercises never loaded"
            page.wait_for_timeout(50)
        assert page.locator("#message").inner_text() == (
            "The link's exercise “valid-convolutoin” does not exist; the first exercise, “Valid convolution”, "
            "is shown instead.")
        assert page.locator("#exercise-select").input_value() == "valid-convolution"
