"""A learner plays with the whole layer: padding modes, activation, pooling, a second layer,
hovering for receptive fields, drawing, shifting, uploading and exporting.

Painted stages are compared with CPython's app.pipeline on the same state, exactly.
"""
import json
import time

import numpy as np
import pytest
from PIL import Image

from app import images, ops, pipeline
from pages import after_paint, input_cell_centre, state
from references import SOBEL_X
from image_files import image_bytes


@pytest.fixture
def page(explorer):
    explorer.page.evaluate("""() => window.convExplorer.setState({image: "digit3", kernel: %s, bias: 0,
        stride: 1, padding: 0, paddingMode: "zeros", dilation: 1, activation: "none", pool: null,
        layer2: null, window: {row: 13, col: 17}})""" % json.dumps(SOBEL_X))
    explorer.page.select_option("#pointer-mode", "window")
    return explorer.page


def core_stages(s):
    """Every stage as CPython's core computes it for the page's state (float32, as painted)."""
    settings = {"kernel": s["kernel"], "bias": s["bias"], "stride": s["stride"], "padding": s["padding"],
                "padding_mode": s["paddingMode"], "dilation": s["dilation"], "activation": s["activation"],
                "pool": s["pool"], "layer2": s["layer2"]}
    return [(name, a.astype(np.float32)) for name, a in pipeline.run(np.array(s["image"], dtype=np.float32), settings)]


def assert_stages_match_core(s):
    expected = core_stages(s)
    assert [st["name"] for st in s["stages"]] == [name for name, _ in expected]
    for st, (name, a) in zip(s["stages"], expected):
        np.testing.assert_array_equal(np.array(st["data"], dtype=np.float32), a, err_msg=name)


def test_relu_pooling_and_a_second_layer_are_painted_as_stages(page):
    after_paint(page, lambda: page.select_option("#activation", "relu"))
    after_paint(page, lambda: page.select_option("#pool", "max"))
    after_paint(page, lambda: page.check("#layer2"))
    s = state(page)
    assert [st["name"] for st in s["stages"]] == ["conv", "activation", "pool", "conv2"]
    assert_stages_match_core(s)
    relu = np.array(s["stages"][1]["data"])
    assert relu.min() == 0 and relu.max() == np.array(s["output"]).max()  # lesson 7
    assert np.array(s["stages"][2]["data"]).shape == (11, 11)  # lesson 8: a 2×2 pool halves each side
    assert page.locator(".stage-panel").count() == 3
    assert page.locator(".stage-panel[data-stage='pool'] .dims").inner_text() == "11×11"


def test_editing_the_second_layers_kernel(page):
    after_paint(page, lambda: page.check("#layer2"))
    cell = page.locator(".stage-panel[data-stage='conv2'] .kernel-cell[data-row='1'][data-col='1']")
    after_paint(page, cell.click)
    s = state(page)
    assert s["layer2"]["kernel"][1][1] == 1
    assert_stages_match_core(s)


def test_the_second_layers_own_padding_and_stride(page):
    after_paint(page, lambda: page.check("#layer2"))
    panel = page.locator(".stage-panel[data-stage='conv2']")
    after_paint(page, lambda: panel.locator(".layer2-padding").select_option("1"))
    s = state(page)
    assert s["layer2"]["padding"] == 1 and np.array(s["stages"][-1]["data"]).shape == (22, 22)
    assert_stages_match_core(s)
    after_paint(page, lambda: panel.locator(".layer2-stride").select_option("2"))
    s = state(page)
    assert np.array(s["stages"][-1]["data"]).shape == (11, 11)
    assert_stages_match_core(s)
    panel.locator(".layer2-padding").select_option("same")  # 'same' needs stride 1: refused, in words
    page.locator("#message").wait_for(state="visible")
    assert "second layer: padding 'same'" in page.locator("#message").inner_text()
    assert panel.locator(".layer2-padding").input_value() == "1"


def hover_cell(page, selector, row, col, rows, cols):
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + (col + 0.5) * box["width"] / cols, box["y"] + (row + 0.5) * box["height"] / rows)


def test_hovering_a_pooled_cell_shows_its_receptive_field(page):
    """Lesson 10: after a 3×3 conv and a 2×2 pool, one cell sees 4×4 input pixels."""
    after_paint(page, lambda: page.select_option("#pool", "max"))
    hover_cell(page, "#stage-pool-canvas", 3, 5, 11, 11)
    readout = page.locator("#receptive")
    top, left, bottom, right = ops.receptive_field([{"size": 3}, {"size": 2, "stride": 2}], 3, 5)
    assert (bottom - top + 1, right - left + 1) == (4, 4)
    assert readout.get_attribute("data-size") == "4x4"
    assert f"rows {top + 1}–{bottom + 1}, columns {left + 1}–{right + 1}" in readout.inner_text()


def test_two_stacked_layers_see_five_by_five(page):
    after_paint(page, lambda: page.check("#layer2"))
    hover_cell(page, "#stage-conv2-canvas", 4, 4, 20, 20)
    assert page.locator("#receptive").get_attribute("data-size") == "5x5"


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_padding_modes(page, mode):
    after_paint(page, lambda: page.select_option("#padding", "2"))
    if mode != "zeros":
        after_paint(page, lambda: page.select_option("#padding-mode", mode))
    s = state(page)
    assert s["paddingMode"] == mode and np.array(s["output"]).shape == (26, 26)
    expected = ops.conv2d(np.array(s["image"]), np.array(s["kernel"]), padding=2, padding_mode=mode)
    np.testing.assert_array_equal(np.array(s["output"], dtype=np.float32), expected.astype(np.float32))


