"""1-D mode: a signal through one conv1d layer. The output and the taps against the core computed here
(app.signals for the filters, the 1-D loop of tests/references.py for the layer), the window and its sum,
the taps edited by keys and by dragging, the response, the spectrograms, sound, the link, the sizes."""
import json
from urllib.parse import quote

import numpy as np
import pytest

from app import signals
from pages import after_paint, assert_on_screen, box, opened_explorer, set_state, state, wait_for
from references import ref_conv1d, ref_same_pads


@pytest.fixture(scope="module")
def signal_page(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=signal") as watched:
        wait_for(watched.page, "() => !!document.getElementById('sg-sum').textContent", what="the window's sum")
        yield watched


def reference_output(s):
    """The layer by the loop reference, with the taps the page shows (a named filter's, computed by app.signals)."""
    g = s["signal"]
    x = signals.builtin(g["source"])
    taps = np.array(s["signalTaps"])
    k = taps.size
    before, after = {"valid": (0, 0), "same": ref_same_pads(k, g["dilation"]), "causal": (g["dilation"] * (k - 1), 0)}.get(
        g["padding"], (g["padding"], g["padding"]))
    return ref_conv1d(x, taps, g["stride"], before, after, g["dilation"], g["bias"])


def test_the_default_low_pass_takes_the_hiss_away(signal_page):
    page = signal_page.page
    s = state(page)
    assert s["signal"]["filter"] == {"kind": "lowpass", "taps": 31, "cutoff": 500}
    np.testing.assert_allclose(s["signalTaps"], signals.lowpass(31, 500), rtol=0, atol=1e-7)
    np.testing.assert_allclose(s["signalOutput"], reference_output(s), rtol=0, atol=1e-5)
    response = np.array(s["signalResponse"])
    assert response[0] == pytest.approx(1, abs=1e-6) and response[-1] < 0.01  # 0 Hz passes, 4 kHz does not
    # The window's sum, written out, is the output sample it names.
    t = s["signal"]["at"]
    total = page.locator("#sg-sum").inner_text().rsplit("= ", 1)[1].replace("−", "-")
    assert float(total) == pytest.approx(s["signalOutput"][t], abs=5e-4)
    assert page.locator("#sg-sum").inner_text().count("·") == 31


def test_keys_move_the_window_and_edit_a_tap(signal_page):
    page = signal_page.page
    at = state(page)["signal"]["at"]
    page.focus("#sg-input")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    assert state(page)["signal"]["at"] == at + 101
    page.focus("#sg-taps-canvas")
    page.keyboard.press("ArrowRight")  # tap 2
    before = state(page)["signalTaps"]
    after_paint(page, lambda: page.keyboard.press("ArrowUp"))
    s = state(page)
    assert s["signal"]["filter"] is None  # an edited filter is the learner's own taps
    assert s["signalTaps"][1] == pytest.approx(round(before[1] + 0.05, 3), abs=1e-6)
    assert s["signalTaps"][2:] == pytest.approx(before[2:], abs=1e-6)
    np.testing.assert_allclose(s["signalOutput"], reference_output(s), rtol=0, atol=1e-5)
    assert page.locator("#sg-filter").input_value() == ""


@pytest.mark.parametrize("filter_kind,padding,stride,dilation", [
    ("highpass", "same", 1, 1), ("average", "causal", 2, 1), ("difference", "valid", 1, 3), ("matched", "same", 1, 1),
])
def test_each_filter_and_layer_setting_paints_the_cores_output(signal_page, filter_kind, padding, stride, dilation):
    page = signal_page.page
    source = "ecg" if filter_kind == "matched" else "chirp"
    after_paint(page, lambda: set_state(page, {"signal": {**state(page)["signal"], "source": source, "filter": {
        "kind": filter_kind, "taps": 31 if filter_kind == "highpass" else 8 if filter_kind == "average" else 41, "cutoff": 1000},
        "padding": padding, "stride": stride, "dilation": dilation}}))
    s = state(page)
    np.testing.assert_allclose(s["signalTaps"], signals.filter_taps(filter_kind, len(s["signalTaps"]), 1000), rtol=0, atol=1e-6)
    np.testing.assert_allclose(s["signalOutput"], reference_output(s), rtol=0, atol=1e-5)
    if filter_kind == "matched":  # the template finds both heartbeats
        assert sorted(np.argsort(s["signalOutput"])[-2:].tolist()) == [2000, 6000]


def test_the_spectrograms_and_a_refusal_in_a_sentence(signal_page):
    page = signal_page.page
    after_paint(page, lambda: page.check("input[name='sg-view'][value='spectrogram']"))
    assert page.locator("#sg-spec-input").is_visible() and not page.locator("#sg-response").is_visible()
    good = state(page)["signal"]
    message = page.evaluate("(g) => window.convExplorer.setState({signal: g}).then(() => 'applied', (e) => e.message)",
                            {**good, "stride": 2, "padding": "same"})
    assert message == "padding 'same' keeps the size only at stride 1, not stride 2; give the padding as a number instead"
    assert state(page)["signal"] == good
    after_paint(page, lambda: page.check("input[name='sg-view'][value='response']"))


def test_play_makes_a_sound_and_stops(signal_page):
    page = signal_page.page
    page.click("#sg-play-output")
    assert page.locator("#sg-play-output").get_attribute("aria-pressed") == "true"
    page.click("#sg-play-output")
    assert page.locator("#sg-play-output").get_attribute("aria-pressed") == "false"


def test_a_link_opens_the_same_layer(browser, base_url):
    layer = {"source": "square", "filter": None, "taps": [0.25, 0.5, 0.25], "bias": 0.1, "stride": 2, "padding": 1,
             "dilation": 2, "at": 77, "view": "response"}
    with opened_explorer(browser, f"{base_url}#v=1&mode=signal&sig={quote(json.dumps(layer))}") as watched:
        page = watched.page
        wait_for(page, "() => !!document.getElementById('sg-sum').textContent")
        s = state(page)
        assert s["signal"] == layer
        np.testing.assert_allclose(s["signalOutput"], reference_output(s), rtol=0, atol=1e-5)
        assert "output sample 77" in page.locator("#sg-window-title").inner_text()
        assert watched.errors == []


@pytest.mark.parametrize("query,size", [("", (1280, 800)), ("?embed", (640, 480))], ids=["page 1280×800", "embed 640×480"])
def test_the_signals_taps_and_sum_are_on_screen(browser, base_url, query, size):
    with opened_explorer(browser, f"{base_url}{query}#v=1&mode=signal", *size) as watched:
        page = watched.page
        wait_for(page, "() => !!document.getElementById('sg-sum').textContent")
        assert_on_screen(page, ["#sg-source", "#sg-input", "#sg-output", "#sg-taps-canvas", "#sg-sum", "#sg-play-output"], *size)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size[0]
        assert box(page, "#sg-input")["width"] >= (300 if query else 600)
        assert watched.errors == []


def test_a_phone_puts_the_signals_first(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=signal", 390, 844) as watched:
        page = watched.page
        wait_for(page, "() => !!document.getElementById('sg-sum').textContent")
        assert box(page, ".sg-signals")["y"] < box(page, ".sg-filter-panel")["y"]
        assert box(page, "#sg-input")["width"] >= 0.8 * 390
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
