"""app/signals.py: the built-in signals, the classic FIR filters and what they do to frequencies, against
definitions written out here (the DTFT as a sum, the sinc by its formula) and against what a learner hears:
a low-pass takes the hiss away, a chirp's pitch rises, a matched filter finds its template."""
import math

import numpy as np
import pytest

from app import ops, signals

RATE = signals.RATE


def dtft(taps, f, rate=RATE):
    """|Σ taps[m] e^(−2πi f m / rate)|, summed term by term."""
    return abs(sum(t * complex(math.cos(-2 * math.pi * f * m / rate), math.sin(-2 * math.pi * f * m / rate))
                   for m, t in enumerate(taps)))


def band_power(x, lo, hi, rate=RATE):
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / rate)
    return spectrum[(freqs >= lo) & (freqs < hi)].sum()


@pytest.mark.parametrize("name", signals.SIGNALS)
def test_every_built_in_signal_is_a_second_of_finite_samples_within_about_one(name):
    x = signals.builtin(name)
    assert x.shape == (RATE,) and np.all(np.isfinite(x)) and np.abs(x).max() <= 1.5
    np.testing.assert_array_equal(x, signals.builtin(name))  # seeded: the same every time


def test_the_step_the_square_and_the_heartbeat_by_their_definitions():
    step = signals.builtin("step")
    assert step[:4000].max() == 0 and step[4000:].min() == 1
    square = signals.builtin("square")
    assert set(np.unique(square)) == {-0.5, 0.5}
    assert np.argmax(np.abs(np.fft.rfft(square))) == 220  # 1 s of signal: bin k is k Hz
    ecg = signals.builtin("ecg")
    peaks = [i for i in range(1, ecg.size - 1) if ecg[i] > 0.8 and ecg[i] >= ecg[i - 1] and ecg[i] > ecg[i + 1]]
    assert np.diff(peaks).tolist() == [RATE // 2]  # two QRS spikes, half a second apart: 120 beats a minute


def test_the_chirp_rises_from_100_to_3000_hz():
    _, freqs, db = signals.spectrogram(signals.builtin("chirp"), window=512, hop=256)
    loudest = freqs[np.argmax(db, axis=0)]
    assert loudest[0] < 250 and loudest[-1] > 2700 and np.all(np.diff(loudest) >= 0)


def test_the_response_is_the_dtft_summed_term_by_term():
    taps = np.random.default_rng(1).normal(size=9)
    freqs, magnitude = signals.frequency_response(taps, points=33)
    assert freqs[0] == 0 and freqs[-1] == RATE / 2 and magnitude.shape == (33,)
    np.testing.assert_allclose(magnitude, [dtft(taps, f) for f in freqs], rtol=1e-12, atol=1e-12)


def test_a_moving_average_sums_to_one_and_silences_its_own_period():
    taps = signals.moving_average(8)
    assert taps.sum() == pytest.approx(1)
    assert dtft(taps, RATE / 8) < 1e-12 and dtft(taps, 0) == pytest.approx(1)  # a whole cycle in the window averages to 0


def test_the_windowed_sinc_low_pass_by_its_formula_and_its_response():
    taps = signals.lowpass(31, 1000)
    fc = 1000 / RATE
    n = [m - 15 for m in range(31)]
    hamming = [0.54 - 0.46 * math.cos(2 * math.pi * m / 30) for m in range(31)]
    raw = [(2 * fc if k == 0 else math.sin(2 * math.pi * fc * k) / (math.pi * k)) * w for k, w in zip(n, hamming)]
    np.testing.assert_allclose(taps, np.array(raw) / sum(raw), rtol=1e-12, atol=1e-15)
    assert dtft(taps, 0) == pytest.approx(1)
    assert dtft(taps, 1000) == pytest.approx(0.5, abs=0.02)  # half the amplitude at the cutoff
    assert max(dtft(taps, f) for f in range(2000, 4001, 50)) < 0.01  # the stop band


def test_the_high_pass_removes_what_the_low_pass_keeps():
    low, high = signals.lowpass(63, 500), signals.highpass(63, 500)
    np.testing.assert_allclose(low + high, np.eye(1, 63, 31)[0], atol=1e-15)
    assert dtft(high, 0) < 1e-9 and dtft(high, 3000) == pytest.approx(1, abs=0.01)


def test_a_low_pass_takes_the_hiss_away_and_keeps_the_tone():
    x = signals.builtin("sine-noise")
    y = ops.conv1d(x, signals.lowpass(63, 500), padding="same")
    assert band_power(y, 1000, 4001) < 0.01 * band_power(x, 1000, 4001)  # the hiss: 20 dB down and more
    assert band_power(y, 200, 240) == pytest.approx(band_power(x, 200, 240), rel=0.05)  # the tone stays


def test_a_matched_filter_finds_its_template():
    rng = np.random.default_rng(4)
    template = rng.normal(size=40)
    x = rng.normal(0, 0.3, 2000)
    x[1234:1274] += template
    y = ops.conv1d(x, signals.matched(template))
    assert int(np.argmax(y)) == 1234
    assert np.sum(signals.matched(template) ** 2) == pytest.approx(1)


def test_a_spectrogram_of_a_tone_peaks_at_its_frequency_in_every_frame():
    t = np.arange(RATE) / RATE
    times, freqs, db = signals.spectrogram(np.sin(2 * np.pi * 1000 * t), window=256, hop=128)
    assert db.shape == (129, 61) and times.shape == (61,) and freqs[-1] == RATE / 2
    assert set(freqs[np.argmax(db, axis=0)]) == {1000.0}
    assert db.min() >= -120.0001


def test_named_filters_are_the_functions_and_the_matched_one_finds_every_heartbeat():
    np.testing.assert_array_equal(signals.filter_taps("lowpass", 31, 700), signals.lowpass(31, 700))
    np.testing.assert_array_equal(signals.filter_taps("average", 4), signals.moving_average(4))
    assert signals.filter_taps("difference").tolist() == [-1, 1]
    taps = signals.filter_taps("matched", 41)
    ecg = signals.builtin("ecg")
    y = ops.conv1d(ecg, taps, padding="same")
    assert sorted(np.argsort(y)[-2:].tolist()) == [2000, 6000]  # each QRS spike, where the template is centred


@pytest.mark.parametrize("call,message", [
    (lambda: signals.filter_taps("bandpass"), r"^there is no filter 'bandpass'; choose one of lowpass, highpass"),
    (lambda: signals.builtin("noise"), r"^there is no built-in signal 'noise'; choose one of step, sine-noise, chirp"),
    (lambda: signals.lowpass(30, 500), r"^a windowed-sinc filter needs an odd number of taps"),
    (lambda: signals.lowpass(31, 4000), r"^the cutoff must lie between 0 and half the sample rate \(4000 Hz\), not 4000 Hz$"),
    (lambda: signals.moving_average(0), r"^a moving average needs a whole number of taps, at least 1, not 0$"),
    (lambda: signals.matched([0, 0]), r"^the template is all zeros: there is nothing to match$"),
    (lambda: signals.frequency_response([]), r"^the taps must be a non-empty row of finite numbers$"),
    (lambda: signals.spectrogram(np.zeros(100)), r"^a spectrogram with a 256-sample window needs at least 256 samples, not 100$"),
])
def test_refusals_are_one_readable_sentence(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def brute_force_reach(dilations, k, t=80):
    """The samples of each layer that output t of a causal stack depends on, found by changing one at a time
    and running the stack with ops.conv1d (random taps, no zero taps: nothing cancels)."""
    rng = np.random.default_rng(len(dilations))
    layers = [rng.uniform(0.5, 1.5, k) for _ in dilations]
    x = rng.normal(size=t + 1)
    def run(signal, first):
        for taps, d in list(zip(layers, dilations))[first:]:
            signal = ops.conv1d(signal, taps, padding="causal", dilation=d)
        return signal[t]
    rows = []
    values = [x]
    for taps, d in zip(layers, dilations):
        values.append(ops.conv1d(values[-1], taps, padding="causal", dilation=d))
    for level in range(len(dilations), -1, -1):  # output first, input last
        base = run(values[level], level)
        rows.append({s for s in range(t + 1) if run(values[level] + np.eye(1, t + 1, s)[0], level) != base})
    return rows


@pytest.mark.parametrize("dilations,k,field", [([1, 2, 4, 8], 2, 16), ([1, 1, 1, 1], 2, 5), ([1, 2, 4, 8, 16, 32], 2, 64),
                                               ([1, 3], 3, 9)])
def test_a_causal_stack_sees_one_plus_the_sum_of_its_dilations_past_samples(dilations, k, field):
    got_field, mask = signals.causal_stack_field(dilations, k)
    assert got_field == field and mask.shape == (len(dilations) + 1, field)
    t = 80
    for row, reached in zip(mask, brute_force_reach(dilations, k, t)):
        assert {t - (field - 1) + c for c in np.flatnonzero(row)} == reached
