#!/usr/bin/env python3
"""Prints WIDTH HEIGHT DISTINCT_COLOURS TOP_SHARE of a PNG (sampled)."""
import sys
sys.path.insert(0, __file__.rsplit("/", 1)[0])
import png

w, h, rows = png.read(sys.argv[1])
counts = {}
for y in range(0, h, 4):
    r = rows[y]
    for x in range(0, len(r), 12):
        k = bytes(r[x:x + 3])
        counts[k] = counts.get(k, 0) + 1
total = sum(counts.values())
print(w, h, len(counts), "%.3f" % (max(counts.values()) / total))
