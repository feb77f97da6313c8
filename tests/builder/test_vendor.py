"""builder/vendor.py: code mode's editor files, verified, and only those dist/ needs."""
import tarfile

import pytest

from builder import downloads, vendor


def test_an_editor_tarball_that_does_not_match_npms_integrity_stops_the_build(tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "CACHE", tmp_path)
    monkeypatch.setattr(downloads.shutil, "which", lambda name: "/usr/bin/npm")
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / vendor.CODEMIRROR_TARBALL).write_bytes(b"a cached file that was changed")
    packed = []

    def fake_pack(args, cwd, **kwargs):  # npm pack that hands over other bytes: no network in this test
        packed.append(args[-1])
        (cwd / vendor.CODEMIRROR_TARBALL).write_bytes(b"not the package")
        return downloads.subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(downloads.subprocess, "run", fake_pack)
    with pytest.raises(SystemExit) as stopped:
        vendor.fetch_codemirror()
    message = str(stopped.value)
    assert message.startswith("build stopped: codemirror-5.65.19.tgz has integrity sha512-")
    assert message.endswith("is not the published package, so it was deleted; build again")
    assert packed == ["codemirror@5.65.19"]  # the bad cached copy was not trusted: fetched again by name
    assert not (tmp_path / "downloads" / vendor.CODEMIRROR_TARBALL).exists()


def test_the_editor_without_npm_stops_in_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "CACHE", tmp_path)
    monkeypatch.setattr(downloads.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match=r"^build stopped: code mode's editor comes from npm \(codemirror@5\.65\.19\) "
                                         r"but npm is not installed; apt-get install -y npm, or put a verified codemirror-5\.65\.19\.tgz "
                                         r"in \.cache/downloads/$"):
        vendor.fetch_codemirror()


def test_dist_ships_only_the_editor_files_code_mode_loads_with_the_licence(dist):
    folder = dist / "vendor" / "codemirror"
    shipped = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert shipped == sorted(vendor.CODEMIRROR_FILES)
    assert "MIT License" in (folder / "LICENSE").read_text()
    with tarfile.open(vendor.fetch_codemirror()) as t:  # byte for byte the published files
        for name in shipped:
            assert (folder / name).read_bytes() == t.extractfile(f"package/{name}").read()
