"""Faults and floods never break the explorer or lose the learner's view: bursts of edits,
a hung worker, a badly configured host, a network that drops during loading, and fuzzed
links and messages."""
import json
import random
import shutil
import time

import pytest

from builder.runtime import PYODIDE_VERSION
from pages import edit_through_a_restart, hang_python, serve_in_thread, state
from core_answers import assert_output_matches_core
from references import SOBEL_X
from image_files import encode, lying_png


def test_a_thousand_edits_without_waiting_paint_the_last_one(explorer):
    page = explorer.page
    final = page.evaluate("""async () => {
        const promises = [];
        for (let i = 0; i < 1000; i++) {
          promises.push(window.convExplorer.setState({kernel: [[i % 7 - 3, 0, 1], [2, i % 5, -2], [1, 0, -(i % 3)]], bias: i / 1000}));
        }
        await Promise.all(promises);
        return window.convExplorer.getState();
    }""")
    assert final["kernel"] == [[999 % 7 - 3, 0, 1], [2, 999 % 5, -2], [1, 0, -(999 % 3)]]
    assert final["bias"] == 0.999
    assert_output_matches_core(final)


def test_a_hung_worker_is_restarted_and_the_view_comes_back(explorer, browser):
    page = explorer.page
    page.evaluate("() => window.convExplorer.setState({kernel: %s, bias: 0})" % json.dumps(SOBEL_X))
    hang_python(page, browser)  # Python's thread never answers again
    edit_through_a_restart(page, {"bias": 0.5})
    s = state(page)
    assert s["bias"] == 0.5
    assert_output_matches_core(s)
    assert page.locator("#message").is_hidden()
    assert page.evaluate("() => window.convExplorer.startupTiming().python") == "restarted"
    assert page.locator("#loading").is_hidden()


@pytest.fixture
def broken_site(tmp_path, dist):
    """A copy of dist/ that a host has broken in some way; returns (directory, serve(wasm_type) -> url)."""
    site = tmp_path / "site"
    shutil.copytree(dist, site)
    servers = []

    def serve(wasm_type="application/wasm"):
        server = serve_in_thread(site, types={".wasm": wasm_type})
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield site, serve
    for s in servers:
        s.shutdown()


def loading_error(browser, url, route=None, timeout_s=30):
    """Open url and wait for the loading indicator to show a failure; returns its text."""
    context = browser.new_context()
    if route:
        context.route(*route)
    page = context.new_page()
    page.goto(url)
    try:
        deadline = time.monotonic() + timeout_s
        while page.locator("#loading").get_attribute("data-stage") != "failed":
            assert time.monotonic() < deadline, "no readable error in time"
            page.wait_for_timeout(50)
        text = page.locator("#loading .loading-text").inner_text()
        rejection = page.evaluate("() => window.convExplorer.ready.then(() => 'resolved', (e) => e.message)")
        assert rejection == text
        return text
    finally:
        context.close()


def test_wrong_wasm_mime_type_is_explained(browser, broken_site):
    _, serve = broken_site
    text = loading_error(browser, serve("application/octet-stream"))
    assert 'sends .wasm files as "application/octet-stream"' in text and "application/wasm" in text


def test_missing_runtime_files_are_explained(browser, broken_site):
    site, serve = broken_site
    (site / "pyodide" / PYODIDE_VERSION / "pyodide.asm.wasm").unlink()
    text = loading_error(browser, serve())
    assert "missing from this site" in text and "HTTP 404" in text


def test_a_network_that_drops_during_loading_is_explained(browser, base_url):
    # A Python of the page's own: Playwright's routes do not reach a shared worker's downloads.
    text = loading_error(browser, base_url + "?python=own",
                         route=("**/numpy-*.tar.gz", lambda r: r.abort("connectionreset")))
    assert text.startswith("Python could not start") and "NumPy could not be downloaded" in text and "Reload" in text


