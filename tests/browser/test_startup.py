"""Start-up as built and as a build without Node: the same outputs, uploads (Pillow), learner code
and watchdog restarts either way, and a snapshot that does not fit never stops the page.

Each path is a copy of dist/: as built (snapshot restored, NumPy as bytecode), as a build without
Node gives it (no snapshot, NumPy's bundle with its sources), and with a broken snapshot file. The
worker's own record of its start ("ready" carries its phases and snapshot decision) is read with the
benchmark's hook on the Worker and SharedWorker constructors.
"""
import gzip
import json
import shutil

import numpy as np
import pytest

from app import images
from pages import after_paint, as_built_without_node, edit_through_a_restart, hang_python, RECORD_WORKER_STARTS, run_code, serve_in_thread, state, wait_for, wait_ready, Watched
from core_answers import assert_output_matches_core
from references import SOBEL_X
from image_files import image_bytes



def site_copy(dist, tmp_path_factory, change):
    site = tmp_path_factory.mktemp("site") / "dist"
    shutil.copytree(dist, site)
    info_path = site / "static" / "build-info.json"
    info = json.loads(info_path.read_text())
    change(site, info)
    info_path.write_text(json.dumps(info))
    return site


def broken_snapshot(site, info):
    """A snapshot that is not one (as if made for another pyodide.asm.wasm): it must be refused."""
    real = gzip.decompress((site / info["snapshot"]).read_bytes())
    junk = gzip.compress(bytes(len(real)))  # the right size, but not the header Pyodide checks
    (site / info["snapshot"]).write_bytes(junk)
    info["snapshotBytes"] = len(junk)


def open_page(browser, site):
    server = serve_in_thread(site)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_WORKER_STARTS)
    page = context.new_page()
    watched = Watched(page)
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    wait_ready(page)
    return watched, server


@pytest.fixture(scope="module", params=["snapshot", "no snapshot"])
def started(request, browser, dist, tmp_path_factory):
    """(explorer page, path) for a site as built (with Node: snapshot, bytecode) and as built without Node."""
    if request.param == "snapshot":
        info = json.loads((dist / "static" / "build-info.json").read_text())
        assert info["snapshot"] and info["numpyCompiled"], "dist/ was built without Node (is it installed?)"
        site = dist
    else:
        site = site_copy(dist, tmp_path_factory, as_built_without_node)
    watched, server = open_page(browser, site)
    watched.url = watched.page.url
    yield watched, request.param
    watched.page.context.close()
    server.shutdown()


def starts(page):
    return page.evaluate("() => window.__starts")


def test_the_worker_starts_by_the_path_the_build_gives(started):
    watched, path = started
    [timings] = starts(watched.page)
    # On loopback a snapshot arrives at once, so it is always worth using.
    assert timings["snapshot"] == ("used" if path == "snapshot" else "not in this build")
    assert timings["runtime"] <= timings["interpreter"] <= timings["packages"] <= timings["imports"] <= timings["ready"]
    assert watched.errors == []


def test_learner_code_gets_numpy_from_the_bundle_and_new_random_numbers_each_start(started):
    """A restored interpreter must not repeat the random numbers it was snapshotted with."""
    watched, path = started
    page = watched.page.context.new_page()
    drawn = []
    try:
        for _ in range(2):  # two visits: two code workers, each started by the same path
            page.goto("about:blank")  # a new document each time (a change of hash alone is not a visit)
            page.goto(watched.url.split("#")[0] + "#v=1&mode=code&ex=valid-convolution")
            wait_for(page, "() => /Ready/.test(document.getElementById('code-status').textContent)", 60, "the code worker")
            _, error = run_code(page, "import random, numpy\nraise ValueError(f'{random.random()!r} {numpy.__file__}')\n")
            number, numpy_file = error.split("ValueError: ")[1].split()[:2]
            drawn.append(float(number))
            assert numpy_file == "/lib/python3.12/site-packages/numpy/__init__." + ("pyc" if path == "snapshot" else "py")
    finally:
        page.close()
    assert drawn[0] != drawn[1]


def test_outputs_match_the_core_on_either_path(started):
    page = started[0].page
    page.evaluate("() => window.convExplorer.setState({image: 'digit3', kernel: %s, bias: 0.25, stride: 1, "
                  "padding: 1, dilation: 1})" % json.dumps(SOBEL_X))
    s = state(page)
    assert np.array(s["output"]).shape == (24, 24)
    assert_output_matches_core(s)


def test_an_upload_loads_pillow_and_decodes_on_either_path(started):
    page = started[0].page
    gradient = np.tile(np.linspace(0, 255, 40).astype(np.uint8), (30, 1))
    data = image_bytes(gradient, "RGB", "PNG")
    after_paint(page, lambda: page.set_input_files("#upload", files=[
        {"name": "gradient.png", "mimeType": "image/png", "buffer": data}]))
    s = state(page)
    np.testing.assert_array_equal(np.array(s["image"], dtype=np.float32), images.decode(data, size=24))
    assert_output_matches_core(s)


def test_a_hung_worker_restarts_by_the_same_path(started, browser):
    page, path = started[0].page, started[1]
    page.evaluate("() => window.convExplorer.setState({image: 'digit3', kernel: %s, bias: 0, padding: 0})"
                  % json.dumps(SOBEL_X))
    hang_python(page, browser)
    edit_through_a_restart(page, {"bias": 0.5})
    s = state(page)
    assert s["bias"] == 0.5
    assert_output_matches_core(s)
    restarted = starts(page)[-1]
    assert len(starts(page)) == 2
    assert restarted["snapshot"] == ("used" if path == "snapshot" else "not in this build")


def test_a_snapshot_that_does_not_fit_falls_back_to_a_normal_start(browser, dist, tmp_path_factory):
    site = site_copy(dist, tmp_path_factory, broken_snapshot)
    watched, server = open_page(browser, site)
    try:
        [timings] = starts(watched.page)
        assert timings["snapshot"].startswith("failed")
        assert_output_matches_core(state(watched.page))
        assert [e for e in watched.errors if "snapshot" not in e] == []
    finally:
        watched.page.context.close()
        server.shutdown()
