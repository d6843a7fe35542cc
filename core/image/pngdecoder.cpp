// PNG decoding without OpenCV for the common layouts: the file's IDAT data inflated by libdeflate into
// one buffer of filtered rows, then each row unfiltered (PNG specification, section 9) and its
// interleaved samples written to the image's float planes, with the statistics taken on the way.
#include "image/pngdecoder.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "common/largebuffer.h"
#include "common/parallelfor.h"
#include "common/vectorclones.h"

#ifdef COSMOCLIP_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

namespace cosmoclip {

#ifdef COSMOCLIP_HAVE_LIBDEFLATE

namespace {

uint32_t be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

/// What the direct decoder needs from the chunks of a PNG it can take.
struct PngLayout {
    size_t width = 0;
    size_t height = 0;
    int depth = 0;     ///< 8 or 16
    int channels = 0;  ///< samples per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA
    std::vector<std::pair<size_t, size_t>> idat;  ///< offset of each IDAT chunk's data in the file, length
    size_t idatBytes = 0;

    size_t pixelBytes() const { return static_cast<size_t>(channels * depth / 8); }
    size_t rowBytes() const { return width * pixelBytes(); }
    int colours() const { return channels >= 3 ? 3 : 1; }
    bool alpha() const { return channels == 2 || channels == 4; }
};

/// The layout when every chunk says the file is one the direct decoder reproduces exactly, else none.
std::optional<PngLayout> directLayout(const uint8_t* bytes, size_t size) {
    PngLayout layout;
    bool header = false;
    for (size_t pos = 8; pos + 12 <= size;) {
        const size_t length = be32(bytes + pos);
        if (length > size - pos - 12) return std::nullopt;
        const uint8_t* data = bytes + pos + 8;
        const auto is = [&](const char* type) { return std::memcmp(bytes + pos + 4, type, 4) == 0; };
        if (is("IHDR") != (pos == 8)) return std::nullopt;  // one IHDR, the first chunk (libpng insists too)
        if (is("IHDR")) {
            if (length != 13) return std::nullopt;
            layout.width = be32(data);
            layout.height = be32(data + 4);
            layout.depth = data[8];
            const int colorType = data[9];
            // Compression, filter method and interlace must all be 0 (deflate, adaptive, none).
            if (data[10] != 0 || data[11] != 0 || data[12] != 0) return std::nullopt;
            if (layout.depth != 8 && layout.depth != 16) return std::nullopt;
            switch (colorType) {
                case 0: layout.channels = 1; break;
                case 4: layout.channels = 2; break;
                case 2: layout.channels = 3; break;
                case 6: layout.channels = 4; break;
                default: return std::nullopt;  // palette: OpenCV expands it
            }
            header = true;
        } else if (is("tRNS")) {
            return std::nullopt;  // OpenCV turns it into an alpha channel
        } else if (is("IDAT")) {
            // The specification wants the IDAT chunks one after another, and libpng refuses a file
            // with other chunks between them: so does this decoder (OpenCV then reports it).
            if (!layout.idat.empty() && layout.idat.back().first + layout.idat.back().second + 4 != pos)
                return std::nullopt;
            layout.idat.emplace_back(pos + 8, length);
            layout.idatBytes += length;
        } else if (is("IEND")) {
            break;
        }
        pos += 12 + length;
    }
    if (!header || layout.idat.empty() || layout.width == 0 || layout.height == 0) return std::nullopt;
    return layout;
}

uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c;
    const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return static_cast<uint8_t>(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/// Reverses one row's filter in place. `prev` is the previous row, already unfiltered (zeros above the
/// first row); `bpp` the bytes per pixel, at least 1.
void unfilterRow(uint8_t filter, uint8_t* cur, const uint8_t* prev, size_t n, size_t bpp) {
    switch (filter) {
        case 1:  // Sub
            for (size_t i = bpp; i < n; ++i) cur[i] = static_cast<uint8_t>(cur[i] + cur[i - bpp]);
            break;
        case 2:  // Up
            for (size_t i = 0; i < n; ++i) cur[i] = static_cast<uint8_t>(cur[i] + prev[i]);
            break;
        case 3:  // Average
            for (size_t i = 0; i < bpp; ++i) cur[i] = static_cast<uint8_t>(cur[i] + (prev[i] >> 1));
            for (size_t i = bpp; i < n; ++i) cur[i] = static_cast<uint8_t>(cur[i] + ((cur[i - bpp] + prev[i]) >> 1));
            break;
        case 4:  // Paeth
            for (size_t i = 0; i < bpp; ++i) cur[i] = static_cast<uint8_t>(cur[i] + prev[i]);
            for (size_t i = bpp; i < n; ++i) cur[i] = static_cast<uint8_t>(cur[i] + paeth(cur[i - bpp], prev[i], prev[i - bpp]));
            break;
        default:  // None
            break;
    }
}

/// Min / max / sum of integer samples: exact, so the mean equals StatsAccumulator's over the floats.
struct IntegerStats {
    uint32_t lo = std::numeric_limits<uint32_t>::max();
    uint32_t hi = 0;
    uint64_t sum = 0;
};

/// Splits one unfiltered row of CH interleaved samples (big-endian when 16-bit) into the planes.
template <int CH, int BYTES>
COSMOCLIP_VECTOR_CLONES void splitRow(const uint8_t* row, size_t width, float* const* planes, float* alpha, IntegerStats& stats) {
    constexpr int kColours = CH >= 3 ? 3 : 1;
    uint32_t lo = stats.lo, hi = stats.hi;
    uint64_t sum = 0;
    for (size_t x = 0; x < width; ++x) {
        const uint8_t* px = row + x * CH * BYTES;
        for (int c = 0; c < CH; ++c) {
            const uint32_t v = BYTES == 1 ? px[c] : (uint32_t{px[2 * c]} << 8) | px[2 * c + 1];
            if (c < kColours) {
                planes[c][x] = static_cast<float>(v);
                lo = std::min(lo, v);
                hi = std::max(hi, v);
                sum += v;
            } else {
                // Alpha as 0..255, as the OpenCV path scales it (16-bit divided by 257).
                alpha[x] = BYTES == 1 ? static_cast<float>(v) : static_cast<float>(v) / 257.0f;
            }
        }
    }
    stats.lo = lo;
    stats.hi = hi;
    stats.sum += sum;
}

using SplitFn = void (*)(const uint8_t*, size_t, float* const*, float*, IntegerStats&);

SplitFn splitFor(int channels, int depth) {
    const bool wide = depth == 16;
    switch (channels) {
        case 1: return wide ? splitRow<1, 2> : splitRow<1, 1>;
        case 2: return wide ? splitRow<2, 2> : splitRow<2, 1>;
        case 3: return wide ? splitRow<3, 2> : splitRow<3, 1>;
        default: return wide ? splitRow<4, 2> : splitRow<4, 1>;
    }
}

struct DecompressorDeleter {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

/// The IDAT chunks' data as one stream, for libdeflate, which takes its input in one piece. Encoders
/// write the stream in chunks of a few KiB, one right after another, so the data is joined where it
/// lies: each chunk's data moves down over the 12 bytes of framing (CRC, length, type) before it,
/// instead of being copied into 30 MB of fresh memory. The framing is kept, and the destructor puts
/// the file's bytes back as they were unless keep() was called.
class JoinedIdat final {
public:
    JoinedIdat(uint8_t* file, const PngLayout& layout) : m_file(file), m_layout(layout) {
        const auto& idat = layout.idat;
        m_framing.resize((idat.size() - 1) * kFraming);
        uint8_t* to = file + idat.front().first + idat.front().second;
        for (size_t i = 1; i < idat.size(); ++i) {  // directLayout() made sure they are consecutive
            std::memcpy(m_framing.data() + (i - 1) * kFraming, file + idat[i].first - kFraming, kFraming);
            std::memmove(to, file + idat[i].first, idat[i].second);
            to += idat[i].second;
        }
        m_moved = idat.size() > 1;
    }
    ~JoinedIdat() {
        if (!m_moved) return;
        // Back to front: each chunk's data moves up to where it was, over data already put back.
        const auto& idat = m_layout.idat;
        size_t joinedAt = idat.front().first + m_layout.idatBytes;
        for (size_t i = idat.size() - 1; i >= 1; --i) {
            joinedAt -= idat[i].second;
            std::memmove(m_file + idat[i].first, m_file + joinedAt, idat[i].second);
        }
        for (size_t i = 1; i < idat.size(); ++i) {
            std::memcpy(m_file + idat[i].first - kFraming, m_framing.data() + (i - 1) * kFraming, kFraming);
        }
    }
    JoinedIdat(const JoinedIdat&) = delete;
    JoinedIdat& operator=(const JoinedIdat&) = delete;

    const uint8_t* data() const { return m_file + m_layout.idat.front().first; }
    /// The file's bytes are not needed as they were any more (the image is decoded).
    void keep() { m_moved = false; }

private:
    static constexpr size_t kFraming = 12;  // CRC of one chunk, length and type of the next

    uint8_t* m_file;
    const PngLayout& m_layout;
    std::vector<uint8_t> m_framing;
    bool m_moved = false;
};

/// The filtered rows (a filter byte, then the row) inflated from the joined IDAT data, or none when
/// the stream is damaged or does not hold exactly height rows.
std::optional<LargeBuffer> inflateRows(const PngLayout& layout, const uint8_t* stream) {
    const std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> inflater(libdeflate_alloc_decompressor());
    if (!inflater) return std::nullopt;
    LargeBuffer rows(layout.height * (layout.rowBytes() + 1));
    // No actual-size pointer: anything but exactly rows.size() bytes is a failure.
    const libdeflate_result result =
        libdeflate_zlib_decompress(inflater.get(), stream, layout.idatBytes, rows.data(), rows.size(), nullptr);
    if (result != LIBDEFLATE_SUCCESS) return std::nullopt;
    return rows;
}

}  // namespace

bool decodePngDirect(uint8_t* bytes, size_t size, Image& image, ImageStats& stats) {
    const std::optional<PngLayout> found = directLayout(bytes, size);
    if (!found) return false;
    const PngLayout& layout = *found;
    JoinedIdat stream(bytes, layout);
    std::optional<LargeBuffer> inflated = inflateRows(layout, stream.data());
    if (!inflated) return false;
    uint8_t* rows = inflated->data();
    const size_t stride = layout.rowBytes() + 1, rowBytes = layout.rowBytes(), bpp = layout.pixelBytes();
    // Up, Average and Paeth read the row above, so rows using them are unfiltered in order first;
    // None and Sub rows (all of them in files OpenCV writes) are unfiltered in parallel below.
    bool chained = false;
    for (size_t y = 0; y < layout.height; ++y) {
        const uint8_t filter = rows[y * stride];
        if (filter > 4) return false;  // libpng refuses it; OpenCV reports the damage
        chained = chained || (filter >= 2 && y > 0);
    }
    if (chained) {
        const std::vector<uint8_t> zeros(rowBytes, 0);
        for (size_t y = 0; y < layout.height; ++y) {
            const uint8_t* prev = y > 0 ? rows + (y - 1) * stride + 1 : zeros.data();
            unfilterRow(rows[y * stride], rows + y * stride + 1, prev, rowBytes, bpp);
        }
    }

    image.width = static_cast<int>(layout.width);
    image.height = static_cast<int>(layout.height);
    image.planes = layout.colours();
    image.rgb = image.planes == 3;
    image.bitpix = layout.depth;
    image.color = layout.channels == 1   ? ColorSource::Grey
                  : layout.channels == 2 ? ColorSource::GreyAlpha
                  : layout.channels == 3 ? ColorSource::Rgb
                                         : ColorSource::Rgba;
    // Pages are faulted in by the threads that write them below; nothing is zero-filled first.
    allocatePixels(image.data, image.planeSize() * static_cast<size_t>(image.planes));
    if (layout.alpha()) {
        allocatePixels(image.alpha, image.planeSize());
    } else {
        image.alpha.clear();
    }

    const SplitFn split = splitFor(layout.channels, layout.depth);
    const size_t minRows = std::max<size_t>(1, (size_t{1} << 18) / std::max<size_t>(1, rowBytes));
    std::vector<IntegerStats> parts(parallelParts(layout.height, minRows));
    parallelFor(layout.height, minRows, [&](size_t part, size_t begin, size_t end) {
        const std::vector<uint8_t> zeros(chained ? 0 : rowBytes, 0);
        for (size_t y = begin; y < end; ++y) {
            uint8_t* row = rows + y * stride + 1;
            if (!chained) unfilterRow(row[-1], row, zeros.data(), rowBytes, bpp);  // None or Sub
            const size_t offset = y * layout.width;
            float* planes[3] = {image.plane(0) + offset, nullptr, nullptr};
            if (image.planes == 3) {
                planes[1] = image.plane(1) + offset;
                planes[2] = image.plane(2) + offset;
            }
            split(row, layout.width, planes, layout.alpha() ? image.alpha.data() + offset : nullptr, parts[part]);
        }
    });

    IntegerStats all;
    for (const IntegerStats& p : parts) {
        all.lo = std::min(all.lo, p.lo);
        all.hi = std::max(all.hi, p.hi);
        all.sum += p.sum;
    }
    const auto count = static_cast<int64_t>(image.data.size());
    stats = ImageStats{};
    stats.min = all.lo;
    stats.max = all.hi;
    stats.mean = static_cast<double>(all.sum) / static_cast<double>(count);
    stats.validCount = count;
    stream.keep();  // decoded: the caller will not read the file's bytes again
    return true;
}

bool pngDirectDecoderAvailable() {
    return true;
}

#else  // without libdeflate every PNG goes through OpenCV

bool decodePngDirect(uint8_t*, size_t, Image&, ImageStats&) {
    return false;
}

bool pngDirectDecoderAvailable() {
    return false;
}

#endif

}  // namespace cosmoclip
