#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cosmoclip {

/// Stellarium's words for a DSO type code ("galaxy", "HII region", ...); "unknown" past the table.
std::string dsoTypeName(uint32_t type);
/// True for the galaxy type codes (0 galaxy, 1 active, 2 radio, 3 interacting).
bool isGalaxyType(uint32_t type);
/// The galaxy class a morphology gives: E…, dE, dSph, cD -> elliptical; S0, SA0, SB0, E/S0 ->
/// lenticular; I…, dI… -> irregular; other S… or (R)S… -> spiral. A bare number is an RC3 T-type:
/// T <= -4 elliptical, -3..-1 lenticular, 0..8 spiral, >= 9 irregular. nullopt when it says nothing.
std::optional<std::string> galaxyMorphologyClass(const std::string& morphology);
/// True when the morphology is a bare RC3 T-type number ("10", "-4").
bool isNumericMorphology(const std::string& morphology);
/// The demo label of a catalogue object: galaxies split by morphology (unknown -> "galaxy"), other
/// types grouped as the demo's classes (HII regions and emission objects -> emission nebula, ...).
std::string dsoClassLabel(uint32_t type, const std::string& morphology);

}  // namespace cosmoclip
