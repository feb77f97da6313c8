"""Image files made in memory with Pillow (or by hand, chunk by chunk, for PNG headers that lie)."""
import io
import struct
import zlib

from PIL import Image


def encode(im, fmt="PNG", **params):
    """The bytes of a Pillow image saved as fmt (with its save params)."""
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def image_bytes(array, mode="L", fmt="PNG"):
    """A (H, W) or (H, W, 3) uint8 array as a file of format fmt, converted to Pillow's mode first."""
    return encode(Image.fromarray(array).convert(mode), fmt)


def png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def lying_png(width, height):
    """A tiny PNG whose header claims width×height 8-bit gray pixels; its data is one row of garbage."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b""))
