"""The explainers (tours/<id>.json): checked, timed from their narration, and written with their captions.

A tour is scenes of lines; each line is one spoken sentence. Its times come from the narration rendered
for it (tours/<id>/narration.json, made by `python build.py narrate`, builder/narration.py), or, when
there is none for this script, from an estimate of how long it takes to say: the page then speaks it
with the browser's voice or shows the captions only, and says so. docs/formats.md describes the format.
"""
import hashlib
import json
import re
import shutil
from pathlib import Path

from builder import ROOT, read_json, settings

TOURS = ROOT / "tours"
TOUR_NAME = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LIMIT_S = 60  # an explainer ends within a minute at 1×

# The silences of the track, in seconds: before the first line, between the lines of a scene, between
# scenes, and after the last line (the last picture stays a moment).
LEAD_S, LINE_GAP_S, SCENE_GAP_S, TAIL_S = 0.3, 0.2, 0.5, 0.8
WORDS_PER_S = 3.3  # for a script without its narration: Kokoro's af_heart at speed 1.2 says about this many
AUDIO_TYPES = {".ogg": "audio/ogg; codecs=opus", ".mp3": "audio/mpeg"}


class TourError(ValueError):
    """A tour file that cannot be played; the message says which and why."""


def _line_problem(line, manifest, where):
    if not isinstance(line, dict) or not isinstance(line.get("say"), str) or not line["say"].strip():
        return f"{where} needs \"say\": the sentence spoken"
    unknown = set(line) - {"say", "show", "set", "point", "steps"}
    if unknown:
        return f"{where} has unknown fields {sorted(unknown)} (say, show, set, point and steps are known)"
    if "show" in line and (not isinstance(line["show"], str) or not line["show"].strip()):
        return f"{where}: \"show\" must be the caption's text"
    for i, step in enumerate(line.get("steps", [])):
        after = step.get("after") if isinstance(step, dict) else None
        if not isinstance(after, (int, float)) or after < 0 or set(step) - {"after", "set", "point"}:
            return f"{where}, step {i + 1}: a step is {{after: seconds ≥ 0, set, point}}"
        problem = _state_problem(step.get("set", {}), manifest, f"{where}, step {i + 1}")
        if problem:
            return problem
    return _state_problem(line.get("set", {}), manifest, where)


def _state_problem(partial, manifest, where):
    if not isinstance(partial, dict):
        return f"{where}: a view is an object of settings"
    unknown = set(partial) - set(manifest["settings"])
    if unknown:
        return f"{where}: {sorted(unknown)} are not settings (static/settings.json lists them)"
    return None


def tour_problem(tour, manifest=None):
    """What is wrong with a tour (a sentence), or None. Values are the page's to check, as setState does."""
    manifest = manifest or settings.load()
    if not isinstance(tour, dict) or tour.get("format") != 1:
        return "field \"format\" must be 1"
    if not isinstance(tour.get("title"), str) or not tour["title"].strip():
        return "field \"title\" must name the tour"
    scenes = tour.get("scenes")
    if not isinstance(scenes, list) or not scenes:
        return "field \"scenes\" must be a non-empty list"
    ids = set()
    for s, scene in enumerate(scenes, 1):
        if not isinstance(scene, dict) or not re.match(TOUR_NAME, str(scene.get("id", ""))) or scene["id"] in ids:
            return f"scene {s} needs a unique lower-case \"id\""
        ids.add(scene["id"])
        if not isinstance(scene.get("title"), str) or not isinstance(scene.get("lines"), list) or not scene["lines"]:
            return f"scene {scene['id']} needs a \"title\" and a non-empty list of \"lines\""
        problem = _state_problem(scene.get("view", {}), manifest, f"scene {scene['id']}'s view")
        for n, line in enumerate(scene["lines"], 1):
            problem = problem or _line_problem(line, manifest, f"scene {scene['id']}, line {n}")
        if problem:
            return problem
    return None


def script_digest(tour):
    """sha256 of what the narration says: a narration made for another script is not used."""
    spoken = [[line["say"] for line in scene["lines"]] for scene in tour["scenes"]]
    return hashlib.sha256(json.dumps(spoken, ensure_ascii=False).encode()).hexdigest()


def estimate_s(text):
    """How long saying text takes, in seconds, roughly (a script without its narration)."""
    return round(len(text.split()) / WORDS_PER_S, 2)


def layout(durations):
    """Every line's [start, end] in seconds, scene by scene, with the track's silences between them.

    durations: [[seconds of each line] for each scene]. Returns (times, total seconds): times is
    [[[start, end] for each line] for each scene], total the track's length with its tail.
    """
    t, times = LEAD_S, []
    for s, scene_durations in enumerate(durations):
        if s:
            t += SCENE_GAP_S
        scene = []
        for n, d in enumerate(scene_durations):
            if n:
                t += LINE_GAP_S
            scene.append([round(t, 3), round(t + d, 3)])
            t += d
        times.append(scene)
    return times, round(t + TAIL_S, 3)


