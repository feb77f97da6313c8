"""Code mode: the learner writes a convolution (or a kernel) and this checks it.

An exercise is one JSON file in exercises/ (format in docs/formats.md): a prompt,
starter code and hidden cases. The page runs the learner's code in its own
worker and hands `check` the namespace that code left behind; `check` runs
every case, compares with app.ops (the reference) and explains the first
difference in plain words.

Case inputs are built from seeds, so a case is a few bytes of JSON and the
same numbers everywhere:
  image  {"shape": [h, w], "seed": s}    default_rng(s).random((h, w)).round(2): 0.00 to 0.99
  kernel {"shape": [k, k], "seed": s}    default_rng(s).integers(-3, 4, (k, k)): whole numbers -3 to 3
  image  {"shape": [h, w], "pattern": p} "hstep": 0 above row h // 2, 1 from it down;
                                         "vstep": 0 left of column w // 2, 1 from it; "flat": 0.5
or an explicit 2-D list. Two decimals and small whole numbers keep the
numbers in messages readable.

A "kernel" exercise has no reference output: each case says what the
learner's kernel (valid cross-correlation, stride 1 unless "args" say
otherwise) must do to its image. "expect": "strong" means the largest
|output| is at least "at_least" (default 1; either sign counts); "zero" means
every |output| is at most 1e-6. On a 0-to-1 step, Sobel y gives 4 and
Prewitt y 3; flat and vertical-edge images force the weights to add up to 0
overall and down every column.
"""
import difflib
import json
import keyword
import math

import numpy as np

from . import exercise_values, ops

ATOL = 1e-6  # outputs within this of the reference pass; "zero" means |output| <= ATOL
ARGS = {"conv2d": {"stride", "padding", "dilation", "bias", "padding_mode"},
        "pool2d": {"size", "stride", "mode"}}  # the keyword arguments each reference takes
FIELDS = {"title", "order", "prompt", "kind", "name", "starter", "reference", "reference_args", "cases", "hints"}
CASE_FIELDS = {"function": {"description", "image", "kernel", "args"},
               "kernel": {"description", "image", "args", "expect", "at_least"},
               "values": {"description", "inputs"}}
PATTERNS = ("hstep", "vstep", "flat")
EXAMPLE_KERNEL = "[[0, 0, 0], [0, 1, 0], [0, 0, 0]]"


def _need(ok, message):
    if not ok:
        raise ValueError(message)


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _only(d, allowed, what):
    unknown = sorted(set(d) - allowed)
    _need(not unknown, f"{what} has an unknown field {unknown[0]!r}; "
                       f"the fields are {', '.join(sorted(allowed))}" if unknown else "")


def load(text):
    """An exercise file's text → the exercise as a dict; ValueError names what is wrong.

    "starter" may be a string or a list of lines (joined with newlines);
    "args", "reference_args" and "at_least" get their defaults. Every case is
    built, and a function exercise's reference output computed, once here, so
    a case that cannot run is the instructor's error, not the learner's.
    """
    try:
        ex = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"the exercise is not valid JSON: {e}") from None
    _need(isinstance(ex, dict), "the exercise must be a JSON object")
    _only(ex, FIELDS, "the exercise")
    if isinstance(ex.get("starter"), list) and all(isinstance(s, str) for s in ex["starter"]):
        ex["starter"] = "\n".join(ex["starter"]) + "\n"
    for key in ("title", "prompt", "starter"):
        _need(isinstance(ex.get(key), str) and ex[key].strip(), f'"{key}" must be non-empty text')
    _need(_is_int(ex.get("order")), '"order" must be a whole number')
    _need(ex.get("kind") in CASE_FIELDS, '"kind" must be "function", "kernel" or "values"')
    name = ex.get("name")
    _need(isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name),
          '"name" must be a Python name, like "conv2d"')
    if ex["kind"] == "values":
        refs = exercise_values.REFERENCES
        _need(ex.get("reference") in refs, f'a "values" exercise\'s "reference" must be one of {", ".join(refs)}')
    else:
        _need(ex.get("reference") in ARGS, '"reference" must be "conv2d" or "pool2d"')
    _need(ex["kind"] != "kernel" or ex["reference"] == "conv2d",
          'a "kernel" exercise needs "reference": "conv2d" (the learner\'s kernel is convolved)')
    try:
        compile(ex["starter"], "starter", "exec")
    except SyntaxError as e:
        raise ValueError(f"the starter code is not valid Python: {e.msg} (line {e.lineno})") from None
    hints = ex.get("hints")
    _need(isinstance(hints, list) and all(isinstance(h, str) and h.strip() for h in hints),
          '"hints" must be a list of non-empty texts')
    ex.setdefault("reference_args", {})
    if ex["kind"] != "values":
        _check_args(ex["reference_args"], ex["reference"], '"reference_args"')
    _need(isinstance(ex.get("cases"), list) and ex["cases"], '"cases" must be a non-empty list')
    for i, case in enumerate(ex["cases"], 1):
        try:
            _check_case(ex, case)
        except ValueError as e:
            about = case.get("description") if isinstance(case, dict) else None
            raise ValueError(f"case {i}" + (f" ({about})" if isinstance(about, str) else "") + f": {e}") from None
    return ex


