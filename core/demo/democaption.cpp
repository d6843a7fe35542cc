#include "demo/democaption.h"

#include <cctype>

#include "demo/dsoclassifier.h"

namespace cosmoclip {
namespace {

constexpr size_t kIdsInCaption = 3;

std::string joinIds(const std::vector<std::string>& ids, size_t first) {
    std::string out;
    for (size_t i = first; i < ids.size() && i < first + kIdsInCaption; ++i) out += (out.empty() ? "" : " / ") + ids[i];
    return out;
}

}  // namespace

std::string DemoCaption::article(const std::string& noun) {
    if (noun.empty()) return "a";
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(noun[0])));
    return (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') ? "an" : "a";
}

std::string DemoCaption::morphologyClause(const std::string& morphology) {
    if (morphology.empty()) return {};
    if (isNumericMorphology(morphology)) return "(morphological T-type " + morphology + ")";
    return "(Hubble type " + morphology + ")";
}

std::string DemoCaption::telescopeImage(const CaptionFacts& f) {
    std::string subject;
    if (!f.name.empty()) {
        subject = f.name;
        if (!f.ids.empty()) subject += " (" + joinIds(f.ids, 0) + ")";
    } else if (!f.ids.empty()) {
        // No common name: the first designation names it, the next ones follow in brackets.
        subject = f.ids.front();
        if (f.ids.size() > 1) subject += " (" + joinIds(f.ids, 1) + ")";
    }
    std::string caption = "a telescope image of ";
    const std::string what = article(f.label) + " " + f.label;
    caption += subject.empty() ? what : subject + ", " + what;
    if (!f.morphology.empty()) caption += " " + morphologyClause(f.morphology);
    if (!f.detail.empty()) caption += ", " + f.detail;
    return caption;
}

}  // namespace cosmoclip
