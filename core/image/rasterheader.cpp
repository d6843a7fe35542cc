#include "image/rasterheader.h"

#include <zlib.h>
#ifdef COSMOCLIP_HAVE_LIBDEFLATE
#include <libdeflate.h>  // its CRC-32 uses carry-less multiplication: several times zlib's speed
#endif

#include <algorithm>
#include <cstring>

#include "common/error.h"

// Small readers for the few header fields the loader needs. Every read is bounds-checked against
// the file size, because the header is exactly what a forged or cut-off file gets wrong.

namespace cosmoclip {

namespace {

uint32_t be16(const uint8_t* p) {
    return (uint32_t{p[0]} << 8) | p[1];
}
uint32_t be32(const uint8_t* p) {
    return (be16(p) << 16) | be16(p + 2);
}

// ---- PNG -----------------------------------------------------------------------------------

RasterHeader parsePng(const std::string& path, const uint8_t* b, size_t size) {
    // Signature (8), IHDR length (4), "IHDR" (4), 13 bytes of data: width, height, depth, colour...
    constexpr size_t kIhdrEnd = 8 + 4 + 4 + 13;
    if (size < kIhdrEnd) throw Error(path, "PNG header is truncated (" + std::to_string(size) + " bytes)");
    if (std::memcmp(b + 12, "IHDR", 4) != 0 || be32(b + 8) != 13)
        throw Error(path, "not a valid PNG: the first chunk is not a 13-byte IHDR");
    RasterHeader h;
    h.width = be32(b + 16);
    h.height = be32(b + 20);
    h.bitsPerSample = b[24];
    const int colorType = b[25];
    if (h.width == 0 || h.height == 0 || h.width > 0x7fffffff || h.height > 0x7fffffff)
        throw Error(path, "PNG header gives an invalid size " + std::to_string(h.width) + "x" +
                              std::to_string(h.height));
    switch (colorType) {
        case 0:
            h.color = ColorSource::Grey;
            h.samplesPerPixel = 1;
            break;
        case 2:
            h.color = ColorSource::Rgb;
            h.samplesPerPixel = 3;
            break;
        case 3:
            h.color = ColorSource::Palette;
            h.samplesPerPixel = 1;
            break;
        case 4:
            h.color = ColorSource::GreyAlpha;
            h.samplesPerPixel = 2;
            break;
        case 6:
            h.color = ColorSource::Rgba;
            h.samplesPerPixel = 4;
            break;
        default:
            throw Error(path, "PNG header has an invalid colour type " + std::to_string(colorType));
    }
    const int d = h.bitsPerSample;
    const bool depthOk = colorType == 0   ? (d == 1 || d == 2 || d == 4 || d == 8 || d == 16)
                         : colorType == 3 ? (d == 1 || d == 2 || d == 4 || d == 8)
                                          : (d == 8 || d == 16);
    if (!depthOk)
        throw Error(path, "PNG header has an invalid bit depth " + std::to_string(d) + " for colour type " +
                              std::to_string(colorType));
    return h;
}

// ---- JPEG ----------------------------------------------------------------------------------

bool isStandalone(uint8_t m) {
    return m == 0x01 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7);
}
// SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
bool isFrameMarker(uint8_t m) {
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

RasterHeader readFrame(const std::string& path, const uint8_t* seg, size_t length) {
    if (length < 8) throw Error(path, "JPEG frame header is too short");
    RasterHeader h;
    h.bitsPerSample = seg[0];
    h.height = be16(seg + 1);
    h.width = be16(seg + 3);
    h.samplesPerPixel = seg[5];
    if (h.width == 0) throw Error(path, "JPEG frame header gives width 0");
    if (h.height == 0) throw Error(path, "JPEG height is defined by a DNL marker, which is not supported");
    if (h.samplesPerPixel == 1) {
        h.color = ColorSource::Grey;
    } else if (h.samplesPerPixel == 3 || h.samplesPerPixel == 4) {
        h.color = ColorSource::Rgb;  // YCbCr, RGB, CMYK and YCCK all decode to RGB
    } else {
        throw Error(path, "JPEG with " + std::to_string(h.samplesPerPixel) + " components is not supported");
    }
    return h;
}

RasterHeader parseJpeg(const std::string& path, const uint8_t* b, size_t size) {
    const std::string truncated = "JPEG header is truncated";
    size_t pos = 2;  // after SOI
    bool haveFrame = false;
    RasterHeader h;
    while (true) {
        if (pos >= size) throw Error(path, truncated);
        if (b[pos] != 0xFF)
            throw Error(path, "corrupt JPEG header: marker expected at byte " + std::to_string(pos));
        const size_t markerAt = pos;
        while (pos < size && b[pos] == 0xFF) ++pos;  // fill bytes
        if (pos >= size) throw Error(path, truncated);
        const uint8_t m = b[pos++];
        if (isStandalone(m)) continue;
        if (m == 0xD9) throw Error(path, "JPEG ends before any image data");
        if (m == 0xDA) {
            if (!haveFrame) throw Error(path, "corrupt JPEG: scan data before the frame header");
            h.jpegScanOffset = markerAt;
            return h;
        }
        if (pos + 2 > size) throw Error(path, truncated);
        const size_t length = be16(b + pos);
        if (length < 2) throw Error(path, "corrupt JPEG header: segment length " + std::to_string(length));
        if (pos + length > size) throw Error(path, truncated);
        if (isFrameMarker(m) && !haveFrame) {
            h = readFrame(path, b + pos + 2, length - 2);
            haveFrame = true;
        }
        pos += length;
    }
}

// ---- TIFF ----------------------------------------------------------------------------------

struct TiffReader {
    const uint8_t* b;
    size_t size;
    bool little;
    uint32_t u16(size_t at) const { return little ? (uint32_t{b[at + 1]} << 8) | b[at] : be16(b + at); }
    uint32_t u32(size_t at) const { return little ? (u16(at + 2) << 16) | u16(at) : be32(b + at); }
};

/// The first value of an IFD entry of type SHORT or LONG; `ok` false for other types or a value
/// pointing outside the file.
uint32_t tiffFirstValue(const TiffReader& r, size_t entry, bool& ok) {
    const uint32_t type = r.u16(entry + 2);
    const uint32_t count = r.u32(entry + 4);
    const size_t width = type == 3 ? 2 : (type == 4 ? 4 : 0);
    ok = width != 0 && count >= 1;
    if (!ok) return 0;
    size_t at = entry + 8;
    if (static_cast<uint64_t>(count) * width > 4) {
        at = r.u32(entry + 8);
        if (at > r.size || r.size - at < width) {
            ok = false;
            return 0;
        }
    }
    return width == 2 ? r.u16(at) : r.u32(at);
}

RasterHeader parseTiff(const std::string& path, const uint8_t* b, size_t size) {
    if (size < 8) throw Error(path, "TIFF header is truncated");
    const TiffReader r{b, size, b[0] == 'I'};
    if (r.u16(2) != 42) throw Error(path, "not a classic TIFF file (BigTIFF is not supported)");
    const size_t ifd = r.u32(4);
    if (ifd < 8 || ifd > size || size - ifd < 2) throw Error(path, "TIFF header is truncated (no first IFD)");
    const size_t entries = r.u16(ifd);
    if (size - ifd - 2 < entries * 12) throw Error(path, "TIFF header is truncated (first IFD cut off)");

    RasterHeader h;
    h.samplesPerPixel = 1;
    h.bitsPerSample = 1;
    int photometric = -1;
    for (size_t i = 0; i < entries; ++i) {
        const size_t e = ifd + 2 + i * 12;
        bool ok = false;
        const uint32_t value = tiffFirstValue(r, e, ok);
        if (!ok) continue;
        switch (r.u16(e)) {
            case 256:
                h.width = value;
                break;
            case 257:
                h.height = value;
                break;
            case 258:
                h.bitsPerSample = static_cast<int>(value);
                break;
            case 262:
                photometric = static_cast<int>(value);
                break;
            case 277:
                h.samplesPerPixel = static_cast<int>(value);
                break;
            case 339:
                h.floatSamples = value == 3;
                break;
            default:
                break;
        }
    }
    if (h.width == 0 || h.height == 0) throw Error(path, "TIFF header lacks a valid ImageWidth/ImageLength");
    if (h.samplesPerPixel < 1) throw Error(path, "TIFF header has SamplesPerPixel 0");
    // OpenCV decodes LogL/LogLuv (its own default for multi-channel float) as all zeros.
    if (photometric == 32844 || photometric == 32845)
        throw Error(path, "LogLuv-encoded TIFF is not supported (save it with another compression)");
    if (photometric == 3) {
        h.color = ColorSource::Palette;
    } else if (h.samplesPerPixel == 1) {
        h.color = ColorSource::Grey;
    } else if (h.samplesPerPixel == 2) {
        h.color = ColorSource::GreyAlpha;
    } else if (h.samplesPerPixel == 3 || photometric == 5) {  // 5: CMYK, decoded to RGB
        h.color = ColorSource::Rgb;
    } else {
        h.color = ColorSource::Rgba;
    }
    return h;
}

}  // namespace

RasterHeader parseRasterHeader(const std::string& path, FileKind kind, const uint8_t* bytes, size_t size) {
    switch (kind) {
        case FileKind::Png:
            return parsePng(path, bytes, size);
        case FileKind::Jpeg:
            return parseJpeg(path, bytes, size);
        case FileKind::Tiff:
            return parseTiff(path, bytes, size);
        default:
            break;
    }
    throw Error(path, std::string("not a raster image file (") + fileKindName(kind) + ")");
}

bool jpegReachesEndMarker(const uint8_t* b, size_t size, size_t pos) {
    while (pos < size && b[pos] == 0xFF) {
        while (pos < size && b[pos] == 0xFF) ++pos;
        if (pos >= size) return false;
        const uint8_t m = b[pos++];
        if (m == 0xD9) return true;
        if (isStandalone(m)) continue;
        if (pos + 2 > size) return false;
        const size_t length = be16(b + pos);
        if (length < 2 || pos + length > size) return false;
        pos += length;
        if (m != 0xDA) continue;
        // Entropy-coded data: FF is followed by 00 (a stuffed byte) or RSTn inside a scan; any
        // other marker ends the scan.
        while (pos + 1 < size) {
            if (b[pos] == 0xFF) {
                const uint8_t n = b[pos + 1];
                if (n != 0x00 && !(n >= 0xD0 && n <= 0xD7)) break;
                pos += 2;
            } else {
                ++pos;
            }
        }
        if (pos + 1 >= size) return false;
    }
    return false;
}

std::string pngIntegrityProblem(const uint8_t* bytes, size_t size) {
    constexpr size_t kSignature = 8;
    size_t pos = kSignature;
    while (pos + 12 <= size) {  // length, type, data, CRC
        const uint32_t length = (uint32_t{bytes[pos]} << 24) | (uint32_t{bytes[pos + 1]} << 16) |
                                (uint32_t{bytes[pos + 2]} << 8) | uint32_t{bytes[pos + 3]};
        const std::string type(reinterpret_cast<const char*>(bytes + pos + 4), 4);
        const bool letters = std::all_of(type.begin(), type.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        });
        if (!letters) return "malformed chunk at byte " + std::to_string(pos) + " (the file is damaged)";
        if (length > size - pos - 12) return "the file ends inside chunk " + type + " (truncated)";
        const uint8_t* crcAt = bytes + pos + 8 + length;
        const uint32_t stored = (uint32_t{crcAt[0]} << 24) | (uint32_t{crcAt[1]} << 16) |
                                (uint32_t{crcAt[2]} << 8) | uint32_t{crcAt[3]};
        // The CRC covers the type and the data (PNG specification, section 5.3).
#ifdef COSMOCLIP_HAVE_LIBDEFLATE
        const uint32_t computed = libdeflate_crc32(0, bytes + pos + 4, length + 4);
#else
        const auto computed = static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), bytes + pos + 4, length + 4));
#endif
        if (stored != computed)
            return "chunk " + type + " at byte " + std::to_string(pos) + " fails its CRC check (the file is damaged)";
        if (type == "IEND") return {};
        pos += 12 + length;
    }
    return "the file ends before its IEND chunk (truncated)";
}

}  // namespace cosmoclip
