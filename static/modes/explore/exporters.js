// What a learner can take away: the feature map as PNG or .npy, and the layer
// as PyTorch or NumPy code that reproduces the map.

/** Save blob as filename through a temporary link (no server round trip). */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A NumPy .npy file (format 1.0) holding data as a (height, width) little-endian float32 array. */
export function npyBytes(data, [height, width]) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${height}, ${width}), }`;
  // The header is padded with spaces so that the data starts on a 64-byte boundary.
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

const pyList = (k) => `[${k.map((row) => `[${row.map((v) => pyNumber(v)).join(", ")}]`).join(",\n          ")}]`;
const pyNumber = (v) => (Number.isInteger(v) ? `${v}.0` : String(v));
const pyPadding = (p) => (typeof p === "string" ? `"${p}"` : String(p));

/** PyTorch: an nn.Conv2d with these settings and weights. */
export function torchSnippet(s) {
  const k = s.kernel.length;
  return `import torch
from torch import nn

conv = nn.Conv2d(1, 1, kernel_size=${k}, stride=${s.stride}, padding=${pyPadding(s.padding)},
                 dilation=${s.dilation}, padding_mode="${s.paddingMode}", bias=True)
with torch.no_grad():
    conv.weight[0, 0] = torch.tensor(${pyList(s.kernel)})
    conv.bias[0] = ${pyNumber(s.bias)}

# image: a (H, W) array of pixels in [0, 1]; PyTorch wants (batch, channels, H, W).
x = torch.tensor(image, dtype=torch.float64)[None, None]
feature_map = conv.double()(x)[0, 0]`;
}

const NP_MODE = { zeros: "constant", reflect: "reflect", replicate: "edge", circular: "wrap" };

/** NumPy: the same cross-correlation as the explorer's core, tap by tap. */
export function numpySnippet(s, [before, after]) {
  return `import numpy as np

kernel = np.array(${pyList(s.kernel)})
bias, stride, dilation = ${pyNumber(s.bias)}, ${s.stride}, ${s.dilation}

# image: a (H, W) array of pixels in [0, 1].
padded = np.pad(image, ((${before}, ${after}), (${before}, ${after})), mode="${NP_MODE[s.paddingMode]}")
k = kernel.shape[0]
span = dilation * (k - 1) + 1
out_h = (padded.shape[0] - span) // stride + 1
out_w = (padded.shape[1] - span) // stride + 1
feature_map = np.full((out_h, out_w), bias)
for m in range(k):          # one shifted, strided slice per kernel weight
    for n in range(k):
        r, c = m * dilation, n * dilation
        feature_map += kernel[m, n] * padded[r:r + (out_h - 1) * stride + 1:stride,
                                             c:c + (out_w - 1) * stride + 1:stride]`;
}
