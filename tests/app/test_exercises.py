"""Tests for app/exercises.py and the exercise files in exercises/.

Learner code is written here as source text and exec'd, as the page does:
reference solutions with plain loops (no app.ops), then the mistakes
learners make (a flipped kernel, an off-by-one size, a missing return, ...)
and what the checker must say about each. Sections: the files, the
reference solutions, mistakes and their messages, the kernel exercise,
run_preview, case_inputs, then every ValueError path of load.
"""
import json
import re
import textwrap

import numpy as np
import pytest

from app.exercises import case_inputs, check, load, run_preview
from builder import ROOT

EXERCISES = ROOT / "exercises"
FILES = sorted(EXERCISES.glob("*.json"))


def exercise(stem):
    return load((EXERCISES / f"{stem}.json").read_text())


def run(stem, source):
    """exec the learner's source, then check it: the page's two steps."""
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    return check(exercise(stem), namespace)


def failure(stem, source):
    result = run(stem, source)
    assert not result["passed"] and result["first_failure"] is not None
    return result["first_failure"]["message"]


# --------------------------------------------------------------------------
# Reference solutions: loops over output cells, written from the definitions
# --------------------------------------------------------------------------

VALID = """
import numpy as np

def conv2d(image, kernel):
    h, w = image.shape
    k = kernel.shape[0]
    out = np.zeros((h - k + 1, w - k + 1))
    for i in range(h - k + 1):
        for j in range(w - k + 1):
            for m in range(k):
                for n in range(k):
                    out[i, j] += kernel[m, n] * image[i + m, j + n]
    return out
"""

STRIDED = """
import numpy as np

def conv2d(image, kernel, stride=1, padding=0):
    h, w = image.shape
    k = kernel.shape[0]
    padded = np.zeros((h + 2 * padding, w + 2 * padding))
    for r in range(h):
        for c in range(w):
            padded[r + padding, c + padding] = image[r, c]
    out_h = (h + 2 * padding - k) // stride + 1
    out_w = (w + 2 * padding - k) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            for m in range(k):
                for n in range(k):
                    out[i, j] += kernel[m, n] * padded[i * stride + m, j * stride + n]
    return out
"""

MAX_POOL = """
def max_pool(x):
    rows = []
    for i in range(len(x) // 2):
        row = []
        for j in range(len(x[0]) // 2):
            row.append(max(x[2 * i][2 * j], x[2 * i][2 * j + 1], x[2 * i + 1][2 * j], x[2 * i + 1][2 * j + 1]))
        rows.append(row)
    return rows  # a list of lists is a fine answer
"""

SOBEL_Y = "kernel = [[1, 2, 1], [0, 0, 0], [-1, -2, -1]]"
SOLUTIONS = {"valid-convolution": VALID, "stride-and-padding": STRIDED,
             "max-pooling": MAX_POOL, "horizontal-edge-kernel": SOBEL_Y}


# --------------------------------------------------------------------------
# The files
# --------------------------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_file_loads_and_reads_well(path):
    ex = load(path.read_text())
    assert 2 <= len(re.findall(r"[.!?](\s|$)", ex["prompt"])) <= 4, "prompt: 2–4 sentences"
    assert 2 <= len(ex["hints"]) <= 3
    assert "# your code here" in ex["starter"]
    if ex["kind"] == "function":
        assert f"def {ex['name']}(" in ex["starter"] and '"""' in ex["starter"]
    descriptions = [c["description"] for c in ex["cases"]]
    assert len(set(descriptions)) == len(descriptions)


def test_orders_are_distinct():
    orders = [load(p.read_text())["order"] for p in FILES]
    assert len(set(orders)) == len(orders)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_starter_code_runs_and_fails_with_a_readable_message(path):
    ex = load(path.read_text())
    namespace = {}
    exec(ex["starter"], namespace)
    result = check(ex, namespace)
    assert not result["passed"] and result["passed_count"] < result["total"]
    failure = result["first_failure"]
    assert failure["case"] == ex["cases"][0]["description"]
    assert failure["message"].endswith(".") and "Traceback" not in failure["message"]


@pytest.mark.parametrize("stem", sorted(SOLUTIONS))
def test_a_correct_solution_passes_every_case(stem):
    result = run(stem, SOLUTIONS[stem])
    assert result == {"passed": True, "total": len(exercise(stem)["cases"]),
                      "passed_count": len(exercise(stem)["cases"]), "first_failure": None}


def test_numpy_solutions_pass_too():
    assert run("valid-convolution", """
        import numpy as np
        def conv2d(image, kernel):
            k = len(kernel)
            h, w = image.shape[0] - k + 1, image.shape[1] - k + 1
            return np.array([[np.sum(image[i:i + k, j:j + k] * kernel) for j in range(w)] for i in range(h)])
    """)["passed"]
    assert run("max-pooling", """
        def max_pool(x):
            h, w = x.shape[0] // 2 * 2, x.shape[1] // 2 * 2
            return x[:h, :w].reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))
    """)["passed"]


