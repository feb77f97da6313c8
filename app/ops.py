"""The arithmetic of a convolution layer, in NumPy only.

Everything here is a cross-correlation, as deep-learning libraries compute it
and call it "convolution": the kernel is not flipped (a learned kernel absorbs
the flip). Shapes follow PyTorch's Conv2d and MaxPool2d/AvgPool2d: zero padding
by default, output sizes rounded down.

Arrays are 2-D, (H, W), any real dtype in; float64 out. Every invalid argument
raises ValueError with a sentence a learner can read, because the page shows
these messages as they are.
"""
import numpy as np

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
# np.pad's names for PyTorch's padding modes.
_NP_PAD_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _check_int(name, value, low, high=None):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {bounds}, not {value}")
    return int(value)


def pad_amounts(k, *, stride=1, padding=0, dilation=1):
    """Zeros (or mode-padded pixels) added (before, after) along one axis.

    k: kernel size along the axis; padding: int >= 0, "valid" or "same".
    "same" follows PyTorch: stride 1 only; the total pad d(k-1) is split with
    the extra pixel, if any, after.
    """
    k = _check_int("kernel size", k, 1)
    stride = _check_int("stride", stride, 1)
    dilation = _check_int("dilation", dilation, 1)
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            if stride != 1:
                raise ValueError(
                    f"padding 'same' keeps the size only at stride 1, not stride {stride}; "
                    "give the padding as a number instead")
            total = dilation * (k - 1)
            return total // 2, total - total // 2
        raise ValueError(f"padding must be a number, 'valid' or 'same', not {padding!r}")
    p = _check_int("padding", padding, 0)
    return p, p


def output_size(n, k, *, stride=1, padding=0, dilation=1):
    """Output length along one axis: floor((n + 2p - d(k-1) - 1) / s) + 1.

    Raises ValueError when the (dilated) kernel does not fit the padded input.
    """
    n = _check_int("input size", n, 1)
    before, after = pad_amounts(k, stride=stride, padding=padding, dilation=dilation)
    span = dilation * (k - 1) + 1
    if n + before + after < span:
        raise ValueError(_no_fit_message(n, k, dilation, before + after))
    return (n + before + after - span) // stride + 1


def _no_fit_message(n, k, dilation, total_pad):
    """n: the input side, or its (height, width) when the caller knows both."""
    h, w = (n, n) if np.ndim(n) == 0 else n
    kernel = f"kernel {k}×{k}" + (f" with dilation {dilation}" if dilation > 1 else "")
    span = dilation * (k - 1) + 1
    where = "without padding" if total_pad == 0 else f"with {total_pad} pixels of padding in all"
    reach = f" (it spans {span}×{span} pixels)" if dilation > 1 else ""
    return f"{kernel}{reach} does not fit a {h}×{w} input {where}"


def _as_2d(name, a):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D grid of numbers, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} holds a value that is not a finite number")
    return a


def pad(image, before_after, *, mode="zeros"):
    """image (..., H, W) padded by ((top, bottom), (left, right)) in a PyTorch padding mode."""
    if mode not in PADDING_MODES:
        raise ValueError(f"padding mode must be one of {', '.join(PADDING_MODES)}, not {mode!r}")
    (top, bottom), (left, right) = before_after
    h, w = image.shape[-2:]
    if mode == "reflect" and (max(top, bottom) >= h or max(left, right) >= w):
        raise ValueError(f"reflect padding must be smaller than the input ({h}×{w}); "
                         f"use less padding or another mode")
    if mode == "circular" and (max(top, bottom) > h or max(left, right) > w):
        raise ValueError(f"circular padding cannot be larger than the input ({h}×{w})")
    if top == bottom == left == right == 0:
        return image
    lead = ((0, 0),) * (image.ndim - 2)  # channels are not padded
    return np.pad(image, lead + ((top, bottom), (left, right)), mode=_NP_PAD_MODE[mode])


