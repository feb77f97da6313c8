"""Signals for 1-D convolution, the filters learners try on them, and what a filter does to frequencies.

A 1-D convolution layer is a learned FIR filter: ops.conv1d slides K taps along a signal. Here are the
signals (a step, a tone in hiss, a chirp, a square wave, a heartbeat), the classic filters written as
taps (moving average, difference, windowed-sinc low-pass and high-pass, a matched filter), the magnitude
of a filter's frequency response, and a short-time Fourier transform (a spectrogram).

Signals are (L,) float64 sampled at `rate` samples per second; frequencies are in Hz. Taps are in
ops.conv1d's order (cross-correlation: out[t] = Σ taps[m] · x[t + m·d]). Every invalid argument
raises ValueError with a sentence a learner can read.
"""
import numpy as np

RATE = 8000  # samples per second: telephone quality, enough to hear hiss go and a chirp rise
SECONDS = 1.0
SIGNALS = ("step", "sine-noise", "chirp", "square", "ecg")
FILTERS = ("lowpass", "highpass", "average", "difference", "matched")


def _need(ok, message):
    if not ok:
        raise ValueError(message)


def builtin(name, *, rate=RATE, seconds=SECONDS, seed=0):
    """A built-in signal, (rate·seconds,) float64 in about [−1, 1].

    step: 0, then 1 from half-way. sine-noise: a 220 Hz tone under white hiss (σ 0.25, seeded).
    chirp: a tone sweeping from 100 Hz to 3,000 Hz. square: a 220 Hz square wave. ecg: a heartbeat
    at 120 beats a minute, each a P wave, a sharp QRS spike and a T wave (Gaussian bumps).
    """
    _need(name in SIGNALS, f"there is no built-in signal {name!r}; choose one of {', '.join(SIGNALS)}")
    t = np.arange(int(round(rate * seconds))) / rate
    if name == "step":
        return (t >= seconds / 2).astype(np.float64)
    if name == "sine-noise":
        return 0.6 * np.sin(2 * np.pi * 220 * t) + np.random.default_rng(seed).normal(0, 0.25, t.size)
    if name == "chirp":
        f0, f1 = 100.0, 3000.0
        return 0.8 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t ** 2 / (2 * seconds)))
    if name == "square":
        return 0.5 * np.sign(np.sin(2 * np.pi * 220 * t + 1e-9))
    beat = (t % 0.5) - 0.25  # seconds from each beat's centre
    bump = lambda at, width, height: height * np.exp(-0.5 * ((beat - at) / width) ** 2)
    return bump(-0.16, 0.02, 0.15) + bump(-0.01, 0.006, -0.15) + bump(0.0, 0.008, 1.0) + \
        bump(0.012, 0.006, -0.25) + bump(0.12, 0.035, 0.3)


def moving_average(k):
    """k equal taps 1/k: the mean of k samples. (k,)"""
    _need(isinstance(k, int) and k >= 1, f"a moving average needs a whole number of taps, at least 1, not {k!r}")
    return np.full(k, 1.0 / k)


def difference():
    """x[t] − x[t − 1] under causal padding: taps (−1, 1). (2,)"""
    return np.array([-1.0, 1.0])


def _check_fir(numtaps, cutoff, rate):
    _need(isinstance(numtaps, int) and numtaps >= 1 and numtaps % 2 == 1,
          f"a windowed-sinc filter needs an odd number of taps (so that it has a centre), not {numtaps!r}")
    _need(0 < cutoff < rate / 2, f"the cutoff must lie between 0 and half the sample rate ({rate / 2:g} Hz), not {cutoff:g} Hz")


def lowpass(numtaps, cutoff, *, rate=RATE):
    """A windowed-sinc low-pass FIR: the ideal filter's sinc, cut to numtaps (odd) and tapered by a
    Hamming window, scaled to pass 0 Hz unchanged. |H| is about 0.5 at the cutoff (Hz). (numtaps,)"""
    _check_fir(numtaps, cutoff, rate)
    n = np.arange(numtaps) - (numtaps - 1) / 2
    taps = 2 * cutoff / rate * np.sinc(2 * cutoff / rate * n) * np.hamming(numtaps)
    return taps / taps.sum()


