#include "demo/demooverrides.h"

#include <array>

#include "demo/demolabels.h"

namespace cosmoclip {
namespace {

using namespace demolabels;

constexpr const char* kProtoplanetary = "in its protoplanetary stage";

// Nearest-neighbour matching on the tile centre was unreliable for these (LMC tiles matched random
// NGC clusters, Barnard's Loop background PGC galaxies), so each is labelled by hand.
constexpr std::array kOverrides = {
    DemoOverride{"pleiades", kOpenCluster, "Pleiades", "M 45", true, ""},
    DemoOverride{"virgo_cluster", kGalaxyCluster, "Virgo Cluster", "", false, ""},
    DemoOverride{"coma_cluster", kGalaxyCluster, "Coma Cluster", "Abell 1656", false, ""},
    DemoOverride{"fornax_cluster", kGalaxyCluster, "Fornax Cluster", "Abell S373", false, ""},
    DemoOverride{"hercules_cluster", kGalaxyCluster, "Hercules Cluster", "Abell 2151", false, ""},
    DemoOverride{"hydra_cluster", kGalaxyCluster, "Hydra Cluster", "Abell 1060", false, ""},
    DemoOverride{"leo_cluster", kGalaxyCluster, "Leo Cluster", "Abell 1367", false, ""},
    DemoOverride{"perseus_cluster", kGalaxyCluster, "Perseus Cluster", "Abell 426", false, ""},
    DemoOverride{"n3190oleg", kSpiralGalaxy, "", "NGC 3190", true, "in the galaxy group Hickson 44"},
    DemoOverride{"wilds", kInteractingGalaxies, "Wild's Triplet", "Arp 248", false, ""},
    DemoOverride{"p6830", kIrregularGalaxy, "Phoenix Dwarf", "PGC 6830", true, ""},
    DemoOverride{"ic2118-2", kReflectionNebula, "", "IC 2118", true, ""},
    DemoOverride{"cas", kReflectionNebula, "Gamma Cassiopeiae nebulae", "IC 59;IC 63", false, ""},
    DemoOverride{"sh2-1-2", kEmissionNebula, "", "Sh 2-1", true, ""},
    DemoOverride{"etaCarinae", kEmissionNebula, "Carina Nebula", "NGC 3372", true, ""},
    DemoOverride{"rho-a*", kEmissionNebula, "Rho Ophiuchi cloud complex", "", false, ""},
    DemoOverride{"barnard_loop-*", kEmissionNebula, "Barnard's Loop", "Sh 2-276", true, ""},
    DemoOverride{"abell31", kPlanetaryNebula, "Abell 31", "", false, ""},
    DemoOverride{"abell33", kPlanetaryNebula, "Abell 33", "", false, ""},
    DemoOverride{"abell39", kPlanetaryNebula, "Abell 39", "", false, ""},
    DemoOverride{"Jones-Emberson1-vasey", kPlanetaryNebula, "Jones-Emberson 1", "PK 164+31.1", false, ""},
    DemoOverride{"Medusa-vasey", kPlanetaryNebula, "Medusa Nebula", "Abell 21;Sh 2-274", false, ""},
    DemoOverride{"calabash", kPlanetaryNebula, "Calabash Nebula", "OH 231.8+4.2", false, kProtoplanetary},
    DemoOverride{"red_rectangle", kPlanetaryNebula, "Red Rectangle Nebula", "HD 44179", false, kProtoplanetary},
    DemoOverride{"abell85", kSupernovaRemnant, "CTB 1", "Abell 85", false, ""},
    DemoOverride{"cassiopeia_a", kSupernovaRemnant, "Cassiopeia A", "", false, ""},
    DemoOverride{"GammaCygni-vasey", kSupernovaRemnant, "Gamma Cygni supernova remnant", "G78.2+2.1", false, ""},
    DemoOverride{"velasnr", kSupernovaRemnant, "Vela Supernova Remnant", "", false, ""},
    DemoOverride{"darkshark-vasey", kDarkNebula, "Dark Shark Nebula", "LDN 1235", true, ""},
    // Matched by name, but the catalogue types these two HII regions as stars.
    DemoOverride{"sh2-80", kEmissionNebula, "", "Sh 2-80", true, ""},
    DemoOverride{"sh2-308", kEmissionNebula, "", "Sh 2-308", true, ""},
    DemoOverride{"lmc_*", kMagellanicCloudField, "a field in the Large Magellanic Cloud", "", false, ""},
    DemoOverride{"smc29-*", kMagellanicCloudField, "a field in the Small Magellanic Cloud", "", false, ""},
    DemoOverride{"smc-ha", kMagellanicCloudField, "the Small Magellanic Cloud in H-alpha light", "", false, ""},
};

bool matches(const std::string& pattern, const std::string& stem) {
    if (!pattern.empty() && pattern.back() == '*') return stem.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
    return stem == pattern;
}

}  // namespace

std::span<const DemoOverride> demoOverrides() { return kOverrides; }

const DemoOverride* findDemoOverride(const std::string& fileName) {
    const auto dot = fileName.rfind('.');
    const std::string stem = dot == std::string::npos ? fileName : fileName.substr(0, dot);
    for (const auto& o : kOverrides) {
        if (matches(o.stem, stem)) return &o;
    }
    return nullptr;
}

}  // namespace cosmoclip
