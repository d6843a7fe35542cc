#pragma once

#include <string_view>

namespace cosmoclip {

enum class Split { Train, Val, Test };

const char* splitName(Split split);  ///< "train", "val", "test"
/// "train", "val" (or "validation"), "test"; throws cosmoclip::Error for anything else.
Split parseSplit(std::string_view name);

/// Shares of the train, validation and test splits.
struct SplitFractions {
    double train = 0.7;
    double val = 0.15;
    double test = 0.15;

    /// "0.7,0.15,0.15": three numbers >= 0 that sum to 1 (within 1e-6). Throws cosmoclip::Error.
    static SplitFractions parse(std::string_view text);
};

/// The split of an item, a pure function of its content hash and the fractions, the same on every
/// platform and in every run, so that train, validation and test never share an image however the
/// catalog grows. The hash string's bytes go through FNV-1a 64 and splitmix64's finaliser; the top
/// 53 bits give u in [0, 1): u < train -> Train, u < train + val -> Val, else Test.
Split splitOf(std::string_view contentHash, const SplitFractions& fractions);

/// The u in [0, 1) that splitOf() compares with the fractions.
double splitPosition(std::string_view contentHash);

}  // namespace cosmoclip
