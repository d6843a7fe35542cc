#include "catalog/shardmerge.h"

#include <filesystem>
#include <map>
#include <optional>
#include <tuple>

#include "catalog/catalog.h"
#include "catalog/sqlitetransaction.h"
#include "catalog/templatecaption.h"
#include "common/error.h"

namespace fs = std::filesystem;

namespace cosmoclip {
namespace {

/// What indexing decides about a file; the time it was indexed is not part of it.
auto identityOf(const ImageRecord& r) {
    return std::tie(r.path, r.contentHash, r.fileSize, r.mtimeNs, r.format, r.hdu, r.width, r.height, r.planes,
                    r.bitpix, r.object, r.telescope, r.instrument, r.filter, r.dateObs, r.exptime, r.ra, r.dec,
                    r.status, r.error, r.credit);
}

/// A raster has no header: values an import gave the catalog stay when the shard knows none.
void keepKnownKeys(ImageRecord& r, const ImageRecord& known) {
    auto keep = [](auto& mine, const auto& theirs) {
        if (!mine) mine = theirs;
    };
    keep(r.object, known.object);
    keep(r.telescope, known.telescope);
    keep(r.instrument, known.instrument);
    keep(r.filter, known.filter);
    keep(r.dateObs, known.dateObs);
    keep(r.exptime, known.exptime);
    keep(r.ra, known.ra);
    keep(r.dec, known.dec);
    keep(r.credit, known.credit);
}

/// The catalog image a new path stands for when the same bytes vanished from elsewhere.
std::optional<ImageRecord> movedFrom(Catalog& target, const ImageRecord& r) {
    if (r.contentHash.empty()) return std::nullopt;
    for (auto& candidate : target.imagesByHash(r.contentHash)) {
        std::error_code ec;
        if (candidate.status == ImageStatus::Removed || !fs::exists(candidate.path, ec)) return candidate;
    }
    return std::nullopt;
}

class ShardMerge {
public:
    ShardMerge(Catalog& target, Catalog& shard) : m_target(target), m_shard(shard) {
        for (const auto& m : shard.models()) m_models.emplace(m.id, target.adoptModel(m).id);
    }

    /// Whether the image changed the catalog.
    bool mergeImage(ImageRecord r) {
        const int64_t shardId = r.id;
        bool changed = placeImage(r);
        for (const auto& [shardModel, targetModel] : m_models) {
            const std::vector<float> vector = m_shard.embedding(shardId, shardModel);
            if (vector.empty() || vector == m_target.embedding(r.id, targetModel)) continue;
            m_target.putEmbedding(r.id, targetModel, vector.data(), static_cast<int>(vector.size()));
            changed = true;
        }
        if (changed && r.status == ImageStatus::Ok) refreshTemplateCaption(m_target, r.id);
        return changed;
    }

private:
    /// Gives `r` its id in the target, inserting or updating the row; whether the row changed.
    bool placeImage(ImageRecord& r) {
        std::optional<ImageRecord> known = m_target.imageByPath(r.path);
        const bool moved = !known && (known = movedFrom(m_target, r));
        if (!known) {
            r.id = m_target.insertImage(r);
            return true;
        }
        r.id = known->id;
        keepKnownKeys(r, *known);
        if (!moved && identityOf(r) == identityOf(*known)) return false;
        m_target.updateImage(r);
        return true;
    }

    Catalog& m_target;
    Catalog& m_shard;
    std::map<int64_t, int64_t> m_models;  ///< shard model id -> target model id
};

}  // namespace

MergeReport mergeShard(Catalog& target, const std::string& shardPath) {
    std::error_code ec;
    if (fs::equivalent(fs::path(target.path()), fs::path(shardPath), ec)) {
        throw Error(shardPath, "is the catalog itself, not a shard of it");
    }
    Catalog shard(shardPath, Catalog::Mode::ReadOnly);
    MergeReport report;
    SqliteTransaction transaction(target.database());
    ShardMerge merge(target, shard);
    for (auto& image : shard.allImages()) {
        // A shard holds what its run read; rows only an import knew of, or vanished files, are not its news.
        if (image.status != ImageStatus::Ok && image.status != ImageStatus::Failed) continue;
        if (merge.mergeImage(std::move(image))) ++report.merged;
    }
    transaction.commit();
    report.total = static_cast<size_t>(target.countImages(ImageStatus::Ok));
    return report;
}

}  // namespace cosmoclip