def conv2d(image, kernel, *, stride=1, padding=0, dilation=1, bias=0.0, padding_mode="zeros", groups=1):
    """Cross-correlate image (H, W) with kernel (K, K); returns (H', W') float64.

    out[i, j] = bias + sum_m sum_n kernel[m, n] * padded[i*s + m*d, j*s + n*d]

    With channels, as PyTorch's Conv2d: image (Cin, H, W), kernel
    (Cout, Cin/groups, K, K), bias a number or (Cout,); returns (Cout, H', W').
    groups splits the channels into independent groups (groups = Cin: depthwise).

    Vectorised over kernel taps (K*K shifted, strided slices added up), not
    over output pixels: that is what is fast in NumPy, in CPython and in WASM.
    """
    if np.ndim(image) == 3:
        return _conv2d_channels(image, kernel, stride=stride, padding=padding, dilation=dilation,
                                bias=bias, padding_mode=padding_mode, groups=groups)
    if groups != 1:
        raise ValueError("groups needs an image with channels (Cin, H, W)")
    image = _as_2d("the image", image)
    kernel = _as_2d("the kernel", kernel)
    kh, kw = kernel.shape
    if kh != kw:
        raise ValueError(f"the kernel must be square, got {kh}×{kw}")
    bias = float(bias)
    if not np.isfinite(bias):
        raise ValueError("the bias must be a finite number")
    h, w = image.shape
    p = pad_amounts(kh, stride=stride, padding=padding, dilation=dilation)
    if min(h, w) + sum(p) < dilation * (kh - 1) + 1:  # name the whole image, not one side
        raise ValueError(_no_fit_message((h, w), kh, dilation, sum(p)))
    out_h = output_size(h, kh, stride=stride, padding=padding, dilation=dilation)
    out_w = output_size(w, kw, stride=stride, padding=padding, dilation=dilation)
    padded = pad(image, (p, p), mode=padding_mode)
    out = np.full((out_h, out_w), bias, dtype=np.float64)
    product = np.empty_like(out)  # one scratch array: no allocation per tap
    row_end = (out_h - 1) * stride + 1
    col_end = (out_w - 1) * stride + 1
    for m in range(kh):
        for n in range(kw):
            if kernel[m, n] == 0:  # adds nothing; edge kernels have many zeros
                continue
            r, c = m * dilation, n * dilation
            np.multiply(padded[r:r + row_end:stride, c:c + col_end:stride], kernel[m, n], out=product)
            out += product
    return out


def _conv2d_channels(image, kernel, *, stride, padding, dilation, bias, padding_mode, groups):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.shape[0] == 0 or not np.all(np.isfinite(image)):
        raise ValueError(f"the image must be (channels, height, width) of finite numbers, got shape {image.shape}")
    if kernel.ndim != 4 or kernel.shape[2] != kernel.shape[3] or not np.all(np.isfinite(kernel)):
        raise ValueError(f"with channels the weights must be (filters, channels per group, K, K) finite numbers, "
                         f"got shape {kernel.shape}")
    cin, h, w = image.shape
    cout, cin_group, k, _ = kernel.shape
    groups = _check_int("groups", groups, 1)
    if cin % groups or cout % groups:
        raise ValueError(f"groups ({groups}) must divide both the {cin} input channels and the {cout} filters")
    if cin_group != cin // groups:
        raise ValueError(f"each filter needs {cin // groups} kernels (input channels ÷ groups), "
                         f"but the weights give {cin_group}")
    bias = _bias_per_channel(bias, cout, "filter")
    p = pad_amounts(k, stride=stride, padding=padding, dilation=dilation)
    if min(h, w) + sum(p) < dilation * (k - 1) + 1:
        raise ValueError(_no_fit_message((h, w), k, dilation, sum(p)))
    out_h = output_size(h, k, stride=stride, padding=padding, dilation=dilation)
    out_w = output_size(w, k, stride=stride, padding=padding, dilation=dilation)
    padded = pad(image, (p, p), mode=padding_mode)
    out = np.repeat(bias[:, None, None], out_h * out_w, axis=1).reshape(cout, out_h, out_w)
    row_end, col_end = (out_h - 1) * stride + 1, (out_w - 1) * stride + 1
    per_in, per_out = cin // groups, cout // groups
    for g in range(groups):
        x = padded[g * per_in:(g + 1) * per_in]
        o = out[g * per_out:(g + 1) * per_out]
        for m in range(k):
            for n in range(k):
                r, c = m * dilation, n * dilation
                taps = x[:, r:r + row_end:stride, c:c + col_end:stride]  # (per_in, H', W')
                o += np.tensordot(kernel[g * per_out:(g + 1) * per_out, :, m, n], taps, axes=1)
    return out


