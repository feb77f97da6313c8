"""Independent references, written from the definitions as slowly and plainly as possible (lists and
loops, no np.pad, nothing from app/), and the textbook values the tests share.

Padding builds a bigger array with loops and index arithmetic; convolution and pooling are explicit
loops over output cells; output sizes come from counting window positions.
"""
import numpy as np

# The Sobel filter for vertical edges (x gradient), as the explorer opens with it.
SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]

# A learner's correct valid convolution, written with loops, as code mode's checker receives it.
LOOP_CONV2D = """
def conv2d(image, kernel):
    k = kernel.shape[0]
    h, w = image.shape
    out = np.zeros((h - k + 1, w - k + 1))
    for i in range(h - k + 1):
        for j in range(w - k + 1):
            out[i, j] = (image[i:i + k, j:j + k] * kernel).sum()
    return out
"""


def ref_source_index(i, n, mode):
    """Which input index a (possibly out-of-range) index i reads, or None for a zero.

    reflect   : PyTorch reflect, mirror WITHOUT repeating the edge (-1 -> 1, n -> n-2)
    replicate : clamp to the nearest edge pixel
    circular  : wrap around, modulo n
    """
    if 0 <= i < n:
        return i
    if mode == "zeros":
        return None
    if mode == "reflect":
        return -i if i < 0 else 2 * (n - 1) - i
    if mode == "replicate":
        return min(max(i, 0), n - 1)
    if mode == "circular":
        return i % n
    raise AssertionError(mode)


def ref_pad(image, top, bottom, left, right, mode="zeros"):
    """A bigger array filled pixel by pixel (lists, loops, no np.pad)."""
    h, w = len(image), len(image[0])
    rows = []
    for pi in range(h + top + bottom):
        row = []
        for pj in range(w + left + right):
            si = ref_source_index(pi - top, h, mode)
            sj = ref_source_index(pj - left, w, mode)
            row.append(0.0 if si is None or sj is None else float(image[si][sj]))
        rows.append(row)
    return rows


def ref_same_pads(k, dilation):
    """PyTorch 'same': total pad d(k-1), the odd pixel (if any) goes after."""
    total = dilation * (k - 1)
    return total // 2, total - total // 2


def ref_count_windows(n, span, stride):
    """How many windows of `span` pixels, stepping by `stride`, fit in n pixels."""
    count = 0
    while count * stride + span <= n:
        count += 1
    return count


def ref_conv_error(h, w, k, stride, padding, dilation, mode):
    """Why this convolution is impossible, or None. Judged from the definitions."""
    if isinstance(padding, str):
        if padding == "same" and stride != 1:
            return "same needs stride 1"
        before, after = (0, 0) if padding == "valid" else ref_same_pads(k, dilation)
    else:
        before = after = padding
    if mode == "reflect" and (max(before, after) >= h or max(before, after) >= w):
        return "reflect pad must be smaller than the input"
    if mode == "circular" and (max(before, after) > h or max(before, after) > w):
        return "circular pad cannot exceed the input"
    span = dilation * (k - 1) + 1
    if ref_count_windows(h + before + after, span, stride) == 0 or \
            ref_count_windows(w + before + after, span, stride) == 0:
        return "kernel does not fit"
    return None


def ref_conv2d(image, kernel, stride=1, padding=0, dilation=1, bias=0.0, mode="zeros"):
    """out[i][j] = bias + sum_m sum_n kernel[m][n] * padded[i*s + m*d][j*s + n*d]."""
    k = len(kernel)
    if isinstance(padding, str):
        before, after = (0, 0) if padding == "valid" else ref_same_pads(k, dilation)
    else:
        before = after = padding
    padded = ref_pad(image, before, after, before, after, mode)
    span = dilation * (k - 1) + 1
    out_h = ref_count_windows(len(padded), span, stride)
    out_w = ref_count_windows(len(padded[0]), span, stride)
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            total = bias
            for m in range(k):
                for n in range(k):
                    total += kernel[m][n] * padded[i * stride + m * dilation][j * stride + n * dilation]
            out[i, j] = total
    return out