def test_the_learner_changing_its_inputs_does_not_change_the_answer():
    assert run("valid-convolution", VALID.replace("    return out", "    image[...] = 99\n    kernel[...] = 7\n    return out"))["passed"]


# --------------------------------------------------------------------------
# Mistakes and what the checker says
# --------------------------------------------------------------------------

@pytest.mark.parametrize("stem", ["valid-convolution", "stride-and-padding"])
def test_a_flipped_kernel_is_named(stem):
    flipped = SOLUTIONS[stem].replace("kernel[m, n]", "kernel[k - 1 - m, k - 1 - n]")
    message = failure(stem, flipped)
    assert message.startswith("At row 0, column 0 the output should be ")
    assert "kernel looks flipped: deep-learning convolution does not flip it" in message


def test_an_off_by_one_size_gets_the_shape_message():
    message = failure("valid-convolution", VALID.replace("- k + 1", "- k"))
    assert message == ("For a 5×5 image and a 3×3 kernel, the output should be 3×3, but yours is 2×2. "
                       "Check the W − K + 1 formula.")


def test_ignoring_the_stride_names_stride_and_the_floor_formula():
    ignored = STRIDED.replace(") // stride + 1", ") + 1").replace("i * stride", "i").replace("j * stride", "j")
    message = failure("stride-and-padding", ignored)
    assert message == ("For a 7×7 image and a 3×3 kernel with stride 2, the output should be 3×3, but yours is 5×5. "
                       "Check the ⌊(W − K + 2P)/S⌋ + 1 formula.")


def test_rounding_up_is_caught_where_the_floor_matters():
    ceil = STRIDED.replace("import numpy as np", "import numpy as np\nimport math").replace(
        "(h + 2 * padding - k) // stride + 1", "math.ceil((h + 2 * padding - k) / stride) + 1")
    result = run("stride-and-padding", ceil)
    assert result["passed_count"] < result["total"] - 1  # every case where the division is not exact
    assert result["first_failure"] == {
        "case": "stride 2 on a 6×6 image: the last step would run past the edge",
        "message": "The checker called conv2d(image, kernel, stride=2) and it raised "
                   "IndexError: index 6 is out of bounds for axis 0 with size 6."}


def one_case(stem, **case):
    """The exercise with only this case: for messages that need a particular shape first."""
    ex = json.loads((EXERCISES / f"{stem}.json").read_text())
    ex["cases"] = [{"description": "d", **case}]
    return load(json.dumps(ex))


def test_swapped_rows_and_columns_and_every_setting_are_named():
    namespace = {}
    exec("import numpy as np\ndef conv2d(image, kernel, **settings):\n"
         "    from app.ops import conv2d\n    return conv2d(image, kernel, **settings).T", namespace)
    ex = one_case("stride-and-padding", image={"shape": [5, 7], "seed": 1}, kernel={"shape": [3, 3], "seed": 2},
                  args={"stride": 2, "padding": 1, "dilation": 1})
    assert check(ex, namespace)["first_failure"]["message"] == (
        "For a 5×7 image and a 3×3 kernel with stride 2 and padding 1, the output should be 3×4, but yours is 4×3. "
        "Check the ⌊(W − K + 2P)/S⌋ + 1 formula. Your rows and columns look swapped.")
    ex = one_case("stride-and-padding", image={"shape": [5, 7], "seed": 1}, kernel={"shape": [3, 3], "seed": 2},
                  args={"padding": "same", "dilation": 2})
    assert check(ex, namespace)["first_failure"]["message"] == (
        "For a 5×7 image and a 3×3 kernel with padding 'same' and dilation 2, the output should be 5×7, "
        "but yours is 7×5. Padding 'same' keeps the size of the image. Your rows and columns look swapped.")


def test_a_wrong_value_names_the_first_cell_and_how_many_differ():
    message = failure("valid-convolution", VALID.replace("    return out", "    out[1, 2] += 1.5\n    return out"))
    ex = exercise("valid-convolution")
    image, kernel, _ = case_inputs(ex["cases"][0])
    right = float(np.sum(image[1:4, 2:5] * kernel))
    assert message == f"At row 1, column 2 the output should be {round(right, 4)!r}, yours is {round(right + 1.5, 4)!r}."
    message = failure("valid-convolution", VALID.replace("    return out", "    return out * 2"))
    assert re.fullmatch(r"At row 0, column 0 the output should be \S+, yours is \S+ \(9 of 9 values differ\)\.", message)


