"""Network mode's probes: move the digit (by keys, dragging, sliders) and sweeps over the held-out digits,
checked against app.network and app.probes run in CPython on the same digits."""
import json

import numpy as np
import pytest

from app import network, probes
from core_answers import cpython_probs
from pages import after_paint, assert_on_screen, box, opened_explorer, set_state, state, wait_for, wait_network

UNMOVED = {"dy": 0, "dx": 0, "angle": 0, "scale": 1}


@pytest.fixture(scope="module")
def probe_page(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=network", 1280, 800) as watched:
        wait_network(watched.page)
        yield watched


def net(page):
    return state(page)["network"]


def sweep_done(page, kind, timeout_s=90):
    return wait_for(page, "(k) => { const s = window.convExplorer.getState().network.sweeps[k]; return s && s.done && s; }",
                    timeout_s=timeout_s, what=f"the {kind} sweep", arg=kind)


def test_arrow_keys_on_the_digit_shift_it_and_a_shift_commutes_with_the_first_convolution(probe_page, heldout, trained):
    page = probe_page.page
    images, _ = heldout
    set_state(page, {"image": images[42].tolist(), "network": {**net(page), "digit": 42, "panel": "move", "probe": UNMOVED}})
    page.locator("#net-input").focus()
    for key in ["ArrowDown", "ArrowDown", "ArrowLeft"]:
        after_paint(page, lambda: page.keyboard.press(key))
    n = net(page)
    assert n["probe"] == {"dy": 2, "dx": -1, "angle": 0, "scale": 1}
    moved = probes.shift(images[42], 2, -1)
    np.testing.assert_allclose(n["probs"], cpython_probs(trained, moved), atol=1e-5)
    assert n["commute"]["inside_max"] == 0 and n["commute"]["border_max"] > 0
    assert page.locator("#net-dx-out").inner_text() == "1 left" and page.locator("#net-dy-out").inner_text() == "2 down"
    assert "Away from the border the two are equal (largest difference 0" in page.locator("#net-commute-note").inner_text()
    assert_on_screen(page, ["#net-input", "#net-commute-a", "#net-commute-b", "#net-commute-diff", "#net-commute-note",
                            "#net-probs"], 1280, 800)


def test_a_turn_does_not_commute_and_put_it_back_restores_the_digit(probe_page, heldout, trained):
    page = probe_page.page
    images, _ = heldout
    set_state(page, {"image": images[7].tolist(), "network": {**net(page), "digit": 7, "panel": "move", "probe": UNMOVED}})
    after_paint(page, lambda: page.locator("#net-angle").fill("30"))
    n = net(page)
    assert n["probe"]["angle"] == 30
    np.testing.assert_allclose(n["probs"], cpython_probs(trained, probes.transform(images[7], angle=30)), atol=1e-5)
    assert n["commute"]["inside_max"] > 0.1
    assert "even away from the border" in page.locator("#net-commute-note").inner_text()
    after_paint(page, lambda: page.click("#net-unmove"))
    n = net(page)
    assert n["probe"] == UNMOVED and n["commute"] is None
    np.testing.assert_allclose(n["probs"], cpython_probs(trained, images[7]), atol=1e-5)
    assert page.locator("#net-unmove").is_disabled()


def test_dragging_the_digit_moves_it_by_whole_pixels_and_the_link_keeps_the_move(probe_page, browser, base_url):
    page = probe_page.page
    set_state(page, {"network": {**net(page), "panel": "move", "probe": UNMOVED}})
    b = box(page, "#net-input")
    cell = b["width"] / 24
    page.mouse.move(b["x"] + 10.5 * cell, b["y"] + 10.5 * cell)
    page.mouse.down()
    page.mouse.move(b["x"] + 13.5 * cell, b["y"] + 9.5 * cell, steps=4)
    page.mouse.up()
    wait_for(page, "() => window.convExplorer.getState().network.probe.dx === 3", what="a drag of 3 pixels right")
    assert net(page)["probe"]["dy"] == -1
    link = wait_for(page, """() => { const net = new URLSearchParams(location.hash.slice(1)).get("net");
                                     return net && JSON.parse(net).probe?.dx === 3 && location.hash; }""",
                    what="the link carrying the move")
    with opened_explorer(browser, f"{base_url}{link}", 1280, 800) as other:
        wait_network(other.page)
        again = net(other.page)
        assert again["probe"] == net(page)["probe"] and again["panel"] == "move"
        assert again["probs"] == pytest.approx(net(page)["probs"], abs=1e-6)


def test_the_shift_sweep_is_the_accuracy_of_every_shifted_held_out_set(probe_page, heldout, trained):
    page = probe_page.page
    images, labels = heldout
    set_state(page, {"network": {**net(page), "panel": "sweep", "sweep": "shift", "edits": {}, "probe": UNMOVED}})
    assert net(page)["sweeps"] == {}  # opening the panel measures nothing until asked
    page.click("#net-sweep-run")
    sweep = sweep_done(page, "shift")
    assert len(sweep["cells"]) == 289 and sweep["measured"] == sweep["total"] == 2000 and sweep["current"]
    # the page computes every shift at once on a framed image; CPython shifts one set at a time
    for dy, dx in [(0, 0), (3, -2), (-8, 8), (6, 1)]:
        got = sweep["accuracy"][sweep["cells"].index([dy, dx])]
        assert got == pytest.approx(network.accuracy(trained, probes.shift(images, dy, dx), labels), abs=1e-9)
    assert page.locator("#net-sweep-summary").inner_text().startswith("Not moved: 97.3%; moved 1, 2, 4, 8 pixels")
    assert_on_screen(page, ["#net-sweep-map", "#net-sweep-progress", "#net-sweep-run", "#net-sweep-summary"], 1280, 800)


def test_choosing_a_sweep_cell_lists_digits_that_flip_there_and_opens_one_moved(probe_page, heldout, trained):
    page = probe_page.page
    images, labels = heldout
    set_state(page, {"network": {**net(page), "panel": "sweep", "sweep": "shift"}})
    sweep_done(page, "shift")
    page.locator("#net-sweep-map").focus()
    for key in ["ArrowRight"] * 5:  # from the centre to 5 pixels right
        page.keyboard.press(key)
    cell = sweep_done(page, "shift")["cells"].index([0, 5])
    wait_for(page, "(i) => document.querySelector(`#net-sweep-flips[data-cell='${i}'] button`)", arg=cell,
             what="digits that flip 5 pixels right")
    assert page.locator("#net-sweep-cell").inner_text().startswith("5 pixels right: ")
    first = page.locator("#net-sweep-flips button").first
    digit = int(first.inner_text().split(":")[0].lstrip("#")) - 1
    after_paint(page, lambda: page.keyboard.press("Enter"))
    n = wait_for(page, "(d) => { const n = window.convExplorer.getState().network; return n.digit === d && n; }", arg=digit)
    assert n["probe"] == {"dy": 0, "dx": 5, "angle": 0, "scale": 1}
    assert int(np.argmax(cpython_probs(trained, images[digit]))) == labels[digit]
    moved = cpython_probs(trained, probes.shift(images[digit], 0, 5))
    assert n["prediction"] == int(np.argmax(moved)) != labels[digit]
    set_state(page, {"network": {**net(page), "probe": UNMOVED}})


def test_a_turn_sweep_can_be_cancelled_and_keeps_what_it_measured(probe_page):
    page = probe_page.page
    set_state(page, {"network": {**net(page), "panel": "sweep", "sweep": "rotate"}})
    page.click("#net-sweep-run")
    wait_for(page, "() => (window.convExplorer.getState().network.sweeps.rotate?.measured ?? 0) > 0 "
                   "|| window.convExplorer.getState().network.sweeps.rotate?.accuracy.some((a) => a !== null)",
             what="the first parts of the turn sweep")
    page.click("#net-sweep-cancel")
    wait_for(page, "() => document.getElementById('net-sweep-status').textContent.includes('(cancelled)')")
    before = net(page)["sweeps"]["rotate"]
    assert not before["done"] and page.locator("#net-sweep-run").inner_text() == "Measure again"
    # an edit still answers, and the cancelled sweep does not go on
    after_paint(page, lambda: set_state(page, {"network": {**net(page), "edits": {"0": {"0": {"w": [0] * 9, "b": 0}}}}}))
    assert net(page)["sweeps"]["rotate"]["accuracy"] == before["accuracy"]
    assert "the weights have changed since" in page.locator("#net-sweep-status").inner_text()
    set_state(page, {"network": {**net(page), "edits": {}, "panel": "filter"}})


def test_tabs_follow_the_arrow_keys_and_the_panels_fit_an_800_by_600_embed(browser, base_url):
    view = json.dumps({"panel": "move", "probe": {"dy": 1, "dx": 0, "angle": 0, "scale": 1}}).replace(" ", "")
    with opened_explorer(browser, f"{base_url}?embed#v=1&mode=network&net={view}", 800, 600) as watched:
        page = watched.page
        wait_network(page)
        assert page.get_attribute("#net-tab-move", "aria-selected") == "true"
        page.locator("#net-tab-move").focus()
        after_paint(page, lambda: page.keyboard.press("ArrowRight"))
        assert net(page)["panel"] == "sweep" and page.get_attribute("#net-tab-sweep", "aria-selected") == "true"
        assert page.locator("#net-pane-move").is_hidden() and page.locator("#net-pane-sweep").is_visible()
        # the open panel takes the maps' place beside the digit and the answer: all three in the frame
        assert_on_screen(page, ["#net-input", "#net-sweep-map", "#net-sweep-progress", "#net-prediction"], 800, 600)
        assert watched.errors == []


def test_clicking_a_map_cell_shows_that_units_receptive_field_as_cpython_computes_it(probe_page, heldout, trained):
    page = probe_page.page
    images, _ = heldout
    set_state(page, {"image": images[321].tolist(), "network": {**net(page), "digit": 321, "panel": "field", "probe": UNMOVED}})
    button = page.locator('.net-map-button[data-layer="3"][data-filter="5"]')
    b = button.locator("canvas").bounding_box()
    cell = b["width"] / 9
    page.mouse.click(b["x"] + 2.5 * cell, b["y"] + 6.5 * cell)  # row 6, column 2 of conv 2's map 6
    field = wait_for(page, """() => { const n = window.convExplorer.getState().network;
                                      return n.unit.row === 6 && n.field?.done && n.field; }""", what="the unit's field")
    assert net(page)["unit"] == {"layer": 3, "channel": 5, "row": 6, "col": 2}
    assert field["box"] == list(probes.field_box(trained, 3, 6, 2)) == [12, 4, 19, 11]
    one = network.input_gradient(trained, images[321], 3, 5, 6, 2)
    assert field["one_pixels90"] == probes.pixels_holding(np.abs(one))
    mean = probes.FieldMean(trained, images, 3, 5, 6, 2)
    while not mean.advance(1):
        pass
    assert field["mean_pixels90"] == probes.pixels_holding(mean.mean()) and field["measured"] == 2000
    note = page.locator("#net-field-note").inner_text()
    assert note.startswith("Its theoretical field is the 8×8 box.")
    assert f"Over 2,000 held-out digits: {field['mean_pixels90']} of its 64 pixels" in note
    assert_on_screen(page, ["#net-field-one", "#net-field-mean", "#net-field-note", "#net-tab-field"], 1280, 800)
    set_state(page, {"network": {**net(page), "panel": "filter"}})
