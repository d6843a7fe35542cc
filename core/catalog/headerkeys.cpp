#include "catalog/headerkeys.h"

#include <cmath>
#include <cstdlib>
#include <initializer_list>

namespace cosmoclip {
namespace {

const HeaderCard* findCard(const std::vector<HeaderCard>& header, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
        for (const auto& card : header) {
            if (card.key == key) return &card;
        }
    }
    return nullptr;
}

std::optional<std::string> text(const std::vector<HeaderCard>& header, std::initializer_list<const char*> keys) {
    const HeaderCard* card = findCard(header, keys);
    if (!card) return std::nullopt;
    std::string v = card->value;
    while (!v.empty() && v.back() == ' ') v.pop_back();
    if (v.empty()) return std::nullopt;
    return v;
}

std::optional<double> number(const std::vector<HeaderCard>& header, std::initializer_list<const char*> keys) {
    const auto v = text(header, keys);
    if (!v) return std::nullopt;
    char* end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || !std::isfinite(d)) return std::nullopt;
    return d;
}

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::optional<double> parseAngle(const std::string& text, bool hours) {
    double parts[3] = {0, 0, 0};
    int n = 0;
    const char* p = text.c_str();
    while (*p == ' ') ++p;
    const bool negative = *p == '-';
    while (*p && n < 3) {
        char* end = nullptr;
        const double d = std::strtod(p, &end);
        if (end == p) return std::nullopt;
        parts[n++] = std::fabs(d);
        p = end;
        while (*p == ':' || *p == ' ' || *p == 'h' || *p == 'd' || *p == 'm' || *p == 's') ++p;
    }
    if (n == 0 || *p) return std::nullopt;
    if (n == 1) return negative ? -parts[0] : parts[0];  // already degrees
    double value = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
    if (hours) value *= 15.0;
    return negative ? -value : value;
}

void fillHeaderKeys(ImageRecord& record, const std::vector<HeaderCard>& header) {
    record.object = text(header, {"OBJECT", "OBJNAME"});
    record.telescope = text(header, {"TELESCOP"});
    record.instrument = text(header, {"INSTRUME"});
    record.filter = text(header, {"FILTER", "FILTER1", "FILTNAM", "FILTNAM1"});
    record.dateObs = text(header, {"DATE-OBS", "DATE_OBS"});
    record.exptime = number(header, {"EXPTIME", "EXPOSURE", "ITIME"});
    record.ra.reset();
    record.dec.reset();
    if (const auto ra = text(header, {"RA", "OBJCTRA", "RA_OBJ"})) {
        // Sexagesimal RA is in hours; a plain number in degrees (the usual convention of RA/RA_OBJ).
        record.ra = parseAngle(*ra, /*hours=*/true);
    }
    if (const auto dec = text(header, {"DEC", "OBJCTDEC", "DEC_OBJ"})) record.dec = parseAngle(*dec, false);
    const auto ctype1 = text(header, {"CTYPE1"});
    const auto ctype2 = text(header, {"CTYPE2"});
    if ((!record.ra || !record.dec) && ctype1 && ctype2 && startsWith(*ctype1, "RA") && startsWith(*ctype2, "DEC")) {
        record.ra = number(header, {"CRVAL1"});
        record.dec = number(header, {"CRVAL2"});
    }
}

}  // namespace cosmoclip