def test_an_impossible_setting_is_explained_and_nothing_is_lost(page):
    after_paint(page, lambda: page.select_option("#kernel-size", "7"))
    before = state(page)
    page.select_option("#dilation", "4")
    message = page.locator("#message")
    message.wait_for(state="visible")
    assert "does not fit a 24×24 input" in message.inner_text()
    after = state(page)
    assert after["dilation"] == 1 and after["output"] == before["output"]
    assert page.locator("#dilation").input_value() == "1"


def test_shifting_the_image_shifts_the_feature_map(page):
    """Lesson 12: translation equivariance."""
    before = np.array(state(page)["output"])
    after_paint(page, lambda: page.click("[data-shift='0,1']"))
    after = np.array(state(page)["output"])
    np.testing.assert_array_equal(after[:, 1:], before[:, :-1])


def test_drawing_on_the_input(page):
    page.select_option("#pointer-mode", "paint")
    page.locator("#brush").fill("0.5")
    after_paint(page, lambda: page.mouse.click(*input_cell_centre(page, 1, 1)))
    s = state(page)
    assert s["image"][1][1] == 0.5 and s["imageName"] == "custom"
    assert_stages_match_core(s)
    after_paint(page, lambda: page.click("#clear"))
    assert np.array(state(page)["image"]).max() == 0


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_uploading_an_image(page, fmt):
    gradient = np.tile(np.linspace(0, 255, 40).astype(np.uint8), (30, 1))
    data = image_bytes(gradient, "RGB", fmt)
    after_paint(page, lambda: page.set_input_files("#upload", files=[
        {"name": f"gradient.{fmt.lower()}", "mimeType": f"image/{fmt.lower()}", "buffer": data}]))
    s = state(page)
    np.testing.assert_array_equal(np.array(s["image"], dtype=np.float32), images.decode(data, size=24))
    assert_stages_match_core(s)


def wait_for_text(locator, text, timeout_s=20):
    deadline = time.monotonic() + timeout_s
    while text not in locator.inner_text():
        assert time.monotonic() < deadline, f"never saw {text!r}, last: {locator.inner_text()!r}"
        locator.page.wait_for_timeout(20)
    return locator.inner_text()


def test_a_broken_upload_is_explained_and_the_image_stays(page):
    before = state(page)
    page.set_input_files("#upload", files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not an image"}])
    text = wait_for_text(page.locator("#message"), "unchanged")
    assert text.startswith('"notes.png": ') and "not an image" in text
    after = state(page)
    assert after["image"] == before["image"] and after["output"] == before["output"]


def test_the_numpy_code_reproduces_the_feature_map(page):
    page.evaluate("() => window.convExplorer.setState({padding: 'same', paddingMode: 'reflect', bias: 0.5})")
    page.click("#export-code")
    code = page.locator("#code-numpy").inner_text()
    assert "nn.Conv2d(1, 1, kernel_size=3" in page.locator("#code-torch").inner_text()
    s = state(page)
    scope = {"image": np.array(s["image"])}
    exec(code, scope)  # the learner's copy-paste, run as is
    np.testing.assert_array_equal(scope["feature_map"].astype(np.float32), np.array(s["output"], dtype=np.float32))
    page.click("#code-close")


def test_the_feature_map_downloads_as_npy_and_png(page, tmp_path):
    with page.expect_download() as download:
        page.click("#export-npy")
    path = tmp_path / "map.npy"
    download.value.save_as(path)
    np.testing.assert_array_equal(np.load(path), np.array(state(page)["output"], dtype=np.float32))
    with page.expect_download() as download:
        page.click("#export-png")
    download.value.save_as(tmp_path / "map.png")
    assert Image.open(tmp_path / "map.png").size[0] > 0


def test_with_pooling_a_shift_changes_the_pooled_map_much_less(page):
    """Lesson 12: the feature map moves with the image; a max-pooled map changes only a little."""
    after_paint(page, lambda: page.select_option("#pool", "max"))
    before = state(page)
    after_paint(page, lambda: page.click("[data-shift='0,1']"))
    after = state(page)
    conv_b, conv_a = np.array(before["output"]), np.array(after["output"])
    np.testing.assert_array_equal(conv_a[:, 1:], conv_b[:, :-1])
    pool_b, pool_a = (np.array(s["stages"][1]["data"]) for s in (before, after))
    changed = int((pool_a != pool_b).sum())
    text = page.locator("#shift-effect").inner_text()
    assert f"only {changed} of 121 cells changed" in text
    assert changed < (conv_a != conv_b).sum() * 121 / 484  # proportionally fewer than the feature map


def test_normalise_divides_by_the_sum(page):
    kernel = [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    page.evaluate("(k) => window.convExplorer.setState({kernel: k})", kernel)
    after_paint(page, lambda: page.click("#normalise"))
    np.testing.assert_allclose(state(page)["kernel"], np.array(kernel) / 16)
    assert page.locator("#preset-select").input_value() == "gaussian-blur"
    page.evaluate("(k) => window.convExplorer.setState({kernel: k})", SOBEL_X)
    page.click("#normalise")
    assert "add up to 0" in page.locator("#message").inner_text()
    assert state(page)["kernel"] == SOBEL_X
