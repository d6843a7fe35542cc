#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "demo/dsoobject.h"

namespace cosmoclip {

/// One proper name from names.dat.
struct DsoName {
    std::string name;
    bool wellKnown = false;  ///< the source list says "WK": the name most amateurs use
};

/// Stellarium's proper names of deep-sky objects (nebulae/default/names.dat): fixed columns, the
/// catalogue prefix in 1-5, the id in 6-20, then `_("Name") # sources`.
class DsoNames {
public:
    /// Lines that do not follow the layout are skipped (the file is translator-edited text); a file
    /// that cannot be read throws cosmoclip::Error.
    static DsoNames read(const std::string& path);

    /// Names listed under `prefix` (as names.dat writes it: "NGC", "SH2", ...) and `id`, in file order.
    const std::vector<DsoName>* find(const std::string& prefix, const std::string& id) const;
    /// Every name of an object, without repeats: under its Messier number first, then its other ids in
    /// catalog.dat's order (NGC, IC, C, B, Sh2, VdB, RCW, LDN, LBN, Cr, Mel, PGC, UGC, ...), file order
    /// within each. The first is the common name: names.dat lists the primary name first (NGC 224 is
    /// "Andromeda Galaxy" before the well-known "Andromeda Nebula"). Group names ("Leo Triplet" for
    /// M 65) come through as they are listed.
    std::vector<DsoName> names(const DsoObject& object) const;
    size_t size() const { return m_count; }

private:
    std::unordered_map<std::string, std::vector<DsoName>> m_byKey;
    size_t m_count = 0;
};

}  // namespace cosmoclip