def read_narration(folder, tour):
    """tours/<id>/narration.json if it was made for this script, else None."""
    path = Path(folder) / "narration.json"
    if not path.exists():
        return None
    narration = json.loads(path.read_text())
    return narration if narration.get("script") == script_digest(tour) else None


def timed(name, tour, narration):
    """The tour as the page plays it: every line and step with its time, and how it is narrated.

    name: the tour's (its audio's paths start with it); narration: read_narration's answer, or None (the
    times are then estimated, and the page uses the browser's voice or captions only). Times are seconds
    of tour time at 1×.
    """
    if narration:
        durations = narration["lines"]
    else:
        durations = [[estimate_s(line["say"]) for line in scene["lines"]] for scene in tour["scenes"]]
    times, total = layout(durations)
    scenes = []
    for scene, scene_times in zip(tour["scenes"], times):
        lines = []
        for line, (start, end) in zip(scene["lines"], scene_times):
            steps = [{"at": round(start + step["after"], 3), **{k: step[k] for k in ("set", "point") if k in step}}
                     for step in line.get("steps", [])]
            lines.append({"say": line["say"], "show": line.get("show", line["say"]), "start": start, "end": end,
                          **{k: line[k] for k in ("set", "point") if k in line}, "steps": steps})
        scenes.append({"id": scene["id"], "title": scene["title"], "view": scene.get("view", {}), "lines": lines})
    for s, scene in enumerate(scenes):  # a scene runs from its first line (the lead-in is the first's) to the next
        scene["start"] = 0 if s == 0 else scene["lines"][0]["start"] - SCENE_GAP_S / 2
        scene["end"] = total if s == len(scenes) - 1 else scenes[s + 1]["lines"][0]["start"] - SCENE_GAP_S / 2
        scene["start"], scene["end"] = round(scene["start"], 3), round(scene["end"], 3)
    audio = None
    if narration:
        audio = {"files": [{"src": f"{name}/{f}", "type": AUDIO_TYPES[Path(f).suffix]} for f in narration["files"]],
                 "credit": narration["credit"]}
    return {"format": 1, "title": tour["title"], "duration": total, "scenes": scenes,
            "narration": "audio" if audio else "estimated", "audio": audio}


def _cue_time(seconds):
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def vtt(played):
    """The captions of a timed tour as WebVTT: one cue per line, identified by scene and line number."""
    out = ["WEBVTT", "", f"NOTE {played['title']}: generated from its script by builder/tours.py", ""]
    for scene in played["scenes"]:
        for n, line in enumerate(scene["lines"], 1):
            out += [f"{scene['id']}-{n}", f"{_cue_time(line['start'])} --> {_cue_time(line['end'])}", line["show"], ""]
    return "\n".join(out)


def read_tours(folder=None):
    """tours/<name>.json → [(name, timed tour)] in name order; a bad or too long tour raises TourError."""
    folder = Path(folder or TOURS)
    manifest = settings.load()
    found = []
    for path in sorted(folder.glob("*.json")):
        if not re.match(TOUR_NAME, path.stem):
            raise TourError(f"tours/{path.name}: a tour's name is lower-case words joined by hyphens")
        tour = read_json(path, f"tours/{path.name}", TourError)
        problem = tour_problem(tour, manifest)
        if problem:
            raise TourError(f"tours/{path.name}: {problem}.")
        played = timed(path.stem, tour, read_narration(folder / path.stem, tour))
        if played["audio"] and played["duration"] > LIMIT_S:  # an estimate is only that: narrate, then check
            raise TourError(f"tours/{path.name} lasts {played['duration']:.1f} s at 1×: an explainer ends within "
                            f"{LIMIT_S} s")
        found.append((path.stem, played))
    return found


def write_tours(target, found, folder=None):
    """dist/tours/: <name>.json (timed), <name>.vtt and the narration's audio. Returns the sentences to say."""
    folder = Path(folder or TOURS)
    target.mkdir(parents=True, exist_ok=True)
    notes = []
    for name, played in found:
        if played["audio"]:
            (target / name).mkdir(exist_ok=True)
            for f in played["audio"]["files"]:
                shutil.copyfile(folder / f["src"], target / f["src"])
        else:
            notes.append(f"tour {name}: its narration is missing or older than its script, so the page will use "
                         "the browser's voice or captions only; `python build.py narrate` renders it")
        (target / f"{name}.json").write_text(json.dumps(played, ensure_ascii=False, indent=1))
        (target / f"{name}.vtt").write_text(vtt(played))
    return notes
