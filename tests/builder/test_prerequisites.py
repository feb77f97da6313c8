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
