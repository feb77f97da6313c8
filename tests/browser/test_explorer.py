"""A learner's first minutes with the explorer, in real Chromium against the built dist/.

Every painted number is checked against CPython running the same app.ops on
the same state, exactly (float32, as the page receives it).
"""
import json
import re

import numpy as np
import pytest

from pages import after_paint, input_cell_centre, open_explorer, set_state, state
from core_answers import assert_output_matches_core
from references import ref_conv2d, SOBEL_X


@pytest.fixture
def page(explorer):
    """The shared explorer, reset to the default view before each test."""
    explorer.page.evaluate("""() => window.convExplorer.setState({image: "digit3", kernel: %s, bias: 0,
        stride: 1, padding: 0, dilation: 1, window: {row: 13, col: 17}})""" % json.dumps(SOBEL_X))
    return explorer.page


def kernel_cell(page, row, col):
    return page.locator(f"#kernel-grid .kernel-cell[data-row='{row}'][data-col='{col}']")


def test_page_becomes_ready_with_default_view(explorer):
    page = explorer.page
    s = state(page)
    assert np.array(s["image"]).shape == (24, 24)
    assert np.array(s["output"]).shape == (22, 22)
    assert s["kernel"] == SOBEL_X
    assert page.locator("#loading").is_hidden()
    assert page.locator("#output-dims").inner_text() == "22×22"
    assert_output_matches_core(s)
    # Independent of app/: the textbook loop agrees to float32 precision.
    np.testing.assert_allclose(np.array(s["output"]), ref_conv2d(np.array(s["image"]), np.array(s["kernel"])), atol=1e-5)


def test_sobel_x_lights_up_vertical_edges_of_the_digit(page):
    """Lesson 2: strong responses of both signs where the strokes' left and right edges are."""
    out = np.array(state(page)["output"])
    assert out.max() > 3 and out.min() < -3
    # Flat black background far from the digit stays at zero.
    assert np.all(out[:, :2] == 0)


def test_clicking_a_kernel_cell_cycles_its_value_and_recomputes(page):
    cell = kernel_cell(page, 0, 1)
    assert cell.inner_text() == "0"
    before = state(page)["output"]
    seen = []
    for _ in range(5):
        after_paint(page, cell.click)
        s = state(page)
        seen.append(s["kernel"][0][1])
        assert cell.inner_text() == str(seen[-1]).replace("-", "\u2212")
        assert_output_matches_core(s)
    assert seen == [1, 2, -2, -1, 0]
    after_paint(page, lambda: kernel_cell(page, 0, 1).click(modifiers=["Shift"]))
    s = state(page)
    assert s["kernel"][0][1] == -1
    assert s["output"] != before
    assert "row 1, column 2: −1" in kernel_cell(page, 0, 1).get_attribute("aria-label")


def test_a_typed_weight_is_used_and_a_bad_one_is_refused(page):
    after_paint(page, kernel_cell(page, 1, 1).click)  # 0 -> 1, and selects the cell
    field = page.locator("#kernel-value")
    field.fill("0.5")
    after_paint(page, lambda: field.press("Enter"))
    s = state(page)
    assert s["kernel"][1][1] == 0.5
    assert_output_matches_core(s)
    field.fill("abc")
    field.press("Enter")
    assert "not a number" in page.locator("#message").inner_text()
    assert state(page)["kernel"][1][1] == 0.5


def test_a_preset_applies(page):
    after_paint(page, lambda: page.select_option("#preset-select", "box-blur"))
    s = state(page)
    np.testing.assert_allclose(s["kernel"], np.full((3, 3), 1 / 9))
    assert "detail" in page.locator("#preset-note").inner_text()
    assert_output_matches_core(s)


def test_blur_removes_fine_detail(page):
    """Lesson 3: 2-pixel stripes, the finest detail there is, fade to a third of their contrast."""
    after_paint(page, lambda: page.select_option("#image-select", "vstripes"))
    after_paint(page, lambda: page.select_option("#preset-select", "box-blur"))
    s = state(page)
    image, out = np.array(s["image"]), np.array(s["output"])
    assert np.ptp(image) == 1
    assert np.ptp(out) == pytest.approx(1 / 3, abs=1e-6)
    assert_output_matches_core(s)


