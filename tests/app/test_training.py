"""app.training: fresh weights, the optimisers against hand-worked steps, determinism, the three bugs."""
import json
import re

import numpy as np
import pytest

from builder import ROOT
from builder.digits import mnist_split
from app import network, training


@pytest.fixture(scope="module")
def digits():
    """(train images, labels, held-out images, labels): 2,000 training digits (every fourth) and 500 held out."""
    train, held = mnist_split()
    parts = []
    for part in (train[::4], held[::4]):
        parts.append(np.array([x for _, x in part], dtype=np.float32).reshape(-1, 24, 24))
        parts.append(np.array([d for d, _ in part]))
    return parts


def test_the_pages_training_settings_default_to_the_cores():
    manifest = json.loads((ROOT / "static" / "settings.json").read_text())["settings"]["network"]
    assert manifest["default"]["train"] == training.DEFAULTS
    assert manifest["optimizers"] == list(training.OPTIMIZERS) and manifest["bugs"] == list(training.BUGS)


def test_fresh_weights_follow_kaiming_with_zero_biases(trained):
    arrays = training.fresh_arrays(trained, np.random.default_rng(0))
    assert {k: v.shape for k, v in arrays.items()} == {
        "conv1.weight": (8, 1, 3, 3), "conv1.bias": (8,), "conv2.weight": (16, 8, 3, 3), "conv2.bias": (16,),
        "fc.weight": (10, 256), "fc.bias": (10,)}
    assert all(v.dtype == np.float32 for v in arrays.values())
    assert not any(arrays[k].any() for k in ("conv1.bias", "conv2.bias", "fc.bias"))
    # std √(2/fan_in) before a ReLU, √(1/fan_in) for the last layer (2,560 draws: within 5%)
    assert arrays["fc.weight"].std() == pytest.approx(np.sqrt(1 / 256), rel=0.05)
    assert arrays["conv2.weight"].std() == pytest.approx(np.sqrt(2 / 72), rel=0.1)
    assert trained.layers[0]["weight"].std() != arrays["conv1.weight"].std()  # the model is not touched


def test_adams_first_step_moves_every_weight_by_lr_against_its_gradients_sign():
    # Hand-worked: after one step m̂ = g and v̂ = g², so the step is lr·g/(|g| + eps).
    arrays = {"w": np.array([1.0, 2.0, 3.0], np.float32)}
    adam = training.Adam(arrays)
    adam.step({"w": np.array([0.5, -4.0, 0.0], np.float32)}, 0.1)
    np.testing.assert_allclose(arrays["w"], [0.9, 2.1, 3.0], rtol=1e-6)


def test_sgd_with_momentum_adds_up_its_velocity():
    # v1 = g1 = 1 → w = 1 − 0.1; v2 = 0.9·1 + 2 = 2.9 → w = 0.9 − 0.29
    arrays = {"w": np.array([1.0], np.float32)}
    sgd = training.SGD(arrays)
    sgd.step({"w": np.array([1.0], np.float32)}, 0.1)
    sgd.step({"w": np.array([2.0], np.float32)}, 0.1)
    np.testing.assert_allclose(arrays["w"], [0.61], rtol=1e-6)


def test_a_run_is_the_same_step_for_step_for_a_seed_and_differs_for_another(trained, digits):
    images, labels = digits[:2]
    runs = [training.Trainer(trained, images, labels, {"seed": seed, "batch": 16}) for seed in (7, 7, 8)]
    for run in runs:
        for _ in range(12):
            run.step()
    assert runs[0].losses == runs[1].losses and runs[0].losses != runs[2].losses
    for key in runs[0].arrays:
        np.testing.assert_array_equal(runs[0].arrays[key], runs[1].arrays[key])


def test_a_run_learns_the_digits_and_stops_after_its_epochs(trained, digits):
    images, labels, held_images, held_labels = digits
    run = training.Trainer(trained, images, labels, {"epochs": 1, "batch": 8})
    assert run.total == 250 and run.evaluate(held_images, held_labels) < 0.3
    while not run.done:
        run.step()
    assert run.epoch == 1 and len(run.losses) == 250
    assert np.mean(run.losses[-50:]) < np.mean(run.losses[:50]) / 3
    assert run.evaluate(held_images, held_labels) > 0.85
    assert [step for step, _ in run.accuracy] == [0, 250]
    with pytest.raises(ValueError, match="has finished"):
        run.step()


