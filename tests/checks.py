"""What the Python checkers share: PASS/FAIL lines, and the exit status
that says whether any failed."""
import re
import sys

# The office printer's A4s of a sheet: several up, or tiled.
OFFICE = re.compile(r"-(\d+up|tiles)\.pdf$")

failed = 0


def report(ok, what):
    """Prints what passed or failed; counts the failures."""
    global failed
    print(("PASS " if ok else "FAIL ") + what)
    if not ok:
        failed += 1


def done():
    sys.exit(1 if failed else 0)