def pool2d(x, *, size=2, stride=None, mode="max"):
    """Max or average pooling of x (H, W) with a size×size window; (H', W') float64.

    stride defaults to size (non-overlapping windows); no padding; windows that
    would run past the edge are dropped (floor), as in PyTorch.
    """
    x = _as_2d("the feature map", x)
    size = _check_int("pool size", size, 1)
    stride = size if stride is None else _check_int("pool stride", stride, 1)
    if mode not in ("max", "avg"):
        raise ValueError(f"pooling mode must be 'max' or 'avg', not {mode!r}")
    h, w = x.shape
    if size > h or size > w:
        raise ValueError(f"a {size}×{size} pool does not fit a {h}×{w} feature map")
    out_h, out_w = (h - size) // stride + 1, (w - size) // stride + 1
    row_end, col_end = (out_h - 1) * stride + 1, (out_w - 1) * stride + 1
    taps = [x[m:m + row_end:stride, n:n + col_end:stride] for m in range(size) for n in range(size)]
    if mode == "max":
        return np.maximum.reduce(taps)
    return np.add.reduce(taps) / (size * size)


def relu(x):
    """max(0, x), elementwise; same shape."""
    return np.maximum(x, 0.0)


def leaky_relu(x, slope=0.1):
    """x where x > 0, slope * x elsewhere; same shape."""
    return np.where(x > 0, x, slope * x)


def receptive_field(layers, row, col):
    """Input region that output cell (row, col) of the last layer depends on.

    layers: the stages from input to output, each a dict with "size" (kernel or
    pool size), and optional "stride", "padding" (int, "valid", "same") and
    "dilation". Returns (top, left, bottom, right), inclusive, in input pixel
    coordinates of the first layer; values outside the image are padding.

    Walks back one layer at a time: output cells [a, b] of a layer read input
    cells [a*s - p, b*s - p + d*(k-1)].
    """
    top, bottom, left, right = row, row, col, col
    for layer in reversed(list(layers)):
        k = layer["size"]
        s, d = layer.get("stride", 1), layer.get("dilation", 1)
        p, _ = pad_amounts(k, stride=s, padding=layer.get("padding", 0), dilation=d)
        reach = d * (k - 1)
        top, bottom = top * s - p, bottom * s - p + reach
        left, right = left * s - p, right * s - p + reach
    return top, left, bottom, right


def transposed_output_size(n, k, *, stride=1, padding=0, output_padding=0, dilation=1):
    """Output length of a transposed convolution along one axis, as PyTorch's ConvTranspose2d:
    (n − 1)·s − 2p + d·(k − 1) + output_padding + 1.

    Raises ValueError for an output padding that is not smaller than the stride or the
    dilation (it would add rows no stamp reaches), and for padding that crops everything.
    """
    n = _check_int("input size", n, 1)
    k = _check_int("kernel size", k, 1)
    s = _check_int("stride", stride, 1)
    d = _check_int("dilation", dilation, 1)
    if isinstance(padding, str):
        raise ValueError(f"a transposed convolution takes its padding as a number, not {padding!r}")
    p = _check_int("padding", padding, 0)
    op = _check_int("output padding", output_padding, 0)
    if op >= s and op >= d:
        raise ValueError(f"output padding {op} must be smaller than the stride ({s}) or the dilation ({d}); "
                         "it only chooses between the input sizes a stride rounds to the same output")
    covered = (n - 1) * s + d * (k - 1) + 1  # what the stamps cover before padding crops it
    size = covered - 2 * p + op
    if size < 1:
        raise ValueError(f"padding {p} crops away the whole output: the stamps of {n} input pixels cover {covered}, "
                         f"and padding takes {p} from each end; use at most {(covered + op - 1) // 2}")
    return size


