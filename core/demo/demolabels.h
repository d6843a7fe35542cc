#pragma once

namespace cosmoclip::demolabels {

// The demo catalog's class labels (stored as "import" labels). Plain English noun phrases, because
// zero-shot prompts put them into sentences: "a telescope image of a {label}".
inline constexpr const char* kSpiralGalaxy = "spiral galaxy";
inline constexpr const char* kEllipticalGalaxy = "elliptical galaxy";
inline constexpr const char* kLenticularGalaxy = "lenticular galaxy";
inline constexpr const char* kIrregularGalaxy = "irregular galaxy";
inline constexpr const char* kGalaxy = "galaxy";  ///< morphology unknown
inline constexpr const char* kInteractingGalaxies = "interacting galaxies";
inline constexpr const char* kGalaxyCluster = "galaxy cluster";
inline constexpr const char* kMagellanicCloudField = "Magellanic Cloud field";
inline constexpr const char* kGlobularCluster = "globular cluster";
inline constexpr const char* kOpenCluster = "open cluster";
inline constexpr const char* kClusterWithNebulosity = "open cluster with nebulosity";
inline constexpr const char* kEmissionNebula = "emission nebula";
inline constexpr const char* kReflectionNebula = "reflection nebula";
inline constexpr const char* kDarkNebula = "dark nebula";
inline constexpr const char* kPlanetaryNebula = "planetary nebula";
inline constexpr const char* kSupernovaRemnant = "supernova remnant";
inline constexpr const char* kStar = "star";
inline constexpr const char* kQuasar = "quasar";
inline constexpr const char* kPlanet = "planet";
inline constexpr const char* kDwarfPlanet = "dwarf planet";
inline constexpr const char* kPlanetaryMoon = "planetary moon";  ///< a moon of another planet
inline constexpr const char* kMoon = "moon";                     ///< Earth's Moon
inline constexpr const char* kSun = "sun";

}  // namespace cosmoclip::demolabels