def test_an_exception_is_reported_by_type_and_message_not_traceback():
    message = failure("valid-convolution", """
        def conv2d(image, kernel):
            raise IndexError("index 5 is out of bounds for axis 0 with size 5")
    """)
    assert message == ("The checker called conv2d(image, kernel) and it raised "
                       "IndexError: index 5 is out of bounds for axis 0 with size 5.")


def test_a_missing_parameter_shows_the_call_that_failed():
    message = failure("stride-and-padding", VALID)
    assert message.startswith("The checker called conv2d(image, kernel, stride=2) and it raised TypeError: ")
    assert "stride" in message.split("TypeError")[1]


def test_a_missing_function_asks_for_it_by_name():
    result = run("valid-convolution", "import numpy as np")
    assert result["passed_count"] == 0 and result["first_failure"]["case"] is None
    assert result["first_failure"]["message"] == "Define a function called conv2d: the checker looks for def conv2d(...)."
    message = failure("valid-convolution", VALID.replace("def conv2d", "def conv_2d"))
    assert message.endswith("You defined conv_2d: rename it to conv2d.")


def test_a_name_that_is_not_a_function():
    assert failure("valid-convolution", "conv2d = 3") == "conv2d is an int, not a function: define it with def conv2d(...):"


@pytest.mark.parametrize("body, expected", [
    ("pass", "Your conv2d returned None instead of a 2-D array of shape 3×3. Did you forget to return the result?"),
    ("return 'hello'", "Your conv2d returned a str instead of a 2-D array of shape 3×3."),
    ("return 4.5", "Your conv2d returned a single number (4.5) instead of a 2-D array of shape 3×3."),
    ("return {}", "Your conv2d returned a dict instead of a 2-D array of shape 3×3."),
    ("return np.zeros(9)", "Your conv2d returned a 1-D array of shape (9,) instead of a 2-D array of shape 3×3."),
    ("return [[1, 2], [3]]", "Your conv2d returned a list that is not a rectangular grid of numbers "
                             "instead of a 2-D array of shape 3×3."),
    ("return [['a']]", "Your conv2d returned a list that holds something other than plain numbers "
                       "instead of a 2-D array of shape 3×3."),
])
def test_a_return_value_that_is_not_a_grid_says_what_came_back(body, expected):
    assert failure("valid-convolution", f"import numpy as np\ndef conv2d(image, kernel):\n    {body}\n") == expected


def test_nan_in_the_output_is_named():
    message = failure("valid-convolution", VALID.replace("    return out", "    out[0, 1] = np.nan\n    return out"))
    assert message.startswith("At row 0, column 1 your output is NaN (not a number).")
    message = failure("valid-convolution", VALID.replace("    return out", "    out[2, 0] = np.inf\n    return out"))
    assert message.startswith("At row 2, column 0 your output is infinite.")


def test_average_pooling_is_named():
    message = failure("max-pooling", """
        def max_pool(x):
            h, w = x.shape[0] // 2 * 2, x.shape[1] // 2 * 2
            return x[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
    """)
    assert message.endswith("Your output is the average of each window; this exercise keeps the largest value.")


def test_a_maximum_started_from_zero_fails_only_on_negative_values():
    result = run("max-pooling", """
        import numpy as np
        def max_pool(x):
            out = np.zeros((x.shape[0] // 2, x.shape[1] // 2))
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    for v in x[2 * i:2 * i + 2, 2 * j:2 * j + 2].ravel():
                        out[i, j] = max(out[i, j], v)
            return out
    """)
    assert result["passed_count"] == result["total"] - 1
    assert result["first_failure"] == {"case": "negative values: a window's largest value can be below 0",
                                       "message": "At row 0, column 0 the output should be -1.0, yours is 0.0 "
                                                  "(3 of 4 values differ)."}


def test_pooling_that_keeps_the_odd_edge_gets_the_shape_message():
    message = failure("max-pooling", """
        import numpy as np
        def max_pool(x):
            h, w = (x.shape[0] + 1) // 2, (x.shape[1] + 1) // 2
            return np.array([[x[2 * i:2 * i + 2, 2 * j:2 * j + 2].max() for j in range(w)] for i in range(h)])
    """)
    assert message == ("For a 5×5 feature map and a 2×2 pool with stride 2, the output should be 2×2, but yours is 3×3. "
                       "Check the ⌊(W − 2)/2⌋ + 1 formula: a window that would run past the edge is dropped.")


# --------------------------------------------------------------------------
# The horizontal-edge kernel exercise
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kernel", [
    "[[1, 2, 1], [0, 0, 0], [-1, -2, -1]]",      # Sobel y
    "[[1, 1, 1], [0, 0, 0], [-1, -1, -1]]",      # Prewitt y
    "np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])",  # Sobel y, the other sign
    "[[1, 1], [-1, -1]]",                        # any square size is fine
])
def test_the_edge_exercise_accepts_horizontal_edge_detectors(kernel):
    assert run("horizontal-edge-kernel", f"import numpy as np\nkernel = {kernel}")["passed"]


