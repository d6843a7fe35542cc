#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "demo/demoimage.h"
#include "demo/dsoobject.h"

namespace cosmoclip {

class DsoCatalog;
class DsoNames;
struct NebulaTile;

/// Labels Stellarium's nebula photos: the catalogue id in the file name ("m51-vasey.png" -> M 51,
/// "sh2-155.png" -> Sh 2-155, "u5373.png" -> UGC 5373) looked up in catalog.dat for type, morphology
/// and designations, names.dat for the common name, textures.json for the credit; the override table
/// (demooverrides.h) first.
class NebulaMatcher {
public:
    NebulaMatcher(const DsoCatalog& catalog, const DsoNames& names);

    /// The designation a file name encodes, or nullopt ("lmc_01.png", "coma_cluster.png").
    static std::optional<std::pair<DsoCatalogue, uint32_t>> parseFileName(const std::string& fileName);

    /// The labelled image for one tile of `folder`, or nullopt when neither the override table nor
    /// the file name identifies it.
    std::optional<DemoImage> match(const NebulaTile& tile, const std::string& folder) const;

private:
    void describeObject(DemoImage& image, const DsoObject& object) const;

    const DsoCatalog& m_catalog;
    const DsoNames& m_names;
};

}  // namespace cosmoclip
