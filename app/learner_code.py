"""Run a learner's code for code mode and report what happened, in plain words.

The page runs this in a worker of its own that it terminates after a time
limit (an endless loop cannot be stopped from inside). Here: the code runs
in a fresh namespace with NumPy as np; print() output is captured; a
traceback shows only the learner's own lines ("<your code>", line N); and
the browser modules (js, pyodide) cannot be imported while it runs, so the
code cannot reach the page through them.
"""
import contextlib
import io
import sys
import traceback

import numpy as np

from . import exercises

FILENAME = "<your code>"
BLOCKED = ("js", "pyodide", "pyodide_js", "_pyodide")
MAX_PRINTED = 20000  # characters of print() output kept


class _Blocker:
    """A meta-path finder that refuses the browser modules."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not available to exercise code")
        return None


@contextlib.contextmanager
def _no_browser_modules():
    hidden = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] in BLOCKED}
    blocker = _Blocker()
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)
        sys.modules.update(hidden)


def _traceback(error):
    """The exception with only the learner's frames, as Python prints it."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == FILENAME]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines).replace(f'File "{FILENAME}"', "Your code")


def run(code, exercise_text, action):
    """Run code, then "preview" (outputs on the first case) or "check" (every hidden case).

    Returns a dict: {"printed", "error" (a traceback, or None), and "preview" or "check"
    from app.exercises}. A SyntaxError or an exception while defining is an error,
    not a failed check.
    """
    exercise = exercises.load(exercise_text)
    printed = io.StringIO()
    result = {"printed": "", "error": None}
    namespace = {"np": np, "numpy": np, "__name__": "__learner__"}
    with _no_browser_modules(), contextlib.redirect_stdout(printed):
        try:
            exec(compile(code, FILENAME, "exec"), namespace)
            if action == "check":
                result["check"] = exercises.check(exercise, namespace)
            else:
                result["preview"] = exercises.run_preview(exercise, namespace)
        except SyntaxError as e:
            result["error"] = f"Line {e.lineno}: {e.msg}\n{(e.text or '').rstrip()}"
        except Exception as e:  # the learner's exception, shown as a traceback of their lines
            result["error"] = _traceback(e)
    result["printed"] = printed.getvalue()[:MAX_PRINTED]
    return result