def test_the_edge_exercise_rejects_sobel_x_and_zeros():
    result = run("horizontal-edge-kernel", "kernel = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]")
    assert result["passed_count"] == 1  # only the flat image
    assert result["first_failure"]["message"] == ("On this image the strongest output of your kernel is 0.0; "
                                                  "it should be at least 1 (either sign).")
    assert run("horizontal-edge-kernel", "import numpy as np\nkernel = np.zeros((3, 3))")["passed_count"] == 2


def test_a_kernel_that_does_not_add_up_to_zero_is_told_why():
    result = run("horizontal-edge-kernel", "kernel = [[1, 2, 1], [0, 0, 0], [-1, -2, 0]]")
    assert result["first_failure"]["case"] == "a flat grey image (0.5 everywhere)"
    assert result["first_failure"]["message"] == (
        "On this image your kernel should give 0 everywhere, but at row 0, column 0 it gives 0.5. On a flat image "
        "every output is the brightness times the sum of the weights, so the weights must add up to 0.")
    weak = run("horizontal-edge-kernel", "kernel = [[0.1, 0.2, 0.1], [0, 0, 0], [-0.1, -0.2, -0.1]]")
    assert weak["first_failure"]["message"].startswith("On this image the strongest output of your kernel is 0.4;")


@pytest.mark.parametrize("source, expected", [
    ("k = [[1]]", "Define a variable called kernel holding your kernel, like kernel = [[0, 0, 0], [0, 1, 0], [0, 0, 0]]."),
    ("def kernel(x):\n    return x", "kernel is a function; it should be the kernel itself, a grid of numbers "
                                     "like [[0, 0, 0], [0, 1, 0], [0, 0, 0]]."),
    ("kernel = [1, 0, -1]", "Your kernel is a 1-D array of shape (3,), not a 2-D grid of numbers "
                            "like [[0, 0, 0], [0, 1, 0], [0, 0, 0]]."),
    ("kernel = [[1, 2, 1], [-1, -2, -1]]", "Your kernel must be square (3×3, say), but it is 2×3."),
    ("kernel = [[1, 2], [float('nan'), 0]]", "Your kernel holds a value that is not a finite number (NaN or infinity)."),
])
def test_an_unusable_kernel_is_explained(source, expected):
    result = run("horizontal-edge-kernel", source)
    assert result["passed_count"] == 0 and result["first_failure"] == {"case": None, "message": expected}


def test_a_kernel_too_big_for_the_images_is_explained():
    message = failure("horizontal-edge-kernel", "import numpy as np\nkernel = np.zeros((9, 9))")
    assert message == "Your kernel cannot be used on this image: kernel 9×9 does not fit a 8×8 input without padding."


# --------------------------------------------------------------------------
# run_preview: the first case side by side
# --------------------------------------------------------------------------

def preview(stem, source):
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    view = run_preview(exercise(stem), namespace)
    json.dumps(view, allow_nan=False)  # the page gets plain JSON-able values
    return view


def test_preview_shows_the_learners_output_beside_the_reference():
    view = preview("valid-convolution", VALID)
    image, kernel, _ = case_inputs(exercise("valid-convolution")["cases"][0])
    assert view["case"] == "a 5×5 image and a 3×3 kernel" and view["error"] is None
    assert view["image"] == image.tolist() and view["kernel"] == kernel.tolist()
    assert np.allclose(view["output"], view["expected"]) and np.array(view["output"]).shape == (3, 3)


def test_preview_shows_a_wrong_shape_as_it_is():
    view = preview("valid-convolution", "import numpy as np\ndef conv2d(image, kernel):\n    return np.zeros((1, 1))")
    assert view["output"] == [[0.0]] and np.array(view["expected"]).shape == (3, 3) and view["error"] is None


def test_preview_turns_nan_into_none():
    view = preview("valid-convolution", VALID.replace("    return out", "    out[0, 0] = np.nan\n    return out"))
    assert view["output"][0][0] is None and view["output"][0][1] is not None


@pytest.mark.parametrize("source, error", [
    ("def conv2d(image, kernel):\n    return 1 / 0",
     "The checker called conv2d(image, kernel) and it raised ZeroDivisionError: division by zero."),
    ("x = 1", "Define a function called conv2d: the checker looks for def conv2d(...)."),
    ("def conv2d(image, kernel):\n    pass",
     "Your conv2d returned None instead of a 2-D array of shape 3×3. Did you forget to return the result?"),
])
def test_preview_gives_the_error_instead_of_an_output(source, error):
    view = preview("valid-convolution", source)
    assert view["error"] == error and view["output"] is None and view["image"] is not None


