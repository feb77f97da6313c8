"""What a learner does, in every engine a class uses: Chromium, Firefox ESR and WebKitGTK (Safari's engine).

The same tests run in each engine (tests/engine_pages.py drives them); every number the page shows is
checked against CPython's core on the same state, and every page is checked for errors (console, uncaught,
CSP-blocked requests) and for requests to another origin.
"""
import io
import json

import numpy as np
import pytest
from PIL import Image

from app import images, network, probes, signals
from engine_pages import ENGINES, launch, serve_collecting_errors
from core_answers import assert_channels_match_core, assert_output_matches_core, cpython_probs, DIGITS_MODEL
from references import SOBEL_X, ref_conv1d, ref_conv_transpose2d

EDITOR = "document.querySelector('#code-mode .CodeMirror').CodeMirror"  # CodeMirror 5 keeps its instance there
CONVOLUTION = """import numpy as np

def conv2d(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)
"""


@pytest.fixture(scope="session")
def site(dist):
    server = serve_collecting_errors(dist)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, site):
    """The engine, with an explorer kept open (its Python's cold start is this engine's): the tests' pages
    join that Python, as a learner's second tab does (CI time: a start of their own costs each 2–4 s more)."""
    page = launch(request.param, request.getfixturevalue("browser") if request.param == "chromium" else None)
    page.keep_python(site)
    yield page
    page.close()


def visit(engine, url, width=1280, height=800, touch=False):
    """A new page at url in engine, ready."""
    engine.open(width, height, touch)
    engine.goto(url)
    engine.wait_ready()
    return engine


def state(engine):
    return engine.eval("() => window.convExplorer.getState()")


def after_paint(engine, action):
    """Do action (a click, a key) and wait until the page has painted again."""
    count = engine.eval("() => Number(document.body.dataset.painted)")
    action()
    engine.wait("(count) => Number(document.body.dataset.painted) > count", count, what="a repaint")


def choose(engine, selector, value):
    """Pick an option of a <select> as its own list would (native pop-ups are not the page's)."""
    engine.eval("""([selector, value]) => { const s = document.querySelector(selector); s.focus(); s.value = value;
        s.dispatchEvent(new Event('input', {bubbles: true})); s.dispatchEvent(new Event('change', {bubbles: true})); }""",
                [selector, value])


def type_into(engine, selector, text):
    """Click a field, empty it, type text and press Enter."""
    engine.click(selector)
    engine.eval("(selector) => { const f = document.querySelector(selector); f.value = ''; f.focus(); }", selector)
    engine.keys(text, press="Enter")


def assert_clean(engine):
    assert engine.errors() == [], f"{engine.name} reported errors"
    assert engine.foreign_resources() == [], f"{engine.name} fetched from another origin"


def input_cell(engine, row, col, size=24):
    box = engine.box("#input-canvas")
    return box["x"] + (col + 0.5) * box["width"] / size, box["y"] + (row + 0.5) * box["height"] / size


# --- explore -----------------------------------------------------------------------------

def test_kernel_clicks_presets_and_a_drag_paint_the_cores_numbers(engine, site):
    visit(engine, f"{site}#v=1&img=digit3")
    s = state(engine)
    assert s["kernel"] == SOBEL_X and np.array(s["output"]).shape == (22, 22)
    assert_output_matches_core(s)

    after_paint(engine, lambda: engine.click("#kernel-grid .kernel-cell[data-row='0'][data-col='1']"))
    s = state(engine)
    assert s["kernel"][0] == [1, 1, -1]  # 0 → 1
    assert_output_matches_core(s)

    after_paint(engine, lambda: choose(engine, "#preset-select", "box-blur"))
    s = state(engine)
    np.testing.assert_allclose(s["kernel"], np.full((3, 3), 1 / 9), atol=1e-6)
    assert_output_matches_core(s)

    engine.mouse("down", *input_cell(engine, 2, 2))
    engine.mouse("move", *input_cell(engine, 6, 9))
    engine.mouse("move", *input_cell(engine, 11, 14))
    engine.mouse("up")
    s = state(engine)
    assert s["window"] == {"row": 10, "col": 13}  # centred on the pointer
    patch = np.array(s["image"])[10:13, 13:16] * np.array(s["kernel"])
    summary = engine.eval("() => ({...document.getElementById('inspector-summary').dataset})")
    assert float(summary["sum"]) == pytest.approx(patch.sum(), abs=1e-6)
    assert float(summary["value"]) == s["output"][10][13]
    assert_clean(engine)


