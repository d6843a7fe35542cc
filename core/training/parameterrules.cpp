#include "training/parameterrules.h"

#include <charconv>

#include "common/error.h"

namespace cosmoclip {

namespace {

bool startsWith(const std::string& s, std::string_view prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// The block index of "…resblocks.K.…" after `prefix`, or -1.
int64_t blockIndex(const std::string& name, std::string_view prefix) {
    if (!startsWith(name, prefix)) return -1;
    int64_t k = -1;
    const char* begin = name.data() + prefix.size();
    const auto [end, ec] = std::from_chars(begin, name.data() + name.size(), k);
    return ec == std::errc() && end != begin && *end == '.' ? k : -1;
}

bool isTextTower(const std::string& name) {
    return startsWith(name, "token_embedding.") || name == "positional_embedding" ||
           startsWith(name, "transformer.") || startsWith(name, "ln_final.") || name == "text_projection";
}

}  // namespace

FreezeOptions FreezeOptions::parse(std::string_view text) {
    if (text == "full" || text == "none") return {FreezeMode::None, 0};
    if (text == "text") return {FreezeMode::TextTower, 0};
    if (text.substr(0, 5) == "last:") {
        int n = 0;
        const std::string_view digits = text.substr(5);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (ec == std::errc() && end == digits.data() + digits.size() && n >= 1) return {FreezeMode::LastBlocks, n};
    }
    throw Error("freeze mode '" + std::string(text) + "'", "expected full, text or last:N with N >= 1");
}

std::string FreezeOptions::name() const {
    switch (mode) {
        case FreezeMode::None:
            return "full";
        case FreezeMode::TextTower:
            return "text";
        case FreezeMode::LastBlocks:
            return "last:" + std::to_string(lastBlocks);
    }
    return "full";
}

bool isTrainable(const std::string& name, const FreezeOptions& options, int64_t visionLayers, int64_t textLayers) {
    switch (options.mode) {
        case FreezeMode::None:
            return true;
        case FreezeMode::TextTower:
            return !isTextTower(name);
        case FreezeMode::LastBlocks: {
            if (name == "logit_scale" || name == "text_projection" || name == "visual.proj" ||
                startsWith(name, "ln_final.") || startsWith(name, "visual.ln_post."))
                return true;
            const int64_t vision = blockIndex(name, "visual.transformer.resblocks.");
            if (vision >= 0) return vision >= visionLayers - options.lastBlocks;
            const int64_t text = blockIndex(name, "transformer.resblocks.");
            return text >= 0 && text >= textLayers - options.lastBlocks;
        }
    }
    return true;
}

bool hasWeightDecay(const std::string& name, int64_t dims) {
    return dims >= 2 && name != "positional_embedding" && name != "visual.positional_embedding" &&
           name != "visual.class_embedding";
}

}  // namespace cosmoclip