def test_preview_of_a_kernel_exercise_has_no_expected_output():
    view = preview("horizontal-edge-kernel", SOBEL_Y)
    assert view["kernel"] == [[1, 2, 1], [0, 0, 0], [-1, -2, -1]] and view["expected"] is None
    assert np.array(view["output"]).shape == (6, 6) and max(abs(v) for row in view["output"] for v in row) == 4
    pool = preview("max-pooling", MAX_POOL)
    assert pool["kernel"] is None and pool["output"] == pool["expected"]


# --------------------------------------------------------------------------
# case_inputs
# --------------------------------------------------------------------------

def test_seeded_inputs_are_the_same_every_time_and_in_their_documented_ranges():
    case = {"image": {"shape": [5, 7], "seed": 3}, "kernel": {"shape": [4, 4], "seed": 3}, "args": {"stride": 2}}
    image, kernel, kw = case_inputs(case)
    again, kernel_again, _ = case_inputs(case)
    assert np.array_equal(image, again) and np.array_equal(kernel, kernel_again) and kw == {"stride": 2}
    assert image.shape == (5, 7) and image.min() >= 0 and image.max() <= 0.99
    assert np.array_equal(image, image.round(2))
    assert kernel.shape == (4, 4) and kernel.dtype == np.float64
    assert set(kernel.ravel()) <= set(range(-3, 4)) and not np.array_equal(kernel, np.zeros((4, 4)))
    assert np.array_equal(image, np.random.default_rng(3).random((5, 7)).round(2))


def test_patterns_and_explicit_grids():
    hstep, _, _ = case_inputs({"image": {"shape": [4, 3], "pattern": "hstep"}})
    vstep, _, _ = case_inputs({"image": {"shape": [2, 5], "pattern": "vstep"}})
    flat, _, _ = case_inputs({"image": {"shape": [2, 2], "pattern": "flat"}})
    assert hstep.tolist() == [[0, 0, 0], [0, 0, 0], [1, 1, 1], [1, 1, 1]]
    assert vstep.tolist() == [[0, 0, 1, 1, 1], [0, 0, 1, 1, 1]]
    assert flat.tolist() == [[0.5, 0.5], [0.5, 0.5]]
    image, kernel, kw = case_inputs({"image": [[1, 2], [3, 4]], "kernel": [[1]]})
    assert image.dtype == np.float64 and kernel.tolist() == [[1.0]] and kw == {}


# --------------------------------------------------------------------------
# load: every problem an instructor can make, named
# --------------------------------------------------------------------------

def valid_dict():
    return json.loads((EXERCISES / "valid-convolution.json").read_text())


def edited(**changes):
    ex = valid_dict()
    for key, value in changes.items():
        if value is None:
            del ex[key]
        else:
            ex[key] = value
    return json.dumps(ex)


@pytest.mark.parametrize("text, problem", [
    ("{not json", "the exercise is not valid JSON"),
    ("[1, 2]", "the exercise must be a JSON object"),
    (edited(title=None), '"title" must be non-empty text'),
    (edited(prompt="  "), '"prompt" must be non-empty text'),
    (edited(order="1"), '"order" must be a whole number'),
    (edited(kind="class"), '"kind" must be "function", "kernel" or "values"'),
    (edited(name="conv 2d"), '"name" must be a Python name'),
    (edited(name="lambda"), '"name" must be a Python name'),
    (edited(reference="conv3d"), '"reference" must be "conv2d" or "pool2d"'),
    (edited(kind="kernel", reference="pool2d"), 'a "kernel" exercise needs "reference": "conv2d"'),
    (edited(starter="def conv2d(image, kernel)\n    return 0\n"), "the starter code is not valid Python: .*line 1"),
    (edited(hints="one hint"), '"hints" must be a list of non-empty texts'),
    (edited(hint=["x"]), "the exercise has an unknown field 'hint'"),
    (edited(cases=[]), '"cases" must be a non-empty list'),
    (edited(cases=[{"image": [[1]], "kernel": [[1]]}]), 'case 1: needs a "description"'),
    (edited(cases=[{"description": "d", "image": [[1]]}]), r'case 1 \(d\): needs a "kernel"'),
    (edited(cases=[{"description": "d", "image": [[1, 2], [3]], "kernel": [[1]]}]), '"image" must be a 2-D list'),
    (edited(cases=[{"description": "d", "image": {"shape": [3, 3]}, "kernel": [[1]]}]), '"image" needs a "seed"'),
    (edited(cases=[{"description": "d", "image": {"shape": [0, 3], "seed": 1}, "kernel": [[1]]}]),
     '"image" needs a "shape" of two whole numbers from 1 to 64'),
    (edited(cases=[{"description": "d", "image": {"shape": [3, 3], "seed": 1, "size": 3}, "kernel": [[1]]}]),
     "\"image\" has an unknown field 'size'"),
    (edited(cases=[{"description": "d", "image": {"shape": [3, 3], "pattern": "dots"}, "kernel": [[1]]}]),
     '"pattern" must be one of hstep, vstep, flat'),
    (edited(cases=[{"description": "d", "image": {"shape": [3, 3], "seed": 1}, "kernel": {"shape": [2, 3], "seed": 1}}]),
     "the kernel must be square"),
    (edited(cases=[{"description": "d", "image": {"shape": [3, 3], "seed": 1}, "kernel": {"shape": [5, 5], "seed": 1}}]),
     r"case 1 \(d\): kernel 5×5 does not fit a 3×3 input without padding"),
    (edited(cases=[{"description": "d", "image": [[1]], "kernel": [[1]], "args": {"strides": 2}}]),
     "\"args\" has an unknown field 'strides'"),
    (edited(cases=[{"description": "d", "image": [[1]], "kernel": [[1]], "args": {"stride": 0}}]),
     "stride must be at least 1, not 0"),
    (edited(reference_args={"mode": "max"}), "\"reference_args\" has an unknown field 'mode'"),
])
def test_load_names_the_problem(text, problem):
    with pytest.raises(ValueError, match=problem):
        load(text)