def test_uploaded_png_and_jpeg_are_decoded_as_cpython_decodes_them(engine, site, tmp_path):
    visit(engine, f"{site}#v=1&img=digit3")
    gradient = np.tile(np.linspace(0, 255, 40).astype(np.uint8), (30, 1))
    for fmt in ("PNG", "JPEG"):
        buffer = io.BytesIO()
        Image.fromarray(gradient).convert("RGB").save(buffer, fmt)
        path = tmp_path / f"gradient.{fmt.lower()}"
        path.write_bytes(buffer.getvalue())
        after_paint(engine, lambda: engine.files("#upload", [path]))
        s = state(engine)
        np.testing.assert_array_equal(np.array(s["image"], dtype=np.float32), images.decode(buffer.getvalue(), size=24),
                                      err_msg=fmt)
        assert_output_matches_core(s)
    assert_clean(engine)


def test_a_link_opens_the_same_view(engine, site):
    visit(engine, f"{site}#v=1")
    view = {"image": "vstripes", "kernel": [[0, 1, 0], [1, -4, 1], [0, 1, 0]], "padding": "same",
            "activation": "relu", "pool": {"mode": "max", "size": 2, "stride": 2}, "window": {"row": 5, "col": 7}}
    engine.eval("(view) => window.convExplorer.setState(view)", view)
    link = engine.wait("() => /pad=same/.test(location.hash) && /w=5,7/.test(location.hash) && location.href",
                       what="the link following the view")
    before = state(engine)
    again = state(visit(engine, link))
    for key in ("imageName", "kernel", "padding", "activation", "pool", "window", "output", "stages"):
        assert again[key] == before[key], key
    assert_clean(engine)


# --- every mode --------------------------------------------------------------------------

def open_mode(engine, mode, usable_js="true", touch=False):
    """Click (or tap) the mode's button; wait until it is mounted (its view no longer inert) and usable_js
    says it can be used."""
    (engine.tap if touch else engine.click)(f"button[data-mode='{mode}']")
    engine.wait(f"() => window.convExplorer.getState().mode === '{mode}' && "
                f"!document.querySelector('[data-mode-root=\"{mode}\"]').inert && ({usable_js})", timeout_s=90,
                what=f"{mode} mode")


