"""app.api's network functions, as the worker calls them: plain values in and out."""
import json

import numpy as np
import pytest

from builder import ROOT
from builder.digits import mnist_split, write_digits
from app import api, network, probes

MODEL = ROOT / "models" / "digits.json"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    write_digits(out)
    held = (out / "digits-heldout.bin").read_bytes()
    meta = json.loads(api.network_load(MODEL.read_text(), MODEL.with_suffix(".npz").read_bytes(), "digits", held)[0])
    _, split = mnist_split()
    images = np.array([x for _, x in split], dtype=np.float32).reshape(-1, 24, 24)
    return meta, images, np.array([d for d, _ in split])


def test_load_reports_the_layers_and_the_held_out_accuracy(loaded):
    meta, images, labels = loaded
    assert meta["name"] == "digits" and meta["accuracy"] == pytest.approx(0.973)
    assert [l["shape"] for l in meta["layers"]][:3] == [[8, 22, 22], [8, 22, 22], [8, 11, 11]]
    assert np.array(meta["layers"][3]["weight"]).shape == (16, 8, 3, 3)
    assert sum(p != y for p, y in zip(meta["predictions"], labels)) == 54


def accuracy(client=0):
    """api.network_accuracy asked again until it is done, as the page does."""
    for _ in range(1000):
        meta = json.loads(api.network_accuracy(client)[0])
        if meta.get("done", True):
            return meta
    raise AssertionError("network_accuracy never finished")


def test_sparse_edits_run_and_measure_like_the_edited_model(loaded):
    _, images, labels = loaded
    w = [None] * 72
    w[4], w[40] = 2.0, -1.0  # two weights of conv 2's filter 6; null keeps the trained ones
    edits = {"3": {"5": {"w": w, "b": None}}, "0": {"1": {"w": [0] * 9, "b": 0}}}
    meta, data = api.network_run(json.dumps(edits), images[7].ravel())
    meta = json.loads(meta)
    model = network.load(MODEL).copy()
    model.layers[3]["weight"][5].reshape(-1)[[4, 40]] = [2.0, -1.0]
    model.layers[0]["weight"][1] = 0
    model.layers[0]["bias"][1] = 0
    np.testing.assert_allclose(meta["probs"], network.probabilities(network.forward(model, images[7:8]))[0], atol=1e-6)
    assert data.size == sum(np.prod(l["shape"]) for l in meta["layers"])
    assert accuracy()["accuracy"] == network.accuracy(model, images, labels)
    api.network_run("{}", images[7].ravel())  # back to the trained weights
    assert accuracy()["accuracy"] == pytest.approx(0.973)


def test_edits_one_after_another_give_the_model_their_last_set_describes(loaded):
    """The page sends every edit so far on each click; only the changed filters are looked at."""
    _, images, labels = loaded
    steps = [
        {"0": {"2": {"w": [1] * 9, "b": 0.5}}},
        {"0": {"2": {"w": [1] * 9, "b": 0.5}, "5": {"w": [None] * 8 + [3], "b": None}}, "3": {"1": {"w": [0] * 72, "b": 0}}},
        {"0": {"5": {"w": [None] * 8 + [3], "b": None}}, "3": {"1": {"w": [0] * 72, "b": 1}}, "1": {"0": {}}},  # 0/2 back
    ]
    for edits in steps:
        out = json.loads(api.network_run(json.dumps(edits), images[5].ravel())[0])
    model = network.load(MODEL).copy()
    model.layers[0]["weight"][5].reshape(-1)[8] = 3
    model.layers[3]["weight"][1], model.layers[3]["bias"][1] = 0, 1
    np.testing.assert_allclose(out["probs"], network.probabilities(network.forward(model, images[5:6]))[0], atol=1e-6)
    assert accuracy()["accuracy"] == network.accuracy(model, images, labels)
    api.network_run("{}", images[5].ravel())


def test_an_edit_of_the_wrong_size_is_one_sentence(loaded):
    _, images, _ = loaded
    meta = json.loads(api.network_run(json.dumps({"0": {"2": {"w": [1, 2], "b": 0}}}), images[0].ravel())[0])
    assert meta == {"error": "the edit of layer 1, filter 3 needs 9 weights (1×3×3), not 2"}


