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


def done():
    sys.exit(1 if failed else 0)
