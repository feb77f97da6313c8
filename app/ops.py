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
    bias = np.broadcast_to(np.asarray(bias, dtype=np.float64), (cout,)) if np.ndim(bias) == 0 else np.asarray(bias, dtype=np.float64)
    if bias.shape != (cout,) or not np.all(np.isfinite(bias)):
        raise ValueError(f"the bias must be one finite number per filter ({cout}), got shape {bias.shape}")
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
