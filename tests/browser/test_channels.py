"""Channels mode: a colour image's three channels, filters as stacks of kernels, partial maps
adding up, a depthwise separable layer beside the standard one, and their costs."""
import io
import time

import numpy as np
import pytest
from PIL import Image

from app import images
from pages import open_explorer, opened_explorer, state
from core_answers import assert_channels_match_core


@pytest.fixture(scope="module")
def channels_page(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=channels") as watched:
        yield watched


def painted_after(page, action):
    count = page.evaluate("() => Number(document.body.dataset.painted)")
    action()
    deadline = time.monotonic() + 10
    while page.evaluate("() => Number(document.body.dataset.painted)") == count:
        assert time.monotonic() < deadline, "no repaint"
        page.wait_for_timeout(10)


def test_three_channels_and_partial_maps_that_add_up(channels_page):
    page = channels_page.page
    s = state(page)
    assert s["mode"] == "channels" and len(s["channels"]["filters"]) == 2
    assert_channels_match_core(s)
    assert page.locator("#ch-input-0").is_visible() and page.locator(".ch-filter").count() == 2
    # The inspector's per-channel sums plus the bias are the output cell.
    inspector = page.locator("#ch-inspector")
    assert float(inspector.get_attribute("data-sum")) == pytest.approx(float(inspector.get_attribute("data-value")), abs=1e-5)


def test_clicking_a_kernel_cell_of_one_channel(channels_page):
    page = channels_page.page
    cell = page.locator(".ch-filter").nth(1).locator(".kernel-grid").nth(2).locator(".kernel-cell[data-row='1'][data-col='1']")
    painted_after(page, cell.click)  # the blue kernel's centre: 0 -> 1
    s = state(page)
    assert s["channels"]["filters"][1]["kernels"][2][1][1] == 1
    assert_channels_match_core(s)


def test_more_filters_and_the_parameter_count(channels_page):
    page = channels_page.page
    painted_after(page, lambda: page.select_option("#ch-filters", "3"))
    s = state(page)
    assert len(s["channels"]["filters"]) == 3
    assert_channels_match_core(s)
    assert "3·3·3·3 + 3 = 84 parameters" in page.locator("#ch-costs").inner_text()
    assert "3·3·3 + 3·3 + 3 = 39 parameters" in page.locator("#ch-costs").inner_text()


def test_depthwise_separable_beside_the_standard_layer(channels_page):
    page = channels_page.page
    painted_after(page, lambda: page.check("#ch-separable"))
    s = state(page)
    assert s["channels"]["separable"] is True
    assert [st["name"] for st in s["channelStages"]][:3] == ["depthwise 0", "depthwise 1", "depthwise 2"]
    assert_channels_match_core(s)
    weight = page.locator(".ch-weight").first
    painted_after(page, weight.click)  # 1 -> 2
    s = state(page)
    assert s["channels"]["pointwise"][0][0] == 2
    assert_channels_match_core(s)
    painted_after(page, lambda: page.uncheck("#ch-separable"))


def test_a_channels_link_round_trips(channels_page, browser):
    page = channels_page.page
    page.evaluate("""() => window.convExplorer.setState({channels: {...window.convExplorer.getState().channels,
        image: "hopper-color", stride: 2, padding: 1}})""")
    deadline = time.monotonic() + 10
    while "hopper-color" not in page.evaluate("() => decodeURIComponent(location.hash)"):
        assert time.monotonic() < deadline
        page.wait_for_timeout(20)
    original = state(page)
    other = open_explorer(browser, page.evaluate("() => location.href"))
    try:
        copy = state(other.page)
        assert copy["channels"] == original["channels"] and copy["channelStages"] == original["channelStages"]
    finally:
        other.page.context.close()


def test_a_colour_upload_keeps_its_colours(channels_page):
    page = channels_page.page
    rgb = np.zeros((30, 30, 3), dtype=np.uint8)
    rgb[:, :15, 0] = 255
    rgb[10:20, 15:, 1] = 200
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG")
    painted_after(page, lambda: page.set_input_files("#ch-upload", files=[
        {"name": "colours.png", "mimeType": "image/png", "buffer": buffer.getvalue()}]))
    s = state(page)
    assert s["channels"]["image"] == "custom"
    assert_channels_match_core(s, images.decode(buffer.getvalue(), size=24, color=True))


def test_a_bigger_kernel_keeps_the_weights_in_its_centre(channels_page):
    page = channels_page.page
    page.evaluate("() => window.convExplorer.setState({channels: {...window.convExplorer.getState().channels, image: 'color-shapes'}})")
    before = state(page)["channels"]["filters"][0]["kernels"][0]
    painted_after(page, lambda: page.select_option("#ch-size", "5"))
    s = state(page)
    kernel = np.array(s["channels"]["filters"][0]["kernels"][0])
    assert kernel.shape == (5, 5) and kernel[1:4, 1:4].tolist() == before and kernel[0].tolist() == [0] * 5
    assert_channels_match_core(s)
    painted_after(page, lambda: page.select_option("#ch-size", "3"))
