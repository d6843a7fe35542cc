#include "fits/fitsfile.h"

#include <filesystem>

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <vector>

#include "common/error.h"
#include "fits/fitsgzip.h"

namespace cosmoclip {

namespace {

constexpr size_t kMaxDetails = 3;
// CFITSIO's name for an inflated gzip file: only a label, but it is parsed for "[ext]" filters.
constexpr const char* kMemoryName = "inflated-gzip";

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// CFITSIO quotes header bytes verbatim; a garbage header must not put control bytes on the console.
std::string printable(const char* text) {
    std::string out;
    for (const char* p = text; *p != '\0'; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    return out;
}

// Lines that only repeat what the message already says: the file name (our message starts with
// it), the "...from file:" lines that introduce it, and ffopen's generic "could not interpret".
bool isNoise(const std::string& line, const std::string& path) {
    return line.empty() || (!path.empty() && line.find(path) != std::string::npos) ||
           (line.size() >= 5 && line.compare(line.size() - 5, 5, "file:") == 0) ||
           line.find("could not interpret primary array header") != std::string::npos || line == kMemoryName;
}

// Drains CFITSIO's error stack (oldest, most specific first) into at most kMaxDetails phrases.
// Lines starting with a blank continue the previous one.
std::string stackedDetails(const std::string& path) {
    std::vector<std::string> parts;
    char text[FLEN_ERRMSG] = {};
    while (fits_read_errmsg(text) != 0) {
        const std::string line = printable(text);
        if (!line.empty() && line[0] == ' ' && !parts.empty()) {
            parts.back().append(" ").append(trimmed(line));  // append(): GCC 12 -Wrestrict false alarm
        } else if (!isNoise(trimmed(line), path)) {
            parts.push_back(trimmed(line));
        }
    }
    std::string joined;
    for (size_t i = 0; i < parts.size() && i < kMaxDetails; ++i) joined.append("; ").append(parts[i]);
    return joined;
}

}  // namespace

FitsFile::FitsFile(const std::string& path, int64_t maxInflatedBytes) : m_path(path) {
    // CFITSIO's own words for these ("could not open the named file", "tried to move past end of
    // file") do not tell a user what is wrong.
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) throw Error(path, std::strerror(errno));
    if (S_ISDIR(info.st_mode)) throw Error(path, "is a folder, not a FITS file");
    if (info.st_size == 0) throw Error(path, "file is empty");
    int status = 0;
    if (isGzipFile(path)) {
        // CFITSIO would inflate it too, but without any bound on the size.
        m_memory = inflateGzipFile(path, maxInflatedBytes);
        m_memoryAddress = m_memory.data();
        m_memorySize = m_memory.size();
        fits_open_memfile(&m_fptr, kMemoryName, READONLY, &m_memoryAddress, &m_memorySize, 0, nullptr,
                          &status);
    } else {
        // fits_open_diskfile skips the extended filename parser ("file.fits[1]", "file.fits(...)")
        // that fits_open_file applies.
        fits_open_diskfile(&m_fptr, path.c_str(), READONLY, &status);
    }
    if (status != 0) {
        m_fptr = nullptr;  // CFITSIO frees what it allocated when the open fails
        check(status, "cannot read as FITS");
    }
}

FitsFile::~FitsFile() {
    if (m_fptr == nullptr) return;
    int status = 0;
    fits_close_file(m_fptr, &status);
    fits_clear_errmsg();
}

std::string FitsFile::cfitsioMessage(int status, const std::string& path) {
    char text[FLEN_STATUS] = {};
    fits_get_errstatus(status, text);
    std::string message = "CFITSIO: ";
    message += std::string(text) == "unknown error status" ? "error status " + std::to_string(status) : text;
    return message + stackedDetails(path);
}

void FitsFile::check(int status, const std::string& what) const {
    if (status == 0) return;
    throw Error(m_path, what + " (" + cfitsioMessage(status, m_path) + ")");
}

bool FitsFile::moveTo(int index) {
    int status = 0;
    int type = 0;
    fits_movabs_hdu(m_fptr, index + 1, &type, &status);
    if (status == END_OF_FILE) {
        fits_clear_errmsg();
        return false;
    }
    check(status, "cannot read HDU " + std::to_string(index));
    return true;
}

bool FitsFile::isCompressedImage() const {
    int status = 0;
    return fits_is_compressed_image(m_fptr, &status) != 0;
}

int FitsFile::hduType() const {
    int status = 0;
    int type = 0;
    fits_get_hdu_type(m_fptr, &type, &status);
    check(status, "cannot read the HDU type");
    return isCompressedImage() ? IMAGE_HDU : type;
}

FitsImageParams FitsFile::imageParams() const {
    constexpr int kMaxAxes = 999;  // the FITS standard's limit
    int status = 0;
    int naxis = 0;
    FitsImageParams params;
    fits_get_img_dim(m_fptr, &naxis, &status);
    check(status, "cannot read NAXIS");
    if (naxis < 0 || naxis > kMaxAxes) throw Error(m_path, "invalid NAXIS = " + std::to_string(naxis));
    std::vector<LONGLONG> naxes(static_cast<size_t>(naxis) + 1, 0);
    fits_get_img_paramll(m_fptr, naxis, &params.bitpix, &naxis, naxes.data(), &status);
    check(status, "cannot read the image dimensions");
    params.naxes.assign(naxes.begin(), naxes.begin() + naxis);
    return params;
}

int64_t FitsFile::tableColumns() const {
    int status = 0;
    int columns = 0;
    fits_get_num_cols(m_fptr, &columns, &status);
    check(status, "cannot read the table's TFIELDS");
    return columns;
}

int64_t FitsFile::tableRows() const {
    int status = 0;
    LONGLONG rows = 0;
    fits_get_num_rowsll(m_fptr, &rows, &status);
    check(status, "cannot read the table's NAXIS2");
    return rows;
}

std::string FitsFile::readString(const char* key, const std::string& fallback) const {
    int status = 0;
    char value[FLEN_VALUE] = {};
    fits_read_key(m_fptr, TSTRING, key, value, nullptr, &status);
    if (status == KEY_NO_EXIST) {
        fits_clear_errmsg();
        return fallback;
    }
    check(status, std::string("cannot read keyword ") + key);
    return value;
}

bool FitsFile::readLogical(const char* key) const {
    int status = 0;
    int value = 0;
    fits_read_key(m_fptr, TLOGICAL, key, &value, nullptr, &status);
    if (status == KEY_NO_EXIST || status == VALUE_UNDEFINED || status == BAD_LOGICALKEY) {
        fits_clear_errmsg();
        return false;
    }
    check(status, std::string("cannot read keyword ") + key);
    return value != 0;
}

std::vector<std::string> FitsFile::headerCards() const {
    int status = 0;
    int count = 0;
    char* text = nullptr;
    // Not fits_convert_hdr2str: for a tile-compressed image it builds the uncompressed image in
    // memory (the whole pixel array, from the header's ZNAXISn) just to print its header.
    fits_hdr2str(m_fptr, 0, nullptr, 0, &text, &count, &status);
    if (status != 0) {
        if (text != nullptr) fits_free_memory(text, &status);
        check(status, "cannot read the header");
    }
    std::vector<std::string> cards;
    cards.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        std::string card(text + static_cast<size_t>(i) * 80, 80);
        if (card.compare(0, 8, "END     ") == 0) break;
        cards.push_back(std::move(card));
    }
    int freeStatus = 0;
    fits_free_memory(text, &freeStatus);
    return cards;
}

