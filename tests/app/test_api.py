"""app/api.py: one Python serves several explorers; each client's image and learning run stay its own."""
import json

import numpy as np
import pytest

from app import api
from references import ref_conv2d, ref_conv_transpose2d, SOBEL_X

RNG = np.random.default_rng(12)


def feature_map(client, kernel=SOBEL_X):
    meta, data = api.compute(json.dumps({"kernel": kernel}), client)
    meta = json.loads(meta)
    assert "error" not in meta, meta
    (stage,) = meta["stages"]
    return np.asarray(data, dtype=np.float32).reshape(stage["shape"])


@pytest.fixture(autouse=True)
def no_clients():
    api._clients.clear()
    yield
    api._clients.clear()


def test_two_clients_keep_their_own_images():
    a = RNG.random((24, 24)).astype(np.float32)
    b = RNG.random((16, 20)).astype(np.float32)
    api.set_image(a.ravel(), 24, 24, client=1)
    api.set_image(b.ravel(), 16, 20, client=2)
    np.testing.assert_allclose(feature_map(1), ref_conv2d(a.astype(np.float64), SOBEL_X), atol=1e-5)
    np.testing.assert_allclose(feature_map(2), ref_conv2d(b.astype(np.float64), SOBEL_X), atol=1e-5)
    # client 2's next edit does not reach client 1
    api.set_image(np.ones(16 * 20, dtype=np.float32), 16, 20, client=2)
    np.testing.assert_allclose(feature_map(1), ref_conv2d(a.astype(np.float64), SOBEL_X), atol=1e-5)


def test_a_learning_run_belongs_to_the_client_that_started_it():
    image = RNG.random((12, 12)).astype(np.float32)
    meta, _ = api.learn_start(json.dumps({"target": SOBEL_X}), [image.ravel()], [[12, 12]], client=5)
    assert "lr" in json.loads(meta)
    assert json.loads(api.learn_steps(3, client=5)[0])["step"] == 3
    assert json.loads(api.learn_steps(1, client=6)[0]) == {"error": "no learning run has been started"}
    assert json.loads(api.learn_steps(2, client=5)[0])["step"] == 5


def test_a_forgotten_client_starts_again_from_a_blank_image():
    api.set_image(np.ones(24 * 24, dtype=np.float32), 24, 24, client=3)
    assert feature_map(3, [[1]]).sum() == 24 * 24
    api.forget(3)
    assert feature_map(3, [[1]]).sum() == 0


def test_clients_that_never_said_goodbye_are_dropped_oldest_first():
    for client in range(api.MAX_CLIENTS + 4):
        api.set_image(np.full(4, client, dtype=np.float32), 2, 2, client=client)
    assert len(api._clients) == api.MAX_CLIENTS
    assert 0 not in api._clients and 3 not in api._clients
    assert feature_map(api.MAX_CLIENTS + 3, [[1]])[0, 0] == api.MAX_CLIENTS + 3


def test_a_lone_explorer_needs_no_client_number():
    image = RNG.random((24, 24)).astype(np.float32)
    api.set_image(image.ravel(), 24, 24)
    np.testing.assert_allclose(feature_map(0), ref_conv2d(image.astype(np.float64), SOBEL_X), atol=1e-5)


def test_prepare_imports_what_each_mode_needs():
    import sys
    for mode, names in api.MODE_IMPORTS.items():
        assert json.loads(api.prepare(mode)[0]) == {"mode": mode}
        assert all(name in sys.modules for name in names)
    assert json.loads(api.prepare("explore")[0]) == {"mode": "explore"}  # nothing more to import


def test_transposed_mode_gets_its_stages_packed_and_its_refusal_as_a_sentence():
    grid = [[1, 2], [3, 4]]
    meta, data = api.compute_transposed(json.dumps({"input": grid, "kernel": SOBEL_X, "stride": 2, "bias": 0.5}))
    meta = json.loads(meta)
    assert [s["name"] for s in meta["stages"]] == ["output", "spread", "flipped", "counts"]
    assert meta["stages"][0]["shape"] == [5, 5]
    np.testing.assert_array_equal(np.asarray(data[:25]).reshape(5, 5), ref_conv_transpose2d(grid, SOBEL_X, 2, bias=0.5))
    meta, data = api.compute_transposed(json.dumps({"input": grid, "kernel": SOBEL_X, "stride": 2, "output_padding": 2}))
    assert json.loads(meta) == {"error": "output padding 2 must be smaller than the stride (2) or the dilation (1); "
                                         "it only chooses between the input sizes a stride rounds to the same output"}
    assert data.size == 0
    meta, _ = api.compute_transposed(json.dumps({"kernel": SOBEL_X}))
    assert json.loads(meta) == {"error": "the layer is incomplete ('input')"}


def test_the_gradient_of_explores_layer_is_taken_on_the_clients_own_image():
    image = RNG.random((6, 6)).astype(np.float32)
    api.set_image(image.ravel(), 6, 6, client=3)
    api.set_image(np.zeros(64, dtype=np.float32), 8, 8, client=4)  # another explorer's image stays its own
    settings = {"input": [[1]], "kernel": [[1]], "gradient": {"kernel": SOBEL_X, "upstream": "map", "padding": 0}}
    meta, data = api.compute_transposed(json.dumps(settings), 3)
    meta = json.loads(meta)
    assert [(s["name"], s["shape"]) for s in meta["stages"]][-2:] == [("upstream", [4, 4]), ("gradient", [6, 6])]
    upstream = np.asarray(data[-52:-36]).reshape(4, 4)
    np.testing.assert_allclose(upstream, ref_conv2d(image.astype(np.float64), SOBEL_X), rtol=0, atol=1e-5)


def test_one_dimensional_mode_packs_its_rows_and_takes_a_recording():
    meta, data = api.compute_signal(json.dumps({"source": "custom", "taps": [-1, 1], "padding": "causal"}),
                                    np.array([0, 1, 3, 6], dtype=np.float32))
    meta = json.loads(meta)
    assert [(s["name"], s["shape"]) for s in meta["stages"]] == [("input", [1, 4]), ("output", [1, 4]), ("response", [1, 257]),
                                                                 ("taps", [1, 2])]
    assert data[4:8].tolist() == [0, 1, 2, 3]  # x[t] − x[t − 1]
    meta, _ = api.compute_signal(json.dumps({"source": "step", "taps": [1] * 9, "padding": 0, "dilation": 2000}))
    assert json.loads(meta)["error"].startswith("a kernel of 9 taps with dilation 2000")
