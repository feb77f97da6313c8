"""A small convolutional network given as data, and its forward pass, in NumPy only.

The model format is a contract (the shipped digits model and a learner's own use
the same): models/<name>.json lists the layers in the order PyTorch's
nn.Sequential runs them, and models/<name>.npz holds the arrays in PyTorch's
shapes (conv weight (Cout, Cin, K, K), linear weight (out, in)):

    {"name": "digits", "classes": ["0", ..., "9"], "input_shape": [1, 24, 24],
     "layers": [{"type": "conv2d", "weight": "conv1.weight", "bias": "conv1.bias", "stride": 1, "padding": 0},
                {"type": "relu"}, {"type": "maxpool2d", "size": 2, "stride": 2},
                ..., {"type": "flatten"}, {"type": "linear", "weight": "fc.weight", "bias": "fc.bias"}]}

Everything is float32 (as PyTorch) and cross-correlation (as app.ops). Every
problem with a model is a ValueError with one sentence naming the layer (counted
from 1) and the shapes, found before any computing: limits first, then each
layer in order.
"""
import io
import json
from pathlib import Path

import numpy as np

from . import ops

MAX_CONV_LAYERS = 5
MAX_FILTERS = 64
MAX_LAYERS = 32
INPUT_CHANNELS = (1, 3)
INPUT_SIDE = 24
LAYER_TYPES = ("conv2d", "relu", "maxpool2d", "avgpool2d", "flatten", "linear")


class Model:
    """A checked network: name, classes (list of str), input_shape (C, H, W),
    layers (list of dicts; conv2d and linear hold "weight" and "bias" float32 arrays),
    shapes: the output shape of every layer, per image (no batch axis)."""

    def __init__(self, name, classes, input_shape, layers, shapes):
        self.name, self.classes, self.input_shape = name, classes, input_shape
        self.layers, self.shapes = layers, shapes

    def copy(self):
        """A copy whose arrays can be edited without touching this one."""
        layers = [{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in layer.items()} for layer in self.layers]
        return Model(self.name, list(self.classes), self.input_shape, layers, list(self.shapes))


# --- loading and checking ------------------------------------------------------------

def load(spec_path):
    """models/<name>.json and the .npz beside it → a checked Model."""
    spec_path = Path(spec_path)
    arrays = spec_path.with_suffix(".npz")
    if not arrays.exists():
        raise ValueError(f"{spec_path.name} needs its weights beside it in {arrays.name}")
    return from_bytes(spec_path.read_bytes(), arrays.read_bytes(), name=spec_path.stem)


def from_bytes(spec_json, npz_bytes, name="model"):
    """The two files' contents (bytes or str; Pyodide JS buffers too) → a checked Model."""
    if hasattr(npz_bytes, "to_bytes"):
        npz_bytes = npz_bytes.to_bytes()
    try:
        spec = json.loads(spec_json)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"the model's .json file is not valid JSON ({e})") from None
    try:
        with np.load(io.BytesIO(bytes(npz_bytes)), allow_pickle=False) as z:
            arrays = {key: z[key] for key in z.files}
    except Exception as e:  # a zip that is not an .npz, a pickle, a truncated file
        raise ValueError(f"the model's .npz file cannot be read as NumPy arrays ({type(e).__name__})") from None
    return from_spec(spec, arrays, name=name)


