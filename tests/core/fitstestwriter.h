#pragma once
// Test helper: writes FITS files with CFITSIO directly (not through cosmoclip), so the reader is
// checked against files whose every value the test chose. Failures throw std::runtime_error, which
// Qt Test reports as a failed test.

#include <fitsio.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace fitstest {

class FitsWriter {
public:
    /// Creates `path` (overwriting it) literally: no CFITSIO filename syntax.
    explicit FitsWriter(const std::string& path) {
        std::remove(path.c_str());
        int status = 0;
        fits_create_diskfile(&m_fptr, path.c_str(), &status);
        check(status, "create " + path);
    }
    ~FitsWriter() {
        int status = 0;
        if (m_fptr != nullptr) fits_close_file(m_fptr, &status);
    }
    FitsWriter(const FitsWriter&) = delete;
    FitsWriter& operator=(const FitsWriter&) = delete;

    fitsfile* handle() { return m_fptr; }

    /// Next image HDU. `compression` 0 = none, else RICE_1, GZIP_1, GZIP_2, HCOMPRESS_1.
    FitsWriter& image(int bitpix, std::vector<long> naxes, int compression = 0) {
        int status = 0;
        if (compression != 0) {
            fits_set_compression_type(m_fptr, compression, &status);
            if (bitpix < 0) fits_set_quantize_level(m_fptr, 0.0f, &status);  // floats losslessly (GZIP only)
        }
        fits_create_img(m_fptr, bitpix, static_cast<int>(naxes.size()), naxes.data(), &status);
        if (compression != 0) fits_set_compression_type(m_fptr, 0, &status);
        check(status, "create image");
        m_rawScaling = false;
        return *this;
    }
    /// Writes BSCALE/BZERO keywords but keeps writing raw (stored) values afterwards.
    FitsWriter& scaling(double bscale, double bzero) {
        int status = 0;
        fits_write_key(m_fptr, TDOUBLE, "BSCALE", &bscale, "physical = BZERO + BSCALE * stored", &status);
        fits_write_key(m_fptr, TDOUBLE, "BZERO", &bzero, nullptr, &status);
        check(status, "write scaling");
        m_rawScaling = true;
        return *this;
    }
    FitsWriter& blank(long long value) {
        int status = 0;
        fits_write_key(m_fptr, TLONGLONG, "BLANK", &value, "stored value of missing pixels", &status);
        check(status, "write BLANK");
        return *this;
    }
    FitsWriter& key(const char* name, const std::string& value, const char* comment = nullptr) {
        int status = 0;
        fits_write_key(m_fptr, TSTRING, name, const_cast<char*>(value.c_str()), comment, &status);
        check(status, std::string("write ") + name);
        return *this;
    }
    FitsWriter& key(const char* name, double value, const char* comment = nullptr) {
        int status = 0;
        fits_write_key(m_fptr, TDOUBLE, name, &value, comment, &status);
        check(status, std::string("write ") + name);
        return *this;
    }
    FitsWriter& comment(const char* text) {
        int status = 0;
        fits_write_comment(m_fptr, text, &status);
        check(status, "write COMMENT");
        return *this;
    }
    FitsWriter& history(const char* text) {
        int status = 0;
        fits_write_history(m_fptr, text, &status);
        check(status, "write HISTORY");
        return *this;
    }
    /// Writes `values` (of CFITSIO type `datatype`) as the stored pixels, starting at the first.
    template <typename T>
    FitsWriter& pixels(int datatype, const std::vector<T>& values) {
        int status = 0;
        if (m_rawScaling) {
            // CFITSIO would apply the inverse of BSCALE/BZERO to what we write: switch that off.
            fits_set_hdustruc(m_fptr, &status);
            fits_set_bscale(m_fptr, 1.0, 0.0, &status);
        }
        fits_write_img(m_fptr, datatype, 1, static_cast<LONGLONG>(values.size()),
                       const_cast<T*>(values.data()), &status);
        check(status, "write pixels");
        return *this;
    }
    FitsWriter& table(int type, const char* extname, int rows) {
        int status = 0;
        char* names[] = {const_cast<char*>("FLUX"), const_cast<char*>("NAME")};
        char* binForms[] = {const_cast<char*>("1E"), const_cast<char*>("8A")};
        char* asciiForms[] = {const_cast<char*>("E12.5"), const_cast<char*>("A8")};
        fits_create_tbl(m_fptr, type, rows, 2, names, type == BINARY_TBL ? binForms : asciiForms, nullptr,
                        extname, &status);
        check(status, "create table");
        return *this;
    }

private:
    static void check(int status, const std::string& what) {
        if (status == 0) return;
        char text[FLEN_STATUS] = {};
        fits_get_errstatus(status, text);
        std::string message = "CFITSIO test writer: " + what + ": " + text;
        char detail[FLEN_ERRMSG] = {};
        while (fits_read_errmsg(detail) != 0) message += std::string("; ") + detail;
        throw std::runtime_error(message);
    }

    fitsfile* m_fptr = nullptr;
    bool m_rawScaling = false;
};

template <typename T>
inline std::vector<T> converted(const std::vector<double>& values) {
    std::vector<T> out;
    for (const double v : values) out.push_back(static_cast<T>(v));
    return out;
}

// Each BITPIX is written from its own C type: exact, and the only way CFITSIO's tile compressor
// accepts the data ("implicit datatype conversion is not supported when writing to compressed images").
inline void writeStored(FitsWriter& writer, int bitpix, const std::vector<double>& stored) {
    switch (bitpix) {
        case 8:
            writer.pixels(TBYTE, converted<unsigned char>(stored));
            break;
        case 16:
            writer.pixels(TSHORT, converted<short>(stored));
            break;
        case 32:
            writer.pixels(TINT, converted<int>(stored));
            break;
        case 64:
            writer.pixels(TLONGLONG, converted<long long>(stored));
            break;
        case -32:
            writer.pixels(TFLOAT, converted<float>(stored));
            break;
        default:
            writer.pixels(TDOUBLE, stored);
            break;
    }
}

inline std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

/// gzip-compresses `bytes` into `path` with zlib (gzip format, as `gzip` writes it).
inline void writeGzip(const std::string& path, const std::string& bytes) {
    gzFile out = gzopen(path.c_str(), "wb");
    if (out == nullptr) throw std::runtime_error("cannot write " + path);
    const int written = gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(out);
    if (written != static_cast<int>(bytes.size())) throw std::runtime_error("gzwrite failed for " + path);
}

/// A FITS header from card texts: each padded to 80 characters, END appended, padded to 2880 bytes.
inline std::string header(const std::vector<std::string>& cards) {
    std::string text;
    for (const auto& card : cards) text += (card + std::string(80, ' ')).substr(0, 80);
    text += (std::string("END") + std::string(80, ' ')).substr(0, 80);
    text.resize((text.size() + 2879) / 2880 * 2880, ' ');
    return text;
}

/// "KEY     = value" with the value right-aligned in column 30, as fixed-format FITS writes it.
inline std::string card(const std::string& key, const std::string& value) {
    std::string k = (key + "        ").substr(0, 8);
    std::string v = value.size() < 20 ? std::string(20 - value.size(), ' ') + value : value;
    return k + "= " + v;
}

}  // namespace fitstest
