"""builder/runtime.py: the runtime files, their hashes and the trimmed lock file."""
import json

import pytest

from builder import runtime
from builder.downloads import sha256


def test_the_lock_file_lists_exactly_the_shipped_wheels(tmp_path):
    runtime.fetch_runtime()
    runtime.write_runtime(tmp_path)
    lock = json.loads((tmp_path / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == runtime.PYODIDE_VERSION
    for entry in lock["packages"].values():
        assert (tmp_path / entry["file_name"]).exists()
        assert sha256(tmp_path / entry["file_name"]) == entry["sha256"] == runtime.RUNTIME_FILES[entry["file_name"]]


def test_a_runtime_file_with_the_wrong_hash_stops_the_build(tmp_path, monkeypatch):
    source = tmp_path / "release"
    source.mkdir()
    monkeypatch.setattr(runtime, "RUNTIME_CACHE", tmp_path / "cache")
    for name in runtime.RUNTIME_FILES:
        (source / name).write_bytes(b"not the official file")
    with pytest.raises(SystemExit, match="expected the official"):
        runtime.fetch_runtime(pyodide_dir=source)
    assert not any((tmp_path / "cache").glob("*.whl"))  # nothing unverified is kept
