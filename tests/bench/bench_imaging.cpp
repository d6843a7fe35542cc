// Load + stretch benchmark against astropy, measured in the same run.
// Usage: bench_imaging [--size 4096] [--repeat 5] [--only fits|png] [--no-peer] [--keep]
// (--only, --no-peer and --keep, which leaves the files and prints where, are for profiling one
// path with perf; the ratios need the peer.)
// Writes a sky-like float32 FITS (noise, gradient, stars, NaN patch) and an 8-bit RGB PNG of the
// same size into a temporary folder, then times:
//   ours:   loadImage + renderImage(Auto / ZScale / Asinh)   (core, one call each); the PNG also
//           with None, the default stretch of 8-bit pictures (shown, not in the ratios)
//   astropy: fits.open + ZScaleInterval + AsinhStretch -> uint8 (tests/bench/astropy_peer.py)
// and prints the ratios. Goal of the foundation issue: >= 3x astropy's speed.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fitsio.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "image/imageloader.h"
#include "image/renderer.h"

namespace fs = std::filesystem;
using namespace cosmoclip;

namespace {

std::vector<float> skyPixels(int size) {
    std::mt19937 rng(42);
    std::normal_distribution<float> noise(1000.0f, 15.0f);
    std::vector<float> px(static_cast<size_t>(size) * size);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) px[static_cast<size_t>(y) * size + x] = noise(rng) + 0.01f * x;
    std::uniform_int_distribution<int> pos(8, size - 9);
    for (int s = 0; s < 2000; ++s) {
        const int cx = pos(rng), cy = pos(rng);
        for (int dy = -3; dy <= 3; ++dy)
            for (int dx = -3; dx <= 3; ++dx)
                px[static_cast<size_t>(cy + dy) * size + cx + dx] += 30000.0f * std::exp(-(dx * dx + dy * dy) / 2.0f);
    }
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) px[static_cast<size_t>(y) * size + x] = NAN;
    return px;
}

void writeFits(const std::string& path, const std::vector<float>& px, int size) {
    fitsfile* f = nullptr;
    int status = 0;
    long naxes[2] = {size, size};
    fits_create_file(&f, ("!" + path).c_str(), &status);
    fits_create_img(f, FLOAT_IMG, 2, naxes, &status);
    fits_write_img(f, TFLOAT, 1, static_cast<LONGLONG>(px.size()), const_cast<float*>(px.data()), &status);
    fits_close_file(f, &status);
    if (status) {
        std::fprintf(stderr, "bench_imaging: cannot write %s (CFITSIO status %d)\n", path.c_str(), status);
        std::exit(1);
    }
}

void writePngFile(const std::string& path, const std::vector<float>& px, int size) {
    cv::Mat bgr(size, size, CV_8UC3);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            const float v = std::isnan(px[static_cast<size_t>(y) * size + x]) ? 0.f : px[static_cast<size_t>(y) * size + x];
            const auto g = static_cast<uchar>(std::clamp((v - 950.0f) * 0.5f, 0.0f, 255.0f));
            bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(g, static_cast<uchar>(g * 0.9), static_cast<uchar>(g * 0.8));
        }
    cv::imwrite(path, bgr);
}

template <typename F>
double medianSeconds(F&& fn, int repeat) {
    std::vector<double> t;
    for (int i = 0; i < repeat; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

double timeOurs(const std::string& path, StretchKind kind, int repeat) {
    return medianSeconds([&] {
        const LoadedImage im = loadImage(path);
        RenderOptions options;
        options.stretch.kind = kind;
        const Raster8 r = renderImage(im.image, options);
        if (r.pixels.empty()) std::abort();
    }, repeat);
}

nlohmann::json runPeer(const std::string& fitsPath, const std::string& pngPath, int repeat) {
    const std::string cmd = "/usr/bin/python3 '" COSMOCLIP_SOURCE_DIR "/tests/bench/astropy_peer.py' '" + fitsPath +
                            "' '" + pngPath + "' " + std::to_string(repeat);
    std::FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe) return nullptr;
    std::string out;
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), pipe)) out += buf.data();
    if (::pclose(pipe) != 0) return nullptr;
    return nlohmann::json::parse(out, nullptr, false);
}

}  // namespace

int main(int argc, char** argv) {
    int size = 4096, repeat = 5;
    std::string only;
    bool peerWanted = true, keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--no-peer") peerWanted = false;
        else if (a == "--keep") keep = true;
        else if (a == "--size" && hasValue) size = std::atoi(argv[++i]);
        else if (a == "--repeat" && hasValue) repeat = std::atoi(argv[++i]);
        else if (a == "--only" && hasValue) only = argv[++i];
    }
    const bool doFits = only.empty() || only == "fits", doPng = only.empty() || only == "png";
    const fs::path dir = fs::temp_directory_path() / ("cosmoclip-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string fitsPath = (dir / "sky.fits").string(), pngPath = (dir / "sky.png").string();
    const auto px = skyPixels(size);
    writeFits(fitsPath, px, size);
    writePngFile(pngPath, px, size);

    const double fitsAuto = doFits ? timeOurs(fitsPath, StretchKind::Auto, repeat) : NAN;
    const double fitsZscale = doFits ? timeOurs(fitsPath, StretchKind::ZScale, repeat) : NAN;
    const double fitsAsinh = doFits ? timeOurs(fitsPath, StretchKind::Asinh, repeat) : NAN;
    const double pngAuto = doPng ? timeOurs(pngPath, StretchKind::Auto, repeat) : NAN;
    const double pngNone = doPng ? timeOurs(pngPath, StretchKind::None, repeat) : NAN;
    const nlohmann::json peer = peerWanted ? runPeer(fitsPath, pngPath, repeat) : nlohmann::json();
    if (keep) std::printf("files kept: %s %s\n", fitsPath.c_str(), pngPath.c_str());
    else fs::remove_all(dir);

    std::printf("load + stretch to 8 bits, %dx%d, median of %d runs, 1 process\n", size, size, repeat);
    std::printf("  CosmoCLIP FITS float32  auto  %8.1f ms\n", fitsAuto * 1e3);
    std::printf("  CosmoCLIP FITS float32  zscale%8.1f ms\n", fitsZscale * 1e3);
    std::printf("  CosmoCLIP FITS float32  asinh %8.1f ms\n", fitsAsinh * 1e3);
    std::printf("  CosmoCLIP PNG 8-bit RGB auto  %8.1f ms\n", pngAuto * 1e3);
    std::printf("  CosmoCLIP PNG 8-bit RGB none  %8.1f ms  (default for 8-bit)\n", pngNone * 1e3);
    if (peer.is_object()) {
        const double pf = peer["fits_seconds"], pp = peer["png_seconds"];
        std::printf("  astropy  FITS float32 zscale+asinh %8.1f ms\n", pf * 1e3);
        std::printf("  astropy  PNG (Pillow) zscale+asinh %8.1f ms\n", pp * 1e3);
        std::printf("ratio FITS (astropy / CosmoCLIP auto):  %.2fx\n", pf / fitsAuto);
        std::printf("ratio FITS (astropy / CosmoCLIP asinh): %.2fx\n", pf / fitsAsinh);
        std::printf("ratio PNG  (astropy / CosmoCLIP auto):  %.2fx\n", pp / pngAuto);
    } else {
        std::printf("astropy peer unavailable (needs /usr/bin/python3 with astropy, numpy, PIL)\n");
    }
    return 0;
}
