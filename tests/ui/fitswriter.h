#pragma once

#include <QString>
#include <utility>
#include <vector>

// Writes small FITS files for the widget tests straight through CFITSIO, independently of the
// reader under test.
namespace testfits {

struct Hdu {
    int bitpix = -32;            ///< 0: no data (empty primary)
    std::vector<long> axes;      ///< NAXIS1, NAXIS2, ...
    std::vector<double> values;  ///< physical values, NAXIS1 fastest
    QString extname;
    std::vector<std::pair<QString, QString>> strings;  ///< extra string keywords
    long long blank = 0;                               ///< BLANK for integer data when hasBlank
    bool hasBlank = false;
    bool table = false;  ///< a 2-column binary table with `axes[0]` rows
};

/// Writes `hdus` (the first one is the primary) to `path`, replacing it. Returns false on failure.
bool write(const QString& path, const std::vector<Hdu>& hdus);

}  // namespace testfits
