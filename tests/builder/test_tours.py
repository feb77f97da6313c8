"""builder/tours.py: a tour file is checked (a wrong one stops the build with one sentence); its times come
from its narration, or an estimate; its captions are its script's lines at those times. And the narration
committed for the explainer is the one for its script: its audio lasts what its timings say (read from
the Ogg and MP3 files themselves, not from what the build wrote about them)."""
import hashlib
import json
import re
import struct

import pytest

from builder import tours

EXPLAINER = json.loads((tours.TOURS / "explainer.json").read_text())
NARRATION = json.loads((tours.TOURS / "explainer" / "narration.json").read_text())
TINY = {"format": 1, "title": "Two scenes", "scenes": [
    {"id": "a", "title": "A", "view": {"stride": 2}, "lines": [{"say": "One two three."}]},
    {"id": "b", "title": "B", "lines": [{"say": "Four five.", "show": "4, 5.", "set": {"padding": 1},
                                         "steps": [{"after": 0.5, "set": {"stride": 3}, "point": "#x"}]},
                                        {"say": "Six."}]},
]}


def changed(change, tour=TINY):
    tour = json.loads(json.dumps(tour))
    change(tour)
    return tour


@pytest.mark.parametrize("tour, problem", [
    (changed(lambda t: t.update(format=2)), 'field "format" must be 1'),
    (changed(lambda t: t.update(scenes=[])), 'field "scenes" must be a non-empty list'),
    (changed(lambda t: t["scenes"][1].update(id="a")), 'scene 2 needs a unique lower-case "id"'),
    (changed(lambda t: t["scenes"][0]["lines"][0].pop("say")), 'scene a, line 1 needs "say"'),
    (changed(lambda t: t["scenes"][0]["lines"][0].update(sey="x")), "unknown fields ['sey']"),
    (changed(lambda t: t["scenes"][0].update(view={"strid": 2})), "scene a's view: ['strid'] are not settings"),
    (changed(lambda t: t["scenes"][1]["lines"][0]["steps"][0].update(after=-1)), "step 1: a step is {after"),
    (changed(lambda t: t["scenes"][1]["lines"][0]["steps"][0].update(set={"k": 1})), "step 1: ['k'] are not settings"),
])
def test_a_wrong_tour_is_named_in_one_sentence(tour, problem):
    assert problem in tours.tour_problem(tour)


def test_the_explainer_and_the_example_are_right():
    assert tours.tour_problem(EXPLAINER) is None and tours.tour_problem(TINY) is None


def test_lines_follow_each_other_with_the_tracks_silences():
    times, total = tours.layout([[2.0], [1.0, 0.5]])
    lead, line, scene, tail = tours.LEAD_S, tours.LINE_GAP_S, tours.SCENE_GAP_S, tours.TAIL_S
    b = lead + 2 + scene
    assert times == [[[lead, lead + 2]], [[b, b + 1], [b + 1 + line, b + 1.5 + line]]]
    assert total == pytest.approx(b + 1.5 + line + tail)


def test_a_timed_tour_holds_every_line_and_step_at_its_time_and_its_scenes_cover_it():
    narration = {"lines": [[2.0], [1.0, 0.5]], "files": ["narration.ogg", "narration.mp3"], "credit": "a voice"}
    played = tours.timed("tiny", TINY, narration)
    first, second = played["scenes"]
    assert (first["start"], first["end"], second["end"]) == (0, pytest.approx(second["start"]), played["duration"])
    assert second["lines"][0]["steps"] == [{"set": {"stride": 3}, "point": "#x", "at": second["lines"][0]["start"] + 0.5}]
    assert [line["show"] for s in played["scenes"] for line in s["lines"]] == ["One two three.", "4, 5.", "Six."]
    assert played["narration"] == "audio" and played["audio"]["files"][0] == {
        "src": "tiny/narration.ogg", "type": "audio/ogg; codecs=opus"}


def test_without_its_narration_a_tour_is_timed_by_an_estimate_and_says_so():
    played = tours.timed("tiny", TINY, None)
    assert played["narration"] == "estimated" and played["audio"] is None
    line = played["scenes"][0]["lines"][0]
    assert line["end"] - line["start"] == pytest.approx(3 / tours.WORDS_PER_S, abs=0.01)


def parse_vtt(text):
    """[(id, start s, end s, text)]: an independent reading of the WebVTT the build writes."""
    assert text.startswith("WEBVTT\n")
    cues = []
    for m in re.finditer(r"\n\n([^\n]+)\n(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n([^\n]+(?:\n[^\n]+)*)", text):
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, m.groups()[1:9])
        cues.append((m[1], h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000, m[10]))
    return cues


def test_the_captions_are_the_scripts_lines_at_their_times():
    played = tours.timed("explainer", EXPLAINER, tours.read_narration(tours.TOURS / "explainer", EXPLAINER))
    cues = parse_vtt(tours.vtt(played))
    want = [(f"{s['id']}-{n}", line.get("show", line["say"])) for s in EXPLAINER["scenes"] for n, line in enumerate(s["lines"], 1)]
    assert [(c[0], c[3]) for c in cues] == want
    times = [t for scene in NARRATION["lines"] for t in scene]
    assert [round(c[2] - c[1], 3) for c in cues] == pytest.approx(times, abs=0.002)
    assert all(a[2] <= b[1] for a, b in zip(cues, cues[1:]))  # in order, never overlapping


