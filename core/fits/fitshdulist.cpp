#include "fits/fitshdulist.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "fits/fitsfile.h"

namespace cosmoclip {

namespace {

constexpr size_t kMaxIndexDigits = 6;  // more HDUs than this is not a real file

bool equalsIgnoreCase(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool hasNoPixels(const std::vector<int64_t>& shape) {
    return shape.empty() || std::any_of(shape.begin(), shape.end(), [](int64_t n) { return n <= 0; });
}

}  // namespace

FitsHduList::FitsHduList(FitsFile& file) : m_file(file) {
    // HDU 0 was read when the file was opened, so errors there are the file's; a later HDU that
    // cannot be read ends the list (trailing junk after the last HDU is common in old files).
    m_hdus.push_back(describeCurrent(0));
    for (int index = 1;; ++index) {
        try {
            if (!m_file.moveTo(index)) break;
            m_hdus.push_back(describeCurrent(index));
        } catch (const Error& error) {
            m_stopReason = error.what();
            break;
        }
    }
}

HduInfo FitsHduList::describeCurrent(int index) const {
    HduInfo info;
    info.index = index;
    info.name = m_file.readString("EXTNAME", index == 0 ? "PRIMARY" : "");
    if (m_file.hduType() != IMAGE_HDU) {
        info.type = HduType::Table;
        info.shape = {m_file.tableColumns(), m_file.tableRows()};
        info.bitpix = 8;
        return info;
    }
    const FitsImageParams params = m_file.imageParams();
    info.shape = params.naxes;
    info.bitpix = params.bitpix;
    const bool groups =
        index == 0 && !info.shape.empty() && info.shape[0] == 0 && m_file.readLogical("GROUPS");
    info.type = groups ? HduType::Groups : hasNoPixels(info.shape) ? HduType::Empty : HduType::Image;
    return info;
}

int FitsHduList::select(const std::string& spec) const {
    int index = -1;
    if (spec.empty()) {
        index = firstImage();
    } else if (std::all_of(spec.begin(), spec.end(), [](unsigned char c) { return std::isdigit(c); })) {
        index = findByIndex(spec);
    } else {
        index = findByName(spec);
    }
    requireImage(m_hdus[static_cast<size_t>(index)]);
    return index;
}

int FitsHduList::findByIndex(const std::string& spec) const {
    const int count = static_cast<int>(m_hdus.size());
    const int index = spec.size() > kMaxIndexDigits ? count : std::stoi(spec);
    if (index < count) return index;
    std::string message = "no HDU " + spec + ": the file has " + std::to_string(count) + " HDU" +
                          (count == 1 ? "" : "s") + " (0-" + std::to_string(count - 1) + ")";
    if (!m_stopReason.empty()) message += "; reading stopped at: " + m_stopReason;
    throw Error(m_file.path(), message);
}

int FitsHduList::findByName(const std::string& spec) const {
    for (const auto& hdu : m_hdus) {
        if (equalsIgnoreCase(hdu.name, spec)) return hdu.index;
    }
    std::string names;
    for (const auto& hdu : m_hdus) names += (names.empty() ? "" : ", ") + label(hdu);
    throw Error(m_file.path(), "no HDU named " + spec + " (HDUs: " + names + ")");
}

int FitsHduList::firstImage() const {
    for (const auto& hdu : m_hdus) {
        if (hdu.type == HduType::Image) return hdu.index;
    }
    const bool groups =
        std::any_of(m_hdus.begin(), m_hdus.end(), [](const HduInfo& h) { return h.type == HduType::Groups; });
    if (groups) return 0;  // requireImage explains that random groups are not supported
    std::string message =
        "no HDU holds image data (" + std::to_string(m_hdus.size()) + " HDUs: tables or empty)";
    if (!m_stopReason.empty()) message += "; reading stopped at: " + m_stopReason;
    throw Error(m_file.path(), message);
}

void FitsHduList::requireImage(const HduInfo& hdu) const {
    switch (hdu.type) {
        case HduType::Image:
            return;
        case HduType::Table:
            throw Error(m_file.path(), "HDU " + label(hdu) + " is a table, not an image");
        case HduType::Empty:
            throw Error(m_file.path(), "HDU " + label(hdu) + " has no image data");
        case HduType::Groups:
            throw Error(m_file.path(),
                        "HDU " + label(hdu) + " holds random groups: random groups are not supported");
    }
}

std::string FitsHduList::label(const HduInfo& hdu) const {
    return hdu.name.empty() ? std::to_string(hdu.index) : std::to_string(hdu.index) + " (" + hdu.name + ")";
}

}  // namespace cosmoclip
