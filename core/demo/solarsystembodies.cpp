#include "demo/solarsystembodies.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "common/error.h"

namespace cosmoclip {
namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

bool isValidUtf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

void appendLatin1(std::string& out, unsigned char c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Comments write non-ASCII letters as escapes ("Bj\xf6rn J\xf3nsson"), or as raw Latin-1 bytes in
/// older files; both become UTF-8.
std::string toUtf8(const std::string& s) {
    const bool utf8 = isValidUtf8(s);
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && hexDigit(s[i + 2]) >= 0 && hexDigit(s[i + 3]) >= 0) {
            appendLatin1(out, static_cast<unsigned char>(hexDigit(s[i + 2]) * 16 + hexDigit(s[i + 3])));
            i += 3;
        } else if (utf8) {
            out += s[i];
        } else {
            appendLatin1(out, static_cast<unsigned char>(s[i]));
        }
    }
    return out;
}

/// Splits "value # comment" into its parts.
std::pair<std::string, std::string> valueAndComment(const std::string& text) {
    const auto hash = text.find('#');
    if (hash == std::string::npos) return {trim(text), {}};
    return {trim(text.substr(0, hash)), toUtf8(trim(text.substr(hash + 1)))};
}

void setField(SolarSystemBody& body, const std::string& key, const std::string& text) {
    const auto [value, comment] = valueAndComment(text);
    if (key == "name") body.name = value;
    else if (key == "type") body.type = value;
    else if (key == "parent") body.parent = value == "none" || value == "Sun" ? "" : value;
    else if (key == "tex_map") { body.texture = value; body.textureNote = comment; }
    else if (key == "tex_ring") body.ringTexture = value;
    else if (key == "radius") body.radiusKm = std::atof(value.c_str());
    else if (key == "ring_inner_size") body.ringInnerKm = std::atof(value.c_str());
    else if (key == "ring_outer_size") body.ringOuterKm = std::atof(value.c_str());
    else if (key == "model") body.hasShapeModel = !value.empty();
}

}  // namespace

SolarSystemBodies SolarSystemBodies::read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open the solar system description");
    SolarSystemBodies out;
    std::string line;
    SolarSystemBody* current = nullptr;
    while (std::getline(in, line)) {
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#' || t[0] == ';') continue;
        if (t.front() == '[') {
            const auto close = t.find(']');
            if (close == std::string::npos) continue;
            out.m_bodies.push_back({});
            current = &out.m_bodies.back();
            current->key = t.substr(1, close - 1);
            continue;
        }
        const auto eq = t.find('=');
        if (!current || eq == std::string::npos) continue;
        setField(*current, trim(t.substr(0, eq)), t.substr(eq + 1));
    }
    if (in.bad()) throw Error(path, "read error");
    if (out.m_bodies.empty()) throw Error(path, "no [body] sections: not Stellarium's ssystem_major.ini");
    return out;
}

const SolarSystemBody* SolarSystemBodies::find(const std::string& key) const {
    const auto it = std::find_if(m_bodies.begin(), m_bodies.end(), [&](const SolarSystemBody& b) { return b.key == key; });
    return it == m_bodies.end() ? nullptr : &*it;
}

}  // namespace cosmoclip
