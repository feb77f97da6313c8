// The digits files on the page's side (data/digits-heldout.bin, data/digits-train.bin), as
// builder.digits.write_digits writes them (N×24×24 pixel bytes, then N label bytes) and
// app.digits.decode_digits reads them.

export const SIDE = 24;

/** Fetch data/<file>: {bytes, count, labels, pixels(i) → Float32Array (24·24) in [0, 1]}; what names the digits in a message. */
export async function fetchDigits(file = "digits-heldout.bin", what = "held-out digits") {
  const response = await fetch(`data/${file}`);
  if (!response.ok) throw new Error(`The ${what} are missing from this site (HTTP ${response.status}).`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const count = bytes.length / (SIDE * SIDE + 1);
  return {
    bytes, count, labels: bytes.subarray(count * SIDE * SIDE),
    // round(byte / 255, 3): exactly the source's values
    pixels: (i) => Float32Array.from(bytes.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), (v) => Math.round((v / 255) * 1000) / 1000),
  };
}