def test_every_mode_opens_and_works(engine, site):
    visit(engine, f"{site}#v=1")

    # Channels: a click on one channel's kernel changes that filter's output, as the core computes it.
    open_mode(engine, "channels", "!!document.querySelector('.ch-filter .kernel-cell')")
    cell = ".ch-filter .kernel-grid .kernel-cell[data-row='1'][data-col='1']"  # the first filter, red channel
    after_paint(engine, lambda: engine.click(cell))
    assert_channels_match_core(state(engine))

    # Transposed: a click on a kernel weight changes every stamp, as the scatter loop adds them; keys move the cell.
    # (A kernel cell, not an input pixel: the pointer left over an input pixel would name that pixel's stamp.)
    open_mode(engine, "transposed", "!!document.getElementById('tr-sum').textContent")
    after_paint(engine, lambda: engine.click("#tr-kernel .kernel-cell[data-row='1'][data-col='1']"))
    s = state(engine)
    t = s["transposed"]
    assert t["kernel"][1][1] == -2  # 4, off the click cycle, goes to its start
    want = ref_conv_transpose2d(t["input"], t["kernel"], t["stride"], t["padding"], t["outputPadding"], t["dilation"], t["bias"])
    np.testing.assert_allclose(s["transposedStages"][0]["data"], want, rtol=0, atol=1e-4)
    engine.eval("() => document.getElementById('tr-output').focus()")
    engine.keys(press="ArrowUp")
    assert engine.wait("() => window.convExplorer.getState().transposed.cell.row === 1 && "
                       "document.getElementById('tr-sum-title').textContent", what="the cell above") == "Output row 2, column 4"

    # 1-D: a key raises one tap, and the output is the 1-D loop's with the taps the page shows.
    open_mode(engine, "signal", "!!document.getElementById('sg-sum').textContent")
    engine.eval("() => document.getElementById('sg-taps-canvas').focus()")
    after_paint(engine, lambda: engine.keys(press="ArrowUp"))
    s = state(engine)
    assert s["signal"]["filter"] is None
    x = signals.builtin(s["signal"]["source"])
    np.testing.assert_allclose(s["signalOutput"], ref_conv1d(x, s["signalTaps"], 1, 15, 15), rtol=0, atol=1e-5)

    # Learn: each step of gradient descent on one image (a convex loss, a safe step size) lowers the loss.
    open_mode(engine, "learn")
    choose(engine, "#learn-target", "sobel-x")
    choose(engine, "#learn-images", "current")
    engine.wait("() => document.getElementById('learn-status').getAttribute('aria-busy') === 'false'",
                what="the learner's reset")
    losses = []
    for step in (1, 2, 3):
        engine.click("#learn-step")
        status = engine.wait(f"() => Number(document.getElementById('learn-status').dataset.step) === {step} && "
                             "document.getElementById('learn-status').textContent", what=f"step {step}")
        losses.append(float(status.split("loss ")[1]))
    assert losses[2] < losses[1] < losses[0]
    assert "3 steps" in engine.eval("() => document.getElementById('loss-curve').getAttribute('aria-label')")

    # Code: the editor takes typing, and the checker answers.
    open_mode(engine, "code", "/Ready/.test(document.getElementById('code-status').textContent)")
    engine.click("#code-mode .CodeMirror-code")
    engine.eval(f"() => {EDITOR}.setCursor({EDITOR}.lineCount(), 0)")
    engine.keys("# typed")
    assert engine.eval(f"() => {EDITOR}.getValue()").rstrip().endswith("# typed")
    engine.eval(f"(code) => {EDITOR}.setValue(code)", CONVOLUTION)
    engine.click("#code-check")
    verdict = engine.wait("() => Number(document.getElementById('code-verdict').dataset.runs) > 0 && "
                          "document.getElementById('code-verdict').textContent", timeout_s=60, what="the checker's answer")
    assert verdict.startswith("All 9 hidden cases pass"), verdict
    assert_clean(engine)


def network_state(engine, check_js, what):
    return engine.wait(f"() => {{ const n = window.convExplorer.getState().network; return ({check_js}) && n; }}",
                       timeout_s=60, what=what)


def test_network_mode_predicts_and_an_edit_changes_the_prediction(engine, site):
    visit(engine, f"{site}#v=1&mode=network")
    net = network_state(engine, "n.probs && !n.accuracyPending", "the first prediction")
    model = network.load(DIGITS_MODEL)
    image = state(engine)["image"]
    probs = cpython_probs(model, image)
    np.testing.assert_allclose(net["probs"], probs, atol=1e-5)
    assert net["prediction"] == int(np.argmax(probs))
    # A bias of 30 on one filter of the last convolution flips this digit's reading (found here, by CPython).
    for f in range(model.layers[3]["weight"].shape[0]):
        edited = model.copy()
        edited.layers[3]["bias"][f] = 30
        flipped = cpython_probs(edited, image)
        if int(np.argmax(flipped)) != net["prediction"]:
            break
    else:
        pytest.fail("no filter's bias flips this digit")
    engine.click(f".net-map-button[data-layer='3'][data-filter='{f}']")
    network_state(engine, f"n.layer === 3 && n.filter === {f}", "the filter opening")
    type_into(engine, "#net-bias", "30")
    net = network_state(engine, f"n.edits['3'] && n.prediction !== {net['prediction']}", "the edited prediction")
    np.testing.assert_allclose(net["probs"], flipped, atol=1e-5)
    assert engine.eval("() => document.getElementById('net-prediction').textContent").startswith(
        f"It reads a {int(np.argmax(flipped))}")
    assert_clean(engine)