def test_dragging_the_window_updates_the_inspector(page):
    page.mouse.move(*input_cell_centre(page, 2, 2))
    page.mouse.down()
    page.mouse.move(*input_cell_centre(page, 6, 9), steps=5)
    page.mouse.move(*input_cell_centre(page, 11, 14), steps=5)
    page.mouse.up()
    s = state(page)
    assert s["window"] == {"row": 10, "col": 13}  # centred on the pointer
    image, kernel = np.array(s["image"]), np.array(s["kernel"])
    patch = image[10:13, 13:16]
    cells = page.locator("#inspector-table td .product").all_inner_texts()
    expected = [f"{v:.2f}" for v in (patch * kernel).ravel()]
    got = [f"{float(t.replace(chr(0x2212), '-')):.2f}" for t in cells]
    assert got == expected
    summary = page.locator("#inspector-summary")
    assert float(summary.get_attribute("data-sum")) == pytest.approx((patch * kernel).sum(), abs=1e-6)
    assert float(summary.get_attribute("data-value")) == s["output"][10][13]
    assert "row 11, column 14" in summary.inner_text()


def test_pointing_at_an_output_cell_moves_the_window_there(page):
    page.locator("#output-canvas").scroll_into_view_if_needed()
    box = page.locator("#output-canvas").bounding_box()
    page.mouse.move(box["x"] + 5.5 * box["width"] / 22, box["y"] + 7.5 * box["height"] / 22)
    assert state(page)["window"] == {"row": 7, "col": 5}


def test_settings_are_checked_by_the_core_and_the_last_output_stays(page):
    before = state(page)
    message = page.evaluate("""() => window.convExplorer.setState({kernel: Array(7).fill(Array(7).fill(1)), dilation: 4})
        .then(() => "resolved", (e) => e.message)""")
    assert message == "kernel 7×7 with dilation 4 (it spans 25×25 pixels) does not fit a 24×24 input without padding"
    after = state(page)
    assert after["output"] == before["output"] and after["kernel"] == before["kernel"]


def test_stride_padding_and_dilation_through_the_api(page):
    set_state(page, {"stride": 2, "padding": 1, "dilation": 2, "bias": 0.25})
    s = state(page)
    assert np.array(s["output"]).shape == (11, 11)
    assert_output_matches_core(s)
    np.testing.assert_allclose(np.array(s["output"]),
                               ref_conv2d(np.array(s["image"]), np.array(s["kernel"]), 2, 1, 2, 0.25), atol=1e-5)
    assert "11" in page.locator("#formula").inner_text()


def test_keyboard_changes_a_weight(page):
    kernel_cell(page, 0, 0).focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    after_paint(page, lambda: page.keyboard.press("+"))
    s = state(page)
    assert s["kernel"][1][1] == 1
    assert_output_matches_core(s)


def test_nothing_leaves_localhost_and_no_console_errors(explorer):
    assert explorer.foreign_requests() == []
    assert explorer.errors == []


def test_a_fresh_load_logs_no_errors(browser, base_url):
    # A Python of the page's own: Playwright sees a dedicated worker's requests, not a shared one's.
    fresh = open_explorer(browser, base_url + "?python=own")
    try:
        assert fresh.errors == []
        assert fresh.foreign_requests() == []
        assert any(u.endswith("pyodide.asm.wasm") for u in fresh.requests)
    finally:
        fresh.page.context.close()


def test_the_arithmetic_summary_reads_plainly_with_and_without_a_bias(page):
    """'sum of 9 products = 3.906', and with a bias '… = 3.906, + bias 0.5 = 4.406'."""
    summary = page.locator("#inspector-summary")

    def read(bias):
        set_state(page, {"bias": bias, "window": {"row": 10, "col": 13}})
        page.wait_for_function(
            "(b) => window.convExplorer.getState().bias === b && "
            "document.querySelector('#inspector-summary').textContent.includes('sum of')", arg=bias)
        return (summary.inner_text().replace("\u2212", "-"),
                float(summary.get_attribute("data-sum")), float(summary.get_attribute("data-value")))

    try:
        text, total, value = read(0)
        match = re.fullmatch(r"Output row 11, column 14: sum of 9 products = (-?[\d.]+)", text)
        assert match, text
        assert float(match.group(1)) == pytest.approx(value, abs=1e-3)
        text, total, value = read(0.5)
        match = re.fullmatch(
            r"Output row 11, column 14: sum of 9 products = (-?[\d.]+), \+ bias 0\.5 = (-?[\d.]+)", text)
        assert match, text
        assert float(match.group(1)) == pytest.approx(total, abs=1e-3)
        assert float(match.group(2)) == pytest.approx(total + 0.5, abs=1e-3)
        assert float(match.group(2)) == pytest.approx(value, abs=1e-3)
    finally:
        set_state(page, {"bias": 0})
