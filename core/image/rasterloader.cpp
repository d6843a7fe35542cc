#include "image/rasterloader.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <mutex>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>

#include "common/error.h"
#include "common/largebuffer.h"
#include "common/parallelfor.h"
#include "image/pngdecoder.h"
#include "image/rasterheader.h"
#include "image/statsaccumulator.h"

namespace cosmoclip {

namespace {

void silenceOpenCv() {
    // OpenCV reports decoder trouble on stderr as well as through its return values; we turn the
    // latter into one-line errors, so the chatter only confuses CLI users.
    static std::once_flag once;
    std::call_once(once, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
}

LargeBuffer readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error(path, std::string("cannot open for reading: ") + std::strerror(errno));
    const std::streamoff size = in.tellg();
    if (size <= 0) throw Error(path, "file is empty");
    LargeBuffer bytes(static_cast<size_t>(size));
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) throw Error(path, "read error");
    return bytes;
}

ImageFormat formatOf(FileKind kind) {
    switch (kind) {
        case FileKind::Jpeg:
            return ImageFormat::Jpeg;
        case FileKind::Tiff:
            return ImageFormat::Tiff;
        default:
            return ImageFormat::Png;
    }
}

void checkSampleLimit(const std::string& path, const RasterHeader& h, int64_t maxSamples) {
    const int64_t planes = h.planes();
    if (h.width > INT32_MAX || h.height > INT32_MAX)
        throw Error(path, "image too large: " + std::to_string(h.width) + "x" + std::to_string(h.height));
    // Divide instead of multiplying: width * height of a forged header can overflow 64 bits.
    if (h.width > maxSamples / h.height / planes)
        throw Error(path, "image too large: " + std::to_string(h.width) + "x" + std::to_string(h.height) +
                              " pixels x " + std::to_string(planes) + " planes exceeds the limit of " +
                              std::to_string(maxSamples) + " samples");
}

int bitpixOf(int depth) {
    switch (depth) {
        case CV_8U:
        case CV_8S:
            return 8;
        case CV_16U:
        case CV_16S:
            return 16;
        default:
            return -32;
    }
}

/// Header-only description, for LoadOptions::pixels == false.
int headerBitpix(const RasterHeader& h) {
    if (h.floatSamples || h.bitsPerSample > 16) return -32;
    return h.bitsPerSample > 8 ? 16 : 8;
}

/// Copies one channel of the decoded matrix into a float plane, straight from its sample type,
/// each core taking its own band of rows.
template <typename T>
void copyChannelAs(const cv::Mat& m, int channel, float* dst) {
    const size_t ch = static_cast<size_t>(m.channels()), w = static_cast<size_t>(m.cols);
    const size_t minRows = std::max<size_t>(1, (size_t{1} << 18) / std::max<size_t>(1, w));
    parallelFor(static_cast<size_t>(m.rows), minRows, [&](size_t, size_t begin, size_t end) {
        for (size_t y = begin; y < end; ++y) {
            const T* row = m.ptr<T>(static_cast<int>(y)) + channel;
            float* out = dst + y * w;
            for (size_t x = 0; x < w; ++x) out[x] = static_cast<float>(row[x * ch]);
        }
    });
}

void copyChannel(const cv::Mat& m, int channel, float* dst) {
    switch (m.depth()) {
        case CV_8U:
            copyChannelAs<uint8_t>(m, channel, dst);
            break;
        case CV_8S:
            copyChannelAs<int8_t>(m, channel, dst);
            break;
        case CV_16U:
            copyChannelAs<uint16_t>(m, channel, dst);
            break;
        case CV_16S:
            copyChannelAs<int16_t>(m, channel, dst);
            break;
        case CV_32S:
            copyChannelAs<int32_t>(m, channel, dst);
            break;
        case CV_32F:
            copyChannelAs<float>(m, channel, dst);
            break;
        case CV_64F:
            copyChannelAs<double>(m, channel, dst);
            break;
        default:
            std::fill_n(dst, m.total(), std::numeric_limits<float>::quiet_NaN());
            break;
    }
}

/// Alpha as 0..255 whatever the sample type: 16-bit divided by 257, float taken as 0..1.
void scaleAlpha(PixelVector& alpha, int depth) {
    for (float& a : alpha) {
        if (depth == CV_16U || depth == CV_16S)
            a /= 257.0f;
        else if (depth != CV_8U && depth != CV_8S)
            a = std::clamp(a * 255.0f, 0.0f, 255.0f);
    }
}

ColorSource decodedColor(FileKind kind, const RasterHeader& h, int channels) {
    if (kind == FileKind::Png || h.color == ColorSource::Palette) return h.color;
    // A grey TIFF may come back from OpenCV's RGBA fallback as BGRA with B = G = R.
    const bool alpha = channels == 2 || channels == 4;
    const bool grey = h.color == ColorSource::Grey || h.color == ColorSource::GreyAlpha || channels < 3;
    if (grey) return alpha ? ColorSource::GreyAlpha : ColorSource::Grey;
    return alpha ? ColorSource::Rgba : ColorSource::Rgb;
}

/// Fills planar RGB (or one grey plane) and alpha from OpenCV's interleaved BGR(A)/grey(+alpha).
void fillImage(FileKind kind, const RasterHeader& h, const cv::Mat& decoded, Image& image) {
    const int channels = decoded.channels();
    image.color = decodedColor(kind, h, channels);
    image.bitpix = bitpixOf(decoded.depth());
    const bool grey =
        image.color == ColorSource::Grey || image.color == ColorSource::GreyAlpha || channels < 3;
    image.planes = grey ? 1 : 3;
    image.rgb = image.planes == 3;
    allocatePixels(image.data, image.planeSize() * static_cast<size_t>(image.planes));
    if (grey) {
        copyChannel(decoded, 0, image.plane(0));  // a grey file decoded as BGR has B = G = R
    } else {
        for (int p = 0; p < 3; ++p) copyChannel(decoded, 2 - p, image.plane(p));  // BGR -> R, G, B
    }
    const bool hasAlpha = channels == 2 || channels == 4;
    if (hasAlpha) {
        allocatePixels(image.alpha, image.planeSize());
        copyChannel(decoded, channels - 1, image.alpha.data());
        scaleAlpha(image.alpha, decoded.depth());
    }
}

/// The matrix OpenCV will decode into, allocated here with huge pages when its type can be told from
/// the header (OpenCV's own allocation faults in page by page). A wrong guess costs nothing:
/// cv::imdecode then allocates the matrix itself.
cv::Mat decodeTarget(const RasterHeader& h, LargeBuffer& storage) {
    const int depth = h.floatSamples ? CV_32F : h.bitsPerSample > 8 ? CV_16U : CV_8U;
    const int channels = h.color == ColorSource::Grey ? 1
                         : h.color == ColorSource::Rgb ? 3
                         : h.color == ColorSource::Rgba ? 4
                                                        : 0;
    if (channels == 0 || h.bitsPerSample > 16 || (h.floatSamples && h.bitsPerSample != 32)) return {};
    const int type = CV_MAKETYPE(depth, channels);
    storage = LargeBuffer(static_cast<size_t>(h.width) * static_cast<size_t>(h.height) * CV_ELEM_SIZE(type));
    return cv::Mat(static_cast<int>(h.height), static_cast<int>(h.width), type, storage.data());
}

void checkIntegrity(const std::string& path, FileKind kind, const LargeBuffer& bytes, const RasterHeader& header) {
    if (kind == FileKind::Jpeg && !jpegReachesEndMarker(bytes.data(), bytes.size(), header.jpegScanOffset))
        throw Error(path, "file is truncated (the JPEG data ends before its end marker)");
    if (kind == FileKind::Png) {
        if (const std::string problem = pngIntegrityProblem(bytes.data(), bytes.size()); !problem.empty())
            throw Error(path, problem);
    }
}

cv::Mat decode(const std::string& path, FileKind kind, const LargeBuffer& bytes, const RasterHeader& header,
               LargeBuffer& storage) {
    cv::Mat decoded = decodeTarget(header, storage);
    try {
        const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<uint8_t*>(bytes.data()));
        cv::imdecode(encoded, cv::IMREAD_UNCHANGED, &decoded);
    } catch (const cv::Exception& e) {
        throw Error(path, std::string("cannot decode ") + fileKindName(kind) + " data: " + e.err);
    }
    if (decoded.empty())
        throw Error(path, std::string("cannot decode ") + fileKindName(kind) +
                              " data (the file is corrupt or truncated)");
    if (decoded.cols != header.width || decoded.rows != header.height)
        throw Error(path, "decoded size " + std::to_string(decoded.cols) + "x" +
                              std::to_string(decoded.rows) + " differs from the header's " +
                              std::to_string(header.width) + "x" + std::to_string(header.height));
    if (decoded.channels() > 4) throw Error(path, "images with more than 4 channels are not supported");
    if (decoded.depth() == CV_16F) decoded.convertTo(decoded, CV_32F);  // half-float TIFF
    return decoded;
}