def test_the_explainers_narration_is_the_one_for_its_script_and_ends_within_a_minute():
    # Fails when the script's words change without `python build.py narrate`: the voice would say others.
    assert NARRATION["script"] == tours.script_digest(EXPLAINER)
    _, total = tours.layout(NARRATION["lines"])
    assert NARRATION["duration"] == pytest.approx(total) and total <= tours.LIMIT_S
    for name, digest in NARRATION["sha256"].items():
        assert hashlib.sha256((tours.TOURS / "explainer" / name).read_bytes()).hexdigest() == digest


def ogg_opus_seconds(data):
    """An Ogg Opus file's length: its last page's granule position less the pre-skip, at 48 kHz."""
    assert data[:4] == b"OggS" and data[28:36] == b"OpusHead"
    pre_skip = struct.unpack_from("<H", data, 28 + 10)[0]
    last = data.rindex(b"OggS")
    return (struct.unpack_from("<q", data, last + 6)[0] - pre_skip) / 48000


def mp3_seconds(data):
    """An MP3's length from its frames (MPEG-1 or 2, layer III), less the encoder's Info frame."""
    if data[:3] == b"ID3":
        data = data[10 + ((data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]):]
    rates = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}
    kbps = {3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
            2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]}
    at, samples, frames = 0, 0, 0
    while at + 4 <= len(data):
        h = int.from_bytes(data[at:at + 4], "big")
        assert h >> 21 == 0x7FF, f"no frame at byte {at}"
        version, bitrate, rate, padding = (h >> 19) & 3, (h >> 12) & 15, (h >> 10) & 3, (h >> 9) & 1
        hz, per = rates[version][rate], 1152 if version == 3 else 576
        size = per // 8 * kbps[3 if version == 3 else 2][bitrate] * 1000 // hz + padding
        info = frames == 0 and (b"Info" in data[at:at + size] or b"Xing" in data[at:at + size])
        samples += 0 if info else per
        frames += 1
        at += size
    return samples / hz


def test_the_audio_lasts_what_the_timings_say():
    folder = tours.TOURS / "explainer"
    assert ogg_opus_seconds((folder / "narration.ogg").read_bytes()) == pytest.approx(NARRATION["duration"], abs=0.01)
    # MP3 pads to whole frames and adds its encoder's delay (about 50 ms at 24 kHz).
    assert mp3_seconds((folder / "narration.mp3").read_bytes()) == pytest.approx(NARRATION["duration"], abs=0.1)


def test_the_build_writes_each_tour_its_captions_and_its_audio(tmp_path):
    found = tours.read_tours()
    notes = tours.write_tours(tmp_path, found)
    assert notes == [] and [name for name, _ in found] == ["explainer"]
    played = json.loads((tmp_path / "explainer.json").read_text())
    assert played["duration"] <= 60 and (tmp_path / "explainer.vtt").read_text() == tours.vtt(played)
    for f in played["audio"]["files"]:
        assert (tmp_path / f["src"]).read_bytes() == (tours.TOURS / f["src"]).read_bytes()


def test_a_tour_without_its_narration_is_built_and_the_build_says_so(tmp_path):
    folder = tmp_path / "tours"
    folder.mkdir()
    (folder / "tiny.json").write_text(json.dumps(TINY))
    notes = tours.write_tours(tmp_path / "dist", tours.read_tours(folder), folder)
    assert len(notes) == 1 and "browser's voice or captions only" in notes[0]
    assert json.loads((tmp_path / "dist" / "tiny.json").read_text())["narration"] == "estimated"


@pytest.mark.parametrize("name, text, problem", [
    ("Tiny.json", json.dumps(TINY), "a tour's name is lower-case words"),
    ("tiny.json", "{", "tours/tiny.json is not valid JSON"),
    ("tiny.json", json.dumps(changed(lambda t: t.pop("title"))), 'tours/tiny.json: field "title" must name the tour.'),
])
def test_a_bad_tour_file_stops_the_build_with_its_name(tmp_path, name, text, problem):
    (tmp_path / name).write_text(text)
    with pytest.raises(tours.TourError, match=re.escape(problem)):
        tours.read_tours(tmp_path)


def test_a_narrated_tour_longer_than_a_minute_stops_the_build(tmp_path):
    (tmp_path / "tiny.json").write_text(json.dumps(TINY))
    (tmp_path / "tiny").mkdir()
    narration = {"script": tours.script_digest(TINY), "lines": [[40.0], [15.0, 5.0]], "files": [], "credit": ""}
    (tmp_path / "tiny" / "narration.json").write_text(json.dumps(narration))
    with pytest.raises(tours.TourError, match="lasts 61.8 s at 1×: an explainer ends within 60 s"):
        tours.read_tours(tmp_path)
