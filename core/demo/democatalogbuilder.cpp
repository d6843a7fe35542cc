#include "demo/democatalogbuilder.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "catalog/catalog.h"
#include "catalog/filescanner.h"
#include "catalog/sqlitetransaction.h"
#include "catalog/templatecaption.h"
#include "common/error.h"
#include "demo/dsocatalog.h"
#include "demo/dsonames.h"
#include "demo/nebulamatcher.h"
#include "demo/nebulatextures.h"

namespace fs = std::filesystem;

namespace cosmoclip {
namespace {

constexpr const char* kImportSource = "import";

std::string absolutePath(const std::string& path) { return Catalog::normalizePath(path); }

fs::path nebulaFolder(const std::string& stellariumRoot) { return fs::path(stellariumRoot) / "nebulae" / "default"; }

void requireStellarium(const std::string& root) {
    std::error_code ec;
    const fs::path folder = nebulaFolder(root);
    for (const char* file : {"catalog.dat", "names.dat", "textures.json"}) {
        if (!fs::is_regular_file(folder / file, ec)) {
            throw Error(root, std::string("Stellarium's sky data is missing (no nebulae/default/") + file +
                                  "): install the Debian package stellarium-data (apt-get install stellarium-data) "
                                  "or pass --stellarium DIR");
        }
    }
}

std::vector<PlannedImage> nebulaImages(const std::string& stellariumRoot, DemoBuildReport* report) {
    const fs::path folder = nebulaFolder(stellariumRoot);
    const DsoCatalog catalog = DsoCatalog::read((folder / "catalog.dat").string());
    const DsoNames names = DsoNames::read((folder / "names.dat").string());
    const NebulaTextures textures = NebulaTextures::read((folder / "textures.json").string());
    const NebulaMatcher matcher(catalog, names);
    std::vector<PlannedImage> out;
    for (const NebulaTile& tile : textures.tiles()) {
        auto image = matcher.match(tile, folder.string());
        if (image) out.push_back({std::move(*image), std::nullopt});
        else if (report) report->unmatched.push_back(tile.imageUrl);
    }
    return out;
}

/// The object column: the common name, else the first designation.
std::optional<std::string> objectName(const DemoImage& image) {
    if (!image.name.empty()) return image.name;
    if (!image.ids.empty()) return image.ids.front();
    return std::nullopt;
}

bool sameImport(Catalog& catalog, int64_t id, const DemoImage& image) {
    std::vector<std::string> labels, captions;
    for (const auto& l : catalog.labels(id)) {
        if (l.source == kImportSource) labels.push_back(l.label);
    }
    for (const auto& c : catalog.captions(id)) {
        if (c.source == kImportSource) captions.push_back(c.text);
    }
    return labels == std::vector<std::string>{image.label} && captions == std::vector<std::string>{image.caption};
}

enum class RowChange { Added, Updated, Unchanged };

RowChange storeImage(Catalog& catalog, const DemoImage& image) {
    const std::string path = absolutePath(image.path);
    auto existing = catalog.imageByPath(path);
    int64_t id = 0;
    RowChange change = RowChange::Unchanged;
    if (!existing) {
        ImageRecord record;
        record.path = path;
        record.status = ImageStatus::Pending;
        record.credit = image.credit;
        record.object = objectName(image);
        record.ra = image.ra;
        record.dec = image.dec;
        id = catalog.insertImage(record);
        change = RowChange::Added;
    } else {
        // Keep what the indexer found (status, hash, size); refresh what the demo knows.
        ImageRecord record = *existing;
        id = record.id;
        const auto object = objectName(image);
        if (record.credit != image.credit || record.object != object || (image.ra && record.ra != image.ra) ||
            (image.dec && record.dec != image.dec)) {
            record.credit = image.credit;
            record.object = object;
            if (image.ra) record.ra = image.ra;
            if (image.dec) record.dec = image.dec;
            catalog.updateImage(record);
            change = RowChange::Updated;
        }
    }
    if (change == RowChange::Added || !sameImport(catalog, id, image)) {
        catalog.replaceLabels(id, kImportSource, std::nullopt, {{image.label, 1.0}});
        catalog.replaceCaptions(id, kImportSource, {image.caption});
        refreshTemplateCaption(catalog, id);
        if (change == RowChange::Unchanged) change = RowChange::Updated;
    }
    return change;
}

/// A folder when every image file the indexer would find in it is a demo image, else the files.
std::vector<std::string> indexRoots(const std::vector<PlannedImage>& images) {
    std::map<std::string, std::set<std::string>> byFolder;
    for (const auto& p : images) {
        const std::string path = absolutePath(p.image.path);
        byFolder[fs::path(path).parent_path().string()].insert(path);
    }
    std::vector<std::string> roots;
    for (const auto& [folder, files] : byFolder) {
        const ScanResult scan = scanImageFiles({folder});
        const bool whole = std::all_of(scan.files.begin(), scan.files.end(), [&](const std::string& f) { return files.count(f) > 0; });
        if (whole) roots.push_back(folder);
        else roots.insert(roots.end(), files.begin(), files.end());
    }
    return roots;
}

}  // namespace

DemoCatalogBuilder::DemoCatalogBuilder(DemoBuildOptions options) : m_options(std::move(options)) {
    if (m_options.outDir.empty()) throw Error("demo build: no output folder given");
    m_options.stellariumRoot = absolutePath(m_options.stellariumRoot);
    m_options.kstarsRoot = absolutePath(m_options.kstarsRoot);
    m_options.outDir = absolutePath(m_options.outDir);
}

std::vector<size_t> DemoCatalogBuilder::subsetIndices(size_t total, size_t limit) {
    std::vector<size_t> out;
    const size_t n = limit == 0 ? total : std::min(total, limit);
    for (size_t i = 0; i < n; ++i) out.push_back(i * total / n);
    return out;
}

std::vector<PlannedImage> DemoCatalogBuilder::plan(DemoBuildReport* report) const {
    requireStellarium(m_options.stellariumRoot);
    std::vector<PlannedImage> all = nebulaImages(m_options.stellariumRoot, report);
    const auto kstars = SolarSystemImages::kstarsImages(m_options.kstarsRoot);
    if (report) report->kstarsFound = !kstars.empty();
    for (const auto& image : kstars) all.push_back({image, std::nullopt});
    const std::string renders = (fs::path(m_options.outDir) / "renders").string();
    for (auto& planned : SolarSystemImages::plannedRenders(m_options.stellariumRoot, renders, m_options.rendersPerBody,
                                                           m_options.renderSize)) {
        all.push_back(std::move(planned));
    }
    std::vector<PlannedImage> out;
    for (size_t i : subsetIndices(all.size(), m_options.limit)) out.push_back(std::move(all[i]));
    return out;
}

DemoBuildReport DemoCatalogBuilder::build(const Progress& progress) {
    DemoBuildReport report;
    const std::vector<PlannedImage> images = plan(&report);
    std::error_code ec;
    const fs::path renders = fs::path(m_options.outDir) / "renders";
    fs::create_directories(renders, ec);
    if (ec) throw Error(renders.string(), "cannot create the folder: " + ec.message());

    RenderJobRunner runner;
    size_t done = 0;
    for (const auto& p : images) {
        if (p.render && runner.run(*p.render, p.image.path)) ++report.rendered;
        if (progress) progress(++done, images.size() * 2, p.image.path);
    }

    report.catalogPath = (fs::path(m_options.outDir) / "catalog.sqlite").string();
    Catalog catalog(report.catalogPath);
    SqliteTransaction transaction(catalog.database());
    for (const auto& p : images) {
        switch (storeImage(catalog, p.image)) {
        case RowChange::Added: ++report.added; break;
        case RowChange::Updated: ++report.updated; break;
        case RowChange::Unchanged: ++report.unchanged; break;
        }
        ++report.classes[p.image.label];
        ++report.sources[p.image.source];
        if (progress) progress(++done, images.size() * 2, p.image.path);
    }
    transaction.commit();
    report.images = images.size();
    report.roots = indexRoots(images);
    return report;
}

}  // namespace cosmoclip