def _check_args(args, reference, what):
    _need(isinstance(args, dict), f"{what} must be a JSON object of keyword arguments")
    _only(args, ARGS[reference], what)


def _check_case(ex, case):
    _need(isinstance(case, dict), "a case must be a JSON object")
    _only(case, CASE_FIELDS[ex["kind"]], "the case")
    _need(isinstance(case.get("description"), str) and case["description"].strip(), 'needs a "description"')
    if ex["kind"] == "values":
        exercise_values.reference(ex, exercise_values.build_inputs(case))  # settings that cannot work raise here
        return
    case.setdefault("args", {})
    _check_args(case["args"], ex["reference"], '"args"')
    wants_kernel = ex["kind"] == "function" and ex["reference"] == "conv2d"
    _need(("kernel" in case) == wants_kernel, 'needs a "kernel"' if wants_kernel else 'must not have a "kernel"')
    if ex["kind"] == "kernel":
        _need(case.get("expect") in ("strong", "zero"), '"expect" must be "strong" or "zero"')
        at_least = case.setdefault("at_least", 1.0)
        _need(isinstance(at_least, (int, float)) and not isinstance(at_least, bool) and at_least > 0,
              '"at_least" must be a positive number')
    image, kernel, kw = case_inputs(case)
    if ex["kind"] == "function":
        _reference(ex, image, kernel, kw)  # ops raises a readable ValueError for settings that cannot work


def case_inputs(case):
    """A case → (image (H, W), kernel (K, K) or None, keyword args); float64, the same every time."""
    image = _grid(case["image"], "image")
    kernel = _grid(case["kernel"], "kernel") if "kernel" in case else None
    return image, kernel, dict(case.get("args", {}))