def from_spec(spec, arrays, name="model"):
    """spec: the .json as a dict; arrays: {key: array} (the .npz). Returns a checked Model; ValueError if it does not fit."""
    if not isinstance(spec, dict) or not isinstance(spec.get("layers"), list) or not spec["layers"]:
        raise ValueError('the model file needs "layers": a list of layers, as nn.Sequential runs them')
    layers = spec["layers"]
    if len(layers) > MAX_LAYERS:
        raise ValueError(f"the model has {len(layers)} layers; at most {MAX_LAYERS} can be shown")
    for i, layer in enumerate(layers, 1):
        if not isinstance(layer, dict) or layer.get("type") not in LAYER_TYPES:
            got = layer.get("type") if isinstance(layer, dict) else layer
            raise ValueError(f"layer {i} has type {got!r}; the layers can be {', '.join(LAYER_TYPES[:-1])} "
                             f"or {LAYER_TYPES[-1]}")
    convs = sum(layer["type"] == "conv2d" for layer in layers)
    if convs > MAX_CONV_LAYERS:
        raise ValueError(f"the model has {convs} convolution layers; at most {MAX_CONV_LAYERS} can be shown")
    for i, layer in enumerate(layers, 1):
        if layer["type"] == "conv2d":
            filters = np.shape(arrays.get(layer.get("weight"), ()))[:1]
            if filters and filters[0] > MAX_FILTERS:
                raise ValueError(f"layer {i} (conv2d) has {filters[0]} filters; at most {MAX_FILTERS} a layer can be shown")
    input_shape = shape = _input_shape(spec.get("input_shape"))
    classes = spec.get("classes")
    if not isinstance(classes, list) or not classes or not all(isinstance(c, str) for c in classes):
        raise ValueError('the model file needs "classes": a list of class names (text)')
    checked, shapes = [], []
    for i, layer in enumerate(layers, 1):
        layer, shape = _check_layer(i, layer, shape, arrays)
        checked.append(layer)
        shapes.append(shape)
    if shape != (len(classes),):
        raise ValueError(f"the last layer gives {_shape_text(shape)} values, but the model names "
                         f"{len(classes)} classes; end with a linear layer with one output per class")
    return Model(str(spec.get("name", name)), classes, input_shape, checked, shapes)


def _input_shape(value):
    if (not isinstance(value, list) or len(value) != 3 or not all(isinstance(v, int) for v in value)
            or value[0] not in INPUT_CHANNELS or value[1:] != [INPUT_SIDE, INPUT_SIDE]):
        raise ValueError(f'"input_shape" must be [1, 24, 24] or [3, 24, 24] (1 or 3 channels at 24×24), not {value!r}')
    return tuple(value)


def _shape_text(shape):
    return "×".join(str(n) for n in shape)


def _array(i, layer, key, arrays):
    """The float32 array layer[key] names in the .npz."""
    ref = layer.get(key)
    if not isinstance(ref, str) or ref not in arrays:
        raise ValueError(f"layer {i} ({layer['type']}) names the {key} {ref!r}, which is not in the .npz file")
    a = np.asarray(arrays[ref])
    if a.dtype.kind not in "fiu" or not np.all(np.isfinite(a)):
        raise ValueError(f"layer {i} ({layer['type']}): the {key} {ref!r} must hold finite numbers")
    return a.astype(np.float32)


def _setting(i, layer, key, default, low, high):
    value = layer.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"layer {i} ({layer['type']}): {key} must be a whole number from {low} to {high}, not {value!r}")
    return value


