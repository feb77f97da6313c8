"""builder/downloads.py: the digests files are checked with, and an npm tarball taken from the cache only when verified."""
import pytest

from builder import downloads


def test_the_digests_are_sha256_in_hex_and_npms_sha512_integrity(tmp_path):
    path = tmp_path / "abc"
    path.write_bytes(b"abc")  # the FIPS 180-2 test message, with its published digests
    assert downloads.sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert downloads.npm_integrity(path) == (
        "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==")


def offline(monkeypatch, tmp_path):
    """The cache under tmp_path, and an npm that fails the test if it is called."""
    monkeypatch.setattr(downloads, "CACHE", tmp_path)
    monkeypatch.setattr(downloads.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(downloads.subprocess, "run", lambda *a, **k: pytest.fail("npm was called"))
    (tmp_path / "downloads").mkdir()
    return tmp_path / "downloads"


def test_a_cached_tarball_that_matches_its_integrity_is_used_without_the_network(tmp_path, monkeypatch):
    cached = offline(monkeypatch, tmp_path) / "pkg-1.0.0.tgz"
    cached.write_bytes(b"abc")
    integrity = downloads.npm_integrity(cached)
    assert downloads.fetch_npm_tarball("pkg@1.0.0", cached.name, integrity, "it comes from npm", "1 kB") == cached


def test_a_cached_tarball_that_was_changed_is_fetched_again(tmp_path, monkeypatch):
    cached = offline(monkeypatch, tmp_path) / "pkg-1.0.0.tgz"
    cached.write_bytes(b"changed")
    with pytest.raises(pytest.fail.Exception, match="npm was called"):
        downloads.fetch_npm_tarball("pkg@1.0.0", cached.name, "sha512-other", "it comes from npm", "1 kB")
