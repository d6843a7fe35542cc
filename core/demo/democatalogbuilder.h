#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "demo/solarsystemimages.h"

namespace cosmoclip {

struct DemoBuildOptions {
    std::string stellariumRoot = "/usr/share/stellarium";  ///< Debian's stellarium-data
    std::string kstarsRoot = "/usr/share/kstars";          ///< Debian's kstars-data (optional)
    std::string outDir;                                    ///< gets catalog.sqlite and renders/
    size_t limit = 0;          ///< 0: every image; else an evenly spread subset of at most this many
    int rendersPerBody = 6;
    int renderSize = 256;
};

struct DemoBuildReport {
    std::string catalogPath;
    size_t images = 0;     ///< labelled images in this build
    size_t added = 0;      ///< new catalog rows (pending: the next `cosmoclip index` embeds them)
    size_t updated = 0;    ///< rows whose label, caption, credit or object changed
    size_t unchanged = 0;
    size_t rendered = 0;   ///< render files (re)written; identical pictures are left alone
    std::map<std::string, size_t> classes;  ///< label -> images
    std::map<std::string, size_t> sources;  ///< "stellarium-nebulae", "kstars", "stellarium-render" -> images
    /// What to index, exactly: a folder where every image file in it belongs to the demo, else the files.
    std::vector<std::string> roots;
    std::vector<std::string> unmatched;  ///< nebula photos that no rule labelled (none with stellarium-data 0.22)
    bool kstarsFound = false;
};

/// Builds the demo catalog from Debian's stellarium-data (555 labelled deep-sky photos, surface maps
/// for renders) and kstars-data (planet and Moon-phase disks): every image gets an import label, an
/// import caption made from its metadata and its credit, in OUT/catalog.sqlite. Photos are referenced
/// in place; renders are written to OUT/renders/. Idempotent: a rebuild updates rows in place (looked
/// up by path), keeps rows the indexer has filled, and rewrites no render whose pixels are unchanged.
class DemoCatalogBuilder {
public:
    using Progress = std::function<void(size_t done, size_t total, const std::string& path)>;

    explicit DemoCatalogBuilder(DemoBuildOptions options);

    /// Every image of the demo in a fixed order (nebulae in textures.json order, kstars, renders),
    /// with `limit` applied. Reads the package files; renders nothing. Throws cosmoclip::Error when
    /// stellarium-data is missing, naming the package to install.
    std::vector<PlannedImage> plan(DemoBuildReport* report = nullptr) const;
    DemoBuildReport build(const Progress& progress = {});

    /// `limit` indices spread evenly over 0..total-1 (all of them when limit is 0 or >= total).
    static std::vector<size_t> subsetIndices(size_t total, size_t limit);

private:
    DemoBuildOptions m_options;
};

}  // namespace cosmoclip
