"""app.network: the model contract, its checks, the forward pass against loops, the shipped digits model."""
import copy
import json
import re

import numpy as np
import pytest

from builder import ROOT
from builder.digits import mnist_split
from app import network
from references import ref_conv2d_channels, ref_pool2d

MODEL = ROOT / "models" / "digits.json"


@pytest.fixture(scope="module")
def heldout():
    _, held = mnist_split()
    images = np.array([x for _, x in held], dtype=np.float32).reshape(-1, 24, 24)
    return images, np.array([d for d, _ in held])


@pytest.fixture(scope="module")
def shipped():
    return network.load(MODEL)


# --- an independent reference: plain loops over every output cell -------------------------------

def loop_forward(spec, arrays, image):
    """One image (C, H, W) through spec's layers with the loop references; returns the output."""
    x = np.array(image, dtype=np.float64)
    for layer in spec["layers"]:
        kind = layer["type"]
        if kind == "conv2d":
            w, b = np.array(arrays[layer["weight"]], np.float64), np.array(arrays[layer["bias"]], np.float64)
            x = ref_conv2d_channels(x, w, b, layer.get("stride", 1), layer.get("padding", 0))
        elif kind == "relu":
            x = np.where(x > 0, x, 0.0)
        elif kind in ("maxpool2d", "avgpool2d"):
            size = layer["size"]
            mode = "max" if kind == "maxpool2d" else "avg"
            x = np.stack([ref_pool2d(plane, size, layer.get("stride", size), mode) for plane in x])
        elif kind == "flatten":
            x = np.array([v for plane in x for row in plane for v in row])
        else:
            w, b = np.array(arrays[layer["weight"]], np.float64), np.array(arrays[layer["bias"]], np.float64)
            x = np.array([b[o] + sum(w[o, i] * x[i] for i in range(len(x))) for o in range(len(b))])
    return x


def shipped_parts():
    spec = json.loads(MODEL.read_text())
    with np.load(MODEL.with_suffix(".npz")) as z:
        return spec, {k: z[k] for k in z.files}


def test_forward_matches_loops_on_held_out_digits(shipped, heldout):
    spec, arrays = shipped_parts()
    images = heldout[0][[0, 777, 1999]]
    logits = network.forward(shipped, images)
    assert logits.shape == (3, 10) and logits.dtype == np.float32
    for got, image in zip(logits, images):
        np.testing.assert_allclose(got, loop_forward(spec, arrays, image[None]), rtol=1e-4, atol=1e-4)


MIXED = {"classes": ["a", "b", "c"], "input_shape": [3, 24, 24], "layers": [
    {"type": "conv2d", "weight": "c1w", "bias": "c1b", "stride": 2, "padding": 1},
    {"type": "relu"},
    {"type": "avgpool2d", "size": 3, "stride": 2},
    {"type": "conv2d", "weight": "c2w", "bias": "c2b", "padding": 1},
    {"type": "maxpool2d", "size": 2},
    {"type": "flatten"},
    {"type": "linear", "weight": "fw", "bias": "fb"}]}


def test_forward_matches_loops_with_colour_padding_stride_and_average_pooling():
    rng = np.random.default_rng(3)
    spec = MIXED  # colour, stride, padding, average pooling
    # 24 → conv k5 s2 p1: 11 → avg 3/2: 5 → conv k3 p1: 5 → max 2: 2; 4 filters · 2 · 2 = 16.
    arrays = {"c1w": rng.normal(size=(6, 3, 5, 5)), "c1b": rng.normal(size=6),
              "c2w": rng.normal(size=(4, 6, 3, 3)), "c2b": rng.normal(size=4),
              "fw": rng.normal(size=(3, 16)), "fb": rng.normal(size=3)}
    model = network.from_spec(spec, arrays)
    assert model.shapes == [(6, 11, 11), (6, 11, 11), (6, 5, 5), (4, 5, 5), (4, 2, 2), (16,), (3,)]
    images = rng.random((2, 3, 24, 24))
    for got, image in zip(network.forward(model, images), images):
        np.testing.assert_allclose(got, loop_forward(spec, arrays, image), rtol=1e-4, atol=1e-4)