def test_a_double_softmax_has_the_gradient_of_its_loss_and_cannot_fall_below_its_floor(digits):
    # float64 and a tiny network, so that central differences are exact
    spec = {"classes": [str(d) for d in range(10)], "input_shape": [1, 24, 24], "layers": [
        {"type": "conv2d", "weight": "cw", "bias": "cb", "stride": 2}, {"type": "relu"}, {"type": "flatten"},
        {"type": "linear", "weight": "fw", "bias": "fb"}]}
    rng = np.random.default_rng(0)
    model = network.from_spec(spec, {"cw": np.zeros((2, 1, 3, 3)), "cb": np.zeros(2),
                                     "fw": np.zeros((10, 242)), "fb": np.zeros(10)})
    run = training.Trainer(model, digits[0][:4], digits[1][:4], {"bug": "double-softmax"})
    for key in run.arrays:
        run.arrays[key] = rng.normal(size=run.arrays[key].shape) * 0.3
    training.bind(run.model, run.arrays)
    x, y = digits[0][:4].astype(np.float64), digits[1][:4]

    def loss():
        return network.cross_entropy(network.probabilities(network.forward(run.model, x)), y)[0]
    got, grads = run.loss_and_grads(x[:, None], y)
    assert got == pytest.approx(loss())
    for key, grad in grads.items():
        for index in map(tuple, rng.integers(0, grad.shape, size=(5, grad.ndim))):
            old = run.arrays[key][index]
            run.arrays[key][index] = old + 1e-6
            up = loss()
            run.arrays[key][index] = old - 1e-6
            down = loss()
            run.arrays[key][index] = old
            assert grad[index] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-9), key
    # probabilities are at most 1 apart, so the best a second softmax can give the label is e / (e + 9)
    floor = -np.log(np.e / (np.e + 9))
    assert network.cross_entropy(np.eye(10)[y] * 1.0, y)[0] == pytest.approx(floor)


def test_unnormalised_pixels_are_what_the_run_trains_and_measures_on(trained, digits):
    images, labels = digits[:2]
    right, wrong = (training.Trainer(trained, images, labels, {"bug": bug}) for bug in (None, "unnormalised"))
    assert wrong.scale() == 255 and right.scale() == 1
    right.step(), wrong.step()
    first = right.order[:8]
    assert right.losses[0] == pytest.approx(network.gradients(
        training.bind(trained.copy(), training.fresh_arrays(trained, np.random.default_rng(0))),
        images[first], labels[first])[0], rel=1e-6)
    # same weights, same batch: a first-layer gradient about 255 times as large
    assert wrong.first_layer_grad[0] > 50 * right.first_layer_grad[0]


def test_a_kernel_written_in_keras_order_and_read_in_pytorchs_is_scrambled(trained):
    wrong = training.misread(trained)
    w = trained.layers[3]["weight"]  # (16, 8, 3, 3)
    keras = np.empty((3, 3, 8, 16), np.float32)
    for o, i, m, q in np.ndindex(w.shape):
        keras[m, q, i, o] = w[o, i, m, q]
    np.testing.assert_array_equal(wrong.layers[3]["weight"], keras.reshape(-1).reshape(16, 8, 3, 3))
    assert not np.array_equal(wrong.layers[3]["weight"], w)
    np.testing.assert_array_equal(wrong.layers[7]["weight"], trained.layers[7]["weight"])  # linear: untouched


def test_an_nhwc_run_trains_the_correct_weights_and_reports_the_misread_network(trained, digits):
    images, labels = digits[:2]
    right, wrong = (training.Trainer(trained, images, labels, {"bug": bug, "batch": 32}) for bug in (None, "nhwc"))
    for _ in range(29):
        right.step(), wrong.step()
    for key in right.arrays:
        np.testing.assert_array_equal(right.arrays[key], wrong.arrays[key])
    batch = wrong.order[29 * 32:30 * 32]  # the next step's
    misread_loss = network.cross_entropy(network.forward(wrong.result(), images[batch]), labels[batch])[0]
    right.step(), wrong.step()
    assert wrong.losses[-1] == pytest.approx(misread_loss, rel=1e-5)
    assert wrong.losses[-1] > 2 * right.losses[-1]


@pytest.mark.parametrize("config, message", [
    ({"optimizer": "rmsprop"}, "the optimiser must be adam or sgd, not 'rmsprop'"),
    ({"bug": "nchw"}, "the bug must be one of double-softmax, unnormalised, nhwc or none, not 'nchw'"),
    ({"lr": 0}, "lr must be a number from 1e-05 to 1, not 0"),
    ({"batch": 2.5}, "batch must be a whole number from 1 to 256, not 2.5"),
    ({"epochs": True}, "epochs must be a whole number from 1 to 20, not True"),
    ({"momentum": 0.9}, "the training settings have no 'momentum'; they are optimizer, lr, batch, epochs, seed, bug"),
    ([], "the training settings must be an object")])
def test_bad_settings_get_one_sentence(config, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        training.check_config(config)


def test_measuring_a_part_at_a_time_is_evaluating_at_once(trained, digits):
    images, labels, held_images, held_labels = digits
    run = training.Trainer(trained, images, labels, {"bug": "unnormalised", "batch": 8})
    assert run.measure_due()
    assert not run.measure(held_images, held_labels, budget_s=0, chunk=100)  # 500 digits: five parts
    while not run.measure(held_images, held_labels, budget_s=0, chunk=100):
        pass
    assert not run.measure_due()
    for _ in range(training.MEASURE_EVERY):
        run.step()
    assert run.measure_due()
    run.measure(held_images, held_labels, budget_s=10)
    measured = run.accuracy[-1]
    assert measured == (training.MEASURE_EVERY, run.evaluate(held_images, held_labels)) == run.accuracy[-1]