def test_a_numpy_download_cut_short_is_explained(browser, base_url, dist):
    info = json.loads((dist / "static" / "build-info.json").read_text())
    half = (dist / info["numpy"]).read_bytes()[:1_000_000]  # a third of it: the gzip stream ends too soon
    text = loading_error(browser, base_url + "?python=own",
                         route=("**/numpy-*.tar.gz", lambda r: r.fulfill(body=half, content_type="application/gzip")))
    assert "NumPy could not be downloaded whole" in text and "Reload" in text


def test_a_site_without_numpys_bundle_says_what_to_publish(browser, broken_site):
    site, serve = broken_site
    info = json.loads((site / "static" / "build-info.json").read_text())
    (site / info["numpy"]).unlink()
    text = loading_error(browser, serve() + "?python=own")
    assert "NumPy is missing from this site (HTTP 404)" in text and "whole dist/ folder" in text


def random_fragment(rng):
    """Mostly link-shaped junk: real keys with broken values, real values under wrong keys, bytes."""
    keys = ["v", "img", "k", "k2", "b", "s", "pad", "pm", "d", "act", "pool", "w", "cm", "num", "px", "zz", ""]
    values = ["", "1", "-1", "0", "9999999", "1e309", "NaN", "same", "valid", "max.2.2", "avg.9", "none",
              "digit3", "<b>x</b>", "1,0,-1,2,0,-2,1,0,-1", ",,,", "24x24." + "A" * rng.randrange(0, 900),
              "%", "%zz", "\u202e", "3,3", "-5,-5", "relu", "__proto__", "constructor"]
    parts = []
    for _ in range(rng.randrange(0, 12)):
        if rng.random() < 0.1:
            parts.append("".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(1, 30))))
        else:
            parts.append(f"{rng.choice(keys)}={rng.choice(values)}")
    return "&".join(parts)


def test_fuzzed_links_never_throw_and_only_give_checked_settings(explorer):
    rng = random.Random(20261122)
    fragments = [random_fragment(rng) for _ in range(3000)]
    report = explorer.page.evaluate("""async (fragments) => {
        const { readFragment } = await import("./static/core/url.js");
        const { merge, defaultState } = await import("./static/core/state.js");
        const problems = [];
        for (const f of fragments) {
          try {
            const { partial, notices } = readFragment(f);
            if (!Array.isArray(notices)) problems.push(["notices", f]);
            const { image, ...settings } = partial;
            try { merge(defaultState(), settings); }
            catch (e) { if (!(e instanceof RangeError)) problems.push([String(e), f]); }
          } catch (e) { problems.push([String(e), f]); }
        }
        return problems.slice(0, 5);
    }""", fragments)
    assert report == []


def random_message(rng, depth=0):
    kinds = [None, True, 0, -1.5, 1e308, "set", "get", "", "<img src=x onerror=alert(1)>", [], {}]
    if depth < 3 and rng.random() < 0.5:
        return {rng.choice(["type", "state", "kernel", "stride", "image", "x"]): random_message(rng, depth + 1)
                for _ in range(rng.randrange(0, 4))}
    if depth < 3 and rng.random() < 0.2:
        return [random_message(rng, depth + 1) for _ in range(rng.randrange(0, 3))]
    return rng.choice(kinds)


