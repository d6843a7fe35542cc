#include "demo/nebulamatcher.h"

#include <array>
#include <cctype>
#include <filesystem>

#include "demo/democaption.h"
#include "demo/demolabels.h"
#include "demo/demooverrides.h"
#include "demo/dsocatalog.h"
#include "demo/dsoclassifier.h"
#include "demo/dsonames.h"
#include "demo/nebulatextures.h"

namespace cosmoclip {
namespace {

struct FilePrefix {
    const char* prefix;
    DsoCatalogue catalogue;
};

// Longer prefixes first: "lbn" before "l…", "ic" before "i…", "sh2-" before "s…".
constexpr std::array<FilePrefix, 11> kFilePrefixes = {{
    {"barnard", DsoCatalogue::B}, {"sh2-", DsoCatalogue::Sh2}, {"rcw", DsoCatalogue::RCW}, {"ldn", DsoCatalogue::LDN},
    {"lbn", DsoCatalogue::LBN},   {"vdb", DsoCatalogue::VdB},  {"ic", DsoCatalogue::IC},   {"m", DsoCatalogue::M},
    {"n", DsoCatalogue::NGC},     {"u", DsoCatalogue::UGC},    {"p", DsoCatalogue::PGC},
}};

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::vector<std::string> splitIds(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(';', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool isGalaxyLabel(const std::string& label) {
    using namespace demolabels;
    return label == kSpiralGalaxy || label == kEllipticalGalaxy || label == kLenticularGalaxy ||
           label == kIrregularGalaxy || label == kGalaxy || label == kInteractingGalaxies;
}

std::string creditText(const NebulaTile& tile) {
    if (tile.infoUrl.empty()) return tile.credit;
    if (tile.credit.empty()) return tile.infoUrl;
    return tile.credit + " (" + tile.infoUrl + ")";
}

/// Extra caption words from the catalogue type that the class label does not carry.
std::string typeDetail(uint32_t type) {
    switch (type) {
    case 3: return "part of an interacting system";
    case 14: return "with a bipolar shape";
    case 27: return "in its protoplanetary stage";
    default: return {};
    }
}

}  // namespace

NebulaMatcher::NebulaMatcher(const DsoCatalog& catalog, const DsoNames& names) : m_catalog(catalog), m_names(names) {}

std::optional<std::pair<DsoCatalogue, uint32_t>> NebulaMatcher::parseFileName(const std::string& fileName) {
    const std::string name = lower(fileName);
    for (const auto& [prefix, catalogue] : kFilePrefixes) {
        const size_t n = std::char_traits<char>::length(prefix);
        if (name.compare(0, n, prefix) != 0) continue;
        size_t end = n;
        while (end < name.size() && end - n < 9 && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
        if (end == n) return std::nullopt;  // "barnard_loop-1": a prefix but no number
        const auto number = static_cast<uint32_t>(std::stoul(name.substr(n, end - n)));
        if (number == 0) return std::nullopt;
        return std::make_pair(catalogue, number);
    }
    return std::nullopt;
}

void NebulaMatcher::describeObject(DemoImage& image, const DsoObject& object) const {
    image.ids = dsoDesignations(object);
    const auto names = m_names.names(object);
    if (image.name.empty() && !names.empty()) image.name = names.front().name;
    // "SA(s)bc pec, HII Sy2.5": the class comes first, activity notes after the comma.
    const std::string& m = object.morphology;
    image.morphology = m.substr(0, m.find(','));
    while (!image.morphology.empty() && image.morphology.back() == ' ') image.morphology.pop_back();
}

std::optional<DemoImage> NebulaMatcher::match(const NebulaTile& tile, const std::string& folder) const {
    DemoImage image;
    image.path = (std::filesystem::path(folder) / tile.imageUrl).lexically_normal().string();
    image.credit = creditText(tile);
    image.source = "stellarium-nebulae";
    image.ra = tile.raDeg;
    image.dec = tile.decDeg;
    std::string detail;
    if (const DemoOverride* o = findDemoOverride(tile.imageUrl)) {
        image.label = o->label;
        image.name = o->name;
        image.ids = splitIds(o->ids);
        detail = o->detail;
        if (o->lookup && !image.ids.empty()) {
            if (const DsoObject* object = m_catalog.find(image.ids.front())) describeObject(image, *object);
        }
    } else {
        const auto id = parseFileName(tile.imageUrl);
        if (!id) return std::nullopt;
        const DsoObject* object = m_catalog.find(id->first, id->second);
        if (!object) return std::nullopt;
        describeObject(image, *object);
        image.label = dsoClassLabel(object->type, object->morphology);
        detail = typeDetail(object->type);
    }
    if (!isGalaxyLabel(image.label)) image.morphology.clear();
    image.caption = DemoCaption::telescopeImage({image.name, image.ids, image.label, image.morphology, detail});
    return image;
}

}  // namespace cosmoclip
