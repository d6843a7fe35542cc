#include "demo/dsonames.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "common/error.h"

namespace cosmoclip {
namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

/// "0104" and "104" are the same catalogue number.
std::string canonicalId(const std::string& id) {
    if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return upper(id);
    const auto nonZero = id.find_first_not_of('0');
    return nonZero == std::string::npos ? "0" : id.substr(nonZero);
}

std::string key(const std::string& prefix, const std::string& id) { return upper(prefix) + " " + canonicalId(id); }

bool mentionsWellKnown(const std::string& comment) {
    size_t pos = 0;
    while ((pos = comment.find("WK", pos)) != std::string::npos) {
        const bool startOk = pos == 0 || !std::isalnum(static_cast<unsigned char>(comment[pos - 1]));
        const bool endOk = pos + 2 >= comment.size() || !std::isalnum(static_cast<unsigned char>(comment[pos + 2]));
        if (startOk && endOk) return true;
        pos += 2;
    }
    return false;
}

}  // namespace

DsoNames DsoNames::read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open the DSO names file");
    DsoNames names;
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() < 21 || line[0] == '#') continue;
        const std::string prefix = trim(line.substr(0, 5));
        const std::string id = trim(line.substr(5, 15));
        const std::string rest = line.substr(20);
        const auto open = rest.find("_(\"");
        const auto close = open == std::string::npos ? std::string::npos : rest.find("\")", open + 3);
        if (prefix.empty() || id.empty() || close == std::string::npos) continue;
        DsoName name{trim(rest.substr(open + 3, close - open - 3)), false};
        if (name.name.empty()) continue;
        const auto hash = rest.find('#', close);
        if (hash != std::string::npos) name.wellKnown = mentionsWellKnown(rest.substr(hash + 1));
        names.m_byKey[key(prefix, id)].push_back(std::move(name));
        ++names.m_count;
    }
    if (in.bad()) throw Error(path, "read error");
    return names;
}

const std::vector<DsoName>* DsoNames::find(const std::string& prefix, const std::string& id) const {
    const auto it = m_byKey.find(key(prefix, id));
    return it == m_byKey.end() ? nullptr : &it->second;
}

std::vector<DsoName> DsoNames::names(const DsoObject& object) const {
    std::vector<DsoName> out;
    auto add = [&](const std::vector<DsoName>* list) {
        if (!list) return;
        for (const auto& n : *list) {
            if (std::none_of(out.begin(), out.end(), [&](const DsoName& o) { return o.name == n.name; })) out.push_back(n);
        }
    };
    // Messier first (names filed under "M 24" describe the Messier object as a whole), then catalog.dat's
    // own order, in which VdB comes before LBN and PGC before UGC: VdB 152 is "Wolf's Cave Nebula".
    using C = DsoCatalogue;
    for (C c : {C::M, C::NGC, C::IC, C::C, C::B, C::Sh2, C::VdB, C::RCW, C::LDN, C::LBN, C::Cr, C::Mel, C::PGC, C::UGC,
                C::Arp, C::VV, C::DWB, C::Tr, C::St, C::Ru, C::VdBHa}) {
        if (object.number(c) != 0) add(find(dsoCatalogueNamesPrefix(c), std::to_string(object.number(c))));
    }
    for (const auto& [prefix, id] : object.textIds) add(find(prefix, id));
    return out;
}

}  // namespace cosmoclip
