#pragma once

#include <string>
#include <vector>

namespace cosmoclip {

/// One body of Stellarium's data/ssystem_major.ini, with what the demo's renders need.
struct SolarSystemBody {
    std::string key;          ///< section name: "jupiter"
    std::string name;         ///< "Jupiter"
    std::string type;         ///< "planet", "moon", "dwarf planet", "star", ...
    std::string parent;       ///< "Jupiter" for its moons, "Earth" for the Moon, "" for planets
    std::string texture;      ///< tex_map file name under textures/ ("jupiter.png")
    std::string textureNote;  ///< the comment after tex_map ("texture courtesy of Björn Jónsson"), UTF-8
    std::string ringTexture;  ///< tex_ring, "" without rings
    double radiusKm = 0.0;
    double ringInnerKm = 0.0;
    double ringOuterKm = 0.0;
    bool hasShapeModel = false;  ///< irregular body with a 3-D model (model=): not a sphere
};

/// Reads the bodies of ssystem_major.ini (an INI file: [section], key=value, '#' comments; the
/// comments' \xHH escapes and Latin-1 bytes are converted to UTF-8).
class SolarSystemBodies {
public:
    static SolarSystemBodies read(const std::string& path);
    const std::vector<SolarSystemBody>& bodies() const { return m_bodies; }
    const SolarSystemBody* find(const std::string& key) const;

private:
    std::vector<SolarSystemBody> m_bodies;
};

}  // namespace cosmoclip