def _grid(spec, what):
    if isinstance(spec, list):
        a, wrong = _as_grid(spec)
        _need(wrong is None and a.size and np.all(np.isfinite(a)),
              f'"{what}" must be a 2-D list of numbers, rows of equal length')
        return a
    _need(isinstance(spec, dict), f'"{what}" must be a 2-D list or an object with "shape" and "seed"')
    how = "pattern" if what == "image" and "pattern" in spec else "seed"
    _only(spec, {"shape", how}, f'"{what}"')
    shape = spec.get("shape")
    _need(isinstance(shape, list) and len(shape) == 2 and all(_is_int(n) and 1 <= n <= 64 for n in shape),
          f'"{what}" needs a "shape" of two whole numbers from 1 to 64')
    _need(what == "image" or shape[0] == shape[1], "the kernel must be square")
    if how == "pattern":
        _need(spec["pattern"] in PATTERNS, f'"pattern" must be one of {", ".join(PATTERNS)}')
        (h, w), a = shape, np.zeros(shape)
        a[{"hstep": np.s_[h // 2:, :], "vstep": np.s_[:, w // 2:], "flat": np.s_[:, :]}[spec["pattern"]]] = 1
        return a * 0.5 if spec["pattern"] == "flat" else a
    _need(_is_int(spec.get("seed")) and spec["seed"] >= 0, f'"{what}" needs a "seed": a whole number >= 0')
    rng = np.random.default_rng(spec["seed"])
    if what == "kernel":
        return rng.integers(-3, 4, size=shape).astype(np.float64)
    return rng.random(shape).round(2)


def _reference(ex, image, kernel, kw):
    kw = {**ex["reference_args"], **kw}
    if ex["reference"] == "pool2d":
        return ops.pool2d(image, **kw)
    return ops.conv2d(image, kernel, **kw)


def check(exercise, namespace):
    """Run every case on the learner's code → {"passed", "total", "passed_count", "first_failure"}.

    namespace: the dict the learner's code was exec'd in. first_failure is
    None or {"case": the failing case's description (None when the function
    or kernel is missing or unusable), "message": what went wrong, in words}.
    """
    cases = exercise["cases"]
    result = {"passed": False, "total": len(cases), "passed_count": 0, "first_failure": None}
    value, problem = _find(exercise, namespace)
    if problem:
        result["first_failure"] = {"case": None, "message": problem}
        return result
    for case in cases:
        try_case = {"kernel": _try_kernel, "function": _try_function, "values": exercise_values.try_case}[exercise["kind"]]
        message = try_case(exercise, value, case)
        if message is None:
            result["passed_count"] += 1
        elif result["first_failure"] is None:
            result["first_failure"] = {"case": case["description"], "message": message}
    result["passed"] = result["passed_count"] == len(cases)
    return result


def _find(ex, namespace):
    """(the learner's function, or kernel as an array; None) or (None, what to tell them)."""
    name = ex["name"]
    if name not in namespace:
        close = difflib.get_close_matches(name, [k for k in namespace if not k.startswith("_")], n=1)
        also = f" You defined {close[0]}: rename it to {name}." if close else ""
        if ex["kind"] != "kernel":
            return None, f"Define a function called {name}: the checker looks for def {name}(...).{also}"
        return None, f"Define a variable called {name} holding your kernel, like {name} = {EXAMPLE_KERNEL}.{also}"
    value = namespace[name]
    if ex["kind"] != "kernel":
        if not callable(value):
            return None, f"{name} is {_a(type(value).__name__)}, not a function: define it with def {name}(...):"
        return value, None
    if callable(value):
        return None, f"{name} is a function; it should be the kernel itself, a grid of numbers like {EXAMPLE_KERNEL}."
    kernel, what = _as_grid(value)
    if what:
        return None, f"Your {name} is {what}, not a 2-D grid of numbers like {EXAMPLE_KERNEL}."
    if kernel.shape[0] != kernel.shape[1] or kernel.size == 0:
        return None, f"Your {name} must be square (3×3, say), but it is {_shape(kernel.shape)}."
    if not np.all(np.isfinite(kernel)):
        return None, f"Your {name} holds a value that is not a finite number (NaN or infinity)."
    return kernel, None


def _as_grid(value):
    """value → (float64 2-D array, None), or (None, what it is instead, as a noun phrase)."""
    if value is None:
        return None, "None"
    kind = _a(type(value).__name__)
    if not isinstance(value, (np.ndarray, list, tuple, int, float, np.number)):
        return None, kind
    try:
        a = np.asarray(value)
    except (ValueError, TypeError):
        return None, f"{kind} that is not a rectangular grid of numbers"
    if a.dtype.kind not in "biuf":
        return None, f"{kind} that holds something other than plain numbers"
    if a.ndim == 0:
        return None, f"a single number ({_num(a)})"
    if a.ndim != 2:
        return None, f"a {a.ndim}-D array of shape {a.shape}"
    return a.astype(np.float64), None


def _run(ex, fn, image, kernel, kw, want):
    """Call the learner's function on copies of the inputs → (output array, None) or (None, message)."""
    name = ex["name"]
    try:
        value = fn(image.copy(), **kw) if kernel is None else fn(image.copy(), kernel.copy(), **kw)
    except Exception as e:  # anything the learner's code raises is a finding, not a crash
        call = ", ".join(["image"] + ["kernel"] * (kernel is not None) + [f"{k}={v!r}" for k, v in kw.items()])
        text = str(e).strip()
        text = f"{type(e).__name__}: {text[:300]}" if text else type(e).__name__
        return None, f"The checker called {name}({call}) and it raised {text}{exercise_values.where_in_code(e)}."
    out, what = _as_grid(value)
    if what:
        tip = " Did you forget to return the result?" if value is None else ""
        return None, f"Your {name} returned {what} instead of a 2-D array of shape {_shape(want)}.{tip}"
    return out, None


def _try_function(ex, fn, case):
    image, kernel, kw = case_inputs(case)
    want = _reference(ex, image, kernel, kw)
    out, message = _run(ex, fn, image, kernel, kw, want.shape)
    if message:
        return message
    if out.shape != want.shape:
        return _shape_message(ex, image, kernel, kw, want.shape, out.shape)
    bad = np.argwhere(~np.isfinite(out))
    if len(bad):
        (r, c), v = bad[0], out[tuple(bad[0])]
        what = "NaN (not a number)" if np.isnan(v) else "infinite"
        return (f"At row {r}, column {c} your output is {what}. "
                "Look for a 0/0, or an array made with np.empty and never filled.")
    wrong = np.argwhere(~np.isclose(out, want, atol=ATOL))
    if not len(wrong):
        return None
    r, c = wrong[0]
    message = f"At row {r}, column {c} the output should be {_num(want[r, c])}, yours is {_num(out[r, c])}"
    message += f" ({len(wrong)} of {out.size} values differ)." if len(wrong) > 1 else "."
    for alike, note in _lookalikes(ex, image, kernel, kw):
        if np.allclose(out, alike, atol=ATOL):
            return f"{message} {note}"
    return message


def _lookalikes(ex, image, kernel, kw):
    """Outputs of common mistakes, each with what to say when the learner's output matches one."""
    if kernel is not None and not np.array_equal(kernel, kernel[::-1, ::-1]):
        yield (_reference(ex, image, kernel[::-1, ::-1], kw),
               "Your kernel looks flipped: deep-learning convolution does not flip it "
               "(kernel[0, 0] multiplies the top-left pixel of the window).")
    if ex["reference"] == "pool2d" and {**ex["reference_args"], **kw}.get("mode", "max") == "max":
        yield (_reference(ex, image, None, {**kw, "mode": "avg"}),
               "Your output is the average of each window; this exercise keeps the largest value.")
    if ex["reference"] == "pool2d" and {**ex["reference_args"], **kw}.get("mode") == "avg":
        yield (_reference(ex, image, None, {**kw, "mode": "max"}),
               "Your output is the largest value of each window; this exercise keeps the average.")


def _shape_message(ex, image, kernel, kw, want, got):
    (h, w), kw = image.shape, {**ex["reference_args"], **kw}
    if ex["reference"] == "pool2d":
        size = kw.get("size", 2)
        stride = kw.get("stride") or size
        setting = f"For a {h}×{w} feature map and a {size}×{size} pool with stride {stride}"
        tail = f"Check the ⌊(W − {size})/{stride}⌋ + 1 formula: a window that would run past the edge is dropped."
    else:
        k = kernel.shape[0]
        s, p, d = kw.get("stride", 1), kw.get("padding", 0), kw.get("dilation", 1)
        extras = [f"{n} {v!r}" if isinstance(v, str) else f"{n} {v}"
                  for n, v, default in (("stride", s, 1), ("padding", p, 0), ("dilation", d, 1)) if v != default]
        setting = f"For a {h}×{w} image and a {k}×{k} kernel"
        if extras:
            setting += " with " + (", ".join(extras[:-1]) + " and " if len(extras) > 1 else "") + extras[-1]
        formula = ("⌊(W + 2P − D(K − 1) − 1)/S⌋ + 1" if d != 1 else "⌊(W − K + 2P)/S⌋ + 1" if s != 1
                   else "W − K + 2P + 1" if p not in (0, "valid") else "W − K + 1")
        tail = "Padding 'same' keeps the size of the image." if p == "same" else f"Check the {formula} formula."
    message = f"{setting}, the output should be {_shape(want)}, but yours is {_shape(got)}. {tail}"
    if got == want[::-1]:
        message += " Your rows and columns look swapped."
    return message


def _try_kernel(ex, kernel, case):
    image, _, kw = case_inputs(case)
    out, message = _apply_kernel(ex, image, kernel, kw)
    if message:
        return message
    if case["expect"] == "strong":
        peak = float(np.abs(out).max())
        if peak >= case["at_least"]:
            return None
        return (f"On this image the strongest output of your {ex['name']} is {_num(peak)}; "
                f"it should be at least {case['at_least']:g} (either sign).")
    bad = np.argwhere(np.abs(out) > ATOL)
    if not len(bad):
        return None
    r, c = bad[0]
    message = (f"On this image your {ex['name']} should give 0 everywhere, "
               f"but at row {r}, column {c} it gives {_num(out[r, c])}.")
    if image.max() == image.min():
        message += (" On a flat image every output is the brightness times the sum of the weights,"
                    " so the weights must add up to 0.")
    return message


def _apply_kernel(ex, image, kernel, kw):
    try:
        return ops.conv2d(image, kernel, **kw), None
    except ValueError as e:
        return None, f"Your {ex['name']} cannot be used on this image: {e}."


def run_preview(exercise, namespace):
    """The first case, for the side-by-side view: {"case", "image", "kernel", "output", "expected", "error"}.

    Grids are lists of rows, with None for NaN and infinities (JSON has no
    such numbers). "kernel" is the learner's kernel in a kernel exercise;
    "expected" is None there (no single output is right). When the learner's
    code cannot give an output, "output" is None and "error" says why.
    """
    case = exercise["cases"][0]
    if exercise["kind"] == "values":
        return _values_preview(exercise, namespace, case)
    image, kernel, kw = case_inputs(case)
    view = {"case": case["description"], "image": _rows(image), "kernel": _rows(kernel),
            "output": None, "expected": None, "error": None}
    value, view["error"] = _find(exercise, namespace)
    if view["error"]:
        return view
    if exercise["kind"] == "kernel":
        view["kernel"] = _rows(value)
        out, view["error"] = _apply_kernel(exercise, image, value, kw)
    else:
        want = _reference(exercise, image, kernel, kw)
        view["expected"] = _rows(want)
        out, view["error"] = _run(exercise, value, image, kernel, kw, want.shape)
    view["output"] = _rows(out)
    return view


def _values_preview(exercise, namespace, case):
    """A "values" exercise's first case: the call, the learner's answer and the expected one, as text."""
    view = {"case": case["description"], "image": None, "kernel": None, "output": None, "expected": None,
            "error": None, "text": None}
    fn, view["error"] = _find(exercise, namespace)
    if view["error"]:
        return view
    inputs = exercise_values.build_inputs(case)
    call = exercise_values.call_text(exercise["name"], inputs)
    want = exercise_values.reference(exercise, inputs)
    try:
        got = fn(*inputs)
    except Exception as e:  # the learner's error, shown in words
        view["error"] = f"The checker called {call} and it raised {type(e).__name__}: {e}{exercise_values.where_in_code(e)}"
        return view
    if isinstance(want, np.ndarray) and want.ndim == 2:
        view["expected"] = _rows(want)
        out, _ = _as_grid(got)
        view["output"] = _rows(out)
    view["text"] = f"{call} returned {_brief(got)}; expected {_brief(want)}."
    return view


def _brief(v):
    if isinstance(v, np.ndarray) or (isinstance(v, list) and v and isinstance(v[0], list)):
        return f"an array of shape {_shape(np.shape(v))}"
    text = repr(v.item() if isinstance(v, np.generic) else v)
    return text if len(text) <= 80 else text[:77] + "…"


def _rows(a):
    return None if a is None else [[v if math.isfinite(v) else None for v in row] for row in a.tolist()]


def _shape(shape):
    return "×".join(str(n) for n in shape)


def _num(v):
    return repr(round(float(v), 4) + 0.0)  # + 0.0 turns -0.0 into 0.0


def _a(noun):
    return ("an " if noun[:1] in "aeiou" else "a ") + noun