def test_network_probes_a_units_field_and_training_work(engine, site):
    visit(engine, f"{site}#v=1&mode=network&net=%7B%22panel%22%3A%22move%22%7D")
    network_state(engine, "n.probs && !n.accuracyPending", "the first prediction")
    engine.eval("() => document.getElementById('net-input').focus()")
    engine.keys(press="ArrowRight")
    net = network_state(engine, "n.probe.dx === 1 && n.commute", "the digit moved one pixel right")
    model = network.load(DIGITS_MODEL)
    moved = probes.shift(np.array(state(engine)["image"], np.float32), 0, 1)
    np.testing.assert_allclose(net["probs"], cpython_probs(model, moved), atol=1e-5)
    assert net["commute"]["inside_max"] == 0 < net["commute"]["border_max"]
    engine.click("#net-tab-field")
    field = network_state(engine, "n.panel === 'field' && n.field?.done", "the default unit's field")["field"]
    assert field["box"] == [8, 8, 15, 15]
    assert field["one_pixels90"] == probes.pixels_holding(np.abs(network.input_gradient(model, moved, 3, 0, 4, 4)))
    engine.click("#net-tab-train")
    engine.wait("() => !document.getElementById('net-pane-train').hidden", what="the Train panel")  # (clicks go by place)
    engine.click("#net-train-start")
    network_state(engine, "n.training && n.training.runs[0].step > 0", "a first training step")
    engine.click("#net-train-pause")
    network_state(engine, "n.training.paused", "training paused")
    assert_clean(engine)


# --- embeds ------------------------------------------------------------------------------

def test_an_embed_at_640_by_480_shows_input_kernel_and_map(engine, site):
    visit(engine, f"{site}?embed#v=1&img=digit3", 640, 480)
    view = engine.eval("() => [document.documentElement.clientWidth, innerHeight, document.documentElement.scrollWidth]")
    assert view[2] <= view[0], "the embed scrolls sideways"
    for selector in ("#input-canvas", "#kernel-grid", "#output-canvas"):
        box = engine.eval("(s) => { const r = document.querySelector(s).getBoundingClientRect(); "
                          "return {x: r.x, y: r.y, right: r.right, bottom: r.bottom, width: r.width}; }", selector)
        assert box["width"] > 100 and box["x"] >= 0 and box["y"] >= 0, (selector, box)
        assert box["right"] <= view[0] + 0.5 and box["bottom"] <= view[1] + 0.5, (selector, box)
    assert_clean(engine)


def test_the_explainer_plays_with_its_captions_and_hands_over_the_view(engine, site, dist):
    script = json.loads((dist / "tours" / "explainer.json").read_text())
    visit(engine, f"{site}?embed&tour=explainer#v=1&img=shapes", 640, 480)
    engine.wait("() => !!document.querySelector('.tour')", what="the explainer's player")
    engine.eval("""() => window.convExplorer.tour().then((t) => { window.cues = [];
        t.on('cue', (d) => cues.push([d.id, document.querySelector('.tour-caption').textContent])); t.setSpeed(4); })""")
    engine.click(".tour-play")
    engine.wait("() => window.convExplorer.tour().then((t) => t.status().scene >= 3)", timeout_s=60, what="three scenes")
    status = engine.eval("() => window.convExplorer.tour().then((t) => t.status())")
    # Where no sound can play (a headless Firefox has no audio device) it says so and goes on in captions.
    notice = engine.eval("() => document.querySelector('.tour-notice').textContent")
    assert status["narration"] == "audio" or "captions only" in notice or "browser's voice" in notice, (status, notice)
    lines = [[f"{s['id']}-{n}", line["show"]] for s in script["scenes"] for n, line in enumerate(s["lines"], 1)]
    cues = engine.eval("() => window.cues")
    assert len(cues) >= 4 and cues == lines[:len(cues)]
    engine.click(".tour-takeover")
    engine.wait("() => !document.querySelector('.tour') && !location.search.includes('tour=')", what="the view handed over")
    s = state(engine)
    assert s["mode"] == "explore" and s["imageName"] == "digit3"  # the explainer's view, not the page's before it
    assert_clean(engine)


