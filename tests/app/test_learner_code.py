"""app/learner_code.py: the learner's code runs, fails and prints in plain words."""
import sys

import numpy as np

from app import learner_code
from builder import ROOT
from references import LOOP_CONV2D as SOLUTION

EXERCISE = (ROOT / "exercises" / "valid-convolution.json").read_text()


def test_a_correct_solution_passes_every_hidden_case():
    result = learner_code.run(SOLUTION, EXERCISE, "check")
    assert result["error"] is None
    assert result["check"]["passed"] and result["check"]["passed_count"] == result["check"]["total"]


def test_preview_gives_both_outputs_on_the_first_case():
    preview = learner_code.run(SOLUTION, EXERCISE, "preview")["preview"]
    np.testing.assert_allclose(preview["output"], preview["expected"], atol=1e-9)
    assert np.array(preview["image"]).shape == (5, 5)


def test_a_syntax_error_names_the_line():
    result = learner_code.run("x = 1\ndef conv2d(image, kernel)\n    pass\n", EXERCISE, "check")
    assert result["error"].startswith("Line 2: expected ':'")


def test_an_exception_while_defining_shows_only_the_learners_lines():
    result = learner_code.run("a = 1\nb = [][3]\n", EXERCISE, "check")
    assert result["error"] == ("Traceback (most recent call last):\n  Your code, line 2, in <module>\n"
                               "IndexError: list index out of range\n")


def test_an_exception_inside_the_function_names_the_line():
    result = learner_code.run("def conv2d(image, kernel):\n    n = 0\n    return image / n[0]\n", EXERCISE, "check")
    assert result["check"]["first_failure"]["message"].endswith("at line 3 of your code.")


def test_print_output_is_captured():
    result = learner_code.run('print("hello")\n' + SOLUTION, EXERCISE, "preview")
    assert result["printed"] == "hello\n"


def test_browser_modules_are_blocked_while_the_code_runs_and_back_after():
    sys.modules["js"] = object()  # stands in for Pyodide's js module
    try:
        result = learner_code.run("import js\n", EXERCISE, "check")
        assert "ImportError: js is not available to exercise code" in result["error"]
        assert "js" in sys.modules
    finally:
        del sys.modules["js"]
