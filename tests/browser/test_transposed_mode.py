"""Transposed mode: a transposed convolution as scatter and as a convolution, side by side and linked;
its values against the scatter loop of tests/references.py, its arithmetic, the guide's figures, its
link, the keyboard and the mouse, and what stays on screen at the three sizes."""
import json
from urllib.parse import quote

import numpy as np
import pytest

from pages import after_paint, assert_on_screen, box, opened_explorer, set_state, state, wait_for
from references import ref_conv2d, ref_conv_transpose2d

ATLAS = json.loads(open("static/modes/transposed/atlas.json").read())["figures"]


@pytest.fixture(scope="module")
def transposed(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=transposed") as watched:
        wait_for(watched.page, "() => !!document.getElementById('tr-sum').textContent", what="the sum")
        yield watched


def stages(page):
    """getState()'s maps of transposed mode, by name, as arrays."""
    return {s["name"]: np.array(s["data"]) for s in state(page)["transposedStages"]}


def assert_output_is_the_reference(page):
    t = state(page)["transposed"]
    want = ref_conv_transpose2d(t["input"], t["kernel"], t["stride"], t["padding"], t["outputPadding"], t["dilation"], t["bias"])
    np.testing.assert_allclose(stages(page)["output"], want, rtol=0, atol=1e-4)


def lit(page, grid):
    """The (row, col) cells of an editor that light up as making the chosen output cell."""
    return page.evaluate("""(id) => [...document.querySelectorAll(`#${id} .kernel-cell.contributes`)]
        .map((b) => [Number(b.dataset.row), Number(b.dataset.col)])""", grid)


def test_the_default_layer_its_values_and_the_sum_at_the_chosen_cell(transposed):
    page = transposed.page
    assert_output_is_the_reference(page)
    s = stages(page)
    assert s["output"].shape == (7, 7) and s["counts"].shape == (7, 7)
    assert sorted(set(s["counts"].ravel())) == [1, 2, 4]  # stride 2, 3×3: the checkerboard's counts
    assert page.locator("#tr-sum-title").inner_text() == "Output row 3, column 4"
    assert page.locator("#tr-sum").inner_text() == "2 stamps land here: 2·2 + 1·2 = 6"
    assert s["output"][2, 3] == 6
    assert lit(page, "tr-input") == [[0, 1], [1, 1]]
    assert lit(page, "tr-kernel") == [[0, 1], [2, 1]]
    assert lit(page, "tr-flipped") == [[0, 1], [2, 1]]  # turned 180°: (2, 1) ↔ (0, 1)
    # As a convolution: the flipped kernel over the spread input, at the same cell, gives the same number.
    spread, flipped = s["spread"], s["flipped"]
    assert spread.shape == (9, 9) and (flipped == np.array(state(page)["transposed"]["kernel"])[::-1, ::-1]).all()
    assert (spread[2:3 + 2, 3:3 + 3] * flipped).sum() == 6
    assert "3×3 input → 7×7 output: (3 − 1)·2 − 2·0 + 1·(3 − 1) + 0 + 1 = 7" in page.locator("#tr-size-text").inner_text()


def test_keys_move_the_cell_and_clicks_change_the_input(transposed):
    page = transposed.page
    page.focus("#tr-output")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")
    assert state(page)["transposed"]["cell"] == {"row": 3, "col": 2}
    assert page.locator("#tr-sum-title").inner_text() == "Output row 4, column 3"
    for _ in range(10):  # the edge stops the cell
        page.keyboard.press("ArrowLeft")
    assert state(page)["transposed"]["cell"]["col"] == 0
    after_paint(page, lambda: page.click("#tr-input .kernel-cell[data-row='2'][data-col='1']"))  # 0 → 1
    assert state(page)["transposed"]["input"][2][1] == 1
    assert_output_is_the_reference(page)
    page.focus("#tr-input .kernel-cell[data-row='2'][data-col='1']")
    after_paint(page, lambda: page.keyboard.press("-"))  # and back
    assert state(page)["transposed"]["input"][2][1] == 0


def test_pointing_at_the_output_and_at_the_spread_input_shows_that_cell(transposed):
    page = transposed.page
    out = box(page, "#tr-output")
    cell = out["width"] / 7
    page.mouse.move(out["x"] + 5.5 * cell, out["y"] + 1.5 * cell)
    wait_for(page, "() => document.getElementById('tr-sum-title').textContent === 'Output row 2, column 6'")
    page.mouse.down()
    page.mouse.up()
    assert state(page)["transposed"]["cell"] == {"row": 1, "col": 5}
    # The spread input: a press at (r, c) chooses the output cell whose 3×3 window is centred there.
    spread = box(page, "#tr-spread")
    cell = spread["width"] / 9
    page.mouse.click(spread["x"] + 4.5 * cell, spread["y"] + 3.5 * cell)
    assert state(page)["transposed"]["cell"] == {"row": 2, "col": 3}
    page.mouse.move(0, 0)
    # Pointing at an input pixel names where its stamp lands.
    page.hover("#tr-input .kernel-cell[data-row='1'][data-col='2']")
    wait_for(page, "() => document.getElementById('tr-sum-title').textContent.startsWith('Input row 2, column 3')")
    assert page.locator("#tr-sum-title").inner_text() == "Input row 2, column 3 stamps 2 × the kernel onto rows 3–5, columns 5–7"


@pytest.mark.parametrize("figure", ATLAS, ids=[f["id"] for f in ATLAS])
def test_every_figure_of_the_guide_opens_exactly(transposed, figure):
    page = transposed.page
    after_paint(page, lambda: page.select_option("#tr-figure", figure["id"]))
    t, want = state(page)["transposed"], figure["transposed"]
    assert [len(t["input"]), len(t["kernel"]), t["stride"], t["padding"], t["outputPadding"], t["dilation"]] == [
        want["input"], want["kernel"], want["stride"], want["padding"], want["outputPadding"], want["dilation"]]
    assert stages(page)["output"].shape == (want["output"], want["output"]) == (figure["forward"]["input"],) * 2
    assert_output_is_the_reference(page)
    f = figure["forward"]
    assert (f"The guide's forward convolution: {f['input']}×{f['input']} input, {f['kernel']}×{f['kernel']} kernel → "
            f"{f['output']}×{f['output']}") in page.locator("#tr-size-text").inner_text()
    assert page.locator("#tr-figure").input_value() == figure["id"]


def test_a_setting_that_cannot_work_is_refused_in_a_sentence_and_nothing_is_lost(transposed):
    page = transposed.page
    set_state(page, {"transposed": {"input": [[1, 2], [3, 4]], "kernel": [[1, 1, 1]] * 3, "stride": 2, "padding": 0,
                                    "outputPadding": 0, "dilation": 1}})
    wait_for(page, "() => window.convExplorer.getState().transposed.input.length === 2")
    before = state(page)["transposed"]
    page.select_option("#tr-output-padding", "2")
    wait_for(page, "() => !document.getElementById('message').hidden", what="the message")
    assert page.locator("#message").inner_text() == (
        "output padding 2 must be smaller than the stride (2) or the dilation (1); it only chooses between the "
        "input sizes a stride rounds to the same output")
    assert state(page)["transposed"] == before
    assert page.locator("#tr-output-padding").input_value() == "0"  # the controls show the layer that is kept


def test_resize_then_convolve_beside_it(transposed):
    page = transposed.page
    after_paint(page, lambda: page.check("#tr-compare"))
    assert page.locator("#tr-compare-panel").is_visible()
    s = stages(page)
    t = state(page)["transposed"]
    np.testing.assert_array_equal(s["resized"], np.kron(np.array(t["input"]), np.ones((t["stride"], t["stride"]))))
    after_paint(page, lambda: page.uncheck("#tr-compare"))
    assert not page.locator("#tr-compare-panel").is_visible()


def test_a_link_opens_the_same_layer_and_cell(browser, base_url):
    layer = {"input": [[1, -2, 0], [3, 1, 1], [0, 2, -1]], "kernel": [[1, 0], [0, -1]], "bias": 0.5, "stride": 3,
             "padding": 1, "outputPadding": 2, "dilation": 1, "cell": {"row": 4, "col": 1}, "compare": False,
             "gradient": None}
    with opened_explorer(browser, f"{base_url}#v=1&mode=transposed&tr={quote(json.dumps(layer))}") as watched:
        page = watched.page
        wait_for(page, "() => !!document.getElementById('tr-sum').textContent")
        assert state(page)["transposed"] == layer
        assert_output_is_the_reference(page)
        assert page.locator("#tr-sum-title").inner_text() == "Output row 5, column 2"
        page.focus("#tr-output")
        page.keyboard.press("ArrowRight")
        wait_for(page, """() => decodeURIComponent(location.hash).includes('"cell":{"row":4,"col":2}')""", what="the link")
        link = page.evaluate("() => location.href")
    with opened_explorer(browser, link) as again:
        wait_for(again.page, "() => !!document.getElementById('tr-sum').textContent")
        assert state(again.page)["transposed"] == {**layer, "cell": {"row": 4, "col": 2}}
        assert again.errors == []


@pytest.mark.parametrize("query,size,parts", [
    ("", (1280, 800), ["#tr-figure", "#tr-input", "#tr-kernel", "#tr-output", "#tr-counts", "#tr-spread", "#tr-flipped", "#tr-sum"]),
    ("?embed", (640, 480), ["#tr-figure", "#tr-input", "#tr-kernel", "#tr-output", "#tr-counts", "#tr-spread", "#tr-flipped", "#tr-sum"]),
], ids=["page 1280×800", "embed 640×480"])
def test_every_part_is_on_screen(browser, base_url, query, size, parts):
    with opened_explorer(browser, f"{base_url}{query}#v=1&mode=transposed", *size) as watched:
        page = watched.page
        wait_for(page, "() => !!document.getElementById('tr-sum').textContent")
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert_on_screen(page, parts, *size)
        assert box(page, "#tr-output")["width"] >= (120 if query else 200)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size[0]
        assert watched.errors == []


def test_a_phone_stacks_the_panels_at_full_width(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=transposed", 390, 844) as watched:
        page = watched.page
        wait_for(page, "() => !!document.getElementById('tr-sum').textContent")
        editors, scatter, conv = (box(page, s) for s in (".tr-editors", ".tr-scatter", ".tr-conv"))
        assert editors["y"] + editors["height"] <= scatter["y"] and scatter["y"] + scatter["height"] <= conv["y"]
        assert box(page, "#tr-output")["width"] >= 0.45 * 390
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_explores_layer_opens_as_its_gradient_and_the_check_agrees(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&img=digit3&k=1,0,-1,2,0,-2,1,0,-1&s=2&pad=1&w=9,13") as watched:
        page = watched.page
        page.click("#to-transposed")
        wait_for(page, "() => !document.getElementById('tr-gradient-panel').hidden", what="the gradient view")
        s = state(page)
        assert s["mode"] == "transposed" and s["transposed"]["gradient"] == "cell"
        assert s["transposed"]["cell"] == {"row": 5, "col": 7}  # the output cell under explore's window
        maps = stages(page)
        g = maps["upstream"]
        assert g.shape == (12, 12) and g.sum() == 1 and g[5, 7] == 1
        image = np.array(s["image"])
        # dL/dx by the scatter loop, padding 1 cropped and output padding 1: back to 24×24.
        want = ref_conv_transpose2d(g, s["kernel"], 2, 1, 1)
        np.testing.assert_allclose(maps["gradient"], want, rtol=0, atol=1e-6)
        assert "padding 1, output padding 1" in page.locator("#tr-gradient-layer").inner_text()
        assert not page.locator(".tr-body").is_visible()

        after_paint(page, lambda: page.click("#tr-check"))
        assert page.locator("#tr-gradient-text").inner_text() == (
            "Checked: changing each of the 576 pixels by 1 moves L by exactly dL/dx there (the largest difference is 0).")
        after_paint(page, lambda: page.select_option("#tr-upstream", "map"))
        y = stages(page)["upstream"]
        np.testing.assert_allclose(y, ref_conv2d(image, s["kernel"], 2, 1), rtol=0, atol=1e-5)  # g = y, the feature map
        np.testing.assert_allclose(stages(page)["gradient"], ref_conv_transpose2d(y, s["kernel"], 2, 1, 1), rtol=0, atol=1e-4)
        set_state(page, {"paddingMode": "reflect"})
        wait_for(page, "() => window.convExplorer.getState().paddingMode === 'reflect'")
        # The digit's border is dark, so y is 0 there: with g = 1 everywhere the border's own gradient shows.
        after_paint(page, lambda: page.select_option("#tr-upstream", "ones"))
        after_paint(page, lambda: page.click("#tr-check"))
        assert "with reflect padding the border pixels are read again as padding" in page.locator("#tr-gradient-text").inner_text()

        wait_for(page, """() => decodeURIComponent(location.hash).includes('"gradient":"ones"')""", what="the link")
        link = page.evaluate("() => location.href")
        after_paint(page, lambda: page.click("#tr-gradient-close"))
        assert page.locator(".tr-body").is_visible() and not page.locator("#tr-gradient-panel").is_visible()
        assert watched.errors == []
    with opened_explorer(browser, link) as again:
        wait_for(again.page, "() => !document.getElementById('tr-gradient-panel').hidden", what="the gradient view")
        assert state(again.page)["transposed"]["gradient"] == "ones" and state(again.page)["paddingMode"] == "reflect"


def test_the_gradient_view_fits_an_embed(browser, base_url):
    fragment = ("#v=1&img=digit3&k=1,0,-1,2,0,-2,1,0,-1&s=2&pad=1&mode=transposed&tr="
                + quote(json.dumps({"gradient": "cell", "cell": {"row": 5, "col": 7}})))
    with opened_explorer(browser, f"{base_url}?embed{fragment}", 640, 480) as watched:
        page = watched.page
        wait_for(page, "() => !document.getElementById('tr-gradient-panel').hidden", what="the gradient view")
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert_on_screen(page, ["#tr-upstream", "#tr-check", "#tr-upstream-map", "#tr-gradient-map", "#tr-gradient-text"], 640, 480)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 640
        assert watched.errors == []
