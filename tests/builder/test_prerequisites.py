"""builder/prerequisites.py: what the tests need installed, and the sentence when one is missing."""
import pytest

from builder import prerequisites


def test_the_tests_without_an_engine_stop_naming_its_package(monkeypatch):
    # Every Python test dependency and Chromium present; WebKitGTK's WebDriver not installed.
    monkeypatch.setattr(prerequisites, "_importable", lambda module: True)
    monkeypatch.setattr(prerequisites.shutil, "which", lambda name: None if name == "WebKitWebDriver" else f"/usr/bin/{name}")
    exists = prerequisites.Path.exists
    monkeypatch.setattr(prerequisites.Path, "exists", lambda path: str(path) == "/usr/bin/chromium" or exists(path))
    with pytest.raises(SystemExit, match=r"^build stopped: the tests in every engine need Debian's webkit2gtk-driver: "
                                         r"apt-get install -y webkit2gtk-driver$"):
        prerequisites.ensure_test_dependencies(engines=True)


@pytest.mark.parametrize("version, found", [("v18.19.0\n", "v18.19"), (None, "no node on the PATH")])
def test_the_js_tests_stop_when_node_is_missing_or_too_old(monkeypatch, version, found):
    monkeypatch.setattr(prerequisites, "_importable", lambda module: True)
    monkeypatch.setattr(prerequisites.shutil, "which", lambda name: None if version is None and name == "node" else f"/usr/bin/{name}")
    monkeypatch.setattr(prerequisites.subprocess, "run", lambda args, **kw: prerequisites.subprocess.CompletedProcess(args, 0, version))
    with pytest.raises(SystemExit, match=rf"^build stopped: the JS unit tests need Node.js 20.6 or later \({found}\): "):
        prerequisites.ensure_test_dependencies(node_tests=True)


def test_this_machines_node_is_new_enough():
    assert prerequisites.node_version() >= prerequisites.NODE_FOR_TESTS
