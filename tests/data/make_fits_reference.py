#!/usr/bin/python3
"""Write reference.json for tests/core/tst_fitsreference.cpp.

Reads every FITS file in a folder with astropy (an implementation independent of CFITSIO, which
cosmoclip uses) and records, per file: the HDU list (type, shape, BITPIX, name), which HDU a viewer
opens by default, and per image HDU the statistics of the physical values (stored * BSCALE + BZERO,
computed here in float64 from the stored values, BLANK and NaN excluded), a few pixel values and
some header values. Usage: make_fits_reference.py FOLDER  (writes FOLDER/reference.json)
"""
import json
import math
import os
import sys
import warnings

import numpy as np
from astropy.io import fits

HEADER_KEYS = ["OBJECT", "TELESCOP", "INSTRUME", "BUNIT", "EXPTIME", "CTYPE1", "CRVAL1", "CRPIX2", "DATE-OBS"]


def is_fits(name):
    return not name.startswith(".") and name != "reference.json" and not name.endswith(".json")


def hdu_type(hdu):
    if isinstance(hdu, fits.GroupsHDU):
        return "groups"
    if isinstance(hdu, (fits.TableHDU, fits.BinTableHDU)) and not isinstance(hdu, fits.CompImageHDU):
        return "table"
    shape = image_shape(hdu.header)
    return "image" if shape and all(n > 0 for n in shape) else "empty"


def image_shape(header):
    return [int(header["NAXIS%d" % k]) for k in range(1, int(header.get("NAXIS", 0)) + 1)]


def describe(index, hdu, raw_header):
    kind = hdu_type(hdu)
    if kind == "table":
        shape, bitpix = [int(hdu.header["TFIELDS"]), int(hdu.header["NAXIS2"])], 8
    else:
        shape, bitpix = image_shape(hdu.header), int(hdu.header["BITPIX"])
    name = str(raw_header.get("EXTNAME", "PRIMARY" if index == 0 else "")).strip()
    return {"index": index, "type": kind, "shape": shape, "bitpix": bitpix, "name": name}


def physical_cube(hdu):
    """First cube (NAXIS1 x NAXIS2 x NAXIS3) as float64 physical values, NaN where missing."""
    header = hdu.header
    shape = image_shape(header)
    width, height = shape[0], shape[1] if len(shape) > 1 else 1
    planes = shape[2] if len(shape) > 2 else 1
    stored = np.asarray(hdu.data).reshape(-1)[: width * height * planes]
    values = stored.astype(np.float64) * float(header.get("BSCALE", 1.0)) + float(header.get("BZERO", 0.0))
    if int(header["BITPIX"]) > 0 and "BLANK" in header:
        values[stored == int(header["BLANK"])] = np.nan
    return values.reshape(planes, height, width)


def number_or_null(value):
    return None if value is None or math.isnan(value) else float(value)


def sample_pixels(cube):
    planes, height, width = cube.shape
    spots = {(0, 0), (width - 1, height - 1), (width // 2, height // 3), (width // 3, height - 1), (width - 1, 0)}
    nan_at = np.argwhere(np.isnan(cube))
    samples = []
    for plane in sorted({0, planes - 1}):
        for x, y in sorted(spots):
            samples.append({"plane": plane, "x": x, "y": y, "value": number_or_null(cube[plane, y, x])})
    if len(nan_at):
        plane, y, x = (int(v) for v in nan_at[0])
        samples.append({"plane": plane, "x": x, "y": y, "value": None})
    return samples


def header_values(header):
    values = {}
    for key in HEADER_KEYS:
        value = header.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, str):
            values[key] = value.rstrip()
        elif isinstance(value, (int, float)):
            values[key] = float(value)
    return values


def image_entry(index, hdu):
    cube = physical_cube(hdu)
    valid = cube[~np.isnan(cube)]
    return {
        "hdu": index,
        "width": cube.shape[2], "height": cube.shape[1], "planes": cube.shape[0],
        "bitpix": int(hdu.header["BITPIX"]),
        "bscale": float(hdu.header.get("BSCALE", 1.0)), "bzero": float(hdu.header.get("BZERO", 0.0)),
        "min": number_or_null(valid.min()) if valid.size else None,
        "max": number_or_null(valid.max()) if valid.size else None,
        "mean": number_or_null(valid.mean()) if valid.size else None,
        "nan_count": int(cube.size - valid.size),
        "pixels": sample_pixels(cube),
        "keys": header_values(hdu.header),
    }


def file_entry(path):
    with fits.open(path, disable_image_compression=True) as raw:
        raw_headers = [hdu.header.copy() for hdu in raw]
    with fits.open(path, do_not_scale_image_data=True, memmap=False) as hdul:
        hdus = [describe(i, hdu, raw_headers[i]) for i, hdu in enumerate(hdul)]
        images = [image_entry(i, hdul[i]) for i, info in enumerate(hdus) if info["type"] == "image"]
    entry = {"hdus": hdus, "images": images}
    entry["default_hdu"] = images[0]["hdu"] if images else None
    if not images:
        groups = any(h["type"] == "groups" for h in hdus)
        entry["error"] = "random groups are not supported" if groups else "no HDU holds image data"
    return entry


def main():
    folder = sys.argv[1]
    warnings.simplefilter("ignore")  # astropy's notes on non-standard cards are not our business
    files = {name: file_entry(os.path.join(folder, name)) for name in sorted(os.listdir(folder)) if is_fits(name)}
    reference = {"generator": "tests/data/make_fits_reference.py with astropy " + __import__("astropy").__version__,
                 "files": files}
    target = os.path.join(folder, "reference.json")
    with open(target + ".tmp", "w") as out:
        json.dump(reference, out, indent=1, sort_keys=True)
    os.replace(target + ".tmp", target)


if __name__ == "__main__":
    main()