def conv_transpose2d(image, kernel, *, stride=1, padding=0, output_padding=0, dilation=1, bias=0.0):
    """Transposed convolution of image (H, W) with kernel (K, K); returns (H', W') float64.

    Each input pixel stamps the kernel, scaled by its value, onto the output at
    (i·s, j·s), taps d apart; overlapping stamps add; then `padding` rows and
    columns are cropped from every side (and output_padding added at the bottom
    and right). H' = (H − 1)·s − 2p + d·(K − 1) + output_padding + 1.

    It is the adjoint of conv2d with the same kernel, stride, padding and
    dilation: the gradient of a conv2d layer with respect to its input.

    With channels, as PyTorch's ConvTranspose2d: image (Cin, H, W), kernel
    (Cin, Cout, K, K), bias a number or (Cout,); returns (Cout, H', W').
    """
    channels = np.ndim(image) == 3
    if channels:
        image = np.asarray(image, dtype=np.float64)
        kernel = np.asarray(kernel, dtype=np.float64)
        if image.shape[0] == 0 or image.size == 0 or not np.all(np.isfinite(image)):
            raise ValueError(f"the image must be (channels, height, width) of finite numbers, got shape {image.shape}")
        if kernel.ndim != 4 or kernel.shape[2] != kernel.shape[3] or not np.all(np.isfinite(kernel)):
            raise ValueError("with channels the weights of a transposed convolution must be (input channels, "
                             f"output channels, K, K) finite numbers, got shape {kernel.shape}")
        if kernel.shape[0] != image.shape[0]:
            raise ValueError(f"the weights have {kernel.shape[0]} input channels but the image has {image.shape[0]}")
    else:
        image = _as_2d("the image", image)[None]
        kernel = _as_2d("the kernel", kernel)
        if kernel.shape[0] != kernel.shape[1]:
            raise ValueError(f"the kernel must be square, got {kernel.shape[0]}×{kernel.shape[1]}")
        kernel = kernel[None, None]
    cout, k = kernel.shape[1], kernel.shape[2]
    bias = _bias_per_channel(bias, cout)
    _, h, w = image.shape
    out_h = transposed_output_size(h, k, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    out_w = transposed_output_size(w, k, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    s, d, p = stride, dilation, padding
    # Every stamp lands in `full` (the uncropped output, with room for output_padding), then p is cropped.
    full = np.zeros((cout, (h - 1) * s + d * (k - 1) + 1 + output_padding, (w - 1) * s + d * (k - 1) + 1 + output_padding))
    row_end, col_end = (h - 1) * s + 1, (w - 1) * s + 1
    for m in range(k):
        for n in range(k):
            r, c = m * d, n * d
            full[:, r:r + row_end:s, c:c + col_end:s] += np.tensordot(kernel[:, :, m, n], image, axes=([0], [0]))
    out = full[:, p:p + out_h, p:p + out_w] + bias[:, None, None]
    return out if channels else out[0]


def _bias_per_channel(bias, count, channel="output channel"):
    """bias as (count,) float64: one number is every channel's."""
    bias = np.asarray(bias, dtype=np.float64)
    if bias.ndim == 0:
        bias = np.full(count, float(bias))
    if bias.shape != (count,) or not np.all(np.isfinite(bias)):
        what = "a finite number" if count == 1 else f"one finite number per {channel} ({count})"
        raise ValueError(f"the bias must be {what}, got shape {bias.shape}")
    return bias


def transposed_as_convolution(image, kernel, *, stride=1, padding=0, output_padding=0, dilation=1):
    """The same transposed convolution written as an ordinary one: (spread (H'', W''), flipped (K, K)).

    spread is the image (H, W) with stride − 1 zeros between its pixels and
    d·(K − 1) − p zeros around it (output_padding more at the bottom and right;
    a negative amount crops); flipped is the kernel turned 180°. Then
    conv2d(spread, flipped, dilation=d) equals conv_transpose2d(image, kernel, …).
    """
    image = _as_2d("the image", image)
    kernel = _as_2d("the kernel", kernel)
    h, w = image.shape
    k = kernel.shape[0]
    for n in (h, w):  # the same refusals, in the same words
        transposed_output_size(n, k, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    spread = np.zeros(((h - 1) * stride + 1, (w - 1) * stride + 1))
    spread[::stride, ::stride] = image
    border = dilation * (k - 1) - padding
    before, after = max(border, 0), max(border + output_padding, 0)
    spread = np.pad(spread, ((before, after), (before, after)))
    crop_before, crop_after = max(-border, 0), max(-(border + output_padding), 0)
    spread = spread[crop_before:spread.shape[0] - crop_after, crop_before:spread.shape[1] - crop_after]
    return spread, kernel[::-1, ::-1].copy()


def stamp_counts(height, width, k, *, stride=1, padding=0, output_padding=0, dilation=1):
    """How many (input pixel, kernel tap) pairs land on each output cell: (H', W') float64.

    Uneven counts (stride 2 with a 3×3 kernel: 1, 2 and 4) are the checkerboard
    a transposed convolution paints even on a flat input.
    """
    return conv_transpose2d(np.ones((height, width)), np.ones((k, k)), stride=stride, padding=padding,
                            output_padding=output_padding, dilation=dilation)


def conv1d_pad_amounts(k, *, stride=1, padding=0, dilation=1):
    """Zeros added (before, after) to a signal: padding is a number, "valid", "same" or "causal".

    "causal" pads d·(k − 1) before and nothing after, as WaveNet: output t sees
    only samples up to t.
    """
    if padding == "causal":
        k = _check_int("kernel size", k, 1)
        _check_int("stride", stride, 1)
        return _check_int("dilation", dilation, 1) * (k - 1), 0
    return pad_amounts(k, stride=stride, padding=padding, dilation=dilation)


def conv1d(signal, kernel, *, stride=1, padding=0, dilation=1, bias=0.0):
    """Cross-correlate signal (L,) with kernel (K,); returns (L',) float64.

    out[t] = bias + sum_m kernel[m] * padded[t·s + m·d]: a learned FIR filter
    (a convolution in the signal-processing sense with the taps reversed).
    padding: a number, "valid", "same" (stride 1) or "causal" (all of it before).

    With channels, as PyTorch's Conv1d: signal (Cin, L), kernel (Cout, Cin, K),
    bias a number or (Cout,); returns (Cout, L').
    """
    channels = np.ndim(signal) == 2
    signal = np.asarray(signal, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if channels:
        if signal.shape[0] == 0 or signal.shape[1] == 0 or not np.all(np.isfinite(signal)):
            raise ValueError(f"the signal must be (channels, samples) of finite numbers, got shape {signal.shape}")
        if kernel.ndim != 3 or kernel.shape[1] != signal.shape[0] or kernel.shape[2] == 0 or not np.all(np.isfinite(kernel)):
            raise ValueError(f"with channels the weights must be (filters, {signal.shape[0]} channels, taps) "
                             f"finite numbers, got shape {kernel.shape}")
    else:
        if signal.ndim != 1 or signal.size == 0 or not np.all(np.isfinite(signal)):
            raise ValueError(f"the signal must be a non-empty row of finite numbers, got shape {signal.shape}")
        if kernel.ndim != 1 or kernel.size == 0 or not np.all(np.isfinite(kernel)):
            raise ValueError(f"the kernel must be a non-empty row of finite numbers (its taps), got shape {kernel.shape}")
        signal, kernel = signal[None], kernel[None, None]
    cout, k = kernel.shape[0], kernel.shape[2]
    bias = _bias_per_channel(bias, cout)
    before, after = conv1d_pad_amounts(k, stride=stride, padding=padding, dilation=dilation)
    length = signal.shape[1]
    span = dilation * (k - 1) + 1
    if length + before + after < span:
        reach = f" with dilation {dilation} (it spans {span} samples)" if dilation > 1 else ""
        where = "without padding" if before + after == 0 else f"with {before + after} samples of padding"
        raise ValueError(f"a kernel of {k} taps{reach} does not fit a signal of {length} samples {where}")
    out_len = (length + before + after - span) // stride + 1
    padded = np.pad(signal, ((0, 0), (before, after)))
    out = np.repeat(bias[:, None], out_len, axis=1)
    end = (out_len - 1) * stride + 1
    for m in range(k):
        out += kernel[:, :, m] @ padded[:, m * dilation:m * dilation + end:stride]
    return out if channels else out[0]
