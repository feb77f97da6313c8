"""A learner watches the convolution happen: the window steps through every position, row
by row, the inspector follows it, and the map can be built cell by cell."""
import time

from pages import state
from references import SOBEL_X



def reset(page, **extra):
    page.evaluate("(s) => window.convExplorer.setState(s)",
                  {"image": "digit3", "kernel": SOBEL_X, "stride": 1, "padding": 0, "dilation": 1,
                   "window": {"row": 0, "col": 0}, "fill": False, **extra})


def inspector_value(page):
    return float(page.locator("#inspector-summary").get_attribute("data-value"))


def test_each_step_moves_the_window_one_position_and_the_inspector_matches(explorer):
    page = explorer.page
    reset(page, stride=2, padding=1, window={"row": -1, "col": -1})  # the first position is in the padding
    assert state(page)["window"] == {"row": -1, "col": -1}
    outputs = state(page)["output"]
    width = len(outputs[0])
    seen = []
    for i in range(1, width + 3):  # across the first row and onto the second
        page.click("#step-forward")
        s = state(page)
        row, col = divmod(i, width)
        assert s["window"] == {"row": row * 2 - 1, "col": col * 2 - 1}
        assert inspector_value(page) == outputs[row][col]
        seen.append((row, col))
    assert seen[width - 2:width] == [(0, width - 1), (1, 0)]  # the row wraps after its last position


def test_step_back_returns_to_the_previous_position(explorer):
    page = explorer.page
    reset(page, window={"row": 3, "col": 4})
    page.click("#step-back")
    assert state(page)["window"] == {"row": 3, "col": 3}
    page.click("#step-forward")
    assert state(page)["window"] == {"row": 3, "col": 4}


def test_play_walks_to_the_end_and_stops(explorer):
    page = explorer.page
    reset(page, window={"row": 21, "col": 15})
    page.select_option("#speed", "fast")
    page.click("#play")
    assert page.locator("#play").get_attribute("aria-label") == "Pause"
    deadline = time.monotonic() + 10
    while page.locator("#play").get_attribute("aria-label") != "Play":
        assert time.monotonic() < deadline, "play never reached the end"
        page.wait_for_timeout(30)
    assert state(page)["window"] == {"row": 21, "col": 21}
    page.select_option("#speed", "normal")


def test_the_map_fills_in_cell_by_cell(explorer):
    page = explorer.page
    reset(page, fill=True, window={"row": 2, "col": 3})
    # Cells after the window's position are not painted yet: transparent pixels on the canvas.
    painted = page.evaluate("""() => {
        const c = document.getElementById("output-canvas");
        const ctx = c.getContext("2d");
        const cell = c.width / 22;
        const alpha = (r, col) => ctx.getImageData(Math.floor((col + 0.5) * cell), Math.floor((r + 0.5) * cell), 1, 1).data[3];
        return [alpha(2, 3), alpha(2, 4), alpha(21, 21), alpha(0, 0)];
    }""")
    assert painted[0] == 255 and painted[3] == 255
    assert painted[1] == 0 and painted[2] == 0
    page.click("#step-forward")
    assert state(page)["fill"] is True
    reset(page)


def test_the_scrubber_and_the_api_move_the_window(explorer):
    page = explorer.page
    reset(page)
    page.locator("#scrub").fill("45")  # row 2 (22 positions a row), column 1
    assert state(page)["window"] == {"row": 2, "col": 1}
    page.evaluate("() => window.convExplorer.step(-2)")
    assert state(page)["window"] == {"row": 1, "col": 21}


def test_in_a_mode_without_a_window_the_motion_api_says_so_and_nothing_moves(explorer):
    page = explorer.page
    reset(page, mode="channels")
    try:
        before = state(page)["window"]
        answers = page.evaluate("""async () => Promise.all(["play", "pause", "step"].map((name) =>
            window.convExplorer[name]().then(() => "done", (err) => err.message)))""")
        assert answers == [f"This mode has no filter window to {name}." for name in ("play", "pause", "step")]
        assert state(page)["window"] == before and page.locator("#message").inner_text() == ""
    finally:
        reset(page, mode="explore")