def _check_layer(i, layer, shape, arrays):
    """(checked layer, its output shape per image) for input shape; ValueError naming layer i and the shapes."""
    kind = layer["type"]
    where = f"layer {i} ({kind})"
    if kind == "conv2d":
        if len(shape) != 3:
            raise ValueError(f"{where} needs maps (channels, height, width) but receives {len(shape)} values; "
                             "a convolution cannot follow flatten or linear")
        w, b = _array(i, layer, "weight", arrays), _array(i, layer, "bias", arrays)
        if w.ndim != 4 or w.shape[2] != w.shape[3]:
            raise ValueError(f"{where}: the weight must be (filters, channels, K, K) with square kernels, "
                             f"not {_shape_text(w.shape)}")
        if w.shape[1] != shape[0]:
            raise ValueError(f"{where} has weights {_shape_text(w.shape)} for {w.shape[1]} input channels, "
                             f"but receives {shape[0]} channels of {shape[1]}×{shape[2]}")
        if b.shape != (w.shape[0],):
            raise ValueError(f"{where}: the bias must be {w.shape[0]} values (one per filter), not {_shape_text(b.shape)}")
        stride = _setting(i, layer, "stride", 1, 1, 4)
        padding = _setting(i, layer, "padding", 0, 0, 8)
        k = w.shape[2]
        if min(shape[1:]) + 2 * padding < k:
            raise ValueError(f"{where}: its {k}×{k} kernel does not fit the {shape[1]}×{shape[2]} maps it receives "
                             f"with padding {padding}")
        side = [(n + 2 * padding - k) // stride + 1 for n in shape[1:]]
        return ({"type": kind, "weight": w, "bias": b, "stride": stride, "padding": padding, "keys": _keys(layer)},
                (w.shape[0], *side))
    if kind in ("maxpool2d", "avgpool2d"):
        if len(shape) != 3:
            raise ValueError(f"{where} needs maps (channels, height, width) but receives {len(shape)} values")
        size = _setting(i, layer, "size", 2, 1, INPUT_SIDE)
        stride = _setting(i, layer, "stride", size, 1, INPUT_SIDE)
        if size > min(shape[1:]):
            raise ValueError(f"{where}: a {size}×{size} window does not fit the {shape[1]}×{shape[2]} maps it receives")
        side = [(n - size) // stride + 1 for n in shape[1:]]
        return {"type": kind, "size": size, "stride": stride}, (shape[0], *side)
    if kind == "relu":
        return {"type": kind}, shape
    if kind == "flatten":
        return {"type": kind}, (int(np.prod(shape)),)
    w, b = _array(i, layer, "weight", arrays), _array(i, layer, "bias", arrays)  # linear
    if len(shape) != 1:
        raise ValueError(f"{where} receives maps of {_shape_text(shape)}; put a flatten layer before it")
    if w.ndim != 2 or w.shape[1] != shape[0]:
        raise ValueError(f"{where} has weight {_shape_text(w.shape)}, which needs (outputs, {shape[0]}) "
                         f"for the {shape[0]} values it receives")
    if b.shape != (w.shape[0],):
        raise ValueError(f"{where}: the bias must be {w.shape[0]} values (one per output), not {_shape_text(b.shape)}")
    return {"type": kind, "weight": w, "bias": b, "keys": _keys(layer)}, (w.shape[0],)


def _keys(layer):
    """The names the .npz gives a layer's arrays: {"weight": "conv1.weight", "bias": "conv1.bias"}."""
    return {"weight": layer["weight"], "bias": layer["bias"]}


def to_spec(model):
    """The model file's .json for model, as a dict: from_spec(to_spec(m), arrays(m)) gives m back."""
    layers = []
    for layer in model.layers:
        out = {"type": layer["type"]}
        if "keys" in layer:
            out.update(layer["keys"])
        out.update({k: layer[k] for k in ("stride", "padding", "size") if k in layer})
        layers.append(out)
    return {"name": model.name, "classes": list(model.classes), "input_shape": list(model.input_shape), "layers": layers}


def arrays(model):
    """The model's arrays keyed as in its .npz: {"conv1.weight": (8, 1, 3, 3) float32, ...}."""
    return {layer["keys"][k]: layer[k] for layer in model.layers if "keys" in layer for k in ("weight", "bias")}


def to_npz(model):
    """The model's .npz file as bytes (np.savez of arrays(model))."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays(model))
    return buffer.getvalue()


# --- the forward pass ------------------------------------------------------------------

def as_batch(model, images):
    """images (N, H, W) or (N, C, H, W), values in [0, 1] → (N, C, H, W) float32, checked against the model.

    (float64 when the model's arrays are: the tests compare gradients with finite differences that way.)"""
    x = np.asarray(images, dtype=_dtype(model))
    if x.ndim == 3:
        x = x[:, None]
    if x.ndim != 4 or x.shape[1:] != model.input_shape:
        raise ValueError(f"the network takes images of {_shape_text(model.input_shape)} (channels, height, width), "
                         f"not {_shape_text(np.shape(images)[1:])}")
    return x


def _dtype(model):
    return next((layer["weight"].dtype for layer in model.layers if "weight" in layer), np.dtype(np.float32))


def forward(model, images):
    """Logits (N, classes) float32 for images (N, 24, 24) (or (N, C, 24, 24))."""
    return run(model, as_batch(model, images))


def activations(model, images):
    """Every layer's output for images: a list, one (N, ...) float32 array per layer."""
    x, out = as_batch(model, images), []
    for layer in model.layers:
        x = apply(layer, x)
        out.append(x)
    return out


def run(model, x, start=0):
    """Run layers[start:] on x, the input of layer start (N, ...) float32; returns the last output."""
    for layer in model.layers[start:]:
        x = apply(layer, x)
    return x


def apply(layer, x):
    """One layer on a batch x (N, ...) float32."""
    kind = layer["type"]
    if kind == "conv2d":
        return conv2d(x, layer["weight"], layer["bias"], stride=layer["stride"], padding=layer["padding"])
    if kind == "relu":
        return np.maximum(x, np.float32(0))
    if kind in ("maxpool2d", "avgpool2d"):
        return pool2d(x, layer["size"], layer["stride"], "max" if kind == "maxpool2d" else "avg")
    if kind == "flatten":
        return x.reshape(len(x), -1)  # C, H, W order, as PyTorch's flatten
    return x @ layer["weight"].T + layer["bias"]


def conv2d(x, weight, bias, *, stride=1, padding=0):
    """Batch convolution (cross-correlation) as PyTorch's Conv2d: x (N, Cin, H, W), weight (Cout, Cin, K, K),
    bias (Cout,) → (N, Cout, H', W') float32.

    im2col: every window of every channel becomes one row (a view, copied once by the
    reshape), and one matrix product with the filters does all the sums of products.
    Measured in Pyodide 0.27.7 (Node 20) on the 2,000 held-out digits: the digits
    model's second layer takes 176 ms this way, 485 ms as one einsum per tap.
    """
    k = weight.shape[2]
    p = ops.pad_amounts(k, stride=stride, padding=padding)
    windows = _windows(ops.pad(x, (p, p)), k, stride)
    n, out_h, out_w, cin = windows.shape[:4]
    rows = windows.reshape(n * out_h * out_w, cin * k * k)
    out = rows @ weight.reshape(len(weight), -1).T + bias
    return out.reshape(n, out_h, out_w, -1).transpose(0, 3, 1, 2)


def _windows(x, k, stride):
    """Every k×k window of x (N, C, H, W) a stride apart: a view (N, H', W', C, k, k) of x's memory.

    Made directly from the strides: for one digit (what network mode runs on every edit) numpy's
    sliding_window_view and transpose took longer than the product itself (Pyodide 0.27.7 under
    Node: the digits model's two convolutions 0.17 + 0.21 ms that way, 0.08 + 0.14 ms this way).
    """
    x = np.ascontiguousarray(x)
    n, c, h, w = x.shape
    s_n, s_c, s_h, s_w = x.strides
    shape = (n, (h - k) // stride + 1, (w - k) // stride + 1, c, k, k)
    return np.ndarray(shape, x.dtype, x, 0, (s_n, s_h * stride, s_w * stride, s_c, s_h, s_w))


def conv2d_filter(x, kernels, bias, *, stride=1, padding=0):
    """One filter's map for a batch: x (N, Cin, H, W), kernels (Cin, K, K), bias a number → (N, 1, H', W') float32.

    First every pixel's K·K products summed over the channels (one (N·H·W, Cin) × (Cin, K·K)
    product), then K·K shifted slices of those added up (one channel: the slices, scaled). With one filter, im2col would copy the
    input K·K times for a single column; this is 2.6× faster than adding Cin·K·K shifted slices
    (Pyodide 0.27.7 under Node, the digits model's second layer over 2,000 digits: 20 ms against 52).
    """
    k = kernels.shape[-1]
    p = ops.pad_amounts(k, stride=stride, padding=padding)
    x = ops.pad(x, (p, p))
    n, cin, h, w = x.shape
    out_h, out_w = (h - k) // stride + 1, (w - k) // stride + 1
    row_end, col_end = (out_h - 1) * stride + 1, (out_w - 1) * stride + 1
    out = np.full((n, out_h, out_w), bias, dtype=np.float32)
    if cin == 1:  # one channel: no sum over channels to do first; scale and add the slices
        product = np.empty_like(out)
        for m in range(k):
            for q in range(k):
                np.multiply(x[:, 0, m:m + row_end:stride, q:q + col_end:stride], kernels[0, m, q], out=product)
                out += product
        return out[:, None]
    z = (x.transpose(0, 2, 3, 1).reshape(-1, cin) @ kernels.reshape(cin, k * k)).reshape(n, h, w, k, k)
    for m in range(k):
        for q in range(k):
            out += z[:, m:m + row_end:stride, q:q + col_end:stride, m, q]
    return out[:, None]


def pool2d(x, size, stride, mode):
    """Max or average pooling of every map of x (N, C, H, W) with size×size windows → (N, C, H', W')."""
    h, w = x.shape[2:]
    out_h, out_w = (h - size) // stride + 1, (w - size) // stride + 1
    row_end, col_end = (out_h - 1) * stride + 1, (out_w - 1) * stride + 1
    taps = [x[:, :, m:m + row_end:stride, q:q + col_end:stride] for m in range(size) for q in range(size)]
    if mode == "max":
        return np.maximum.reduce(taps)
    return (np.add.reduce(taps) / np.float32(size * size)).astype(x.dtype)


def probabilities(logits):
    """Softmax over the last axis, float32."""
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def accuracy(model, images, labels, batch=500):
    """The fraction of images whose highest logit is their label (in batches, to bound memory)."""
    x = as_batch(model, images)
    right = sum(int(np.sum(run(model, x[i:i + batch]).argmax(1) == labels[i:i + batch]))
                for i in range(0, len(x), batch))
    return right / len(x)


# --- the backward pass -------------------------------------------------------------------

def cross_entropy(logits, labels):
    """The mean cross-entropy of logits (N, classes) for labels (N,) ints, and its gradient (N, classes)."""
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    grad = np.exp(log_probs)
    grad[rows, labels] -= 1
    return float(-log_probs[rows, labels].mean()), grad / len(labels)


def gradients(model, images, labels):
    """(loss, grads): the mean cross-entropy of the model's logits over a batch, and its gradient with
    respect to every array of the model, keyed as in the .npz ({"conv1.weight": (8, 1, 3, 3), ...}).

    images (N, 24, 24) or (N, C, 24, 24) in [0, 1], as forward takes them; labels (N,) ints.
    """
    x = as_batch(model, images)
    acts = layer_inputs(model, x, len(model.layers))
    loss, grad = cross_entropy(apply(model.layers[-1], acts[-1]), np.asarray(labels))
    grads = {}
    backward(model, acts, grad, grads=grads, need_input=False)
    return loss, grads


def input_gradient(model, image, layer, channel, row=0, col=0):
    """The gradient of one unit with respect to the input pixels: an array shaped like image
    ((24, 24) or (C, 24, 24)).

    The unit is the value at (channel, row, col) of the output of layer index `layer` (0 is the
    first layer of the model file's list); after flatten or linear a unit is (channel, 0, 0).
    """
    return input_gradients(model, np.asarray(image)[None], layer, channel, row, col).reshape(np.shape(image))


def input_gradients(model, images, layer, channel, row=0, col=0):
    """input_gradient for every image of a batch (N, 24, 24) or (N, C, 24, 24) at once: (N, C, 24, 24)."""
    if not (isinstance(layer, int) and 0 <= layer < len(model.layers)):
        raise ValueError(f"layer must be an index from 0 to {len(model.layers) - 1}, not {layer!r}")
    shape = model.shapes[layer]
    unit = (channel, row, col) if len(shape) == 3 else (channel,)
    if (len(shape) == 1 and (row, col) != (0, 0)) or not all(
            isinstance(i, (int, np.integer)) and 0 <= i < n for i, n in zip(unit, shape)):
        raise ValueError(f"layer {layer + 1} ({model.layers[layer]['type']}) gives {_shape_text(shape)} values; "
                         f"there is no unit at {', '.join(map(str, unit)) if len(shape) == 3 else channel}")
    acts = layer_inputs(model, as_batch(model, images), layer + 1)
    out = apply(model.layers[layer], acts[-1])
    grad = np.zeros_like(out)
    grad[(slice(None), *unit)] = 1
    return backward(model, acts, grad)


def layer_inputs(model, x, stop):
    """[input of layer 0, ..., input of layer stop - 1]: what the backward pass needs."""
    acts = [x]
    for layer in model.layers[:stop - 1]:
        acts.append(apply(layer, acts[-1]))
    return acts


def backward(model, acts, grad, grads=None, need_input=True):
    """Run layers[len(acts) - 1] down to layers[0] backwards.

    acts: the input of each of those layers (as layer_inputs gives them); grad: the
    gradient of the last one's output. Fills grads (if given) with each array's gradient, keyed as in
    the .npz; returns the gradient of the input x (None when need_input is false).
    """
    for i in reversed(range(len(acts))):
        layer, x = model.layers[i], acts[i]
        kind = layer["type"]
        if i == 0 and not need_input:
            if kind in ("conv2d", "linear") and grads is not None:  # the input's gradient is not computed
                _, gw, gb = _param_backward(layer, x, grad, need_input=False)
                grads[layer["keys"]["weight"]], grads[layer["keys"]["bias"]] = gw, gb
            return None
        if kind in ("conv2d", "linear"):
            grad, gw, gb = _param_backward(layer, x, grad, need_input=True)
            if grads is not None:
                grads[layer["keys"]["weight"]], grads[layer["keys"]["bias"]] = gw, gb
        elif kind == "relu":
            grad = grad * (x > 0)
        elif kind == "flatten":
            grad = grad.reshape(x.shape)
        else:
            grad = _pool_backward(x, grad, layer["size"], layer["stride"], kind == "maxpool2d")
    return grad


def _param_backward(layer, x, grad_out, need_input):
    """(grad of x or None, grad of weight, grad of bias) of a conv2d or linear layer."""
    if layer["type"] == "linear":
        return (grad_out @ layer["weight"] if need_input else None), grad_out.T @ x, grad_out.sum(axis=0)
    return conv2d_backward(x, layer["weight"], grad_out, stride=layer["stride"], padding=layer["padding"],
                           need_input=need_input)


def conv2d_backward(x, weight, grad_out, *, stride=1, padding=0, need_input=True):
    """x (N, Cin, H, W), weight (Cout, Cin, K, K), grad_out (N, Cout, H', W') → (grad_x (N, Cin, H, W)
    or None, grad_weight (Cout, Cin, K, K), grad_bias (Cout,)): conv2d's im2col, run backwards."""
    k = weight.shape[2]
    p = ops.pad_amounts(k, stride=stride, padding=padding)
    padded = ops.pad(x, (p, p))
    windows = _windows(padded, k, stride)
    n, out_h, out_w = windows.shape[:3]
    g = grad_out.transpose(0, 2, 3, 1).reshape(n * out_h * out_w, -1)  # (N·H'·W', Cout)
    grad_w = (g.T @ windows.reshape(n * out_h * out_w, -1)).reshape(weight.shape)
    grad_b = g.sum(axis=0)
    if not need_input:
        return None, grad_w, grad_b
    cols = (g @ weight.reshape(len(weight), -1)).reshape(n, out_h, out_w, -1, k, k)
    grad_padded = np.zeros_like(padded)
    row_end, col_end = (out_h - 1) * stride + 1, (out_w - 1) * stride + 1
    for m in range(k):  # every tap sends its share back to the pixels it read
        for q in range(k):
            grad_padded[:, :, m:m + row_end:stride, q:q + col_end:stride] += cols[..., m, q].transpose(0, 3, 1, 2)
    top, bottom = p
    return grad_padded[:, :, top:grad_padded.shape[2] - bottom, top:grad_padded.shape[3] - bottom], grad_w, grad_b


def _pool_backward(x, grad_out, size, stride, take_max):
    """Max pooling sends each window's gradient to its largest input (the first, on a tie, as PyTorch);
    average pooling shares it equally. Overlapping windows add up."""
    out_h, out_w = grad_out.shape[2:]
    row_end, col_end = (out_h - 1) * stride + 1, (out_w - 1) * stride + 1
    grad_x = np.zeros_like(x)
    taps = [(m, q) for m in range(size) for q in range(size)]
    if not take_max:
        share = grad_out / np.asarray(size * size, dtype=x.dtype)
        for m, q in taps:
            grad_x[:, :, m:m + row_end:stride, q:q + col_end:stride] += share
        return grad_x
    out = pool2d(x, size, stride, "max")
    taken = np.zeros(out.shape, dtype=bool)
    for m, q in taps:
        hit = (x[:, :, m:m + row_end:stride, q:q + col_end:stride] == out) & ~taken
        taken |= hit
        grad_x[:, :, m:m + row_end:stride, q:q + col_end:stride] += grad_out * hit
    return grad_x
