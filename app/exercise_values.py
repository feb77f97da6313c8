"""Code mode, "values" exercises: the learner's function takes several inputs
(numbers, lists, arrays) and returns a number, a tuple or an array.

A case gives "inputs", a list of positional arguments; each is a JSON value
as it is, or an array built from a seed:
  {"array": [d0, d1, ...], "seed": s}              default_rng(s).random(shape).round(2): 0.00 to 0.99
  {"array": [d0, d1, ...], "seed": s, "ints": true} default_rng(s).integers(-3, 4, shape) as float64
The exercise's "reference" names one entry of REFERENCES: the answer,
computed independently (app.ops, or a definition written another way), and
the common mistakes, each a function of the inputs with what to tell the
learner when their answer equals the mistake's.
"""
import traceback

import numpy as np

from . import ops

ATOL = 1e-6


# --------------------------------------------------------------------------
# References: inputs → the right answer
# --------------------------------------------------------------------------

def _output_size(w, k, stride=1, padding=0, dilation=1):
    return ops.output_size(w, k, stride=stride, padding=padding, dilation=dilation)


def _conv_layer(x, weight, bias):
    """x (Cin, H, W), weight (Cout, Cin, K, K), bias (Cout,) → (Cout, H-K+1, W-K+1), as PyTorch's Conv2d."""
    return ops.conv2d(x, weight, bias=np.asarray(bias, dtype=float))


def _windows(image, k):
    return np.lib.stride_tricks.sliding_window_view(image, (k, k))  # (H', W', K, K)


def _kernel_grad(image, kernel, target):
    """dL/dkernel for L = sum((conv2d(image, kernel) - target)**2): one term per output position."""
    error = 2 * (ops.conv2d(image, kernel) - target)
    return np.einsum("ij,ijmn->mn", error, _windows(image, kernel.shape[0]))


def _receptive_field(layers):
    """layers: [[k, stride], ...] first to last → how many input pixels (along one side) one output pixel sees.

    Walks back from one output pixel: the span [lo, hi] of positions it depends on grows layer by layer.
    """
    lo, hi = 0, 0
    for k, s in reversed(layers):
        lo, hi = lo * s, hi * s + k - 1
    return hi - lo + 1


def _param_counts(cin, cout, k):
    """(standard, depthwise separable) weights + biases: shapes of the tensors each layer holds."""
    standard = np.prod((cout, cin, k, k)) + cout
    separable = np.prod((cin, 1, k, k)) + cin + np.prod((cout, cin, 1, 1)) + cout
    return int(standard), int(separable)


# --------------------------------------------------------------------------
# Mistakes: inputs → (the wrong answer, what to say)
# --------------------------------------------------------------------------

def _size_mistakes(w, k, stride=1, padding=0, dilation=1):
    if padding == "same":
        return
    p = padding if isinstance(padding, int) else 0
    if dilation != 1:
        yield ((w + 2 * p - k) // stride + 1,
               f"You used the kernel's size {k}, but dilation {dilation} spreads it over "
               f"{dilation} × ({k} − 1) + 1 = {dilation * (k - 1) + 1} pixels.")
    if p:
        yield ((w + p - dilation * (k - 1) - 1) // stride + 1,
               "The padding goes on both sides: add 2P, not P.")
    if stride != 1:
        yield ((w + 2 * p - dilation * (k - 1) - 1) / stride + 1,
               "Round the division down (//): a window that would run past the edge is not counted.")
        yield (w + 2 * p - dilation * (k - 1),
               "Divide by the stride: the window moves S pixels at a time.")


def _layer_mistakes(x, weight, bias):
    yield (ops.conv2d(x, weight), "Your output is missing the bias: add bias[o] to every value of output channel o.")
    yield (_conv_layer(x, weight, bias)[::-1],
           "Your output channels are in the wrong order: output channel o uses weight[o] and bias[o].")
    yield (np.zeros((weight.shape[0], x.shape[0]) + _conv_layer(x, weight, bias).shape[1:]),
           "Add up the input channels: output channel o is one map, the sum over c of x[c] ⋆ weight[o, c].")
    flipped = weight[:, :, ::-1, ::-1]
    yield (ops.conv2d(x, flipped, bias=np.asarray(bias, dtype=float)),
           "Your kernel looks flipped: PyTorch's Conv2d does not flip it.")


def _grad_mistakes(image, kernel, target):
    grad = _kernel_grad(image, kernel, target)
    positions = np.prod(ops.conv2d(image, kernel).shape)
    yield (grad / positions, f"Your gradient is the reference divided by {positions}, the number of output "
                             "positions: the loss is a sum, so add the positions' terms up, do not average them.")
    yield (grad / 2, "Your gradient is half the reference: the derivative of e² is 2e.")
    error = 2 * (ops.conv2d(image, kernel) - target)
    yield (error[0, 0] * image[:kernel.shape[0], :kernel.shape[1]],
           "Your gradient uses only the first output position: the kernel is shared by every position, "
           "so add up one term per position.")
    yield (-grad, "Your gradient has the wrong sign: use (output − target), not (target − output).")


def _field_mistakes(layers):
    yield (sum(k for k, _ in layers) - len(layers) + 1,
           "You added the kernels up as if every stride were 1: a layer's k − 1 counts times the product "
           "of the strides of the layers before it.")
    rf, jump = 1, 1
    for k, s in layers:
        jump *= s
        rf += (k - 1) * jump
    yield (rf, "You multiplied in the layer's own stride too: a layer's k − 1 counts times the strides "
               "of the layers before it only.")