def test_fuzzed_messages_are_checked_without_throwing(explorer):
    rng = random.Random(7)
    msgs = [random_message(rng) for _ in range(3000)]
    msgs += [{"type": "set", "state": random_message(rng)} for _ in range(1000)]
    report = explorer.page.evaluate("""async (msgs) => {
        const { checkMessage } = await import("./static/core/embed.js");
        const warn = console.warn;
        console.warn = () => {};
        const problems = [];
        let accepted = 0;
        try {
          for (const m of msgs) {
            try {
              const out = checkMessage(m);
              if (out !== null) {
                accepted += 1;
                if (out.type === "set" && (typeof out.state !== "object" || Array.isArray(out.state))) problems.push(m);
              }
            } catch (e) { problems.push([String(e), m]); }
          }
        } finally { console.warn = warn; }
        // Accepted "set" messages then go through setState, which must reject bad settings, never throw.
        for (const m of msgs.filter((m) => m && m.type === "set" && m.state && typeof m.state === "object" && !Array.isArray(m.state)).slice(0, 300)) {
          try { await window.convExplorer.setState(m.state).catch((e) => { if (!(e instanceof Error)) throw e; }); }
          catch (e) { problems.push([String(e), m]); }
        }
        return { problems: problems.slice(0, 5), accepted };
    }""", msgs)
    assert report["problems"] == []
    assert report["accepted"] > 100
    explorer.page.evaluate("() => window.convExplorer.setState({kernel: %s, image: 'digit3', stride: 1, padding: 0, "
                           "dilation: 1, bias: 0, activation: 'none', pool: null, layer2: null})" % json.dumps(SOBEL_X))
    assert explorer.errors == []


def hostile_files():
    """A corpus of broken and hostile uploads, generated here (nothing is downloaded)."""
    from PIL import Image

    good = encode(Image.new("L", (40, 40), 128))
    return [
        ("empty.png", b"", "The file is empty."),
        ("notes.txt", b"just some words, not a picture", "not an image Pillow can read"),
        ("half.png", good[:len(good) // 2], "not an image Pillow can read"),
        ("bomb.png", lying_png(50_000, 50_000), "the limit is 40 million pixels"),
        ("markup.png", b"<img src=x onerror=alert(1)><script>alert(1)</script>", "not an image Pillow can read"),
        ("random.jpg", bytes(random.Random(1).randrange(256) for _ in range(3000)), "not an image Pillow can read"),
    ]


@pytest.mark.parametrize("name,data,expected", hostile_files(), ids=[f[0] for f in hostile_files()])
def test_a_hostile_upload_is_named_and_nothing_is_lost(explorer, name, data, expected):
    page = explorer.page
    page.evaluate("() => window.convExplorer.setState({image: 'digit7', kernel: %s, stride: 2})" % json.dumps(SOBEL_X))
    before = state(page)
    page.set_input_files("#upload", files=[{"name": name, "mimeType": "image/png", "buffer": data}])
    deadline = time.monotonic() + 30
    while "unchanged" not in page.locator("#message").inner_text():
        assert time.monotonic() < deadline, page.locator("#message").inner_text()
        page.wait_for_timeout(25)
    text = page.locator("#message").inner_text()
    assert text.startswith(f'"{name}": ') and expected in text
    after = state(page)
    for key in ("image", "kernel", "stride", "output", "imageName"):
        assert after[key] == before[key], key
    assert page.locator("#message img, #message script").count() == 0


@pytest.mark.parametrize("typed,message", [
    ("NaN", "is not a number"), ("Infinity", "is not a number"), ("", "is not a number"),
    ("two", "is not a number"), ("1e9", "limited to −1000…1000"),
])
def test_a_bad_typed_weight_is_refused_and_the_weight_stays(explorer, typed, message):
    page = explorer.page
    page.evaluate("() => window.convExplorer.setState({kernel: %s})" % json.dumps(SOBEL_X))
    page.locator("#kernel-grid .kernel-cell[data-row='1'][data-col='0']").focus()
    field = page.locator("#kernel-value")
    field.fill(typed)
    field.press("Enter")
    assert message in page.locator("#message").inner_text()
    assert state(page)["kernel"] == SOBEL_X
    assert field.input_value() == "2"


def test_extreme_but_valid_weights_keep_the_legend_readable(explorer):
    page = explorer.page
    page.evaluate("() => window.convExplorer.setState({kernel: [[1000, -1000, 1000], [0, 999.5, 0], [-1000, 0, 1000]]})")
    legend = page.locator("#output-legend").inner_text()
    assert "e+" not in legend and "NaN" not in legend
    assert "max" in legend and "min" in legend