def test_an_impulse_through_one_filter_gives_the_kernel_back_flipped_in_place():
    # Cross-correlation: a single lit pixel at (5, 5) shows the kernel rotated by 180° around it.
    spec = {"classes": ["x"] * 484, "input_shape": [1, 24, 24], "layers": [
        {"type": "conv2d", "weight": "w", "bias": "b"}, {"type": "flatten"},
        {"type": "linear", "weight": "eye", "bias": "zero"}]}
    kernel = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    model = network.from_spec(spec, {"w": kernel, "b": np.zeros(1), "eye": np.eye(484), "zero": np.zeros(484)})
    image = np.zeros((1, 24, 24), np.float32)
    image[0, 5, 5] = 1
    out = network.forward(model, image)[0].reshape(22, 22)
    np.testing.assert_array_equal(out[3:6, 3:6], kernel[0, 0, ::-1, ::-1])
    assert out.sum() == kernel.sum()


# --- the shipped model ---------------------------------------------------------------------------

def test_the_shipped_model_is_the_documented_network(shipped):
    assert [layer["type"] for layer in shipped.layers] == [
        "conv2d", "relu", "maxpool2d", "conv2d", "relu", "maxpool2d", "flatten", "linear"]
    assert shipped.shapes == [(8, 22, 22), (8, 22, 22), (8, 11, 11), (16, 9, 9), (16, 9, 9), (16, 4, 4), (256,), (10,)]
    assert shipped.classes == [str(d) for d in range(10)] and shipped.input_shape == (1, 24, 24)
    _, arrays = shipped_parts()
    assert {k: v.shape for k, v in arrays.items()} == {
        "conv1.weight": (8, 1, 3, 3), "conv1.bias": (8,), "conv2.weight": (16, 8, 3, 3), "conv2.bias": (16,),
        "fc.weight": (10, 256), "fc.bias": (10,)}


def test_the_committed_weights_reach_the_documented_held_out_accuracy(shipped, heldout):
    images, labels = heldout
    assert len(images) == 2000 and np.bincount(labels).tolist() == [200] * 10
    accuracy = network.accuracy(shipped, images, labels)
    documented = json.loads(MODEL.read_text())["heldout_accuracy"]
    assert accuracy >= 0.97
    assert accuracy == pytest.approx(documented, abs=1e-4)
    readme = (ROOT / "README.md").read_text()
    assert f"{documented:.2%} of the 2,000 held-out digits" in readme


# --- checks: one sentence naming the layer and the shapes ----------------------------------------

def mutated(change):
    spec, arrays = shipped_parts()
    spec, arrays = copy.deepcopy(spec), dict(arrays)
    change(spec, arrays)
    return spec, arrays


