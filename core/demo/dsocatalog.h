#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "demo/dsoobject.h"

namespace cosmoclip {

/// Stellarium's deep-sky catalogue (nebulae/default/catalog.dat: gzip of a big-endian QDataStream,
/// about 95 000 objects), indexed by catalogue number so that "m31.png" finds M 31.
class DsoCatalog {
public:
    /// Reads and indexes the whole file. A missing, truncated or corrupt file throws cosmoclip::Error
    /// naming it; nothing is half-loaded.
    static DsoCatalog read(const std::string& path);

    const std::string& version() const { return m_version; }
    const std::string& edition() const { return m_edition; }
    const std::vector<DsoObject>& objects() const { return m_objects; }

    /// The first object carrying `number` in `catalogue`, or nullptr.
    const DsoObject* find(DsoCatalogue catalogue, uint32_t number) const;
    /// Looks up a written designation: "M 31", "NGC 224", "Sh 2-244", "B 72", "PGC 6830" (case and the
    /// space after the prefix do not matter). nullptr when unknown or not a numbered catalogue.
    const DsoObject* find(const std::string& designation) const;

private:
    std::string m_version;
    std::string m_edition;
    std::vector<DsoObject> m_objects;
    std::unordered_map<uint64_t, size_t> m_index;  ///< (catalogue << 32 | number) -> objects index
};

}  // namespace cosmoclip