/// Statistics of the colour planes, each core measuring its own part.
ImageStats pixelStats(const PixelVector& data) {
    constexpr size_t kMinPerThread = size_t{1} << 20;
    std::vector<StatsAccumulator> parts(parallelParts(data.size(), kMinPerThread));
    parallelFor(data.size(), kMinPerThread, [&](size_t part, size_t begin, size_t end) {
        parts[part].add(data.data() + begin, end - begin);
    });
    StatsAccumulator all;
    for (const StatsAccumulator& p : parts) all.merge(p);
    return all.result();
}

}  // namespace

LoadedImage readRaster(const std::string& path, FileKind kind, const LoadOptions& options) {
    silenceOpenCv();
    LargeBuffer bytes = readWholeFile(path);  // not const: the direct PNG decoder rearranges it
    const RasterHeader header = parseRasterHeader(path, kind, bytes.data(), bytes.size());
    checkSampleLimit(path, header, options.maxSamples);

    LoadedImage loaded;
    loaded.path = path;
    loaded.format = formatOf(kind);
    Image& image = loaded.image;
    image.format = loaded.format;
    image.width = static_cast<int>(header.width);
    image.height = static_cast<int>(header.height);
    image.bottomUp = false;
    if (!options.pixels) {
        image.color = header.color;
        image.planes = header.planes();
        image.rgb = image.planes == 3;
        image.bitpix = headerBitpix(header);
        return loaded;
    }
    checkIntegrity(path, kind, bytes, header);
    if (kind == FileKind::Png && decodePngDirect(bytes.data(), bytes.size(), image, loaded.stats)) return loaded;
    LargeBuffer storage;
    const cv::Mat decoded = decode(path, kind, bytes, header, storage);
    fillImage(kind, header, decoded, image);
    loaded.stats = pixelStats(image.data);
    return loaded;
}

}  // namespace cosmoclip
