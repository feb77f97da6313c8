"""builder/settings.py: the settings manifest as Python reads it. That the page reads links the same way is
tests/browser/test_settings_manifest.py's."""
import json

from builder import settings

MANIFEST = settings.load()


def test_every_key_of_a_version_1_link_is_still_read():
    """A renamed key would break every link already in a course page."""
    assert settings.link_keys(MANIFEST) == {"v", "px", "img", "k", "b", "s", "pad", "pm", "d", "act", "pool", "k2", "w",
                                            "cm", "num", "fill", "mode", "ch", "ex", "net", "tr", "sig"}


def test_the_modes_a_link_may_name_are_the_mode_folders():
    assert MANIFEST["settings"]["mode"]["options"] == ["channels", "code", "explore", "learn", "network", "signal", "transposed"]


def test_a_value_that_does_not_parse_is_named_with_what_was_expected():
    partial, notices = settings.read_link("v=1&s=9&pool=max.2&k=1,2,3&pm=mirror&num=yes&zoom=2", MANIFEST)
    assert partial == {"pool": {"mode": "max", "size": 2, "stride": 2}}
    assert notices == [
        "The link's stride (s=) should be a whole number from 1 to 4; the default is used.",
        "The link's kernel (k=) should be 1 to 49 numbers separated by commas, a square count such as 9 for a 3×3 "
        "kernel; the default is used.",
        "The link's padding mode (pm=) should be one of zeros, reflect, replicate or circular; the default is used.",
        "The link's numbers setting (num=) should be 0 or 1; the default is used.",
        "The link's \"zoom\" is not a setting; it was ignored.",
    ]


def test_a_drawing_travels_as_8_bit_pixels():
    partial, notices = settings.read_link("px=2x2.AP-AQA", MANIFEST)  # bytes 0, 255, 128, 64
    assert notices == [] and partial["image"] == [[0, 1], [128 / 255, 64 / 255]]


def test_the_core_gets_its_own_names_and_a_full_second_layer():
    state = {**settings.defaults(MANIFEST), "paddingMode": "reflect", "layer2": {"kernel": [[1]]}}
    core = settings.core_settings(state, MANIFEST)
    assert set(core) == {"kernel", "bias", "stride", "padding", "padding_mode", "dilation", "activation", "pool", "layer2"}
    assert core["padding_mode"] == "reflect"
    assert core["layer2"] == {"kernel": [[1]], "bias": 0.0, "stride": 1, "padding": 0, "dilation": 1, "padding_mode": "zeros"}


def test_a_copy_of_the_manifest_changes_what_python_reads(tmp_path):
    changed = json.loads(settings.MANIFEST.read_text())
    changed["settings"]["stride"].update(default=2, max=3)
    (tmp_path / "settings.json").write_text(json.dumps(changed))
    manifest = settings.load(tmp_path / "settings.json")
    assert settings.defaults(manifest)["stride"] == 2
    assert settings.read_link("s=4", manifest)[1] == [
        "The link's stride (s=) should be a whole number from 1 to 3; the default is used."]