def test_load_checks_kernel_cases_and_pool_cases():
    ex = json.loads((EXERCISES / "horizontal-edge-kernel.json").read_text())
    ex["cases"][0]["expect"] = "big"
    with pytest.raises(ValueError, match='case 1 .*: "expect" must be "strong" or "zero"'):
        load(json.dumps(ex))
    ex["cases"][0].update(expect="strong", at_least=0)
    with pytest.raises(ValueError, match='"at_least" must be a positive number'):
        load(json.dumps(ex))
    ex = json.loads((EXERCISES / "max-pooling.json").read_text())
    ex["cases"][0]["kernel"] = [[1]]
    with pytest.raises(ValueError, match='case 1 .*: must not have a "kernel"'):
        load(json.dumps(ex))


def test_load_joins_a_starter_given_as_lines_and_fills_defaults():
    ex = exercise("valid-convolution")
    assert ex["starter"].startswith("import numpy as np\n\n\ndef conv2d(image, kernel):\n")
    assert ex["reference_args"] == {} and ex["cases"][0]["args"] == {}
    assert all(c["at_least"] == 1 for c in exercise("horizontal-edge-kernel")["cases"])


# --------------------------------------------------------------------------
# Every exercise: a correct solution passes; typical wrong ones fail with the
# explanation that names the mistake. Solutions are loops from the definitions.
# --------------------------------------------------------------------------

AVG_POOL = """
import numpy as np
def avg_pool(x, size=2, stride=2):
    rows, cols = (x.shape[0] - size) // stride + 1, (x.shape[1] - size) // stride + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            total = 0.0
            for m in range(size):
                for n in range(size):
                    total += x[i * stride + m, j * stride + n]
            out[i, j] = total / (size * size)
    return out
"""

OUTPUT_SIZE = """
def output_size(w, k, stride=1, padding=0, dilation=1):
    if padding == "same":
        return w
    return (w + 2 * padding - dilation * (k - 1) - 1) // stride + 1
"""

CONV_LAYER = """
import numpy as np
def conv_layer(x, weight, bias):
    cout, cin, k, _ = weight.shape
    h, w = x.shape[1] - k + 1, x.shape[2] - k + 1
    out = np.zeros((cout, h, w))
    for o in range(cout):
        for i in range(h):
            for j in range(w):
                total = bias[o]
                for c in range(cin):
                    for m in range(k):
                        for n in range(k):
                            total += weight[o, c, m, n] * x[c, i + m, j + n]
                out[o, i, j] = total
    return out
"""

KERNEL_GRAD = """
import numpy as np
def kernel_grad(image, kernel, target):
    k = kernel.shape[0]
    h, w = image.shape[0] - k + 1, image.shape[1] - k + 1
    y = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            y[i, j] = np.sum(kernel * image[i:i + k, j:j + k])
    grad = np.zeros((k, k))
    for i in range(h):
        for j in range(w):
            grad += 2 * (y[i, j] - target[i, j]) * image[i:i + k, j:j + k]
    return grad
"""

RECEPTIVE = """
def receptive_field(layers):
    rf, jump = 1, 1
    for k, s in layers:
        rf += (k - 1) * jump
        jump *= s
    return rf
"""

PARAMS = """
def param_counts(cin, cout, k):
    return cout * cin * k * k + cout, cin * k * k + cin + cout * cin + cout
"""

