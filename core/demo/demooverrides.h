#pragma once

#include <span>
#include <string>

namespace cosmoclip {

/// A hand-written label for a Stellarium nebula tile whose file name carries no usable catalogue id
/// (mosaic tiles, fields, named objects), or whose catalogue record is typed wrongly. The table is
/// the one in shared/docs/demo-data.md §5; it takes precedence over the file-name match.
struct DemoOverride {
    const char* stem;    ///< file name without ".png"; a trailing '*' matches any rest ("lmc_*")
    const char* label;   ///< the class (demolabels.h)
    const char* name;    ///< common name for the caption; "" = from names.dat (lookup only)
    const char* ids;     ///< designations separated by ';', may be ""
    bool lookup;         ///< look the first id up in catalog.dat for its ids, names and morphology
    const char* detail;  ///< extra caption clause, may be ""
};

std::span<const DemoOverride> demoOverrides();
/// The override for a file name ("lmc_07.png", "sh2-80.png"), or nullptr.
const DemoOverride* findDemoOverride(const std::string& fileName);

}  // namespace cosmoclip
