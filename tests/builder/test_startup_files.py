"""builder/startup_files.py: NumPy's bundle, its bytecode and the interpreter snapshot."""
import gzip
import json
import struct
import tarfile
import zipfile

from builder import startup_files
from builder.runtime import NUMPY_WHEEL, PYODIDE_VERSION


def test_without_node_the_build_has_no_snapshot_nor_bytecode_and_says_so_in_one_sentence(dist, tmp_path, monkeypatch):
    monkeypatch.setattr(startup_files.shutil, "which", lambda name: None)
    runtime = dist / "pyodide" / PYODIDE_VERSION
    wheel = runtime / NUMPY_WHEEL
    for path, said in (startup_files.make_snapshot(runtime, wheel, wheel, tmp_path),  # nothing cached in tmp_path
                       startup_files.numpy_bytecode(runtime, wheel, tmp_path)):
        assert path is None
        assert said.startswith("Node.js is not installed") and said.count(". ") == 0 and "slower" in said


def test_the_built_snapshot_is_gzip_of_a_pyodide_snapshot_and_build_info_names_it(dist):
    info = json.loads((dist / "static" / "build-info.json").read_text())
    path = dist / info["snapshot"]
    assert path.stat().st_size == info["snapshotBytes"]
    assert path.read_bytes()[:2] == b"\x1f\x8b"  # gzip, unpacked in the page by DecompressionStream
    raw = gzip.decompress(path.read_bytes())
    assert struct.unpack("<I", raw[:4])[0] == 1886286592  # Pyodide 0.27.7's snapshot magic number
    # Bytes before ready: the runtime the first map needs, NumPy's bundle, the app wheel and the snapshot.
    runtime = dist / "pyodide" / PYODIDE_VERSION
    expected = sum((runtime / f).stat().st_size for f in ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
                                                          "python_stdlib.zip"))
    expected += sum((dist / info[k]).stat().st_size for k in ("numpy", "appWheel")) + info["snapshotBytes"]
    assert info["bytesBeforeReady"] == expected


def bundle_files(path):
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def test_numpys_bundle_holds_the_official_wheels_run_time_files_with_modules_as_bytecode(dist):
    info = json.loads((dist / "static" / "build-info.json").read_text())
    assert info["numpyCompiled"], "dist/ was built without Node"
    bundle = bundle_files(dist / info["numpy"])
    with zipfile.ZipFile(dist / "pyodide" / PYODIDE_VERSION / NUMPY_WHEEL) as wheel:
        official = {i.filename: wheel.read(i) for i in wheel.infolist() if not i.is_dir()}
    kept = {n: data for n, data in official.items() if not n.endswith(startup_files.NOT_AT_RUN_TIME)}
    assert len(kept) < len(official) and "numpy/__init__.pyi" in official  # stubs and headers stay out
    assert set(bundle) == {n[:-3] + ".pyc" if n.endswith(".py") else n for n in kept}
    for name, data in kept.items():
        if name.endswith(".py"):
            pyc = bundle[name[:-3] + ".pyc"]
            # Python 3.12's magic number (3531), then flags 0b01: hash-based, never checked against a source.
            assert pyc[:4] == (3531).to_bytes(2, "little") + b"\r\n" and struct.unpack("<I", pyc[4:8])[0] == 1
        else:
            assert bundle[name] == data  # the shared libraries and data files as released
    assert sum(n.endswith(".so") for n in bundle) == 19


def test_without_bytecode_the_bundle_holds_the_sources_and_is_the_same_bytes_each_time(dist, tmp_path):
    wheel = dist / "pyodide" / PYODIDE_VERSION / NUMPY_WHEEL
    first = startup_files.numpy_bundle(wheel, None, tmp_path / "a")
    again = startup_files.numpy_bundle(wheel, None, tmp_path / "b")
    assert first.read_bytes() == again.read_bytes()
    files = bundle_files(first)
    with zipfile.ZipFile(wheel) as official:
        assert files["numpy/_core/numeric.py"] == official.read("numpy/_core/numeric.py")
    assert not any(n.endswith(".pyc") for n in files)
