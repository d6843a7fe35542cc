#pragma once

#include <string>
#include <vector>

#include "image/image.h"

namespace cosmoclip {

class FitsFile;

/// The HDUs of a FITS file in order, and the choice of the one to show as an image.
class FitsHduList final {
public:
    /// Reads every HDU header of `file` (leaving an arbitrary HDU current). Bytes after the last
    /// readable HDU that do not form another one end the list; why is kept for error messages.
    explicit FitsHduList(FitsFile& file);

    const std::vector<HduInfo>& hdus() const { return m_hdus; }

    /// Index of the HDU `spec` names: "" = the first image with data (an empty primary falls through
    /// to the extensions), digits = 0-based index, anything else = EXTNAME, case-insensitive.
    /// Throws Error(path, ...) naming the HDU when it is missing or not an image.
    int select(const std::string& spec) const;

private:
    HduInfo describeCurrent(int index) const;
    int findByIndex(const std::string& spec) const;
    int findByName(const std::string& spec) const;
    int firstImage() const;
    void requireImage(const HduInfo& hdu) const;
    std::string label(const HduInfo& hdu) const;

    FitsFile& m_file;
    std::vector<HduInfo> m_hdus;
    std::string m_stopReason;  ///< why listing stopped before the end of the file, if it did
};

}  // namespace cosmoclip
