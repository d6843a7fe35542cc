#include "demo/dsocatalog.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <optional>

#include "common/error.h"
#include "demo/datastreamreader.h"
#include "fits/fitsgzip.h"

namespace cosmoclip {
namespace {

// The uncompressed catalogue is about 25 MB; a gzip bomb stops long before memory runs out.
constexpr int64_t kMaxInflatedBytes = int64_t{256} << 20;
// Stellarium 0.22 knows type codes 0..36; a larger one means the record boundaries were lost.
constexpr uint32_t kMaxTypeCode = 63;

uint64_t indexKey(DsoCatalogue catalogue, uint32_t number) {
    return (static_cast<uint64_t>(catalogue) << 32) | number;
}

void setNumber(DsoObject& o, DsoCatalogue c, uint32_t n) { o.numbers[static_cast<size_t>(c)] = n; }

void addTextId(DsoObject& o, const char* prefix, std::string id) {
    if (!id.empty()) o.textIds.emplace_back(prefix, std::move(id));
}

DsoObject readRecord(DataStreamReader& in) {
    constexpr double kDeg = 180.0 / std::numbers::pi;
    DsoObject o;
    o.id = in.u32();
    o.raDeg = in.f64() * kDeg;
    o.decDeg = in.f64() * kDeg;
    o.bMag = in.f64();
    o.vMag = in.f64();
    o.type = in.u32();
    if (o.type > kMaxTypeCode) in.fail("corrupt record " + std::to_string(o.id) + " (type " + std::to_string(o.type) + ")");
    o.morphology = in.qstring();
    o.majorAxisDeg = in.f64();
    o.minorAxisDeg = in.f64();
    in.u32();  // orientation angle
    for (int i = 0; i < 6; ++i) in.f64();  // z, zErr, parallax, parallaxErr, distance, distanceErr
    if (!std::isfinite(o.raDeg) || !std::isfinite(o.decDeg) || std::abs(o.decDeg) > 90.0 + 1e-6)
        in.fail("corrupt record " + std::to_string(o.id) + " (position)");
    // The file's order: NGC, IC, M, C, B, Sh2, VdB, RCW, LDN, LBN, Cr, Mel, PGC, UGC.
    for (DsoCatalogue c : {DsoCatalogue::NGC, DsoCatalogue::IC, DsoCatalogue::M, DsoCatalogue::C, DsoCatalogue::B,
                           DsoCatalogue::Sh2, DsoCatalogue::VdB, DsoCatalogue::RCW, DsoCatalogue::LDN, DsoCatalogue::LBN,
                           DsoCatalogue::Cr, DsoCatalogue::Mel, DsoCatalogue::PGC, DsoCatalogue::UGC}) {
        setNumber(o, c, in.u32());
    }
    addTextId(o, "CED", in.qstring());
    setNumber(o, DsoCatalogue::Arp, in.u32());
    setNumber(o, DsoCatalogue::VV, in.u32());
    for (const char* prefix : {"PK", "PNG", "SNRG", "ACO", "HCG", "ESO", "VDBH"}) addTextId(o, prefix, in.qstring());
    for (DsoCatalogue c : {DsoCatalogue::DWB, DsoCatalogue::Tr, DsoCatalogue::St, DsoCatalogue::Ru, DsoCatalogue::VdBHa}) {
        setNumber(o, c, in.u32());
    }
    return o;
}

std::string normalised(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c != ' ') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

}  // namespace

DsoCatalog DsoCatalog::read(const std::string& path) {
    const std::vector<char> data = inflateGzipFile(path, kMaxInflatedBytes);
    DataStreamReader in(data, path);
    DsoCatalog catalog;
    catalog.m_version = in.qstring();
    catalog.m_edition = in.qstring();
    if (catalog.m_version.empty() || !std::isdigit(static_cast<unsigned char>(catalog.m_version[0])))
        throw Error(path, "not a Stellarium DSO catalogue (no version string)");
    while (!in.atEnd()) catalog.m_objects.push_back(readRecord(in));
    if (catalog.m_objects.empty()) throw Error(path, "the DSO catalogue holds no objects");
    for (size_t i = 0; i < catalog.m_objects.size(); ++i) {
        const DsoObject& o = catalog.m_objects[i];
        for (size_t c = 0; c < kDsoCatalogueCount; ++c) {
            if (o.numbers[c] != 0) catalog.m_index.emplace(indexKey(static_cast<DsoCatalogue>(c), o.numbers[c]), i);
        }
    }
    return catalog;
}

const DsoObject* DsoCatalog::find(DsoCatalogue catalogue, uint32_t number) const {
    const auto it = m_index.find(indexKey(catalogue, number));
    return it == m_index.end() ? nullptr : &m_objects[it->second];
}

const DsoObject* DsoCatalog::find(const std::string& designation) const {
    const std::string key = normalised(designation);
    // Longest matching prefix, so that "MEL 5" is not read as M and "VDBHA 1" not as VdB.
    std::optional<DsoCatalogue> best;
    size_t bestLength = 0;
    for (size_t c = 0; c < kDsoCatalogueCount; ++c) {
        const auto catalogue = static_cast<DsoCatalogue>(c);
        const std::string prefix = normalised(dsoCatalogueDisplayPrefix(catalogue));
        if (prefix.size() > bestLength && key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0) {
            best = catalogue;
            bestLength = prefix.size();
        }
    }
    if (!best) return nullptr;
    const std::string digits = key.substr(bestLength);
    const bool number = digits.size() <= 9 &&
                        std::all_of(digits.begin(), digits.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
    return number ? find(*best, static_cast<uint32_t>(std::stoul(digits))) : nullptr;
}

}  // namespace cosmoclip
