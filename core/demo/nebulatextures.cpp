#include "demo/nebulatextures.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace cosmoclip {
namespace {

using json = nlohmann::json;

constexpr double kRad = std::numbers::pi / 180.0;

struct Vec3 {
    double x, y, z;
};

Vec3 unitVector(double raDeg, double decDeg) {
    return {std::cos(decDeg * kRad) * std::cos(raDeg * kRad), std::cos(decDeg * kRad) * std::sin(raDeg * kRad),
            std::sin(decDeg * kRad)};
}

double angleDeg(const Vec3& a, const Vec3& b) {
    const double dot = std::clamp(a.x * b.x + a.y * b.y + a.z * b.z, -1.0, 1.0);
    return std::acos(dot) / kRad;
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string stringField(const json& object, const char* key) {
    // imageCredits uses both "short" and "Short": keys are matched without regard to case.
    const std::string wanted = lower(key);
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (lower(it.key()) == wanted && it.value().is_string()) return trim(it.value().get<std::string>());
    }
    return {};
}

/// Centre of the corners, averaged as unit vectors so that tiles across RA 0 and near the poles come
/// out right (RA may also be written negative).
void setCentre(NebulaTile& tile, const json& corners, const std::string& path) {
    if (!corners.is_array() || corners.empty())
        throw Error(path, "tile " + tile.imageUrl + " has no worldCoords corners");
    std::vector<Vec3> points;
    Vec3 sum{0, 0, 0};
    for (const auto& c : corners) {
        if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number())
            throw Error(path, "tile " + tile.imageUrl + " has a malformed worldCoords corner");
        const Vec3 v = unitVector(c[0].get<double>(), c[1].get<double>());
        points.push_back(v);
        sum = {sum.x + v.x, sum.y + v.y, sum.z + v.z};
    }
    const double norm = std::sqrt(sum.x * sum.x + sum.y * sum.y + sum.z * sum.z);
    if (norm <= 0.0) throw Error(path, "tile " + tile.imageUrl + " has degenerate worldCoords");
    const Vec3 centre{sum.x / norm, sum.y / norm, sum.z / norm};
    tile.decDeg = std::asin(std::clamp(centre.z, -1.0, 1.0)) / kRad;
    tile.raDeg = std::atan2(centre.y, centre.x) / kRad;
    if (tile.raDeg < 0.0) tile.raDeg += 360.0;
    for (const auto& p : points) tile.radiusDeg = std::max(tile.radiusDeg, angleDeg(p, centre));
}

}  // namespace

std::string NebulaTextures::fixLooseNumbers(const std::string& text) {
    std::string out;
    out.reserve(text.size() + 64);
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\' && i + 1 < text.size()) {
                out += c;
                out += text[++i];
                continue;
            }
            if (c == '"') inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '.' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
            const char before = out.empty() ? ' ' : out.back();
            if (before == '[' || before == ',' || before == ':' || before == '-' || std::isspace(static_cast<unsigned char>(before)))
                out += '0';
        }
        out += c;
    }
    return out;
}

NebulaTextures NebulaTextures::read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open the nebula texture list");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    json doc;
    try {
        doc = json::parse(fixLooseNumbers(buffer.str()));
    } catch (const json::exception& e) {
        throw Error(path, std::string("not valid JSON: ") + e.what());
    }
    if (!doc.is_object() || !doc.contains("subTiles") || !doc["subTiles"].is_array())
        throw Error(path, "no subTiles list: not a Stellarium texture set");
    NebulaTextures textures;
    for (const auto& t : doc["subTiles"]) {
        if (!t.is_object() || !t.contains("imageUrl") || !t["imageUrl"].is_string()) continue;
        NebulaTile tile;
        tile.imageUrl = t["imageUrl"].get<std::string>();
        // worldCoords is a list of polygons; every tile of this set has one quadrilateral.
        const json& coords = t.value("worldCoords", json::array());
        setCentre(tile, coords.is_array() && !coords.empty() ? coords[0] : json(), path);
        if (t.contains("imageCredits") && t["imageCredits"].is_object()) {
            tile.credit = stringField(t["imageCredits"], "short");
            tile.infoUrl = stringField(t["imageCredits"], "infoUrl");
        }
        textures.m_tiles.push_back(std::move(tile));
    }
    return textures;
}

const NebulaTile* NebulaTextures::find(const std::string& imageUrl) const {
    const auto it = std::find_if(m_tiles.begin(), m_tiles.end(), [&](const NebulaTile& t) { return t.imageUrl == imageUrl; });
    return it == m_tiles.end() ? nullptr : &*it;
}

}  // namespace cosmoclip
