"""What the Python checkers share: PASS/FAIL lines, the exit status
that says whether any failed, and poppler's tools run on every core."""
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

# The office printer's A4s of a sheet: several up, or tiled.
OFFICE = re.compile(r"-(\d+up|tiles)\.pdf$")

failed = 0


def report(ok, what):
    """Prints what passed or failed; counts the failures."""
    global failed
    print(("PASS " if ok else "FAIL ") + what)
    if not ok:
        failed += 1


# Each command's result, by its arguments.
_ran = {}


def _run(cmd):
    return subprocess.run(list(cmd), capture_output=True, text=True)


def pmap(fn, items):
    """fn of each item, as many at once as there are cores (fn mostly
    waits for a tool it runs), in the items' order: a checker's
    hundreds of pdftotext and pdfinfo calls would keep one core busy
    and leave the other idle."""
    with ThreadPoolExecutor(os.cpu_count() or 2) as ex:
        return list(ex.map(fn, items))


def prefetch(cmds):
    """Runs the commands (lists of arguments) with pmap; run() then
    answers from what they printed."""
    todo = list(dict.fromkeys(tuple(c) for c in cmds if tuple(c) not in _ran))
    _ran.update(zip(todo, pmap(_run, todo)))


def run(cmd, check=False):
    """The CompletedProcess (text) of cmd, run once; with check, a
    failure raises CalledProcessError, as subprocess.run's would."""
    c = tuple(cmd)
    if c not in _ran:
        _ran[c] = _run(c)
    r = _ran[c]
    if check:
        r.check_returncode()
    return r


def _dict_end(data, i):
    """Where the dictionary that opens at data[i] ("<<") ends."""
    depth = 0
    while i < len(data):
        if data[i:i + 2] == b"<<":
            depth += 1
            i += 2
        elif data[i:i + 2] == b">>":
            depth -= 1
            i += 2
            if depth == 0:
                return i
        elif data[i:i + 1] == b"(":  # a string: nested (), escapes
            n, i = 1, i + 1
            while i < len(data) and n:
                c = data[i:i + 1]
                i += 2 if c == b"\\" else 1
                n += (c == b"(") - (c == b")")
        elif data[i:i + 1] == b"<":  # a hex string
            i = data.index(b">", i) + 1
        else:
            i += 1
    return len(data)


def pdf_streams(path):
    """(object number, dictionary, first two bytes of the data) of each
    stream of the PDF at path, as cairo and qpdf write them (a direct
    /Length or one in an object of its own), read without a PDF
    library: the one these tests have is not every python3's."""
    data = open(path, "rb").read()
    ints = {int(m.group(1)): int(m.group(2)) for m in re.finditer(
        rb"(\d+) 0 obj\s*(\d+)\s*endobj", data)}
    obj = re.compile(rb"(\d+) \d+ obj\s*")
    pos = 0
    while (m := obj.search(data, pos)) is not None:
        pos = m.end()
        if data[pos:pos + 2] != b"<<":
            continue
        end = _dict_end(data, pos)
        d = data[pos:end]
        st = re.match(rb"\s*stream\r?\n", data[end:end + 16])
        if st is None:
            pos = end
            continue
        start = end + st.end()
        ln = re.search(rb"/Length\s+(\d+)(\s+\d+\s+R)?", d)
        n = 0   # unknown: look for the next object from the data's start
        if ln is not None:
            n = int(ln.group(1))
            if ln.group(2):   # "/Length 5 0 R": object 5 holds it
                n = ints.get(n, 0)
        yield int(m.group(1)), d, data[start:start + 2]
        pos = start + n


def slow_streams(path):
    """The streams of the PDF at path deflated at other than zlib's
    fastest level, as "object: first bytes", and how many deflated
    streams it has.  rally makes level 1 zlib's default in its process
    (generator/deflate.c): cairo asks for the default and has no
    setting.  The level is in a zlib header's second byte (FLEVEL, 0 for
    level 1); a PDF/X output profile (/N, its components), deflated at
    6 on purpose (pdfx.c, once a build), is left aside."""
    slow, n = [], 0
    for num, d, z in pdf_streams(path):
        if not re.search(rb"/Filter\s*\[?\s*/FlateDecode\b", d) or \
                re.search(rb"/N\s+\d", d):
            continue
        n += 1
        if len(z) < 2 or z[0] & 15 != 8 or (z[0] << 8 | z[1]) % 31 or \
                z[1] >> 6 != 0:
            slow.append("%d: %s" % (num, z.hex()))
    return slow, n


def slow_streams_in(paths, root):
    """slow_streams over every PDF in paths: its findings, each named
    by its file relative to root, and how many deflated streams."""
    slow, n = [], 0
    for path in paths:
        s, k = slow_streams(path)
        slow += ["%s %s" % (os.path.relpath(path, root), x) for x in s]
        n += k
    return slow, n


def done():
    sys.exit(1 if failed else 0)
