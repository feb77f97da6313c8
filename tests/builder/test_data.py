"""builder/data.py: presets, built-in images and exercises, each checked as the build reads it."""
import json

import pytest

from app import exercises
from builder import data


def test_every_preset_in_kernels_is_valid_and_named():
    presets = data.read_presets()
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
    monkeypatch.setattr(data, "ROOT", tmp_path)
    assert [p["id"] for p in data.read_presets()] == ["ridge"]


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
    monkeypatch.setattr(data, "ROOT", tmp_path)
    with pytest.raises(SystemExit, match=f"broken.json.*{problem}"):
        data.read_presets()


def test_built_in_images_are_24_by_24_with_titles():
    for path in sorted([*(data.ROOT / "images").glob("*.pgm"), *(data.ROOT / "images").glob("*.ppm")]):
        image = data.read_pgm(path)
        assert image["channels"] == (3 if path.suffix == ".ppm" else 1)
        assert image["title"] and len(image["pixels"]) == image["width"] * image["height"] * image["channels"]
        assert 0 <= min(image["pixels"]) and max(image["pixels"]) <= 255
        if path.stem != "hopper256":
            assert (image["height"], image["width"]) == (24, 24), path.name


def test_colour_images_are_stored_channel_by_channel():
    shapes = data.read_pgm(data.ROOT / "images" / "color-shapes.ppm")
    red, green, blue = (shapes["pixels"][c * 576:(c + 1) * 576] for c in range(3))
    assert red[3 * 24 + 3] == 255 and green[3 * 24 + 3] == 0 and blue[3 * 24 + 3] == 0  # the red square
    assert red[15 * 24 + 4] == 0 and blue[15 * 24 + 4] == 255  # the blue bar


def test_the_build_bundles_every_exercise_file():
    bundled = data.read_exercises()
    assert [e["id"] for e in bundled] == ["valid-convolution", "stride-and-padding", "max-pooling", "horizontal-edge-kernel",
                                          "output-size", "average-pooling", "multi-channel-conv", "kernel-gradient",
                                          "receptive-field", "parameter-counts"]
    for e in bundled:
        exercises.load(e["text"])  # the full check, which the stdlib build cannot run
