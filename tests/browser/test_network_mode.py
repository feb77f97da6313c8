"""Network mode: a trained CNN on real digits in the page, checked against app.network in CPython."""
import io
import json
import time
from urllib.parse import parse_qs

import numpy as np
import pytest

from app import network
from pages import assert_on_screen, edit_through_a_restart, hang_python, open_explorer, opened_explorer, set_state, state
from core_answers import cpython_probs, DIGITS_MODEL, heldout_digits


@pytest.fixture(scope="module")
def net_page(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=network", 1280, 800) as watched:
        wait_for_network(watched.page, lambda n: n.get("probs") and not n["accuracyPending"])
        yield watched


def wait_for_network(page, check, timeout_s=20):
    """Poll getState().network until check(it) is true (no sleeps: the page's own state decides)."""
    deadline = time.monotonic() + timeout_s
    while True:
        net = page.evaluate("() => window.convExplorer.getState().network")
        if check(net):
            return net
        assert time.monotonic() < deadline, f"network state never became as expected: {json.dumps(net)[:300]}"
        page.wait_for_timeout(20)


def edited(model, edits):
    """model with edits on top (null: the trained value), done here without the page's code."""
    m = model.copy()
    for index, filters in edits.items():
        for f, e in filters.items():
            layer, f = m.layers[int(index)], int(f)
            flat = layer["weight"][f].ravel()
            layer["weight"][f] = np.array([t if v is None else v for v, t in zip(e["w"], flat)], np.float32).reshape(layer["weight"][f].shape)
            layer["bias"][f] = layer["bias"][f] if e["b"] is None else e["b"]
    return m


def linked_network(fragment):
    """The network settings a link's fragment carries (net=), or {}."""
    params = parse_qs(fragment.lstrip("#"))
    return json.loads(params["net"][0]) if "net" in params else {}


def test_the_whole_network_is_on_screen_at_1280_by_800(net_page):
    page = net_page.page
    page.evaluate("() => window.scrollTo(0, 0)")
    assert page.locator(".net-map-button").count() == 8 * 3 + 16 * 3  # conv, ReLU, pool of both layers
    maps = [f".net-map-button >> nth={i}" for i in range(page.locator(".net-map-button").count())]
    assert_on_screen(page, ["#net-input", "#net-probs", "#net-prediction", "#net-accuracy", "#net-detail-title",
                            "#net-zero"] + maps, 1280, 800)
    net = state(page)["network"]
    assert net["modelName"] == "digits" and len(net["probs"]) == 10
    assert page.locator("#net-prediction").inner_text().startswith(f"It reads a {net['prediction']}")
    assert "97.30% of 2,000 digits" in page.locator("#net-accuracy").inner_text()
    assert net["accuracy"] == net["trainedAccuracy"] == pytest.approx(0.973)
    assert net_page.errors == []


def test_probabilities_match_cpython_on_a_held_out_digit(net_page, heldout, trained):
    page = net_page.page
    images, labels = heldout
    set_state(page, {"mode": "network", "image": images[1234].tolist()})
    s = state(page)
    np.testing.assert_allclose(s["network"]["probs"], cpython_probs(trained, s["image"]), atol=1e-5)
    assert s["network"]["prediction"] == int(np.argmax(cpython_probs(trained, s["image"])))


def test_a_wrong_answer_can_be_picked_and_is_wrong(net_page, heldout, trained):
    page = net_page.page
    images, labels = heldout
    options = page.locator("#net-mistakes option")
    wrong = [int(v) for v in options.evaluate_all("(os) => os.map((o) => o.value).filter(Boolean)")]
    expected = np.flatnonzero(network.forward(trained, images).argmax(1) != labels).tolist()
    assert wrong == expected and len(wrong) == 54
    page.select_option("#net-mistakes", str(wrong[0]))
    net = wait_for_network(page, lambda n: n["digit"] == wrong[0])
    np.testing.assert_array_equal(np.array(state(page)["image"], np.float32), images[wrong[0]])
    assert net["prediction"] != labels[wrong[0]]
    assert page.locator("#net-digit-label").inner_text() == (
        f"Held-out digit {wrong[0] + 1}: a {labels[wrong[0]]}, read as {net['prediction']}: wrong")


def test_zeroing_a_filter_changes_the_accuracy_as_cpython_says_and_reset_restores_it(net_page, heldout, trained):
    page = net_page.page
    images, labels = heldout
    page.locator(".net-map-button[data-layer='0'][data-filter='2']").click()
    wait_for_network(page, lambda n: n["layer"] == 0 and n["filter"] == 2)
    assert page.locator("#net-detail-title").inner_text() == "Convolution 1, filter 3"
    page.locator("#net-zero").click()
    net = wait_for_network(page, lambda n: "0" in n["edits"] and not n["accuracyPending"] and n["accuracy"] != n["trainedAccuracy"])
    assert net["edits"]["0"]["2"] == {"w": [0] * 9, "b": 0}
    expected = network.accuracy(edited(trained, net["edits"]), images, labels)
    assert net["accuracy"] == pytest.approx(expected, abs=0.5 / 2000)
    assert page.locator("#net-accuracy").inner_text() == f"Held-out accuracy: 97.30% → {100 * expected:.2f}%"
    np.testing.assert_allclose(net["probs"], cpython_probs(edited(trained, net["edits"]), state(page)["image"]), atol=1e-5)
    page.locator("#net-reset").click()
    net = wait_for_network(page, lambda n: n["edits"] == {} and not n["accuracyPending"] and n["accuracy"] == n["trainedAccuracy"])


def test_a_weight_click_is_an_edit_and_the_link_carries_it(net_page, browser, base_url, trained):
    page = net_page.page
    page.locator(".net-map-button[data-layer='3'][data-filter='5']").click()
    wait_for_network(page, lambda n: n["layer"] == 3 and n["filter"] == 5)
    page.locator("#net-kernels .kernel-cell >> nth=4").click()  # input channel 1, centre weight
    net = wait_for_network(page, lambda n: "3" in n["edits"] and not n["accuracyPending"])
    weight = net["edits"]["3"]["5"]["w"]
    # Only the clicked weight is listed; null stands for the trained value (links stay short).
    assert weight[4] in (0, 1, 2, -2, -1) and weight[:4] == [None] * 4 and net["edits"]["3"]["5"]["b"] is None
    deadline = time.monotonic() + 5
    while linked_network(page.evaluate("() => location.hash")).get("edits") != net["edits"]:
        assert time.monotonic() < deadline, "the link never carried the network's edits"
        page.wait_for_timeout(20)
    link = page.evaluate("() => location.hash")
    other = open_explorer(browser, f"{base_url}{link}", 1280, 800)
    try:
        again = wait_for_network(other.page, lambda n: n.get("probs") and not n["accuracyPending"])
        assert again["edits"] == net["edits"] and again["accuracy"] == net["accuracy"]
        # The link carries the drawing in 8 bits a pixel: the same image to within 1/255.
        image = state(other.page)["image"]
        np.testing.assert_allclose(image, state(page)["image"], atol=0.5 / 255)
        np.testing.assert_allclose(again["probs"], cpython_probs(edited(trained, net["edits"]), image), atol=1e-5)
    finally:
        other.page.context.close()
    page.locator("#net-reset").click()
    wait_for_network(page, lambda n: n["edits"] == {} and not n["accuracyPending"])


def test_drawing_moves_the_probabilities(net_page, trained):
    page = net_page.page
    page.locator("#net-clear").click()
    wait_for_network(page, lambda n: n["digit"] is None)
    box = page.locator("#net-input").bounding_box()
    cell = box["width"] / 24
    page.mouse.move(box["x"] + 12.5 * cell, box["y"] + 4.5 * cell)  # cell centres, not their borders
    page.mouse.down()
    for row in range(5, 21):  # a vertical stroke: a 1
        page.mouse.move(box["x"] + 12.5 * cell, box["y"] + (row + 0.5) * cell)
    page.mouse.up()
    deadline = time.monotonic() + 10
    while True:  # until the whole stroke is painted
        s = state(page)  # one snapshot: the probabilities shown are those of the image shown
        net, image = s["network"], s["image"]
        if image[20][12] == 1:
            break
        assert time.monotonic() < deadline, "the end of the stroke was never painted"
        page.wait_for_timeout(20)
    assert np.array(image)[4:21, 12].min() == 1 and net["prediction"] == 1
    np.testing.assert_allclose(net["probs"], cpython_probs(trained, image), atol=1e-5)


def test_a_model_that_does_not_fit_is_refused_in_one_sentence(net_page):
    page = net_page.page
    spec = json.loads(DIGITS_MODEL.read_text())
    with np.load(DIGITS_MODEL.with_suffix(".npz")) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["conv2.weight"] = arrays["conv2.weight"][:, :4]
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    page.set_input_files("#net-files", [
        {"name": "broken.json", "mimeType": "application/json", "buffer": json.dumps(spec).encode()},
        {"name": "broken.npz", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}])
    message = page.locator("#message")
    message.wait_for(state="visible")
    deadline = time.monotonic() + 10
    while "broken.json" not in message.inner_text():
        assert time.monotonic() < deadline
        page.wait_for_timeout(20)
    assert message.inner_text() == ('"broken.json": layer 4 (conv2d) has weights 16×4×3×3 for 4 input channels, '
                                    "but receives 8 channels of 11×11. The network shown is unchanged.")
    assert state(page)["network"]["modelName"] == "digits"


def hover_cell(page, selector, row, col, rows):
    box = page.locator(selector).bounding_box()
    cell = box["width"] / rows
    page.mouse.move(box["x"] + (col + 0.5) * cell, box["y"] + (row + 0.5) * cell)


def test_pointing_at_a_cell_shows_its_sum_and_what_it_sees(net_page):
    page = net_page.page
    page.locator(".net-map-button[data-layer='3'][data-filter='4']").click()
    wait_for_network(page, lambda n: n["layer"] == 3 and n["filter"] == 4)
    hover_cell(page, ".net-map-button[data-layer='3'][data-filter='4'] canvas", 4, 5, 9)
    arithmetic = page.locator("#net-arithmetic")
    deadline = time.monotonic() + 5
    while not arithmetic.inner_text().startswith("At row 5, column 6"):
        assert time.monotonic() < deadline, arithmetic.inner_text()
        page.wait_for_timeout(20)
    assert "8 sums of 9 products" in arithmetic.inner_text()
    # The written-out sum is the map's own value (computed in Python, float32).
    assert float(arithmetic.get_attribute("data-sum")) == pytest.approx(float(arithmetic.get_attribute("data-value")), abs=1e-4)
    assert page.locator("#net-receptive").get_attribute("data-size") == "8x8"  # conv 3 → pool 2 → conv 3
    hover_cell(page, ".net-map-button[data-layer='5'][data-filter='0'] canvas", 1, 1, 4)
    while page.locator("#net-receptive").get_attribute("data-size") != "10x10":
        assert time.monotonic() < deadline + 5
        page.wait_for_timeout(20)
    assert "rows 5–14, columns 5–14" in page.locator("#net-receptive").inner_text()


def test_your_own_model_loads_from_a_json_and_npz_pair(net_page, trained):
    page = net_page.page
    spec = {**json.loads(DIGITS_MODEL.read_text()), "name": "leans-to-7"}
    with np.load(DIGITS_MODEL.with_suffix(".npz")) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["fc.bias"] = arrays["fc.bias"] + np.eye(10, dtype=np.float32)[7] * 3  # a model that leans to 7
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    page.set_input_files("#net-files", [
        {"name": "mine.json", "mimeType": "application/json", "buffer": json.dumps(spec).encode()},
        {"name": "mine.npz", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}])
    net = wait_for_network(page, lambda n: n["modelName"] == n["model"] == "leans-to-7" and not n["accuracyPending"])
    assert net["model"] == "leans-to-7" and net["edits"] == {}
    mine = network.from_spec(spec, arrays)
    np.testing.assert_allclose(net["probs"], cpython_probs(mine, state(page)["image"]), atol=1e-5)
    assert net["trainedAccuracy"] == pytest.approx(network.accuracy(mine, *heldout_digits()), abs=1e-9)


def test_on_a_phone_the_input_and_probabilities_come_first_and_nothing_scrolls_sideways(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=network", 390, 844) as watched:
        page = watched.page
        wait_for_network(page, lambda n: n.get("probs") and not n["accuracyPending"])
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        net_input, layers = page.locator("#net-input").bounding_box(), page.locator("#net-layers").bounding_box()
        probs = page.locator("#net-probs").bounding_box()
        assert net_input["x"] >= 0 and net_input["x"] + net_input["width"] <= 390
        assert net_input["y"] < probs["y"] < layers["y"]
        assert layers["x"] + layers["width"] <= 390  # its columns scroll inside it


def test_a_hung_worker_in_network_mode_is_replaced_and_the_network_comes_back(browser, base_url, heldout, trained):
    with opened_explorer(browser, f"{base_url}#v=1&mode=network", 1280, 800) as watched:
        page = watched.page
        wait_for_network(page, lambda n: n.get("probs") and not n["accuracyPending"])
        hang_python(page, browser)
        edit_through_a_restart(page, {"image": heldout[0][5].tolist()})
        s = state(page)
        np.testing.assert_allclose(s["network"]["probs"], cpython_probs(trained, s["image"]), atol=1e-5)
        assert s["network"]["trainedAccuracy"] == pytest.approx(0.973)


def test_an_embed_at_800_by_600_shows_input_every_map_and_the_answer_at_once(browser, base_url):
    with opened_explorer(browser, f"{base_url}?embed#v=1&mode=network", 800, 600) as watched:
        page = watched.page
        wait_for_network(page, lambda n: n.get("probs") and not n["accuracyPending"])
        parts = ["#net-input", "#net-probs", "#net-prediction"] + [
            f".net-map-button >> nth={i}" for i in range(page.locator(".net-map-button").count())]
        assert_on_screen(page, parts, 800, 600)


def test_the_embed_dialog_hands_out_the_frame_network_mode_needs(net_page):
    """800×600 where a host keeps only the attributes; a square in a column until the resizer sets the height."""
    page = net_page.page
    page.click("#embed-open")
    try:
        assert page.locator("#embed-size").input_value() == "column"
        code = page.locator("#embed-code").input_value()
        assert 'width="800" height="600"' in code and "aspect-ratio: 1 / 1" in code and "mode=network" in code
        page.select_option("#embed-size", "800x600")
        assert 'width="800" height="600" style="border: 0; max-width: 100%;"' in page.locator("#embed-code").input_value()
    finally:
        page.click("#embed-close")
