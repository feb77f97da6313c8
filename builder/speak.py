"""Say each line with Kokoro: run by builder/narration.py inside the narration engine's own environment.

Reads {model, voices, voice, speed, lines: [text], out: folder} as JSON on stdin; writes <out>/<n>.wav
(mono, 16-bit, 24 kHz) for each line and prints their lengths in seconds as a JSON list. Only this file
imports the engine, so the build itself never needs it.
"""
import json
import sys
import wave

import numpy as np
from kokoro_onnx import Kokoro


def main():
    job = json.load(sys.stdin)
    voices = {job["voice"]: np.fromfile(job["voices"], dtype=np.float32).reshape(-1, 1, 256)}
    np.savez(f"{job['out']}/voice.npz", **voices)  # kokoro-onnx reads voices from an .npz
    engine = Kokoro(job["model"], f"{job['out']}/voice.npz")
    seconds = []
    for n, text in enumerate(job["lines"]):
        audio, rate = engine.create(text, voice=job["voice"], speed=job["speed"], lang="en-us")
        with wave.open(f"{job['out']}/{n}.wav", "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes((np.clip(audio, -1, 1) * 32767).round().astype("<i2").tobytes())
        seconds.append(len(audio) / rate)
    print(json.dumps(seconds))


if __name__ == "__main__":
    main()
