"""The tests mirror the code: a test file per module, and no test file imports another.

app/<m>.py → tests/app/test_<m>.py; builder/<m>.py → tests/builder/test_<m>.py; a page module that
needs no browser (no DOM, no worker) → tests/js/<its path>.test.mjs, run by `node --test`. Modules that
draw or talk to workers are tested in a real browser (tests/browser/). Shared helpers are modules of
their own (pages.py, core_answers.py, references.py, image_files.py, axe.py, engine_pages.py).
"""
import ast
import re

from builder import ROOT

TESTS = ROOT / "tests"
# Tested through another module, which is the unit a learner's request goes through.
THROUGH = {"app/exercise_values.py": "app/exercises.py (its 'values' exercises)",
           # The voice's own script, run only by `build.py narrate` in the engine's environment: what it
           # made is checked against its script and its audio (tests/builder/test_tours.py).
           "builder/speak.py": "builder/narration.py, which runs it"}
# What a module uses that only a browser has: it is tested there.
BROWSER_ONLY = re.compile(r"\b(document|window|self|requestAnimationFrame|ResizeObserver|importScripts|Worker|"
                          r"SharedWorker|HTMLElement|CustomEvent|navigator|localStorage|querySelector\w*|"
                          r"getContext|classList)\b")


def missing_python_tests(package):
    return [f"{package}/{p.name}" for p in sorted((ROOT / package).glob("*.py"))
            if p.name != "__init__.py" and f"{package}/{p.name}" not in THROUGH
            and not (TESTS / package / f"test_{p.name}").exists()]


def test_every_python_module_has_its_test_file():
    assert missing_python_tests("app") == []
    assert missing_python_tests("builder") == []


def page_modules_without_tests():
    """static/**/*.js with no browser-only global in its code (comments aside) and no tests/js twin."""
    missing = []
    for path in sorted((ROOT / "static").rglob("*.js")):
        code = re.sub(r"//[^\n]*|/\*.*?\*/", "", path.read_text(), flags=re.S)
        twin = TESTS / "js" / path.relative_to(ROOT / "static").with_suffix(".test.mjs")
        if not BROWSER_ONLY.search(code) and not twin.exists():
            missing.append(str(path.relative_to(ROOT)))
    return missing


def test_every_page_module_that_needs_no_browser_has_a_node_test():
    assert page_modules_without_tests() == []


def test_every_node_test_has_its_module():
    for test in (TESTS / "js").rglob("*.test.mjs"):
        module = ROOT / "static" / test.relative_to(TESTS / "js").with_name(test.name.replace(".test.mjs", ".js"))
        assert module.exists(), f"{test.relative_to(ROOT)} tests no module"


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_no_test_file_imports_another():
    offenders = {str(p.relative_to(ROOT)): bad for p in TESTS.rglob("*.py") if "node_modules" not in p.parts
                 and (bad := [m for m in imported_modules(p) if m.split(".")[-1].startswith(("test_", "conftest"))])}
    assert offenders == {}


def test_the_checks_see_a_missing_test_and_an_import_of_a_test(tmp_path):
    script = tmp_path / "t.py"
    script.write_text("import json\nfrom test_ops import ref\nfrom tests.conftest import x\n")
    assert [m for m in imported_modules(script) if m.split(".")[-1].startswith(("test_", "conftest"))] == [
        "test_ops", "tests.conftest"]
    assert BROWSER_ONLY.search("document.body") and not BROWSER_ONLY.search("const documented = 1;")