# stem → (correct source, [(wrong source, what the first failure's message must contain), ...])
EVERY_EXERCISE = {
    "valid-convolution": (VALID, [
        (VALID.replace("kernel[m, n]", "kernel[k - 1 - m, k - 1 - n]"), "Your kernel looks flipped"),
        (VALID.replace("h - k + 1", "h - k"), "Check the W − K + 1 formula."),
    ]),
    "stride-and-padding": (STRIDED, [
        (STRIDED.replace("2 * padding", "padding"), "Check the W − K + 2P + 1 formula."),
        (STRIDED.replace("kernel[m, n]", "kernel[k - 1 - m, k - 1 - n]"), "Your kernel looks flipped"),
    ]),
    "max-pooling": (MAX_POOL, [
        (AVG_POOL.replace("avg_pool(x, size=2, stride=2)", "max_pool(x, size=2, stride=2)"),
         "Your output is the average of each window"),
        ("import numpy as np\ndef max_pool(x):\n    return np.array([[x[2*i:2*i+2, 2*j:2*j+2].max() for j in range(x.shape[1] // 2)]\n"
         "                     for i in range((x.shape[0] + 1) // 2)])", "the output should be 2×2, but yours is 3×2"),
    ]),
    "horizontal-edge-kernel": (SOBEL_Y, [
        ("kernel = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]", "it should be at least 1"),
        ("kernel = [[1, 2, 1], [0, 0, 0], [-1, -2, 0]]", "so the weights must add up to 0"),
    ]),
    "output-size": (OUTPUT_SIZE, [
        (OUTPUT_SIZE.replace("dilation * (k - 1) - 1", "k"), "dilation 2 spreads it over 2 × (3 − 1) + 1 = 5 pixels"),
        (OUTPUT_SIZE.replace("2 * padding", "padding"), "The padding goes on both sides: add 2P, not P."),
        (OUTPUT_SIZE.replace("// stride", "/ stride"), "Round the division down (//)"),
        (OUTPUT_SIZE.replace('    if padding == "same":\n        return w\n', ""), "TypeError"),
    ]),
    "average-pooling": (AVG_POOL, [
        (AVG_POOL.replace("total += x", "total = max(total, x").replace("n]\n", "n])\n")
         .replace("total = 0.0", "total = -1e9").replace("total / (size * size)", "total"),
         "Your output is the largest value of each window; this exercise keeps the average."),
        (AVG_POOL.replace("i * stride + m", "i * size + m").replace("j * stride + n", "j * size + n")
         .replace("// stride + 1", "// size + 1"), "the output should be 3×3, but yours is 2×2"),
    ]),
    "multi-channel-conv": (CONV_LAYER, [
        (CONV_LAYER.replace("total = bias[o]", "total = 0.0"), "Your output is missing the bias"),
        (CONV_LAYER.replace("weight[o, c, m, n]", "weight[cout - 1 - o, c, m, n]").replace("bias[o]", "bias[cout - 1 - o]"),
         "Your output channels are in the wrong order"),
        (CONV_LAYER.replace("weight[o, c, m, n]", "weight[o, c, k - 1 - m, k - 1 - n]"), "Your kernel looks flipped"),
        ("import numpy as np\ndef conv_layer(x, weight, bias):\n    return np.zeros((x.shape[1] - 2, x.shape[2] - 2))",
         "returned an array of shape 3×3; it should be 2×3×3."),
        (CONV_LAYER.replace("out = np.zeros((cout, h, w))", "out = np.zeros((cout, cin, h, w))")
         .replace("total = bias[o]\n                for c in range(cin):", "for c in range(cin):\n                    total = bias[o]")
         .replace("                out[o, i, j] = total", "                    out[o, c, i, j] = total"),
         "returned an array of shape 2×3×3×3; it should be 2×3×3. Add up the input channels"),
    ]),
    "kernel-gradient": (KERNEL_GRAD, [
        (KERNEL_GRAD.replace("    return grad", "    return grad / (h * w)"), "the number of output positions"),
        (KERNEL_GRAD.replace("grad += 2 *", "grad += 1 *"), "Your gradient is half the reference"),
        (KERNEL_GRAD.replace("(y[i, j] - target[i, j])", "(target[i, j] - y[i, j])"), "the wrong sign"),
        (KERNEL_GRAD.replace("    return grad", "    return 2 * (y[0, 0] - target[0, 0]) * image[:k, :k]"),
         "uses only the first output position"),
    ]),
    "receptive-field": (RECEPTIVE, [
        (RECEPTIVE.replace("(k - 1) * jump", "(k - 1)"), "as if every stride were 1"),
        ("def receptive_field(layers):\n    rf, jump = 1, 1\n    for k, s in layers:\n        jump *= s\n"
         "        rf += (k - 1) * jump\n    return rf", "multiplied in the layer's own stride too"),
    ]),
    "parameter-counts": (PARAMS, [
        (PARAMS.replace(" + cout, ", ", ").replace(" + cin + cout * cin + cout", " + cout * cin"), "leave out the biases"),
        (PARAMS.replace("cout * cin * k * k", "cout * k * k"), "leaves out the input channels"),
        ("def param_counts(cin, cout, k):\n    return [cout * cin * k * k + cout]", "should be (448, 94), yours is [448]"),
    ]),
}


