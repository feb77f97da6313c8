"""What the build makes from the verified runtime so that the page starts Python faster. Standard library only.

- The interpreter snapshot (`make_snapshot.mjs`): the memory of a started Python, with the standard
  library modules the app imports, restored instead of starting one (about 1.5 s of CPU less).
- NumPy's bundle: the files of the official NumPy wheel that run in the page, in one gzipped tar that
  the worker unpacks itself (no package manager before the first map), with every module as bytecode
  compiled by the runtime's own Python 3.12 (`compile_numpy.mjs`) instead of its source.

Both need Node to run the runtime at build time. Without it there is no snapshot, and the bundle holds
NumPy's sources: the page works either way, only slower to start. Each function returns
(path or None, one sentence for the build's log); results are cached by their inputs' content.
"""
import functools
import gzip
import hashlib
import io
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SNAPSHOT_SCRIPT = HERE / "make_snapshot.mjs"
BYTECODE_SCRIPT = HERE / "compile_numpy.mjs"
# The runtime files whose content a snapshot depends on (it fits only the exact pyodide.asm.wasm).
RUNTIME_INPUTS = ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]
# Wheel files that nothing in the page reads: type stubs, C headers and sources, static libraries.
NOT_AT_RUN_TIME = (".pyi", ".h", ".c", ".pxd", ".pyx", ".a", ".pc", ".template", ".build")


@functools.lru_cache(maxsize=None)
def _file_digest(path, size, mtime_ns):
    return hashlib.sha256(Path(path).read_bytes()).digest()


def _key(*paths):
    """A name for what was made from paths: their content (each file read once a build, not once a step)."""
    digest = hashlib.sha256()
    for path in map(Path, paths):
        stat = path.stat()
        digest.update(_file_digest(str(path), stat.st_size, stat.st_mtime_ns))
    return digest.hexdigest()[:16]


def _run_node(script, args, out, what):
    """Run a build script under Node into out (written only if it succeeds); (out or None, sentence)."""
    node = shutil.which("node")
    if not node:
        return None, f"Node.js is not installed, so {what} (apt-get install nodejs to get it)"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".part")
    result = subprocess.run([node, str(script), *map(str, args), str(partial)], capture_output=True, text=True)
    if result.returncode != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"Node could not run {script.name} ({last}), so {what}"
    partial.rename(out)
    return out, None


def make_snapshot(runtime_dir, numpy_wheel, app_wheel, cache):
    """A gzipped memory snapshot of a started interpreter, in cache/snapshot/; (path or None, sentence).

    It holds the standard-library modules that installing and importing the app (and NumPy) use, so
    it is made again when the runtime, NumPy or the app wheel changes.
    """
    runtime_dir = Path(runtime_dir)
    if not all((runtime_dir / n).exists() for n in RUNTIME_INPUTS):
        return None, f"{runtime_dir} does not hold the runtime, so dist/ has no interpreter snapshot"
    key = _key(*(runtime_dir / n for n in RUNTIME_INPUTS), numpy_wheel, app_wheel, SNAPSHOT_SCRIPT)
    cached = cache / "snapshot" / f"python-{key}.snapshot.gz"
    if cached.exists():
        return cached, None
    path, problem = _run_node(SNAPSHOT_SCRIPT, [runtime_dir, numpy_wheel, app_wheel], cached, "dist/ has no "
                              "interpreter snapshot and Python starts about 1.5 s slower")
    return path, problem or f"interpreter snapshot made with Node ({path.stat().st_size / 1e6:.1f} MB gzipped)"


def numpy_bytecode(runtime_dir, wheel, cache):
    """A zip of NumPy's modules compiled by the runtime's Python ({"numpy/x.py": pyc bytes}); (path or None, sentence)."""
    runtime_dir = Path(runtime_dir)
    cached = cache / "bytecode" / f"numpy-{_key(*(runtime_dir / n for n in RUNTIME_INPUTS), wheel, BYTECODE_SCRIPT)}.zip"
    if cached.exists():
        return cached, None
    path, problem = _run_node(BYTECODE_SCRIPT, [runtime_dir, wheel], cached, "NumPy ships as "
                              "source, which the page compiles on every start (about 0.1 s slower)")
    return path, problem or "NumPy's modules compiled to bytecode with the runtime's Python"


def numpy_bundle(wheel, bytecode, cache):
    """A .tar.gz in cache/bundle/ of the wheel's run-time files, each module as its .pyc when bytecode has one.

    wheel: the verified official NumPy wheel. bytecode: numpy_bytecode's zip, or None (sources).
    Deterministic: sorted, no times or owners, so the same inputs give the same bytes (and URL).
    """
    out = cache / "bundle" / f"numpy-{_key(*filter(None, [wheel, bytecode]))}.tar.gz"
    if out.exists():
        return out
    compiled = zipfile.ZipFile(bytecode) if bytecode else None
    have = set(compiled.namelist()) if compiled else set()
    raw = io.BytesIO()
    with zipfile.ZipFile(wheel) as whl, tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for info in sorted(whl.infolist(), key=lambda i: i.filename):
            name = info.filename
            if info.is_dir() or name.endswith(NOT_AT_RUN_TIME):
                continue
            if name in have:  # sourceless bytecode beside nothing: Python's import reads "x.pyc" as module x
                data, name = compiled.read(name), name[:-3] + ".pyc"
            else:
                data = whl.read(info)
            entry = tarfile.TarInfo(name)
            entry.size, entry.mode = len(data), 0o644
            tar.addfile(entry, io.BytesIO(data))
    if compiled:
        compiled.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(gzip.compress(raw.getvalue(), compresslevel=9, mtime=0))
    return out