def ref_pool2d(x, size, stride, mode):
    """Max or mean of every size x size window that fits entirely (floor)."""
    h, w = x.shape
    out_h, out_w = ref_count_windows(h, size, stride), ref_count_windows(w, size, stride)
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = [x[i * stride + m][j * stride + n] for m in range(size) for n in range(size)]
            out[i, j] = max(window) if mode == "max" else sum(window) / len(window)
    return out


def ref_conv2d_channels(image, weights, bias, stride=1, padding=0, dilation=1, groups=1, mode="zeros"):
    """out[f] = bias[f] + sum over the channels c of f's group of ref_conv2d(image[c], weights[f, c'])."""
    cin = image.shape[0]
    cout = weights.shape[0]
    per_in, per_out = cin // groups, cout // groups
    maps = []
    for f in range(cout):
        g = f // per_out
        total = sum(ref_conv2d(image[g * per_in + j], weights[f, j], stride, padding, dilation, 0.0, mode)
                    for j in range(per_in))
        maps.append(total + bias[f])
    return np.stack(maps)


def ref_transposed_error(n, k, stride, padding, output_padding, dilation):
    """Why this transposed convolution is impossible along an axis of n, or None (PyTorch's rules)."""
    if output_padding >= stride and output_padding >= dilation:
        return "output padding must be smaller than the stride or the dilation"
    covered = max(i * stride + m * dilation for i in range(n) for m in range(k)) + 1
    if covered - 2 * padding + output_padding < 1:
        return "padding crops everything"
    return None


def ref_conv_transpose2d(image, kernel, stride=1, padding=0, output_padding=0, dilation=1, bias=0.0):
    """Scatter: input pixel (i, j) adds image[i][j] * kernel[m][n] to output (i*s + m*d - p, j*s + n*d - p).

    The output's size is what the stamps cover, less p on each side, plus output_padding at the end.
    """
    h, w, k = len(image), len(image[0]), len(kernel)
    covered_h = max(i * stride + m * dilation for i in range(h) for m in range(k)) + 1
    covered_w = max(j * stride + n * dilation for j in range(w) for n in range(k)) + 1
    out = np.full((covered_h - 2 * padding + output_padding, covered_w - 2 * padding + output_padding), float(bias))
    for i in range(h):
        for j in range(w):
            for m in range(k):
                for n in range(k):
                    r, c = i * stride + m * dilation - padding, j * stride + n * dilation - padding
                    if 0 <= r < out.shape[0] and 0 <= c < out.shape[1]:
                        out[r, c] += image[i][j] * kernel[m][n]
    return out


def ref_conv_matrix(h, w, kernel, stride=1, padding=0, dilation=1):
    """The matrix C of ref_conv2d on (h, w) images: C @ x.ravel() == ref_conv2d(x).ravel(), built column by
    column from basis images. Its transpose is what "transposed convolution" names."""
    columns = []
    for index in range(h * w):
        basis = np.zeros(h * w)
        basis[index] = 1.0
        columns.append(ref_conv2d(basis.reshape(h, w), kernel, stride, padding, dilation).ravel())
    return np.stack(columns, axis=1)


def ref_conv1d(signal, kernel, stride=1, before=0, after=0, dilation=1, bias=0.0):
    """out[t] = bias + sum_m kernel[m] * padded[t*s + m*d], padded with `before` and `after` zeros."""
    padded = [0.0] * before + [float(v) for v in signal] + [0.0] * after
    span = dilation * (len(kernel) - 1) + 1
    return np.array([bias + sum(kernel[m] * padded[t * stride + m * dilation] for m in range(len(kernel)))
                     for t in range(ref_count_windows(len(padded), span, stride))])
