#pragma once

#include <string>
#include <vector>

namespace cosmoclip {

/// One photo of Stellarium's nebula set, as textures.json describes it.
struct NebulaTile {
    std::string imageUrl;   ///< file name relative to the JSON's folder: "m31.png"
    double raDeg = 0.0;     ///< centre of the four world corners, RA in [0, 360)
    double decDeg = 0.0;
    double radiusDeg = 0.0; ///< largest corner distance from the centre
    std::string credit;     ///< imageCredits.short (the file also spells it "Short")
    std::string infoUrl;    ///< imageCredits.infoUrl, may be empty
};

/// Reads nebulae/default/textures.json. The file is not strict JSON (numbers such as `.9794` and
/// `-.5`); they are given their leading zero before nlohmann::json parses the text.
class NebulaTextures {
public:
    static NebulaTextures read(const std::string& path);
    /// Gives `.5` and `-.5` outside string literals a leading zero; everything else is left as is.
    static std::string fixLooseNumbers(const std::string& text);

    const std::vector<NebulaTile>& tiles() const { return m_tiles; }
    const NebulaTile* find(const std::string& imageUrl) const;

private:
    std::vector<NebulaTile> m_tiles;
};

}  // namespace cosmoclip