CASES = [
    ("conv channels", lambda s, a: a.update({"conv2.weight": np.zeros((16, 4, 3, 3))}),
     "layer 4 (conv2d) has weights 16×4×3×3 for 4 input channels, but receives 8 channels of 11×11"),
    ("conv bias", lambda s, a: a.update({"conv1.bias": np.zeros(7)}),
     "layer 1 (conv2d): the bias must be 8 values (one per filter), not 7"),
    ("conv weight rank", lambda s, a: a.update({"conv1.weight": np.zeros((8, 3, 3))}),
     "layer 1 (conv2d): the weight must be (filters, channels, K, K) with square kernels, not 8×3×3"),
    ("linear inputs", lambda s, a: a.update({"fc.weight": np.zeros((10, 200))}),
     "layer 8 (linear) has weight 10×200, which needs (outputs, 256) for the 256 values it receives"),
    ("no flatten", lambda s, a: s["layers"].pop(6),
     "layer 7 (linear) receives maps of 16×4×4; put a flatten layer before it"),
    ("missing array", lambda s, a: a.pop("conv2.bias"),
     "layer 4 (conv2d) names the bias 'conv2.bias', which is not in the .npz file"),
    ("unknown type", lambda s, a: s["layers"].insert(2, {"type": "dropout"}),
     "layer 3 has type 'dropout'; the layers can be conv2d, relu, maxpool2d, avgpool2d, flatten or linear"),
    ("classes", lambda s, a: s.update({"classes": s["classes"][:9]}),
     "the last layer gives 10 values, but the model names 9 classes; end with a linear layer with one output per class"),
    ("input shape", lambda s, a: s.update({"input_shape": [1, 28, 28]}),
     '"input_shape" must be [1, 24, 24] or [3, 24, 24] (1 or 3 channels at 24×24), not [1, 28, 28]'),
    ("kernel too big", lambda s, a: a.update({"conv2.weight": np.zeros((16, 8, 13, 13))}),
     "layer 4 (conv2d): its 13×13 kernel does not fit the 11×11 maps it receives with padding 0"),
    ("pool too big", lambda s, a: s["layers"][5].update({"size": 10}),
     "layer 6 (maxpool2d): a 10×10 window does not fit the 9×9 maps it receives"),
    ("stride", lambda s, a: s["layers"][0].update({"stride": 0}),
     "layer 1 (conv2d): stride must be a whole number from 1 to 4, not 0"),
    ("not finite", lambda s, a: a.update({"fc.bias": np.full(10, np.nan)}),
     "layer 8 (linear): the bias 'fc.bias' must hold finite numbers"),
    ("conv after flatten", lambda s, a: s["layers"].insert(7, {"type": "conv2d", "weight": "conv1.weight", "bias": "conv1.bias"}),
     "layer 8 (conv2d) needs maps (channels, height, width) but receives 1 values; a convolution cannot follow flatten or linear"),
    ("too many filters", lambda s, a: a.update({"conv1.weight": np.zeros((65, 1, 3, 3))}),
     "layer 1 (conv2d) has 65 filters; at most 64 a layer can be shown"),
    ("too many conv layers", lambda s, a: s["layers"].extend([s["layers"][3]] * 4),
     "the model has 6 convolution layers; at most 5 can be shown"),
]