def _count_mistakes(cin, cout, k):
    standard, separable = _param_counts(cin, cout, k)
    yield ((standard - cout, separable - cin - cout), "Your counts leave out the biases: one per output channel "
                                                      "of each layer.")
    yield ((cout * k * k + cout, separable), "Your standard count leaves out the input channels: each of the "
                                             "Cout filters is Cin × K × K weights.")


REFERENCES = {
    "output_size": (_output_size, _size_mistakes),
    "conv_layer": (_conv_layer, _layer_mistakes),
    "kernel_grad": (_kernel_grad, _grad_mistakes),
    "receptive_field": (_receptive_field, _field_mistakes),
    "param_counts": (_param_counts, _count_mistakes),
}


# --------------------------------------------------------------------------
# Inputs, comparison, explanation
# --------------------------------------------------------------------------

def _need(ok, message):
    if not ok:
        raise ValueError(message)


def build_inputs(case):
    """A case's "inputs" → the list of positional arguments (arrays as float64)."""
    _need(isinstance(case.get("inputs"), list), 'needs "inputs", a list of the arguments')
    return [_value(v) for v in case["inputs"]]


def _value(spec):
    if not (isinstance(spec, dict) and "array" in spec):
        return spec
    _need(set(spec) <= {"array", "seed", "ints"}, '"array" takes only "seed" and "ints"')
    shape = spec["array"]
    _need(isinstance(shape, list) and 1 <= len(shape) <= 4 and all(isinstance(n, int) and 1 <= n <= 64 for n in shape),
          '"array" must be a shape: 1 to 4 whole numbers from 1 to 64')
    _need(isinstance(spec.get("seed"), int) and spec["seed"] >= 0, 'an "array" needs a "seed": a whole number >= 0')
    rng = np.random.default_rng(spec["seed"])
    if spec.get("ints"):
        return rng.integers(-3, 4, size=shape).astype(np.float64)
    return rng.random(shape).round(2)


def reference(ex, inputs):
    return REFERENCES[ex["reference"]][0](*[_copy(v) for v in inputs])


def _copy(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def _describe(want):
    if isinstance(want, tuple):
        return f"a tuple of {len(want)} whole numbers"
    if isinstance(want, np.ndarray):
        return f"an array of shape {_shape(want.shape)}"
    return "a whole number"


def _same(got, want):
    """Whether the learner's answer equals want; an int answer must be a whole number."""
    if isinstance(want, np.ndarray):
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return False
        return got.shape == want.shape and bool(np.allclose(got, want, atol=ATOL))
    if isinstance(want, tuple):
        return isinstance(got, (tuple, list)) and len(got) == len(want) and all(_same(g, w) for g, w in zip(got, want))
    return isinstance(got, (int, np.integer, float, np.floating)) and not isinstance(got, bool) and got == want


def call_text(name, inputs):
    """name(7, 3, 2) with arrays shown by their shape."""
    shown = [f"<array {_shape(v.shape)}>" if isinstance(v, np.ndarray) else repr(v) for v in inputs]
    return f"{name}({', '.join(shown)})"


def where_in_code(error):
    """" at line N of your code" for the deepest frame of the learner's code in error's traceback, else "".

    The page compiles the learner's code as "<your code>" (app.learner_code) and marks that line in its editor.
    """
    lines = [f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == "<your code>"]
    return f" at line {lines[-1]} of your code" if lines else ""


def try_case(ex, fn, case):
    """Run one case → None when the answer is right, else the message."""
    inputs = build_inputs(case)
    want = reference(ex, inputs)
    try:
        got = fn(*[_copy(v) for v in inputs])
    except Exception as e:  # the learner's error is a finding
        text = str(e).strip()
        return (f"The checker called {call_text(ex['name'], inputs)} and it raised {type(e).__name__}"
                + (f": {text[:300]}" if text else "") + f"{where_in_code(e)}.")
    if _same(got, want):
        return None
    if got is None:
        return f"Your {ex['name']} returned None instead of {_describe(want)}. Did you forget to return the result?"
    if isinstance(want, np.ndarray):
        try:
            arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return f"Your {ex['name']} returned {type(got).__name__} instead of {_describe(want)}."
        if arr.shape != want.shape:
            note = next((n for alike, n in _mistakes(ex, inputs) if np.shape(alike) == arr.shape), "")
            return (f"Your {ex['name']} returned an array of shape {_shape(arr.shape)}; it should be "
                    f"{_shape(want.shape)}." + (f" {note}" if note else ""))
        idx = tuple(np.argwhere(~np.isclose(arr, want, atol=ATOL))[0])
        message = (f"At index {list(map(int, idx))} the value should be {_num(want[idx])}, yours is {_num(arr[idx])}.")
    else:
        message = f"{call_text(ex['name'], inputs)} should be {_show(want)}, yours is {_show(got)}."
    for alike, note in _mistakes(ex, inputs):
        if _same(got, alike) or _close_scalar(got, alike):
            return f"{message} {note}"
    if isinstance(want, tuple) and not isinstance(got, (tuple, list)):
        message += f" Return {_describe(want)}, like (a, b)."
    return message


def _close_scalar(got, alike):
    return (isinstance(alike, float) and isinstance(got, (int, float)) and not isinstance(got, bool)
            and abs(got - alike) < ATOL)


def _mistakes(ex, inputs):
    try:
        yield from REFERENCES[ex["reference"]][1](*[_copy(v) for v in inputs])
    except (ValueError, ZeroDivisionError):
        return


def _show(v):
    if isinstance(v, tuple):
        return "(" + ", ".join(_show(x) for x in v) + ")"
    if isinstance(v, (float, np.floating)):
        return _num(v)
    return repr(v.item() if isinstance(v, np.generic) else v)


def _shape(shape):
    return "×".join(str(n) for n in shape)


def _num(v):
    return repr(round(float(v), 4) + 0.0)
