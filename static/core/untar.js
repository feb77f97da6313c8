// Reads a gzipped tar (the NumPy bundle the build writes: builder/startup_files.py) into [path, bytes] pairs.
// The browser's own DecompressionStream unpacks it while Python starts, so installing the files is
// only a copy into Python's file system.

/** @param {Response} response a .tar.gz; resolves to [[path, Uint8Array], …] for its regular files */
export async function untarGz(response) {
  const bytes = new Uint8Array(await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
  const text = new TextDecoder();
  const field = (at, length) => text.decode(bytes.subarray(at, at + length)).replace(/\0.*$/s, "");
  const files = [];
  // USTAR: a 512-byte header (name at 0, size in octal at 124, type at 156, name prefix at 345),
  // then the content padded to 512 bytes; two zero blocks end the archive.
  for (let at = 0; at + 512 <= bytes.length && bytes[at] !== 0;) {
    const size = parseInt(field(at + 124, 12).trim(), 8);
    if (!Number.isFinite(size)) throw new Error("the NumPy bundle is damaged (a tar header has no size)");
    const prefix = field(at + 345, 155);
    const name = (prefix ? `${prefix}/` : "") + field(at, 100);
    const type = bytes[at + 156];
    if (type === 48 || type === 0) files.push([name, bytes.subarray(at + 512, at + 512 + size)]); // "0": a file
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
