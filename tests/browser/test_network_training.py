"""Network mode's Train panel: training in the page, step for step what app.training gives in CPython on
the same seed, beside a run with a bug; pause, resume, reset; the result used and downloaded."""
import numpy as np
import pytest

from app import network, training
from builder.digits import mnist_split
from pages import after_paint, assert_on_screen, opened_explorer, set_state, state, wait_for, wait_network

QUICK = {"optimizer": "adam", "lr": 0.003, "batch": 64, "epochs": 1, "seed": 5, "bug": "nhwc"}  # 125 steps a run


@pytest.fixture(scope="module")
def train_page(browser, base_url):
    with opened_explorer(browser, f"{base_url}#v=1&mode=network", 1280, 800) as watched:
        wait_network(watched.page)
        yield watched


@pytest.fixture(scope="module")
def training_digits():
    train, _ = mnist_split()
    return np.array([x for _, x in train], dtype=np.float32).reshape(-1, 24, 24), np.array([d for d, _ in train])


@pytest.fixture(scope="module")
def quick_run(train_page, trained, training_digits):
    """The QUICK run trained in the page to the end, and the same run in CPython."""
    page = train_page.page
    set_state(page, {"network": {**net(page), "panel": "train", "train": QUICK}})
    page.click("#net-train-start")
    done = wait_for(page, "() => { const t = window.convExplorer.getState().network.training; "
                          "return t && t.runs.every((r) => r.done) && t; }", timeout_s=120, what="the quick run")
    check = training.Trainer(trained, *training_digits, {**QUICK, "bug": None})
    while not check.done:
        check.step()
    return done, check


def net(page):
    return state(page)["network"]


def test_a_run_in_the_page_is_the_run_in_cpython_and_its_bug_run_reads_the_weights_wrongly(train_page, quick_run, heldout):
    done, check = quick_run
    right, wrong = done["runs"]
    assert (right["bug"], wrong["bug"]) == (None, "nhwc") and right["step"] == wrong["step"] == 125
    np.testing.assert_allclose(right["losses"], check.losses, rtol=1e-4)
    assert [step for step, _ in right["accuracy"]] == [0, 125]
    assert right["accuracy"][-1][1] == pytest.approx(check.evaluate(*heldout), abs=0.001)
    assert right["accuracy"][-1][1] > 0.8 and wrong["accuracy"][-1][1] < 0.3  # the same weights, misread
    page = train_page.page
    status = page.locator("#net-train-status").inner_text()
    assert status.startswith("Step 125 of 125, epoch 1 of 1") and "with weights read in the wrong axis order" in status
    assert "transpose, do not reshape" in page.locator("#net-train-bug-note").inner_text()
    assert page.locator("#net-train-filters-0 canvas").count() == page.locator("#net-train-filters-1 canvas").count() == 8
    assert_on_screen(page, ["#net-tab-train", "#net-train-curve", "#net-train-status", "#net-train-filters-1",
                            "#net-train-bug-note", "#net-train-use", "#net-train-download"], 1280, 800)


def test_the_trained_network_downloads_as_a_json_and_npz_that_load_back(train_page, quick_run, heldout):
    page = train_page.page
    _, check = quick_run
    files = {}
    page.click("#net-train-download")
    wait_for(page, "() => document.querySelectorAll('#net-train-files a').length === 2", what="the two files' links")
    for link in (".json", ".npz"):
        with page.expect_download() as download:
            page.click(f"#net-train-files a:text-is('{link}')")
        files[download.value.suggested_filename] = download.value.path().read_bytes()
    assert sorted(files) == ["digits-trained-here.json", "digits-trained-here.npz"]
    model = network.from_bytes(files["digits-trained-here.json"], files["digits-trained-here.npz"])
    images = heldout[0][:40]
    np.testing.assert_allclose(network.forward(model, images), network.forward(check.model, images), rtol=1e-3, atol=1e-4)


def test_using_the_trained_network_makes_it_network_modes_model(train_page, quick_run):
    page = train_page.page
    done, _ = quick_run
    page.click("#net-train-use")
    n = wait_for(page, "() => { const n = window.convExplorer.getState().network; "
                       "return n.modelName === 'digits (trained here)' && !n.accuracyPending && n; }")
    assert n["trainedAccuracy"] == pytest.approx(done["runs"][0]["accuracy"][-1][1], abs=1e-9)
    wait_for(page, "() => document.getElementById('message').textContent.includes('Network mode now uses')",
             what="the message saying so")
    assert train_page.errors == []


def test_pause_holds_the_run_resume_goes_on_and_reset_forgets_it_while_edits_are_answered(train_page):
    page = train_page.page
    set_state(page, {"network": {**net(page), "panel": "train", "train": {**QUICK, "batch": 8, "bug": None}}})
    page.click("#net-train-start")
    wait_for(page, "() => (window.convExplorer.getState().network.training?.runs[0].step ?? 0) > 0", what="a first step")
    page.click("#net-train-pause")
    wait_for(page, "() => window.convExplorer.getState().network.training.paused")
    # the learner edits a filter while the run is paused (answered after the part under way), and again once
    # it goes on: each edit is answered, and no step is taken while paused
    after_paint(page, lambda: set_state(page, {"network": {**net(page), "edits": {"0": {"0": {"w": [0] * 9, "b": 0}}}}}))
    held = net(page)["training"]["runs"][0]["step"]
    after_paint(page, lambda: set_state(page, {"network": {**net(page), "edits": {"0": {"1": {"w": [0] * 9, "b": 0}}}}}))
    assert net(page)["training"]["runs"][0]["step"] == held and page.locator("#net-train-pause").inner_text() == "Resume"
    page.click("#net-train-pause")
    wait_for(page, "(h) => window.convExplorer.getState().network.training.runs[0].step > h", arg=held)
    after_paint(page, lambda: set_state(page, {"network": {**net(page), "edits": {}}}))
    page.click("#net-train-reset")
    wait_for(page, "() => window.convExplorer.getState().network.training === null")
    assert page.locator("#net-train-settings").is_visible() and page.locator("#net-train-use").is_disabled()
