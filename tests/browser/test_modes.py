"""Beyond the anchors: gradient descent learns a filter in the page, and a learner writes
their own convolution, runs it, and checks it on hidden cases."""
import json

import numpy as np
import pytest

from pages import EDITOR_JS, editor_text, open_explorer, opened_explorer, run_code, set_code, state, wait_for, wait_ready
from references import LOOP_CONV2D, SOBEL_X


# A correct solution, written with loops (the same one the CPython tests of the checker use).
CORRECT = "import numpy as np\n" + LOOP_CONV2D


def test_gradient_descent_learns_sobel_x_from_its_outputs(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=learn&img=digit3&k=0,0,0,0,0,0,0,0,0") as watched:
        page = watched.page
        assert page.locator(".learn-panel").is_visible() and page.locator(".inspector-panel").is_hidden()
        page.select_option("#learn-speed", "20")
        page.select_option("#learn-target", "sobel-x")  # resets: the kernel starts from zeros
        wait_for(page, "() => document.getElementById('learn-status').dataset.step === '0'")
        assert state(page)["kernel"] == [[0, 0, 0]] * 3
        page.click("#learn-play")
        wait_for(page, "() => /Learned in/.test(document.getElementById('message').textContent)", 60, "learning")
        steps = int(page.locator("#learn-status").get_attribute("data-step"))
        assert steps <= 200
        learned = np.array(state(page)["kernel"])
        assert np.abs(learned - SOBEL_X).max() < 1e-3
        assert f"{steps} steps" in page.locator("#loss-curve").get_attribute("aria-label")
        page.click("#learn-reveal")
        assert "Sobel x" in page.locator("#learn-revealed-name").inner_text()
        assert watched.errors == []


def test_pause_stops_learning_at_once(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=learn") as watched:
        page = watched.page
        page.select_option("#learn-speed", "1")
        page.click("#learn-play")
        wait_for(page, "() => Number(document.getElementById('learn-status').dataset.step) >= 5")
        page.click("#learn-play")  # Pause
        stopped = int(page.locator("#learn-status").get_attribute("data-step"))
        page.wait_for_timeout(300)
        assert int(page.locator("#learn-status").get_attribute("data-step")) <= stopped + 1  # one batch may land
        assert page.locator("#learn-play").inner_text() == "▶ Learn"


@pytest.fixture(scope="module")
def coding(browser, base_url):
    watched = open_explorer(browser, f"{base_url}#v=1&mode=code&ex=valid-convolution")
    page = watched.page
    wait_for(page, "() => /Ready/.test(document.getElementById('code-status').textContent)", 60, "the code worker")
    yield watched
    page.context.close()


def test_the_starter_code_fails_with_a_plain_explanation(coding):
    page = coding.page
    verdict, _ = run_code(page, editor_text(page))
    assert verdict.startswith("0 of 9 hidden cases pass.") and "should be 3×3, but yours is 1×1" in verdict


def test_a_correct_convolution_passes_and_run_shows_both_outputs(coding):
    page = coding.page
    verdict, _ = run_code(page, CORRECT)
    assert verdict == "All 9 hidden cases pass. Well done!"
    run_code(page, CORRECT, "#code-run")
    assert page.locator("#code-yours").is_visible() and page.locator("#code-expected").is_visible()


def test_learner_code_may_import_pillow(coding):
    """The page loads Pillow only for uploads; learner code that imports it gets it."""
    verdict, error = run_code(coding.page, "from PIL import Image\n" + CORRECT)
    assert verdict == "All 9 hidden cases pass. Well done!", error


def test_a_flipped_kernel_is_named(coding):
    verdict, _ = run_code(coding.page, CORRECT.replace("* kernel)", "* kernel[::-1, ::-1])"))
    assert "flipped" in verdict


def test_an_exception_shows_the_learners_line(coding):
    _, error = run_code(coding.page, "x = 1\ny = [1][5]\n")
    assert "Your code, line 2" in error and "IndexError" in error


MARKED_LINES = """() => [...document.querySelectorAll('#code-mode .CodeMirror-code > div')].flatMap((line, i) =>
    line.classList.contains('code-error-line') ? [[i + 1, !!line.querySelector('.code-error-marker')]] : [])"""


HELPER_FAILS = "def helper(a):\n    return a[99]\n\ndef conv2d(image, kernel):\n    return helper(image)\n"


@pytest.mark.parametrize("code, line, button", [
    ("x = 1\ny = [1][5]\n", 2, "#code-check"),  # a traceback: "Your code, line 2"
    ("x = 1\n\ndef f(:\n    pass\n", 3, "#code-run"),  # a SyntaxError: "Line 3: …"
    (HELPER_FAILS, 2, "#code-check"),  # the checker's "at line 2 of your code": the deepest frame
    (HELPER_FAILS, 2, "#code-run"),  # the same, from Run's preview
])
def test_the_line_an_error_points_at_is_marked(coding, code, line, button):
    page = coding.page
    run_code(page, code, button)
    # The line's element carries the class, and its gutter the marker (every line is drawn: the code is short).
    assert page.evaluate(MARKED_LINES) == [[line, True]]
    run_code(page, CORRECT)
    assert page.evaluate(MARKED_LINES) == []  # a run without an error clears the mark


def test_python_is_highlighted_and_brackets_match(coding):
    page = coding.page
    set_code(page, "def f(x):\n    return (x + 1)  # one more\n")
    spans = page.evaluate("""() => [...document.querySelectorAll('#code-mode .CodeMirror-code span[class^="cm-"]')]
        .map((s) => [s.className, s.textContent])""")
    assert ["cm-keyword", "def"] in spans and ["cm-def", "f"] in spans and ["cm-number", "1"] in spans
    assert ["cm-comment", "# one more"] in spans
    page.evaluate(f"() => {{ {EDITOR_JS}.focus(); {EDITOR_JS}.setCursor({{line: 1, ch: 11}}); }}")  # just before "("
    matched = page.locator("#code-mode .CodeMirror-matchingbracket")
    matched.first.wait_for()
    assert matched.all_inner_texts() == ["(", ")"]
    set_code(page, "")


def test_typing_indents_closes_brackets_and_undoes(coding):
    page = coding.page
    set_code(page, "")
    page.click("#code-mode .CodeMirror-code")
    page.keyboard.type("def f(x")  # the closing bracket comes by itself; typing it steps over it
    page.keyboard.type("):")
    page.keyboard.press("Enter")
    page.keyboard.type("if x:")
    page.keyboard.press("Enter")
    page.keyboard.type("return [x")
    assert editor_text(page) == "def f(x):\n    if x:\n        return [x]"
    page.keyboard.press("Home")
    page.keyboard.press("Shift+Tab")  # dedent by four spaces
    assert editor_text(page).endswith("\n    return [x]")
    page.keyboard.press("Tab")
    assert editor_text(page).endswith("\n        return [x]")
    page.keyboard.press("Control+Z")
    assert editor_text(page).endswith("\n    return [x]")
    page.keyboard.press("Control+Y")
    assert editor_text(page).endswith("\n        return [x]")
    verdict, error = run_code(page, editor_text(page) + "\n")  # what was typed runs
    assert verdict.startswith("0 of 9 hidden cases pass.") and "Define a function called conv2d" in verdict and not error


def test_escape_then_tab_leaves_the_editor_and_tab_alone_does_not(coding):
    page = coding.page
    set_code(page, "x = 1")
    page.click("#code-mode .CodeMirror-code")
    page.keyboard.press("End")
    page.keyboard.press("Tab")
    assert editor_text(page) == "x = 1   "  # a soft tab to the next multiple of four; focus stays
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Your Python code"
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "code-run"
    assert editor_text(page) == "x = 1   "
    page.keyboard.press("Shift+Tab")  # back in, and Escape, Shift+Tab leaves the other way
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.id") == "exercise-select"


def test_the_editor_is_named_loaded_from_this_site_without_errors(coding):
    page = coding.page
    field = page.get_by_role("textbox", name="Your Python code")
    assert field.get_attribute("contenteditable") == "true"
    assert field.get_attribute("aria-describedby") == "code-keys"
    scripts = page.evaluate("() => [...document.scripts].map((s) => s.src).filter((s) => /codemirror/.test(s))")
    assert [s.split("/vendor/codemirror/")[1] for s in scripts] == [
        "lib/codemirror.js", "mode/python/python.js", "addon/edit/matchbrackets.js", "addon/edit/closebrackets.js"]
    assert coding.errors == []  # a CSP violation is a console error in Chromium
    assert coding.foreign_requests() == []


def test_code_mode_loads_the_editor_only_when_opened(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1") as watched:
        page = watched.page
        assert page.evaluate("() => [...document.scripts].some((s) => /codemirror/.test(s.src))") is False
        assert page.evaluate("() => performance.getEntriesByType('resource').some((r) => /codemirror/.test(r.name))") is False
        page.evaluate("""() => { window.cspViolations = [];
            document.addEventListener('securitypolicyviolation', (e) => cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`)); }""")
        page.click("button[data-mode=code]")
        page.locator("#code-mode .CodeMirror").wait_for()
        wait_for(page, f"() => /def conv2d/.test({EDITOR_JS}.getValue())", 30, "the starter code")
        page.click("#code-mode .CodeMirror-code")
        page.keyboard.type("(")  # typing, highlighting, bracket matching: all under the page's policy
        page.locator("#code-mode .CodeMirror-matchingbracket").first.wait_for()
        assert page.evaluate("() => window.cspViolations") == []
        assert watched.errors == [] and watched.foreign_requests() == []


def test_without_the_editors_files_the_plain_text_box_takes_code_and_the_page_says_so(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/vendor/codemirror/lib/codemirror.js", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(f"{base_url}#v=1&mode=code")
        wait_ready(page)
        wait_for(page, "() => /def conv2d/.test(document.getElementById('code-editor').value)", 60, "the starter code")
        keys = page.locator("#code-keys").inner_text()  # the sentence under the box replaces the editor's keys
        assert keys.startswith("The code editor could not be loaded (http://127.0.0.1:")
        assert keys.endswith("/vendor/codemirror/lib/codemirror.js); the plain text box works instead. NumPy is imported as np.")
        wait_for(page, "() => /Ready/.test(document.getElementById('code-status').textContent)", 60, "the code worker")
        page.fill("#code-editor", CORRECT)
        page.click("#code-check")
        wait_for(page, "() => /Well done/.test(document.getElementById('code-verdict').textContent)", 30, "the check")
    finally:
        context.close()


def test_on_a_phone_the_editor_fits_and_its_text_is_16_px(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{base_url}#v=1&mode=code")
        wait_ready(page)  # the start-up notice is gone
        page.locator("#code-mode .CodeMirror").wait_for()
        wait_for(page, f"() => /def conv2d/.test({EDITOR_JS}.getValue())", 60, "the starter code")
        sizes = page.evaluate("""() => [...document.querySelectorAll('#code-mode .CodeMirror-code, #code-mode .CodeMirror-line')]
            .map((e) => parseFloat(getComputedStyle(e).fontSize))""")
        assert sizes and min(sizes) >= 16  # iOS zooms into a field with smaller text
        box = page.locator("#code-mode .CodeMirror").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    finally:
        context.close()


def test_an_endless_loop_is_stopped_and_the_next_run_works(coding):
    page = coding.page
    _, error = run_code(page, "def conv2d(image, kernel):\n    while True:\n        pass\n", endless=True)
    assert "more than 5 seconds" in error
    wait_for(page, "() => /Ready|Stopped/.test(document.getElementById('code-status').textContent)", 30)
    verdict, _ = run_code(page, CORRECT)
    assert verdict == "All 9 hidden cases pass. Well done!"


def test_the_learners_code_cannot_reach_the_page(coding):
    _, error = run_code(coding.page, "import js\njs.document\n")
    assert "ImportError: js is not available" in error
    _, error = run_code(coding.page, "from pyodide.ffi import to_js\n")
    assert "not available" in error


def test_every_exercise_is_listed_and_the_new_kinds_run(coding):
    page = coding.page
    listed = page.evaluate("() => [...document.getElementById('exercise-select').options].map((o) => o.value)")
    assert listed == ["valid-convolution", "stride-and-padding", "max-pooling", "horizontal-edge-kernel", "output-size",
                      "average-pooling", "multi-channel-conv", "kernel-gradient", "receptive-field", "parameter-counts"]
    try:
        page.select_option("#exercise-select", "parameter-counts")
        wait_for(page, f"() => /def param_counts/.test({EDITOR_JS}.getValue())", 10)
        counts = "def param_counts(cin, cout, k):\n    return cout * cin * k * k + cout, cin * k * k + cin + cout * cin + cout\n"
        assert run_code(page, counts)[0] == "All 4 hidden cases pass. Well done!"
        run_code(page, counts.replace(" + cout,", ","), "#code-run")
        assert page.locator("#code-case").inner_text() == ("On the first case: 3 → 16 channels, 3×3. "
                                                           "param_counts(3, 16, 3) returned (432, 94); expected (448, 94).")
        assert page.locator("#code-yours").is_hidden()
        page.select_option("#exercise-select", "multi-channel-conv")
        wait_for(page, f"() => /def conv_layer/.test({EDITOR_JS}.getValue())", 10)
        no_bias = ("import numpy as np\ndef conv_layer(x, weight, bias):\n    k = weight.shape[-1]\n"
                   "    h, w = x.shape[1] - k + 1, x.shape[2] - k + 1\n"
                   "    return np.array([[[np.sum(x[:, i:i + k, j:j + k] * weight[o]) for j in range(w)]\n"
                   "                      for i in range(h)] for o in range(weight.shape[0])])\n")
        verdict, _ = run_code(page, no_bias)
        assert verdict.startswith("0 of 4 hidden cases pass.") and "Your output is missing the bias" in verdict
        verdict, _ = run_code(page, no_bias.replace("weight[o])", "weight[o]) + bias[o]"))
        assert verdict == "All 4 hidden cases pass. Well done!"
    finally:
        # The exercise loads a frame later; a test that typed sooner would have its code replaced by this draft.
        prompt = page.locator("#code-prompt").inner_text()
        page.select_option("#exercise-select", "valid-convolution")
        wait_for(page, f"() => document.getElementById('code-prompt').innerText !== {json.dumps(prompt)}", 10)


WIDEST_NUMBER = """([texts, id]) => {
    const canvas = document.getElementById(id), ctx = document.createElement("canvas").getContext("2d");
    ctx.font = canvas.dataset.numberFont;
    return Math.max(...texts.map((t) => ctx.measureText(t).width));
}"""


def as_drawn(v, digits):
    """formatNumber in colormap.js: rounded, no trailing zeros, a real minus sign."""
    text = f"{round(float(v), digits):.{digits}f}".rstrip("0").rstrip(".") if digits else str(round(float(v)))
    return "0" if text in ("-0", "0") else text.replace("-", "\u2212")


@pytest.mark.parametrize("values, shown, decimals", [
    ("np.arange(9).reshape(3, 3) * -2.143 + 1.2", True, 2),    # −15.94 and friends, in big cells
    ("np.arange(64).reshape(8, 8) * -0.6431 + 3", True, 0),  # −37.52 in 25-pixel cells: −38
    ("np.arange(121).reshape(11, 11) * -123.456", False, None),  # −14938.18 cannot fit: a table instead
])
def test_result_numbers_fit_their_cells_or_go_to_a_table(coding, values, shown, decimals):
    page = coding.page
    run_code(page, f"import numpy as np\ndef conv2d(image, kernel):\n    return {values}\n", "#code-run")
    yours = page.locator("#code-yours")
    caption = page.locator("#code-yours-box figcaption").inner_text()
    grid = eval(values, {"np": np})
    if shown:
        assert yours.get_attribute("data-numbers") == "shown" and caption == "Your output"
        digits = int(yours.get_attribute("data-number-digits"))
        assert digits == decimals
        cell = page.evaluate("() => { const c = document.getElementById('code-yours');"
                             " return c.width / devicePixelRatio; }") / grid.shape[1]
        texts = [as_drawn(v, digits) for v in grid.ravel()]
        assert page.evaluate(WIDEST_NUMBER, [texts, "code-yours"]) <= cell - 4  # a margin each side
        assert page.locator("#code-yours-box table").count() == 0
    else:
        assert yours.get_attribute("data-numbers") == "hidden" and caption == "Your output (values in the table below)"
        table = page.locator("#code-yours-box table")
        assert table.locator("tr").count() == 11 and table.locator("td").nth(1).inner_text() == "\u2212123.46"


def test_an_exercise_link_and_a_kept_draft(browser, base_url):
    url = f"{base_url}#v=1&mode=code&ex=max-pooling"
    with opened_explorer(browser, url) as watched:
        page = watched.page
        assert page.locator("#exercise-select").input_value() == "max-pooling"
        assert "def max_pool" in editor_text(page)
        page.click("#code-mode .CodeMirror-code")
        page.keyboard.press("Control+A")
        page.keyboard.type("# my draft\n")  # typed, as a learner does: the draft is kept on every edit
        page.reload()
        wait_for(page, f"() => !!document.querySelector('#code-mode .CodeMirror') && {EDITOR_JS}.getValue().length > 0", 60)
        assert editor_text(page) == "# my draft\n"