def test_a_colour_model_runs_without_a_held_out_accuracy(loaded):
    _, images, _ = loaded
    rng = np.random.default_rng(5)
    spec = {"name": "colour", "classes": ["a", "b"], "input_shape": [3, 24, 24], "layers": [
        {"type": "conv2d", "weight": "w", "bias": "b"}, {"type": "relu"}, {"type": "avgpool2d", "size": 2},
        {"type": "flatten"}, {"type": "linear", "weight": "fw", "bias": "fb"}]}
    arrays = {"w": rng.normal(size=(4, 3, 3, 3)), "b": np.zeros(4), "fw": rng.normal(size=(2, 484)), "fb": np.zeros(2)}
    import io
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    meta = json.loads(api.network_load(json.dumps(spec), buffer.getvalue(), "colour")[0])
    assert meta["accuracy"] is None and meta["input_shape"] == [3, 24, 24]
    grey = np.repeat(images[3][None], 3, axis=0)  # the page repeats a gray drawing into 3 channels
    out = json.loads(api.network_run("{}", grey.ravel())[0])
    expected = network.probabilities(network.forward(network.from_spec(spec, arrays), grey[None]))[0]
    np.testing.assert_allclose(out["probs"], expected, atol=1e-6)
    assert accuracy()["accuracy"] is None
    # the shipped model again, for any test after this one
    api.network_load(MODEL.read_text(), MODEL.with_suffix(".npz").read_bytes(), "digits")


def test_each_client_edits_its_own_network(loaded):
    """Two explorers sharing one Python: one zeroes a filter, the other's network stays trained."""
    _, images, _ = loaded
    spec, arrays = MODEL.read_text(), MODEL.with_suffix(".npz").read_bytes()
    for client in (41, 42):
        assert "error" not in json.loads(api.network_load(spec, arrays, "digits", None, client)[0])
    zeroed = {"0": {str(f): {"w": [0] * 9, "b": 0} for f in range(8)}}
    api.network_run(json.dumps(zeroed), images[7].ravel(), 41)
    trained_probs = json.loads(api.network_run("{}", images[7].ravel(), 42)[0])["probs"]
    model = network.load(MODEL)
    np.testing.assert_allclose(trained_probs, network.probabilities(network.forward(model, images[7:8]))[0], atol=1e-6)
    assert accuracy(42)["accuracy"] == pytest.approx(0.973)
    assert accuracy(41)["accuracy"] < 0.5
    api.forget(41)
    assert json.loads(api.network_run("{}", images[7].ravel(), 41)[0]) == {"error": api.NOT_LOADED}
    api.forget(42)


def test_a_probe_moves_the_image_before_the_network_reads_it(loaded):
    _, images, _ = loaded
    trained = network.load(MODEL)
    meta, data = api.network_run("{}", images[3].ravel(), 0, json.dumps({"dy": 2, "dx": -3}))
    meta = json.loads(meta)
    moved = probes.shift(images[3], 2, -3)
    np.testing.assert_allclose(meta["probs"], network.probabilities(network.forward(trained, moved[None]))[0], atol=1e-6)
    sizes = [int(np.prod(layer["shape"])) for layer in meta["layers"]]
    end = sum(sizes)
    np.testing.assert_array_equal(data[end:end + 576], moved.ravel())  # the input it read
    then_moved, inside = data[end + 576:end + 576 + sizes[0]], data[end + 576 + sizes[0]:]
    first = data[:sizes[0]].reshape(8, 22, 22)
    np.testing.assert_array_equal(then_moved.reshape(8, 22, 22)[:, inside.reshape(22, 22) == 1],
                                  first[:, inside.reshape(22, 22) == 1])
    assert meta["moved"] and meta["commute"]["inside_max"] == 0 < meta["commute"]["border_max"]
    unmoved = json.loads(api.network_run("{}", images[3].ravel(), 0, json.dumps({"dy": 0}))[0])
    assert not unmoved["moved"] and unmoved["commute"] is None


@pytest.mark.parametrize("probe, message", [
    ({"dy": 13}, "the probe's dy must be a whole number from −12 to 12, not 13"),
    ({"angle": "30"}, "the probe's angle must be a number from −180 to 180, not '30'"),
    ({"tilt": 1}, "a probe is {dy, dx, angle, scale}")])
def test_a_probe_out_of_range_is_one_sentence(loaded, probe, message):
    _, images, _ = loaded
    assert json.loads(api.network_run("{}", images[3].ravel(), 0, json.dumps(probe))[0]) == {"error": message}


def test_a_sweep_starts_steps_to_the_end_lists_flips_and_stops(loaded):
    _, images, labels = loaded
    trained = network.load(MODEL)
    ask = lambda request: json.loads(api.network_sweep(json.dumps(request))[0])  # noqa: E731
    assert ask({"step": True}) == {"error": "no sweep is under way; start one"}
    assert ask({"start": "tilt"}) == {"error": "a sweep is one of shift, rotate, scale, not 'tilt'"}
    meta = ask({"start": "scale"})
    assert meta["kind"] == "scale" and meta["measured"] == 0 and meta["total"] == 2000 and len(meta["cells"]) == 21
    while not meta["done"]:
        meta = ask({"step": True})
    i = meta["cells"].index(0.5)
    assert meta["accuracy"][i] == pytest.approx(network.accuracy(trained, probes.transform(images, scale=0.5), labels))
    flips = ask({"flips": i})["flips"]
    assert flips and all(network.forward(trained, probes.transform(images[d:d + 1], scale=0.5)).argmax() == answer
                         != labels[d] for d, answer in flips)
    assert ask({"flips": 21}) == {"error": "the sweep has cells 0 to 20, not 21"}
    assert ask({"stop": True}) == {"stopped": True} and "error" in ask({"step": True})


