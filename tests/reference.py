"""Independent references for the tests: the textbook loops, no NumPy tricks, nothing from app/."""
import numpy as np


def naive_conv2d(image, kernel, stride=1, padding=0, dilation=1, bias=0.0):
    """out[i][j] = bias + sum_m sum_n kernel[m][n] * padded[i*s + m*d][j*s + n*d], zero padding."""
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    h, w = image.shape
    k = kernel.shape[0]
    padded = np.zeros((h + 2 * padding, w + 2 * padding))
    for r in range(h):
        for c in range(w):
            padded[r + padding][c + padding] = image[r][c]
    span = dilation * (k - 1) + 1
    out_h = (h + 2 * padding - span) // stride + 1
    out_w = (w + 2 * padding - span) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            total = bias
            for m in range(k):
                for n in range(k):
                    total += kernel[m][n] * padded[i * stride + m * dilation][j * stride + n * dilation]
            out[i][j] = total
    return out