def test_every_embed_of_a_lesson_page_becomes_ready(engine, site):
    engine.open(1280, 800)
    engine.goto(f"{site}lessons/03-blur.html")
    assert engine.eval("() => document.querySelectorAll('iframe').length") == 2
    for i in (1, 2):  # the second starts when it comes near the view
        frame = f"iframe[title^='Explorer {i}:']"
        engine.eval("(frame) => document.querySelector(frame).scrollIntoView()", frame)
        engine.wait_ready(frame=frame)
    names = engine.eval("() => [...document.querySelectorAll('iframe')].map((f) => f.contentWindow.convExplorer.getState().imageName)")
    assert names == ["digit3", "vstripes"]
    assert_clean(engine)


# --- touch (an iPad has no hover) ------------------------------------------------------------

def test_touch_edits_the_kernel_drags_the_window_and_edits_a_network_weight(engine, site):
    visit(engine, f"{site}#v=1&img=digit3", 1024, 768, touch=True)
    engine.eval("""() => { window.__pointerTypes = new Set();
        addEventListener('pointerdown', (e) => window.__pointerTypes.add(e.pointerType), true); }""")
    after_paint(engine, lambda: engine.tap("#kernel-grid .kernel-cell[data-row='1'][data-col='1']"))
    s = state(engine)
    assert s["kernel"][1] == [2, 1, -2]  # 0 → 1
    assert_output_matches_core(s)

    engine.touch("start", *input_cell(engine, 3, 3))
    engine.touch("move", *input_cell(engine, 8, 8))
    engine.touch("move", *input_cell(engine, 12, 16))
    engine.touch("end")
    assert state(engine)["window"] == {"row": 11, "col": 15}  # centred on the finger
    # What a pointer shows by hovering, a tap on a feature-map cell shows: the window goes there.
    box = engine.box("#output-canvas")
    engine.touch("tap", box["x"] + 5.5 * box["width"] / 22, box["y"] + 7.5 * box["height"] / 22)
    engine.wait("() => { const w = window.convExplorer.getState().window; return w.row === 7 && w.col === 5; }",
                what="the window moving to the tapped cell")

    open_mode(engine, "network", "!!document.querySelector('.net-map-button')", touch=True)
    network_state(engine, "n.probs && !n.accuracyPending", "the first prediction")
    engine.tap(".net-map-button[data-layer='0'][data-filter='2']")
    network_state(engine, "n.layer === 0 && n.filter === 2", "the filter opening")
    # What a pointer shows by hovering a map's cell (the sum there, the pixels it sees), a tap shows.
    box = engine.box(".net-map-button[data-layer='0'][data-filter='2'] canvas")
    engine.touch("tap", box["x"] + 5.5 * box["width"] / 22, box["y"] + 4.5 * box["height"] / 22)
    engine.wait("() => /^At row 5, column 6/.test(document.getElementById('net-arithmetic').textContent) && "
                "document.getElementById('net-receptive').dataset.size === '3x3'", what="the tapped cell's sum")
    engine.tap("#net-kernels .kernel-cell")
    net = network_state(engine, "n.edits['0'] && !n.accuracyPending", "the weight's edit")
    assert net["edits"]["0"]["2"]["w"][0] is not None and net["edits"]["0"]["2"]["w"][1:] == [None] * 8
    # WebKitGTK's WebDriver delivers touch actions as a mouse (it has no touch emulation): there the same
    # gestures come from a mouse pointer, and Safari's touch is unchecked (README, "Browsers").
    assert engine.eval("() => [...window.__pointerTypes]") == (["mouse"] if engine.name == "webkit" else ["touch"])
    assert_clean(engine)
