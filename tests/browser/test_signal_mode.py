"""1-D mode: a signal through one conv1d layer. The output and the taps against the core computed here
(app.signals for the filters, the 1-D loop of tests/references.py for the layer), the window and its sum,
the taps edited by keys and by dragging, the response, the spectrograms, sound, the link, the sizes."""
import json
import wave
from urllib.parse import quote

import numpy as np
import pytest

from app import signals
from pages import CHROMIUM, CHROMIUM_ARGS, after_paint, assert_on_screen, box, open_explorer, opened_explorer, set_state, \
    state, wait_for
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
             "dilation": 2, "at": 77, "view": "response", "stack": None}
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


def write_wav(path, seconds, rate=16000, frequency=440.0):
    """A mono 16-bit WAV of a tone, written with the standard library."""
    t = np.arange(int(seconds * rate)) / rate
    pcm = (0.5 * np.sin(2 * np.pi * frequency * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def loudest_hz(samples, rate=signals.RATE):
    spectrum = np.abs(np.fft.rfft(samples))
    return np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))]


def test_an_uploaded_sound_is_resampled_kept_to_five_seconds_or_refused(signal_page, tmp_path):
    page = signal_page.page
    after_paint(page, lambda: set_state(page, {"signal": {**state(page)["signal"], "filter": None, "taps": [1], "padding": 0,
                                                          "stride": 1, "dilation": 1, "bias": 0}}))
    after_paint(page, lambda: page.set_input_files("#sg-upload", str(write_wav(tmp_path / "tone.wav", 1.5))))
    s = state(page)
    assert s["signal"]["source"] == "custom" and len(s["signalOutput"]) == 12000  # 1.5 s at 8,000 Hz
    assert loudest_hz(s["signalOutput"]) == pytest.approx(440, abs=1)
    after_paint(page, lambda: page.set_input_files("#sg-upload", str(write_wav(tmp_path / "long.wav", 7))))
    assert len(state(page)["signalOutput"]) == 40000
    assert page.locator("#message").inner_text() == '"long.wav" is 7.0 s long: its first 5 s are kept.'
    (tmp_path / "notes.wav").write_text("not a sound")
    page.set_input_files("#sg-upload", str(tmp_path / "notes.wav"))
    wait_for(page, "() => /not a sound/.test(document.getElementById('message').textContent)", what="the refusal")
    assert page.locator("#message").inner_text() == (
        '"notes.wav" is not a sound this browser can decode (a WAV file always is). Your signal is unchanged.')
    assert len(state(page)["signalOutput"]) == 40000


def test_the_microphone_records_two_seconds(browser, base_url):
    """Chromium's fake microphone (a beep) stands in for a learner's."""
    fake = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
    try:
        watched = open_explorer(fake, f"{base_url}#v=1&mode=signal")
        page = watched.page
        wait_for(page, "() => !!document.getElementById('sg-sum').textContent")
        page.click("#sg-record")
        wait_for(page, "() => window.convExplorer.getState().signal.source === 'custom'", timeout_s=20, what="the recording")
        assert 1.5 * signals.RATE <= len(state(page)["signalOutput"]) <= 2.5 * signals.RATE
        assert page.locator("#sg-record").is_enabled() and watched.errors == []
    finally:
        fake.close()


def test_a_causal_stack_draws_the_reach_of_one_output(signal_page):
    page = signal_page.page
    after_paint(page, lambda: page.select_option("#sg-stack", "1,2,4,8"))
    assert page.locator("#sg-stack-panel").is_visible()
    assert page.locator("#sg-stack-text").inner_text().startswith(
        "One output of the last layer sees 16 samples: itself and the 15 before it, never a later one. 1 + (1 + 2 + 4 + 8)·(2 − 1) = 16")
    after_paint(page, lambda: page.select_option("#sg-stack", "1,1,1,1"))
    assert "sees 5 samples" in page.locator("#sg-stack-text").inner_text()
    after_paint(page, lambda: page.select_option("#sg-stack", ""))
    assert not page.locator("#sg-stack-panel").is_visible()