def highpass(numtaps, cutoff, *, rate=RATE):
    """The high-pass twin of lowpass: a unit impulse at the centre minus the low-pass (spectral
    inversion), so that what the low-pass keeps, it removes. (numtaps,)"""
    taps = -lowpass(numtaps, cutoff, rate=rate)
    taps[numtaps // 2] += 1.0
    return taps


def matched(template):
    """A matched filter for template (K,): its own samples, scaled to unit energy. conv1d with it is
    largest where the signal looks most like the template (cross-correlation needs no reversal)."""
    template = np.asarray(template, dtype=np.float64)
    _need(template.ndim == 1 and template.size >= 1 and np.all(np.isfinite(template)),
          "the template must be a non-empty row of finite numbers")
    energy = np.sqrt(np.sum(template ** 2))
    _need(energy > 0, "the template is all zeros: there is nothing to match")
    return template / energy


def frequency_response(taps, *, rate=RATE, points=257):
    """|H(f)| of a filter at points frequencies from 0 to rate/2: (freqs (points,) Hz, magnitude (points,)).

    H(f) = Σ taps[m] · e^(−2πi·f·m/rate); the magnitude does not depend on where the taps start,
    so it is the same for cross-correlation and for convolution with the taps reversed.
    """
    taps = np.asarray(taps, dtype=np.float64)
    _need(taps.ndim == 1 and taps.size >= 1 and np.all(np.isfinite(taps)), "the taps must be a non-empty row of finite numbers")
    _need(isinstance(points, int) and points >= 2, "the response needs at least 2 frequencies")
    n = 2 * (points - 1)
    _need(taps.size <= n, f"{taps.size} taps need at least {taps.size // 2 + 1} frequencies")
    return np.linspace(0, rate / 2, points), np.abs(np.fft.rfft(taps, n))


def spectrogram(signal, *, rate=RATE, window=256, hop=128):
    """Short-time Fourier transform magnitude in decibels: (times (F,) s, freqs (B,) Hz, db (B, F)).

    Frames of `window` samples every `hop`, each tapered by a Hann window; B = window/2 + 1 bins from
    0 to rate/2; db = 20·log10(|X| + 1e-6), so silence is −120 dB, not minus infinity.
    """
    signal = np.asarray(signal, dtype=np.float64)
    _need(signal.ndim == 1 and np.all(np.isfinite(signal)), "the signal must be a row of finite numbers")
    _need(isinstance(window, int) and window >= 2 and isinstance(hop, int) and hop >= 1,
          "the spectrogram needs a window of at least 2 samples and a hop of at least 1")
    _need(signal.size >= window, f"a spectrogram with a {window}-sample window needs at least {window} samples, "
                                 f"not {signal.size}")
    frames = 1 + (signal.size - window) // hop
    starts = np.arange(frames) * hop
    chunks = signal[starts[:, None] + np.arange(window)] * np.hanning(window)
    db = 20 * np.log10(np.abs(np.fft.rfft(chunks, axis=1)) + 1e-6)
    return (starts + window / 2) / rate, np.linspace(0, rate / 2, window // 2 + 1), db.T


def heartbeat_template(k):
    """k samples of the built-in heartbeat around its first QRS spike (at 0.25 s): what a matched filter looks for."""
    _need(isinstance(k, int) and 1 <= k <= RATE // 2, f"a template needs a whole number of samples from 1 to {RATE // 2}, not {k!r}")
    start = int(0.25 * RATE) - k // 2
    return builtin("ecg")[start:start + k]


def filter_taps(kind, taps=31, cutoff=500.0, *, rate=RATE):
    """The taps of a named filter (FILTERS): lowpass and highpass (taps odd, cutoff in Hz), average (taps
    equal weights), difference (2 taps), matched (the heartbeat's QRS, taps samples). (K,)"""
    _need(kind in FILTERS, f"there is no filter {kind!r}; choose one of {', '.join(FILTERS)}")
    if kind == "lowpass":
        return lowpass(taps, cutoff, rate=rate)
    if kind == "highpass":
        return highpass(taps, cutoff, rate=rate)
    if kind == "average":
        return moving_average(taps)
    if kind == "difference":
        return difference()
    return matched(heartbeat_template(taps))


def causal_stack_field(dilations, k=2):
    """Which samples one output of a stack of causal conv1d layers depends on, layer by layer.

    dilations: one per layer, input first (WaveNet's: 1, 2, 4, 8); k taps each. Output t of the last
    layer reads, through every layer, only samples t − (field − 1) … t of each layer below, where
    field = 1 + Σ d·(k − 1). Returns (field, mask (layers + 1, field)): row 0 the last layer's output,
    the last row the input; column c is sample t − (field − 1) + c; 1 where that sample feeds output t.
    """
    _need(isinstance(k, int) and k >= 1, f"each layer needs a whole number of taps, at least 1, not {k!r}")
    _need(len(dilations) >= 1 and all(isinstance(d, int) and d >= 1 for d in dilations),
          "a stack needs at least one layer, each with a whole-number dilation of at least 1")
    field = 1 + sum(d * (k - 1) for d in dilations)
    mask = np.zeros((len(dilations) + 1, field))
    reached = {field - 1}  # output t, as a column
    mask[0, field - 1] = 1
    for row, d in enumerate(reversed(dilations), start=1):  # walk down: last layer first
        reached = {c - m * d for c in reached for m in range(k)}
        mask[row, sorted(reached)] = 1
    return field, mask
