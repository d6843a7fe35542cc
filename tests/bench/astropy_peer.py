#!/usr/bin/python3
"""Peer for bench_imaging: the same load + stretch to 8 bits done the usual Python way.

FITS: astropy.io.fits.open + ZScaleInterval + AsinhStretch. PNG: Pillow + numpy + the same astropy
visualization. Prints one JSON object with the median seconds per call.
"""
import json
import sys
import time

import numpy as np
from astropy.io import fits
from astropy.visualization import AsinhStretch, ZScaleInterval
from PIL import Image


def stretch_to_u8(data):
    lo, hi = ZScaleInterval().get_limits(data)
    norm = np.clip((data - lo) / (hi - lo), 0.0, 1.0)
    with np.errstate(invalid="ignore"):  # NaN pixels: numpy's cast warning, no extra pass
        return (AsinhStretch()(norm) * 255.0 + 0.5).astype(np.uint8)


def load_fits(path):
    with fits.open(path) as hdul:
        data = np.asarray(hdul[0].data, dtype=np.float32)
    return stretch_to_u8(data)


def load_png(path):
    data = np.asarray(Image.open(path), dtype=np.float32)
    return stretch_to_u8(data)


def median_seconds(fn, path, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def main():
    fits_path, png_path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(json.dumps({"fits_seconds": median_seconds(load_fits, fits_path, repeat),
                      "png_seconds": median_seconds(load_png, png_path, repeat)}))


if __name__ == "__main__":
    main()
