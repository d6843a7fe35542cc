#include "demo/dsoclassifier.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "demo/demolabels.h"

namespace cosmoclip {
namespace {

constexpr std::array<const char*, 37> kTypeNames = {
    "galaxy", "active galaxy", "radio galaxy", "interacting galaxy", "quasar", "star cluster", "open star cluster",
    "globular star cluster", "stellar association", "star cloud", "nebula", "planetary nebula", "dark nebula",
    "reflection nebula", "bipolar nebula", "emission nebula", "cluster associated with nebulosity", "HII region",
    "supernova remnant", "interstellar matter", "emission object", "BL Lac object", "blazar", "molecular cloud",
    "young stellar object", "possible quasar", "possible planetary nebula", "protoplanetary nebula", "star",
    "symbiotic star", "emission-line star", "supernova candidate", "supernova remnant candidate", "cluster of galaxies",
    "part of a galaxy", "region of the sky", "unknown"};

std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string tTypeClass(double t) {
    using namespace demolabels;
    if (t <= -3.5) return kEllipticalGalaxy;
    if (t < -0.5) return kLenticularGalaxy;
    if (t < 8.5) return kSpiralGalaxy;
    return kIrregularGalaxy;
}

}  // namespace

std::string dsoTypeName(uint32_t type) { return type < kTypeNames.size() ? kTypeNames[type] : "unknown"; }

bool isGalaxyType(uint32_t type) { return type <= 3; }

bool isNumericMorphology(const std::string& morphology) {
    const std::string m = trimmed(morphology);
    if (m.empty()) return false;
    char* end = nullptr;
    const double t = std::strtod(m.c_str(), &end);
    return end == m.c_str() + m.size() && std::isfinite(t);
}

std::optional<std::string> galaxyMorphologyClass(const std::string& morphology) {
    using namespace demolabels;
    std::string m = trimmed(morphology);
    if (m.empty()) return std::nullopt;
    if (isNumericMorphology(m)) return tTypeClass(std::strtod(m.c_str(), nullptr));
    // An outer ring, "(R)SA(rs)ab" or "(R')SB(r)a", says nothing about the class.
    if (m[0] == '(') {
        const auto close = m.find(')');
        if (close == std::string::npos) return std::nullopt;
        m = trimmed(m.substr(close + 1));
    }
    if (startsWith(m, "E/S0") || startsWith(m, "E-S0") || startsWith(m, "S0") || startsWith(m, "SA0") ||
        startsWith(m, "SB0") || startsWith(m, "SAB0") || startsWith(m, "dS0"))
        return kLenticularGalaxy;
    if (startsWith(m, "E") || startsWith(m, "dE") || startsWith(m, "dSph") || startsWith(m, "cD"))
        return kEllipticalGalaxy;
    if (startsWith(m, "I") || startsWith(m, "dI")) return kIrregularGalaxy;
    if (startsWith(m, "S")) return kSpiralGalaxy;
    return std::nullopt;
}

std::string dsoClassLabel(uint32_t type, const std::string& morphology) {
    using namespace demolabels;
    if (isGalaxyType(type)) return galaxyMorphologyClass(morphology).value_or(kGalaxy);
    switch (type) {
    case 4: case 21: case 22: case 25: return kQuasar;
    case 5: case 6: case 8: case 9: return kOpenCluster;
    case 7: return kGlobularCluster;
    case 10: case 15: case 17: case 19: case 20: return kEmissionNebula;
    case 11: case 14: case 26: case 27: return kPlanetaryNebula;
    case 12: case 23: return kDarkNebula;
    case 13: return kReflectionNebula;
    case 16: return kClusterWithNebulosity;
    case 18: case 31: case 32: return kSupernovaRemnant;
    case 28: case 29: case 30: return kStar;
    case 33: return kGalaxyCluster;
    default: return dsoTypeName(type);
    }
}

}  // namespace cosmoclip