void FitsFile::readPixels(int datatype, int64_t first, int64_t count, void* out, bool markMissing) const {
    int status = 0;
    int anyNull = 0;
    // A non-zero null value makes CFITSIO replace BLANK (integers) and NaN (floats) by it; without
    // one it copies values as they are, which for float data keeps NaN as NaN anyway.
    float floatNan = std::numeric_limits<float>::quiet_NaN();
    double doubleNan = std::numeric_limits<double>::quiet_NaN();
    void* nullValue = datatype == TFLOAT ? static_cast<void*>(&floatNan) : static_cast<void*>(&doubleNan);
    fits_read_img(m_fptr, datatype, first + 1, count, markMissing ? nullValue : nullptr, out, &anyNull,
                  &status);
    check(status, "file is truncated or damaged");
}

}  // namespace cosmoclip

namespace cosmoclip {

std::optional<FitsFile::RawData> FitsFile::rawImageData(int64_t bytes) const {
    if (isCompressedImage()) return std::nullopt;
    int status = 0;
    LONGLONG headStart = 0, dataStart = 0, dataEnd = 0;
    fits_get_hduaddrll(m_fptr, &headStart, &dataStart, &dataEnd, &status);
    if (status != 0) {
        fits_clear_errmsg();
        return std::nullopt;
    }
    std::error_code ec;
    const int64_t available = m_memory.empty() ? static_cast<int64_t>(std::filesystem::file_size(m_path, ec))
                                               : static_cast<int64_t>(m_memory.size());
    if (ec) return std::nullopt;
    if (dataStart < 0 || bytes < 0 || dataStart + bytes > available) return std::nullopt;
    if (!m_memory.empty()) return RawData{m_memory.data() + dataStart, 0};
    return RawData{nullptr, dataStart};
}

}  // namespace cosmoclip
