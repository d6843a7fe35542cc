#include "cli/imagecommands.h"

#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "common/atomicfile.h"
#include "common/error.h"
#include "image/clippreprocess.h"
#include "image/imageloader.h"
#include "image/rasterwriter.h"
#include "image/renderer.h"
#include "image/stretch.h"

namespace cosmoclip::cli {

namespace {

using json = nlohmann::ordered_json;

const std::vector<OptionSpec> kImageOptions = {
    {"hdu", true}, {"plane", true}, {"stretch", true}, {"json", false},
    {"output", true, false, "o"}, {"max-size", true}, {"size", true},
};

std::string onlyFile(const ParsedArgs& args) {
    if (args.positionals().size() != 1) throw UsageError("expected exactly one FILE");
    return args.positionals().front();
}

json numberOrNull(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json hduJson(const HduInfo& hdu) {
    return {{"index", hdu.index}, {"name", hdu.name}, {"type", hduTypeName(hdu.type)},
            {"shape", hdu.shape}, {"bitpix", hdu.bitpix}};
}

json infoJson(const LoadedImage& loaded) {
    json hdus = json::array();
    for (const auto& hdu : loaded.hdus) hdus.push_back(hduJson(hdu));
    json header = json::array();
    for (const auto& card : loaded.header)
        header.push_back({{"key", card.key}, {"value", card.value}, {"comment", card.comment}});
    const Image& im = loaded.image;
    const ImageStats& st = loaded.stats;
    return {{"path", loaded.path},
            {"format", imageFormatName(loaded.format)},
            {"hdus", hdus},
            {"selected_hdu", loaded.selectedHdu >= 0 ? json(loaded.selectedHdu) : json(nullptr)},
            {"image",
             {{"width", im.width}, {"height", im.height}, {"planes", im.planes}, {"bitpix", im.bitpix},
              {"bscale", im.bscale}, {"bzero", im.bzero}, {"min", numberOrNull(st.min)},
              {"max", numberOrNull(st.max)}, {"mean", numberOrNull(st.mean)}, {"nan_count", st.nanCount}}},
            {"header", header}};
}

void printInfoText(const LoadedImage& loaded) {
    const Image& im = loaded.image;
    std::printf("%s: %s, %d x %d", loaded.path.c_str(), imageFormatName(loaded.format), im.width, im.height);
    if (im.planes > 1) std::printf(" x %d planes", im.planes);
    std::printf(", BITPIX %d\n", im.bitpix);
    for (const auto& hdu : loaded.hdus) {
        std::string shape;
        for (size_t i = 0; i < hdu.shape.size(); ++i) shape += (i ? " x " : "") + std::to_string(hdu.shape[i]);
        std::printf("  %c HDU %d  %-10s %-6s %-16s BITPIX %d\n", hdu.index == loaded.selectedHdu ? '*' : ' ',
                    hdu.index, hdu.name.c_str(), hduTypeName(hdu.type), shape.c_str(), hdu.bitpix);
    }
    const ImageStats& st = loaded.stats;
    std::printf("  min %.6g  max %.6g  mean %.6g  missing %lld\n", st.min, st.max, st.mean,
                static_cast<long long>(st.nanCount));
}

LoadOptions loadOptionsFrom(const ParsedArgs& args) {
    LoadOptions options;
    options.hdu = args.value("hdu").value_or("");
    return options;
}

RenderOptions renderOptionsFrom(const ParsedArgs& args, const Image& image) {
    RenderOptions options;
    options.stretch.kind = stretchOption(args).value_or(defaultStretch(image));
    if (const auto plane = args.integer("plane", 0, 1 << 30)) {
        if (*plane >= image.planes)
            throw Error("--plane " + std::to_string(*plane) + " is out of range: the image has " +
                        std::to_string(image.planes) + " plane(s)");
        options.plane = static_cast<int>(*plane);
    }
    return options;
}

}  // namespace

std::optional<StretchKind> stretchOption(const ParsedArgs& args) {
    const auto name = args.value("stretch");
    if (!name) return std::nullopt;
    const auto kind = parseStretch(*name);
    if (!kind) throw UsageError("unknown --stretch '" + *name + "'");
    return kind;
}

int runInfo(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kImageOptions);
    const std::string path = onlyFile(args);
    const LoadedImage loaded = loadImage(path, loadOptionsFrom(args));
    if (args.has("json")) {
        std::cout << infoJson(loaded).dump(2) << std::endl;
    } else {
        printInfoText(loaded);
    }
    return 0;
}

int runRender(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kImageOptions);
    const std::string path = onlyFile(args);
    const auto out = args.value("output");
    if (!out) throw UsageError("render needs -o OUT.png");
    stretchOption(args);  // before loading: a usage mistake is reported as such even for a bad file
    const auto maxSize = args.integer("max-size", 1, 1 << 20);
    const LoadedImage loaded = loadImage(path, loadOptionsFrom(args));
    Raster8 raster = renderImage(loaded.image, renderOptionsFrom(args, loaded.image));
    if (maxSize) raster = fitWithin(raster, static_cast<int>(*maxSize));
    writePng(*out, raster);
    if (args.has("json"))
        std::cout << json{{"path", path}, {"output", *out}, {"width", raster.width}, {"height", raster.height}}
                  << std::endl;
    return 0;
}

int runPreprocess(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kImageOptions);
    const std::string path = onlyFile(args);
    const auto out = args.value("output");
    if (!out) throw UsageError("preprocess needs -o OUT.f32");
    const auto size = args.integer("size", 1, 4096);
    if (!size) throw UsageError("preprocess needs --size R");
    stretchOption(args);  // before loading: a usage mistake is reported as such even for a bad file
    const LoadedImage loaded = loadImage(path, loadOptionsFrom(args));
    const Raster8 raster = renderImage(loaded.image, renderOptionsFrom(args, loaded.image));
    PreprocessConfig config;
    config.size = static_cast<int>(*size);
    const std::vector<float> tensor = preprocessForClip(raster, config);
    // The .f32 format is little-endian float32; every platform we build for is little-endian.
    static_assert(sizeof(float) == 4);
    writeFileAtomically(*out, tensor.data(), tensor.size() * sizeof(float));
    if (args.has("json"))
        std::cout << json{{"path", path}, {"output", *out}, {"shape", {3, config.size, config.size}}} << std::endl;
    return 0;
}

}  // namespace cosmoclip::cli
