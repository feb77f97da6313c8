// The held-out digits on the page's side: the file build.write_digits writes
// (N×24×24 pixel bytes, then N label bytes), read as app.digits.decode_heldout reads it.

export const SIDE = 24;

/** Fetch data/digits-heldout.bin: {bytes, count, labels, pixels(i) → Float32Array (24·24) in [0, 1]}. */
export async function fetchHeldout() {
  const response = await fetch("data/digits-heldout.bin");
  if (!response.ok) throw new Error(`The held-out digits are missing from this site (HTTP ${response.status}).`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const count = bytes.length / (SIDE * SIDE + 1);
  return {
    bytes, count, labels: bytes.subarray(count * SIDE * SIDE),
    // round(byte / 255, 3): exactly the source's values
    pixels: (i) => Float32Array.from(bytes.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), (v) => Math.round((v / 255) * 1000) / 1000),
  };
}
