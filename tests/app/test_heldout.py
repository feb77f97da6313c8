"""app.heldout: the accuracy after an edit of one filter, kept up to date, equals a full re-run."""
import numpy as np
import pytest

from builder import ROOT
from builder.digits import mnist_split
from app import heldout, network


@pytest.fixture(scope="module")
def digits():
    _, held = mnist_split()
    images = np.array([x for _, x in held[::4]], dtype=np.float32).reshape(-1, 24, 24)  # 500 digits, every class
    return images, np.array([d for d, _ in held[::4]])


def test_edits_in_either_layer_give_what_a_full_run_gives(digits):
    images, labels = digits
    model = network.load(ROOT / "models" / "digits.json").copy()
    held = heldout.HeldOut(model, images, labels)
    rng = np.random.default_rng(1)
    for index, f in [(0, 3), (3, 7), (0, 0), (0, 3), (3, 15)]:
        layer = model.layers[index]
        layer["weight"][f] = rng.normal(size=layer["weight"][f].shape).astype(np.float32)
        layer["bias"][f] = np.float32(rng.normal())
        held.filter_changed(index, f)
        full = network.activations(model, images)
        for kept, fresh in zip(held.acts, full):
            np.testing.assert_allclose(kept, fresh, rtol=1e-4, atol=1e-4)
        np.testing.assert_array_equal(held.predictions(), full[-1].argmax(1))
        assert held.accuracy() == network.accuracy(model, images, labels)


def test_zeroing_a_filter_changes_the_accuracy_and_refresh_restores_it(digits):
    images, labels = digits
    trained = network.load(ROOT / "models" / "digits.json")
    model = trained.copy()
    held = heldout.HeldOut(model, images, labels)
    before = held.accuracy()
    for f in range(8):  # every first-layer filter zeroed: the network sees nothing but biases
        model.layers[0]["weight"][f] = 0
        held.filter_changed(0, f)
    assert held.accuracy() < 0.5 < before
    for key in ("weight", "bias"):
        model.layers[0][key][...] = trained.layers[0][key]
    held.refresh()
    assert held.accuracy() == before


def test_catching_up_a_part_at_a_time_with_edits_between_parts_gives_a_full_run(digits):
    """The page asks for the accuracy a part at a time, and a learner may edit between two parts."""
    images, labels = digits
    model = network.load(ROOT / "models" / "digits.json").copy()
    held = heldout.HeldOut(model, images, labels)
    rng = np.random.default_rng(2)
    parts = 0

    def edit(index, f):
        model.layers[index]["weight"][f] = rng.normal(size=model.layers[index]["weight"][f].shape).astype(np.float32)
        held.changed([(index, f)])

    edit(0, 2)
    assert not held.catch_up(budget_s=0) and held.progress() == heldout.CHUNK / len(images)  # one chunk a call
    edit(3, 5)  # mid-way: it starts again from the first image, with both filters
    edit(0, 2)
    assert held.progress() == 0
    while not held.catch_up(budget_s=0):
        parts += 1
    assert parts == -(-len(images) // heldout.CHUNK) - 1 and held.progress() == 1
    full = network.activations(model, images)
    for kept, fresh in zip(held.acts, full):
        np.testing.assert_allclose(kept, fresh, rtol=1e-4, atol=1e-4)
    assert held.accuracy() == network.accuracy(model, images, labels)
    for f in range(8):  # a reset of many filters: whole passes, a part at a time
        model.layers[0]["weight"][f] = 0
    held.changed([(0, f) for f in range(8)])
    while not held.catch_up(budget_s=0):
        pass
    np.testing.assert_allclose(held.acts[-1], network.activations(model, images)[-1], rtol=1e-4, atol=1e-4)