def test_a_units_field_comes_with_its_held_out_mean_a_part_at_a_time(loaded):
    _, images, _ = loaded
    trained = network.load(MODEL)
    unit = json.dumps({"layer": 2, "channel": 4, "row": 5, "col": 3})
    calls, meta = 0, {"done": False}
    while not meta["done"]:
        meta, data = api.network_field(unit, images[9].ravel(), 0, json.dumps({"dx": 2}))
        meta, calls = json.loads(meta), calls + 1
    assert calls > 1 and meta["measured"] == meta["total"] == 2000
    moved = probes.shift(images[9], 0, 2)
    one = network.input_gradient(trained, moved, 2, 4, 5, 3)
    np.testing.assert_allclose(data[:576].reshape(24, 24), one, atol=1e-7)
    assert meta["box"] == [10, 6, 13, 9] and meta["box_pixels"] == 16
    assert meta["one_pixels90"] == probes.pixels_holding(np.abs(one))
    mean = np.mean([np.abs(network.input_gradient(trained, image, 2, 4, 5, 3)) for image in images[-2000:]], axis=0)
    np.testing.assert_allclose(data[576:].reshape(24, 24), mean, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("unit, message", [
    ({"layer": 3}, "a unit is {layer, channel, row, col}: four whole numbers"),
    ({"layer": 3, "channel": 16, "row": 0, "col": 0}, "layer 4 (conv2d) gives 16×9×9 values; there is no unit at 16, 0, 0")])
def test_a_unit_that_is_not_there_is_one_sentence(loaded, unit, message):
    _, images, _ = loaded
    assert json.loads(api.network_field(json.dumps(unit), images[0].ravel())[0]) == {"error": message}


def test_training_in_the_page_runs_beside_its_bug_is_used_and_downloads(loaded, tmp_path):
    meta, images, labels = loaded
    write_digits(tmp_path)
    train_bytes = (tmp_path / "digits-train.bin").read_bytes()
    ask = lambda request, data=None: json.loads(api.network_train(json.dumps(request), data)[0])  # noqa: E731
    assert ask({"start": {"optimizer": "rmsprop"}}, train_bytes) == {"error": "the optimiser must be adam or sgd, not 'rmsprop'"}
    out = ask({"start": {"epochs": 1, "batch": 64, "seed": 3, "bug": "nhwc"}})
    assert [r["bug"] for r in out["runs"]] == [None, "nhwc"] and out["runs"][0]["total"] == 125
    losses = [[], []]
    while not all(r["done"] for r in out["runs"]):
        out = ask({"step": True})
        for kept, run in zip(losses, out["runs"]):
            kept += run["losses"]  # each answer brings the losses since the last
    right, wrong = out["runs"]
    assert len(losses[0]) == len(losses[1]) == 125 and right["epoch"] == 1
    assert [step for step, _ in right["accuracy"]] == [0, 125]
    # the same seed and data in CPython, step for step
    from app import training
    from app.digits import decode_digits
    check = training.Trainer(network.load(MODEL), *decode_digits(train_bytes), {"epochs": 1, "batch": 64, "seed": 3})
    while not check.done:
        check.step()
    assert losses[0] == pytest.approx(check.losses, rel=1e-6)
    assert right["accuracy"][-1][1] == check.evaluate(images, labels) > 0.8 > wrong["accuracy"][-1][1]
    np.testing.assert_allclose(right["filters"], check.arrays["conv1.weight"].ravel(), rtol=1e-6)
    saved = json.loads(api.network_train(json.dumps({"download": True}))[0])
    data = api.network_train(json.dumps({"download": True}))[1]
    model = network.from_bytes(saved["json"], data.tobytes()[:saved["bytes"]])
    np.testing.assert_array_equal(network.forward(model, images[:20]), network.forward(check.model, images[:20]))
    used = ask({"use": True})
    assert used["name"] == "digits (trained here)" and used["accuracy"] == right["accuracy"][-1][1]
    assert ask({"stop": True}) == {"stopped": True} and "error" in ask({"step": True})
    api.network_load(MODEL.read_text(), MODEL.with_suffix(".npz").read_bytes(), "digits")  # the shipped one again
