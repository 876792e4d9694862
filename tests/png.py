"""A small PNG reader (8-bit RGB or RGBA, non-interlaced) on the
standard library, for tests that look at pixels."""
import struct
import zlib


def chunks(data):
    """The chunks of a PNG's bytes after its signature, as (offset,
    kind, body, crc_ok); a chunk cut short ends them with kind None."""
    pos = 8
    while pos < len(data):
        if pos + 12 > len(data):
            yield pos, None, b"", False
            return
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n] or b"\0\0\0\0")
        yield pos, kind, body, (len(body) == n and
                                zlib.crc32(kind + body) & 0xffffffff == crc)
        pos += 12 + n


def read(path):
    """Returns (width, height, rows) where rows are bytearrays of RGB."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG: " + path)
    idat = b""
    for _, kind, body, _ in chunks(data):
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    if depth != 8 or ctype not in (0, 2, 6) or interlace:
        raise ValueError("unsupported PNG: " + path)
    bpp = {0: 1, 2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if bpp == 1:
            rows.append(bytearray(v for v in line for _ in range(3)))
        elif bpp == 4:
            rows.append(bytearray(v for k, v in enumerate(line) if k % 4 != 3))
        else:
            rows.append(line)
    return w, h, rows


def verify(path):
    """What is wrong with the PNG at path as a strict reader sees it
    (the signature, IHDR first, every chunk's CRC, IDAT inflating with
    its Adler-32 to exactly the rows IHDR promises, a filter byte
    each, IEND last), or None."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "no PNG signature"
    kinds, idat, ihdr = [], b"", None
    for pos, kind, body, ok in chunks(data):
        if kind is None:
            return "a chunk cut short at byte %d" % pos
        if not ok:
            return "%s chunk at byte %d: bad length or CRC" % (kind, pos)
        kinds.append(kind)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    if not kinds or kinds[0] != b"IHDR" or kinds[-1] != b"IEND" or \
            b"IDAT" not in kinds:
        return "chunks %s: not IHDR ... IDAT ... IEND" % kinds
    w, h, depth, ctype, _, _, interlace = ihdr
    bpp = {0: 1, 2: 3, 6: 4}.get(ctype)
    if depth != 8 or bpp is None or interlace:
        return "unexpected depth %d, colour type %d" % (depth, ctype)
    try:
        d = zlib.decompressobj()
        raw = d.decompress(idat) + d.flush()
    except zlib.error as e:
        return "IDAT: %s" % e
    if not d.eof or d.unused_data:
        return "IDAT: the zlib stream does not end where the data does"
    if len(raw) != h * (1 + w * bpp):
        return "IDAT: %d bytes of rows, %d promised" % (len(raw), h * (1 + w * bpp))
    if any(raw[y * (1 + w * bpp)] > 4 for y in range(h)):
        return "a row with a filter byte over 4"
    return None


def bomb(path, w=60000, h=60000):
    """Writes a PNG whose header claims w x h pixels, with data for a
    few rows only: a decompression bomb's header, small on disk."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    rows = zlib.compress(b"\0" * (1 + 3 * w) * 4, 9)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", rows) + chunk(b"IEND", b""))


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "bomb":
        bomb(sys.argv[2])
    else:
        sys.exit("usage: png.py bomb FILE")
