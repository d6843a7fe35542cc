#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cosmoclip {

/// The numbered catalogues of Stellarium's DSO catalogue, in the order designations are listed
/// (Messier first, then NGC, IC, Caldwell, ...): the order of captions and of `dsoDesignations`.
enum class DsoCatalogue { M, NGC, IC, C, UGC, PGC, Sh2, RCW, LDN, B, LBN, VdB, Cr, Mel, Arp, VV, DWB, Tr, St, Ru, VdBHa };
inline constexpr size_t kDsoCatalogueCount = 21;
/// Catalogues up to and including this one are listed as an object's ids; the rest (VV, DWB, ...)
/// are only used to look up names.
inline constexpr DsoCatalogue kLastListedCatalogue = DsoCatalogue::Arp;

/// One record of Stellarium's catalog.dat (angles converted to degrees).
struct DsoObject {
    uint32_t id = 0;
    double raDeg = 0.0;
    double decDeg = 0.0;
    double bMag = 0.0;
    double vMag = 0.0;
    uint32_t type = 0;          ///< Stellarium's type code, see dsoTypeName()
    std::string morphology;     ///< "SA(s)b", "E2", "II3mn", or a numeric RC3 T-type
    double majorAxisDeg = 0.0;
    double minorAxisDeg = 0.0;
    std::array<uint32_t, kDsoCatalogueCount> numbers{};       ///< by DsoCatalogue; 0 = not in it
    std::vector<std::pair<std::string, std::string>> textIds;  ///< (names.dat prefix, id): ("PK", "064+05.1")

    uint32_t number(DsoCatalogue catalogue) const { return numbers[static_cast<size_t>(catalogue)]; }
};

/// "M", "NGC", "Sh 2-" ...: how a catalogue is written before the number.
const char* dsoCatalogueDisplayPrefix(DsoCatalogue catalogue);
/// The prefix names.dat uses for a catalogue ("M", "NGC", "SH2", "VDB", "CR" ...).
const char* dsoCatalogueNamesPrefix(DsoCatalogue catalogue);
/// "M 31", "NGC 224", "Sh 2-244".
std::string dsoDesignation(DsoCatalogue catalogue, uint32_t number);
/// The object's listed designations, M first: {"M 31", "NGC 224", "UGC 454", "PGC 2557"}.
std::vector<std::string> dsoDesignations(const DsoObject& object);

}  // namespace cosmoclip