def test_every_exercise_has_a_correct_and_wrong_solutions():
    assert sorted(EVERY_EXERCISE) == sorted(f.stem for f in FILES)
    assert all(len(wrong) >= 2 for _, wrong in EVERY_EXERCISE.values())


@pytest.mark.parametrize("stem", sorted(EVERY_EXERCISE))
def test_a_correct_solution_passes_every_exercise(stem):
    result = run(stem, EVERY_EXERCISE[stem][0])
    assert result["passed"] and result["passed_count"] == result["total"], result["first_failure"]


@pytest.mark.parametrize("stem, source, expected",
                         [(stem, src, want) for stem, (_, wrong) in sorted(EVERY_EXERCISE.items()) for src, want in wrong])
def test_a_typical_mistake_is_explained(stem, source, expected):
    assert expected in failure(stem, source)


def test_values_messages_in_full():
    assert failure("output-size", OUTPUT_SIZE.replace("2 * padding", "padding")) == (
        "output_size(7, 3, 1, 1, 1) should be 7, yours is 6. The padding goes on both sides: add 2P, not P.")
    assert failure("kernel-gradient", KERNEL_GRAD.replace("    return grad", "    return grad / (h * w)")).startswith(
        "At index [0, 0] the value should be ")
    assert failure("parameter-counts", "def param_counts(cin, cout, k):\n    pass") == (
        "Your param_counts returned None instead of a tuple of 2 whole numbers. Did you forget to return the result?")
    assert failure("receptive-field", "x = 1") == (
        "Define a function called receptive_field: the checker looks for def receptive_field(...).")


def test_an_error_in_the_learners_values_function_names_its_line():
    namespace = {}
    exec(compile("def output_size(n, k, s, p, d):\n    return n // 0\n", "<your code>", "exec"), namespace)
    message = check(exercise("output-size"), namespace)["first_failure"]["message"]
    assert message.startswith("The checker called output_size(") and message.endswith(
        "raised ZeroDivisionError: integer division or modulo by zero at line 2 of your code.")
    assert run_preview(exercise("output-size"), namespace)["error"].endswith(
        "raised ZeroDivisionError: integer division or modulo by zero at line 2 of your code")
    assert preview("output-size", "def output_size(n, k, s, p, d):\n    return n // 0\n")["error"].endswith(
        "modulo by zero")  # code not compiled as "<your code>" has no line to name


def test_values_preview_states_the_call_and_both_answers():
    view = preview("output-size", OUTPUT_SIZE)
    assert view["text"] == "output_size(5, 3, 1, 0, 1) returned 3; expected 3." and view["error"] is None
    view = preview("kernel-gradient", KERNEL_GRAD)
    assert np.allclose(view["output"], view["expected"]) and np.array(view["output"]).shape == (3, 3)
    view = preview("multi-channel-conv", CONV_LAYER)
    assert view["text"].endswith("returned an array of shape 2×3×3; expected an array of shape 2×3×3.")


def test_values_references_agree_with_hand_worked_numbers():
    from app import exercise_values as ev
    assert ev._receptive_field([[3, 1], [3, 1]]) == 5 and ev._receptive_field([[7, 2], [3, 2]]) == 11
    assert ev._param_counts(3, 16, 3) == (448, 94)  # 16·3·9 + 16; 3·9 + 3 + 16·3 + 16
    assert ev._output_size(224, 7, 2, 3, 1) == 112 and ev._output_size(9, 3, 1, 0, 2) == 5


def test_load_names_a_bad_values_exercise():
    ex = json.loads((EXERCISES / "output-size.json").read_text())
    ex["reference"] = "conv2d"
    with pytest.raises(ValueError, match='a "values" exercise\'s "reference" must be one of output_size'):
        load(json.dumps(ex))
    ex["reference"] = "output_size"
    ex["cases"][0]["inputs"] = [5, 7, 1, 0, 1]
    with pytest.raises(ValueError, match="case 1 .*does not fit"):
        load(json.dumps(ex))
    ex["cases"][0]["inputs"] = [{"array": [3, 3]}]
    with pytest.raises(ValueError, match='an "array" needs a "seed"'):
        load(json.dumps(ex))
