#pragma once

#include <string>
#include <vector>

namespace cosmoclip {

/// The metadata a caption is made from.
struct CaptionFacts {
    std::string name;               ///< common name, may be empty
    std::vector<std::string> ids;   ///< designations; the first three are written
    std::string label;              ///< class label, written with its article
    std::string morphology;         ///< written as "(Hubble type …)" for galaxies; empty: nothing
    std::string detail;             ///< extra clause appended after a comma, may be empty
};

/// Captions of the demo catalog, made only from catalogue metadata:
///   "a telescope image of Andromeda Galaxy (M 31 / NGC 224 / UGC 454), a spiral galaxy (Hubble type SA(s)b)"
///   "a telescope image of M 2 (NGC 7089 / Mel 235), a globular cluster"
class DemoCaption {
public:
    static std::string telescopeImage(const CaptionFacts& facts);
    /// "a" or "an" for a noun phrase ("an open cluster", "a spiral galaxy").
    static std::string article(const std::string& noun);
    /// "(Hubble type SA(s)b)", or "(morphological T-type 10)" for a bare RC3 number.
    static std::string morphologyClause(const std::string& morphology);
};

}  // namespace cosmoclip