@pytest.mark.parametrize("change,message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_problem_is_one_sentence_naming_the_layer_and_shapes(change, message):
    spec, arrays = mutated(change)
    with pytest.raises(ValueError) as err:
        network.from_spec(spec, arrays)
    assert str(err.value) == message
    assert "\n" not in str(err.value)


def test_limits_are_checked_before_any_layer_is_looked_at():
    # Six conv layers whose shapes do not even fit: the limit is what is reported, nothing is computed.
    spec = {"classes": ["a"], "input_shape": [1, 24, 24],
            "layers": [{"type": "conv2d", "weight": "w", "bias": "b"}] * 6}
    with pytest.raises(ValueError, match="^the model has 6 convolution layers; at most 5 can be shown$"):
        network.from_spec(spec, {"w": np.zeros((2, 9, 3, 3)), "b": np.zeros(2)})


def test_files_that_are_not_a_model_say_so(tmp_path):
    with pytest.raises(ValueError, match="not valid JSON"):
        network.from_bytes("{oops", b"")
    with pytest.raises(ValueError, match=r"^the model's \.npz file cannot be read as NumPy arrays"):
        network.from_bytes(MODEL.read_text(), b"PK\x03\x04 not really a zip")
    (tmp_path / "lonely.json").write_text(MODEL.read_text())
    with pytest.raises(ValueError, match="lonely.json needs its weights beside it in lonely.npz"):
        network.load(tmp_path / "lonely.json")


def test_images_of_the_wrong_size_are_refused(shipped):
    with pytest.raises(ValueError, match=re.escape("the network takes images of 1×24×24 (channels, height, width), not 28×28")):
        network.forward(shipped, np.zeros((1, 28, 28)))


@pytest.mark.parametrize("cin,stride,padding", [(1, 1, 0), (1, 2, 1), (8, 1, 0), (3, 3, 2)])
def test_one_filter_alone_is_that_filter_of_the_whole_layer(cin, stride, padding):
    # app.heldout recomputes one edited filter with conv2d_filter; conv2d is the loop-checked whole layer.
    rng = np.random.default_rng(cin)
    x = rng.random((4, cin, 11, 11), dtype=np.float32)
    w, b = rng.normal(size=(5, cin, 3, 3)).astype(np.float32), rng.normal(size=5).astype(np.float32)
    whole = network.conv2d(x, w, b, stride=stride, padding=padding)
    for f in range(5):
        np.testing.assert_allclose(network.conv2d_filter(x, w[f], b[f], stride=stride, padding=padding),
                                   whole[:, f:f + 1], rtol=1e-5, atol=1e-5)


# --- docs/formats.md's PyTorch export, run against stand-ins for torch.nn (no PyTorch here) -------------

class _Param:
    def __init__(self, a):
        self.a = np.asarray(a, dtype=np.float32)

    def detach(self):
        return self

    def numpy(self):
        return self.a


def _fake_torch_nn():
    """A module with the six torch.nn classes the snippet knows, holding what it reads (PyTorch's attributes)."""
    import types
    nn = types.ModuleType("torch.nn")

    class Conv2d:
        def __init__(self, w, b, stride=1, padding=0):
            self.weight, self.bias, self.stride, self.padding = _Param(w), _Param(b), (stride, stride), (padding, padding)

    class Linear:
        def __init__(self, w, b):
            self.weight, self.bias = _Param(w), _Param(b)

    class MaxPool2d:
        def __init__(self, kernel_size, stride=None):
            self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size

    class AvgPool2d(MaxPool2d):
        pass

    class ReLU:
        pass

    class Flatten:
        pass

    for cls in (Conv2d, Linear, MaxPool2d, AvgPool2d, ReLU, Flatten):
        setattr(nn, cls.__name__, cls)
    torch = types.ModuleType("torch")
    torch.nn = nn
    return torch, nn


def test_the_documented_pytorch_export_writes_a_model_that_loads(tmp_path, monkeypatch):
    formats = (ROOT / "docs" / "formats.md").read_text()
    snippet = formats.split("```python\nimport json, numpy as np, torch.nn as nn\n", 1)[1].split("```", 1)[0]
    torch, nn = _fake_torch_nn()
    monkeypatch.setitem(__import__("sys").modules, "torch", torch)
    monkeypatch.setitem(__import__("sys").modules, "torch.nn", nn)
    monkeypatch.chdir(tmp_path)
    scope = {}
    exec("import json, numpy as np, torch.nn as nn\n" + snippet, scope)
    rng = np.random.default_rng(9)
    sequential = [nn.Conv2d(rng.normal(size=(4, 1, 3, 3)), rng.normal(size=4), padding=1), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Conv2d(rng.normal(size=(6, 4, 3, 3)), rng.normal(size=6), stride=2), nn.ReLU(), nn.AvgPool2d(2),
                  nn.Flatten(), nn.Linear(rng.normal(size=(3, 24)), rng.normal(size=3))]
    scope["export"](sequential, "mine", ["a", "b", "c"])
    model = network.load(tmp_path / "mine.json")
    spec = json.loads((tmp_path / "mine.json").read_text())
    with np.load(tmp_path / "mine.npz") as z:
        arrays = {k: z[k] for k in z.files}
    image = rng.random((1, 24, 24)).astype(np.float32)
    np.testing.assert_allclose(network.forward(model, image)[0], loop_forward(spec, arrays, image), rtol=1e-4, atol=1e-4)


# --- the backward pass: finite differences and hand-derived cases --------------------------------

def float64_model(spec, arrays):
    """The model in float64, so that central differences are exact to ~1e-9."""
    model = network.from_spec(spec, arrays)
    for layer in model.layers:
        for key in ("weight", "bias"):
            if key in layer:
                layer[key] = np.asarray(arrays[layer["keys"][key]], dtype=np.float64)
    return model


def mixed_model(seed):
    rng = np.random.default_rng(seed)
    arrays = {"c1w": rng.normal(size=(6, 3, 5, 5)) * 0.3, "c1b": rng.normal(size=6) * 0.1,
              "c2w": rng.normal(size=(4, 6, 3, 3)) * 0.3, "c2b": rng.normal(size=4) * 0.1,
              "fw": rng.normal(size=(3, 16)), "fb": rng.normal(size=3)}
    return float64_model(MIXED, arrays), arrays, rng


def loss_of(model, images, labels):
    return network.cross_entropy(network.forward(model, images), labels)[0]


def central_difference(f, array, index, h=1e-6):
    old = array[index]
    array[index] = old + h
    up = f()
    array[index] = old - h
    down = f()
    array[index] = old
    return (up - down) / (2 * h)


@pytest.mark.parametrize("seed", [0, 1])
def test_every_arrays_gradient_matches_finite_differences(seed):
    model, arrays, rng = mixed_model(seed)
    images, labels = rng.random((3, 3, 24, 24)), np.array([0, 2, 1])
    loss, grads = network.gradients(model, images, labels)
    assert loss == pytest.approx(loss_of(model, images, labels))
    assert sorted(grads) == sorted(arrays)
    by_key = {layer["keys"][k]: layer[k] for layer in model.layers if "keys" in layer for k in ("weight", "bias")}
    for key, grad in grads.items():
        assert grad.shape == arrays[key].shape
        for index in map(tuple, rng.integers(0, grad.shape, size=(6, grad.ndim))):  # six entries of each
            numeric = central_difference(lambda: loss_of(model, images, labels), by_key[key], index)
            assert grad[index] == pytest.approx(numeric, rel=1e-5, abs=1e-8), (key, index)


@pytest.mark.parametrize("layer, unit", [(0, (2, 4, 7)), (2, (5, 1, 3)), (3, (1, 2, 2)), (4, (3, 1, 0)),
                                         (5, (9, 0, 0)), (6, (2, 0, 0))])
def test_one_units_input_gradient_matches_finite_differences(layer, unit):
    model, _, rng = mixed_model(2)
    image = rng.random((3, 24, 24))
    grad = network.input_gradient(model, image, layer, *unit)
    assert grad.shape == image.shape

    def value():
        out = network.activations(model, image[None])[layer][0]
        return out[unit] if out.ndim == 3 else out[unit[0]]
    for index in map(tuple, rng.integers(0, image.shape, size=(12, 3))):
        assert grad[index] == pytest.approx(central_difference(value, image, index), rel=1e-5, abs=1e-8)
    assert np.any(grad != 0)


def test_a_strided_padded_convolution_units_gradient_is_its_kernel_placed_at_its_window():
    # Hand-derived: unit (r, c) of conv(stride 2, padding 1) reads pixels 2r−1 … 2r+1 with the kernel's
    # weights, so its gradient is the kernel there, cut where the window hangs over the border.
    spec = {"classes": ["x"], "input_shape": [1, 24, 24], "layers": [
        {"type": "conv2d", "weight": "w", "bias": "b", "stride": 2, "padding": 1}, {"type": "flatten"},
        {"type": "linear", "weight": "fc", "bias": "fb"}]}
    kernel = np.arange(1, 10, dtype=np.float32).reshape(1, 1, 3, 3)
    model = network.from_spec(spec, {"w": kernel, "b": [0.5], "fc": np.ones((1, 144)), "fb": [0]})
    image = np.random.default_rng(0).random((24, 24))
    inner = network.input_gradient(model, image, 0, 0, 3, 5)
    want = np.zeros((24, 24), np.float32)
    want[5:8, 9:12] = kernel[0, 0]
    np.testing.assert_array_equal(inner, want)
    corner = network.input_gradient(model, image, 0, 0, 0, 0)
    want = np.zeros((24, 24), np.float32)
    want[0:2, 0:2] = kernel[0, 0, 1:, 1:]
    np.testing.assert_array_equal(corner, want)


def test_a_linear_classifiers_gradients_are_probabilities_minus_the_one_hot_label():
    # Hand-derived: logits = W·x + b with W = 0 give p = softmax(b) for every image, and
    # dL/dW = (p − onehot(y))ᵀ·x / N, dL/db = mean(p − onehot(y)).
    spec = {"classes": ["a", "b", "c"], "input_shape": [1, 24, 24],
            "layers": [{"type": "flatten"}, {"type": "linear", "weight": "w", "bias": "b"}]}
    bias = np.array([0.0, np.log(2), np.log(5)])  # softmax: 1/8, 2/8, 5/8
    model = float64_model(spec, {"w": np.zeros((3, 576)), "b": bias})
    images, labels = np.random.default_rng(1).random((4, 24, 24)), np.array([0, 2, 2, 1])
    loss, grads = network.gradients(model, images, labels)
    p = np.array([1, 2, 5]) / 8
    delta = p - np.eye(3)[labels]
    assert loss == pytest.approx(-np.mean(np.log(p[labels])))
    np.testing.assert_allclose(grads["w"], delta.T @ images.reshape(4, -1) / 4)
    np.testing.assert_allclose(grads["b"], delta.mean(axis=0))


def test_max_pooling_sends_a_tie_to_the_first_of_its_window():
    spec = {"classes": ["x"], "input_shape": [1, 24, 24], "layers": [
        {"type": "maxpool2d", "size": 2}, {"type": "flatten"}, {"type": "linear", "weight": "w", "bias": "b"}]}
    model = float64_model(spec, {"w": np.ones((1, 144)), "b": [0.0]})
    image = np.zeros((24, 24))
    image[4:6, 6:8] = 1  # a tie of four in window (2, 3)
    grad = network.input_gradient(model, image, 0, 0, 2, 3)
    assert np.argwhere(grad).tolist() == [[4, 6]] and grad[4, 6] == 1


def test_the_shipped_model_gradients_match_finite_differences_in_float32(shipped, heldout):
    # The page trains in float32: the gradient of the float32 model agrees with float64 arithmetic.
    spec, arrays = shipped_parts()
    images, labels = heldout[0][:16], heldout[1][:16]
    _, grads = network.gradients(shipped, images, labels)
    _, exact = network.gradients(float64_model(spec, arrays), images.astype(np.float64), labels)
    for key in grads:
        assert grads[key].dtype == np.float32
        np.testing.assert_allclose(grads[key], exact[key], rtol=1e-3, atol=1e-6)


@pytest.mark.parametrize("args, message", [
    ((8, 0, 0, 0), "layer must be an index from 0 to 7, not 8"),
    ((0, 8, 0, 0), "layer 1 (conv2d) gives 8×22×22 values; there is no unit at 8, 0, 0"),
    ((3, 0, 9, 0), "layer 4 (conv2d) gives 16×9×9 values; there is no unit at 0, 9, 0"),
    ((7, 10, 0, 0), "layer 8 (linear) gives 10 values; there is no unit at 10"),
    ((7, 1, 1, 0), "layer 8 (linear) gives 10 values; there is no unit at 1")])
def test_a_unit_that_does_not_exist_is_named(shipped, args, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        network.input_gradient(shipped, np.zeros((24, 24)), *args)


def test_a_model_written_as_json_and_npz_loads_back_the_same(shipped, heldout):
    spec = json.loads(json.dumps(network.to_spec(shipped)))
    assert spec["layers"] == [{k: v for k, v in layer.items()} for layer in shipped_parts()[0]["layers"]]
    again = network.from_bytes(json.dumps(spec), network.to_npz(shipped))
    assert again.shapes == shipped.shapes and again.classes == shipped.classes
    np.testing.assert_array_equal(network.forward(again, heldout[0][:50]), network.forward(shipped, heldout[0][:50]))
