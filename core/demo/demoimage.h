#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cosmoclip {

/// One labelled image of the demo catalog: where the file is, what it shows, and who made it.
struct DemoImage {
    std::string path;                  ///< absolute: in place under /usr/share, or OUT/renders/*.png
    std::string label;                 ///< the class (demolabels.h)
    std::string caption;               ///< built from the metadata below (DemoCaption)
    std::string name;                  ///< common name ("Andromeda Galaxy"), may be empty
    std::vector<std::string> ids;      ///< catalogue designations, M first ("M 31", "NGC 224", ...)
    std::string morphology;            ///< Hubble type of galaxies, as the catalogue writes it
    std::string credit;                ///< for the catalog's credit column
    std::string source;                ///< "stellarium-nebulae", "kstars", "stellarium-render"
    std::optional<double> ra, dec;     ///< degrees (sky photos only)
};

}  // namespace cosmoclip
