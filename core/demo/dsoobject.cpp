#include "demo/dsoobject.h"

namespace cosmoclip {
namespace {

struct CatalogueSpelling {
    const char* display;
    const char* names;
};

// Indexed by DsoCatalogue.
constexpr CatalogueSpelling kSpellings[kDsoCatalogueCount] = {
    {"M", "M"},     {"NGC", "NGC"}, {"IC", "IC"},   {"C", "C"},     {"UGC", "UGC"},  {"PGC", "PGC"},   {"Sh 2-", "SH2"},
    {"RCW", "RCW"}, {"LDN", "LDN"}, {"B", "B"},     {"LBN", "LBN"}, {"VdB", "VDB"},  {"Cr", "CR"},     {"Mel", "MEL"},
    {"Arp", "ARP"}, {"VV", "VV"},   {"DWB", "DWB"}, {"Tr", "TR"},   {"St", "ST"},    {"Ru", "RU"},     {"VdBHa", "VDBHA"},
};

}  // namespace

const char* dsoCatalogueDisplayPrefix(DsoCatalogue catalogue) { return kSpellings[static_cast<size_t>(catalogue)].display; }

const char* dsoCatalogueNamesPrefix(DsoCatalogue catalogue) { return kSpellings[static_cast<size_t>(catalogue)].names; }

std::string dsoDesignation(DsoCatalogue catalogue, uint32_t number) {
    const std::string prefix = dsoCatalogueDisplayPrefix(catalogue);
    // "Sh 2-244" has no space after the dash; every other catalogue is "NAME number".
    return prefix + (prefix.back() == '-' ? "" : " ") + std::to_string(number);
}

std::vector<std::string> dsoDesignations(const DsoObject& object) {
    std::vector<std::string> out;
    for (size_t c = 0; c <= static_cast<size_t>(kLastListedCatalogue); ++c) {
        if (object.numbers[c] != 0) out.push_back(dsoDesignation(static_cast<DsoCatalogue>(c), object.numbers[c]));
    }
    return out;
}

}  // namespace cosmoclip
