#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "fitstestwriter.h"
#include "image/rasterwriter.h"

// Small image files for catalog and indexer tests: PNGs with distinct content per seed, an 8-bit
// FITS file with header keys, and junk that claims to be an image.
namespace catalogtest {

inline void writeTestPng(const std::string& path, int seed, int width = 40, int height = 32) {
    cosmoclip::Raster8 r;
    r.width = width;
    r.height = height;
    r.channels = 3;
    r.color = cosmoclip::ColorSource::Rgb;
    r.pixels.resize(static_cast<size_t>(width * height * 3));
    uint32_t state = 2166136261u ^ static_cast<uint32_t>(seed * 7919);
    for (auto& p : r.pixels) {
        state = state * 1664525u + 1013904223u;
        p = static_cast<uint8_t>(state >> 24);
    }
    cosmoclip::writePng(path, r);
}

/// An 8-bit 16x16 FITS image with OBJECT/TELESCOP/FILTER/RA/DEC cards.
inline void writeTestFits(const std::string& path, const std::string& object) {
    using fitstest::card;
    std::string bytes = fitstest::header({card("SIMPLE", "T"), card("BITPIX", "8"), card("NAXIS", "2"),
                                          card("NAXIS1", "16"), card("NAXIS2", "16"), card("OBJECT", "'" + object + "'"),
                                          card("TELESCOP", "'KPNO 0.9m'"), card("FILTER", "'R'"),
                                          card("RA", "'13:29:52.7'"), card("DEC", "'+47:11:43'"),
                                          card("EXPTIME", "120.5")});
    std::string data(256, '\0');
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 37 + object.size()) & 0xff);
    data.resize(2880, '\0');
    fitstest::writeBytes(path, bytes + data);
}

inline void writeText(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace catalogtest
