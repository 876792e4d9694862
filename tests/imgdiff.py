#!/usr/bin/env python3
"""Compares two PNGs with a tolerance: same size, mean difference at
most 2/255 and at most 1% of pixels off by more than 48.
usage: imgdiff.py GOT.png WANT.png"""
import sys
sys.path.insert(0, __file__.rsplit("/", 1)[0])
import png

w1, h1, a = png.read(sys.argv[1])
w2, h2, b = png.read(sys.argv[2])
if (w1, h1) != (w2, h2):
    print("size %dx%d, want %dx%d" % (w1, h1, w2, h2))
    sys.exit(1)
total = diff = far = 0
for ra, rb in zip(a, b):
    for x in range(0, len(ra), 3):
        d = max(abs(ra[x] - rb[x]), abs(ra[x + 1] - rb[x + 1]), abs(ra[x + 2] - rb[x + 2]))
        diff += d
        far += d > 48
        total += 1
mean, share = diff / total, far / total
print("mean %.2f, %.2f%% far" % (mean, 100 * share))
sys.exit(0 if mean <= 2.0 and share <= 0.01 else 1)
