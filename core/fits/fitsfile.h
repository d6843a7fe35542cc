#pragma once

#include <fitsio.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cosmoclip {

/// Shape of the current image HDU as CFITSIO reports it. For a tile-compressed image these are the
/// uncompressed ZBITPIX / ZNAXISn values.
struct FitsImageParams {
    int bitpix = 0;
    std::vector<int64_t> naxes;  ///< NAXIS1, NAXIS2, ... (empty when NAXIS = 0)
};

/// Owns one read-only CFITSIO handle (closed on destruction) and turns CFITSIO status codes into
/// cosmoclip::Error("PATH: what (CFITSIO's text)"). Internal to core/fits: it includes fitsio.h.
class FitsFile final {
public:
    /// Opens `path` literally: no extended filename syntax, so "a[1].fits" is a file name, not a
    /// filter. A gzip-compressed file (recognised by its bytes) is inflated into memory first, and
    /// refused once it inflates to more than `maxInflatedBytes`.
    FitsFile(const std::string& path, int64_t maxInflatedBytes);
    ~FitsFile();
    FitsFile(const FitsFile&) = delete;
    FitsFile& operator=(const FitsFile&) = delete;

    const std::string& path() const { return m_path; }
    fitsfile* handle() const { return m_fptr; }

    /// Throws Error(path, what + CFITSIO's message) when status != 0; clears CFITSIO's error stack.
    void check(int status, const std::string& what) const;
    /// "CFITSIO: <meaning of status>; <details from CFITSIO's error stack>", one line, without the
    /// lines that only repeat `path`. Clears the stack.
    static std::string cfitsioMessage(int status, const std::string& path);

    /// Makes HDU `index` (0-based) current. Returns false, without throwing, past the last HDU.
    bool moveTo(int index);
    /// IMAGE_HDU, ASCII_TBL or BINARY_TBL; tile-compressed images report IMAGE_HDU.
    int hduType() const;
    FitsImageParams imageParams() const;
    int64_t tableColumns() const;
    int64_t tableRows() const;
    /// String keyword of the current HDU, or `fallback` when absent.
    std::string readString(const char* key, const std::string& fallback) const;
    /// Logical keyword of the current HDU, or false when absent.
    bool readLogical(const char* key) const;
    /// True when the current HDU is a tile-compressed image (a BINTABLE with ZIMAGE = T).
    bool isCompressedImage() const;
    /// The current HDU's header as stored, 80-character cards without END. For a tile-compressed
    /// image these are the cards of the table that holds it (see uncompressedImageHeader()).
    std::vector<std::string> headerCards() const;

    /// Reads `count` pixels of the current image starting at 0-based element `first`, converted to
    /// `datatype` (TFLOAT or TDOUBLE) with BSCALE/BZERO applied. With `markMissing`, BLANK pixels and
    /// the null pixels of compressed images become NaN; without it values are copied unchecked
    /// (cheaper, and right only for uncompressed float data, whose NaN stay NaN).
    void readPixels(int datatype, int64_t first, int64_t count, void* out, bool markMissing) const;

    /// Where the current uncompressed image's data bytes lie, for readers that convert them
    /// themselves: `memory` (an inflated gzip file) or else `offset` into the file at path(). None
    /// for tile-compressed images, or when the file is shorter than the data the header declares.
    struct RawData {
        const char* memory = nullptr;
        int64_t offset = 0;
    };
    std::optional<RawData> rawImageData(int64_t bytes) const;

private:
    std::string m_path;
    // An inflated gzip file. CFITSIO keeps the addresses of m_memoryAddress and m_memorySize, so
    // they live here, and the class is neither copyable nor movable.
    std::vector<char> m_memory;
    void* m_memoryAddress = nullptr;
    size_t m_memorySize = 0;
    fitsfile* m_fptr = nullptr;
};

}  // namespace cosmoclip
