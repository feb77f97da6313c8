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
from pathlib import Path

import numpy as np
import pytest

from app.exercises import case_inputs, check, load, run_preview

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"
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

def test_the_four_exercises_ship_and_each_has_a_solution_here():
    assert {f.stem for f in FILES} == set(SOLUTIONS)


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
    (edited(kind="class"), '"kind" must be "function" or "kernel"'),
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


def test_the_build_bundles_every_exercise_file():
    import build
    from app import exercises
    bundled = build.read_exercises()
    assert [e["id"] for e in bundled] == ["valid-convolution", "stride-and-padding", "max-pooling", "horizontal-edge-kernel"]
    for e in bundled:
        exercises.load(e["text"])  # the full check, which the stdlib build cannot run
