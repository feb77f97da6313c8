"""build.py: a thin command line over builder/, with the commands and flags the README gives."""
import subprocess
import sys

import build
from builder import ROOT


def test_the_command_line_offers_the_readmes_commands_and_flags():
    shown = subprocess.run([sys.executable, "build.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for word in ("serve", "test", "bench", "shots", "--port", "--pyodide-dir", "--no-snapshot"):
        assert word in shown


def fake_runs(monkeypatch, codes):
    """build.test with subprocess.run answering codes[program] (node, then pytest); returns what ran."""
    monkeypatch.setattr(build, "ensure_test_dependencies", lambda **kw: None)
    ran = []
    monkeypatch.setattr(build.subprocess, "run", lambda args, **kw: ran.append(args) or subprocess.CompletedProcess(
        args, codes["node" if args[0] == "node" else "pytest"]))
    return ran


def test_a_test_run_that_collects_nothing_fails(monkeypatch):
    ran = fake_runs(monkeypatch, {"node": 0, "pytest": 5})
    assert build.test(["-k", "nothing"]) == 1
    assert ran[1][-2:] == ["-k", "nothing"] and "tests/pytest.ini" in " ".join(ran[1])  # the tests' own settings


def test_the_node_tests_run_first_and_their_failure_fails_the_run(monkeypatch):
    ran = fake_runs(monkeypatch, {"node": 1, "pytest": 0})
    assert build.test([]) == 1
    assert ran[0] == build.NODE_TEST and "--test" in ran[0] and ran[0][-1] == "tests/js/"


def test_a_run_passes_when_both_runners_pass(monkeypatch):
    fake_runs(monkeypatch, {"node": 0, "pytest": 0})
    assert build.test([]) == 0


def test_the_root_holds_the_design_cards_top_level_and_nothing_loose():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode == 0:  # what the repository holds, not a developer's scratch files
        top = {line.split("/")[0] for line in tracked.stdout.splitlines() if not line.startswith(".")}
    else:
        top = {p.name for p in ROOT.iterdir() if not p.name.startswith(".")} - {"dist"}  # dist/: the build's
    allowed = {"index.html", "app", "static", "kernels", "tests", "build.py", "README.md", "builder", "docs",
               "images", "exercises", "lessons", "models", "examples", "tours"}
    assert top <= allowed, f"loose at the root: {sorted(top - allowed)}"
    assert len((ROOT / "build.py").read_text().splitlines()) <= 200  # the steps live in builder/
