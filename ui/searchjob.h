#pragma once

#include <QString>
#include <memory>
#include <optional>
#include <unordered_set>
#include <vector>

#include "job.h"
#include "loadedmodel.h"
#include "retrieval/searchfilter.h"

namespace cosmoclip {

class SearchIndexCache;

/// Ranks catalog images against a phrase in rclip's syntax ("nebula + 2:red - ./m42.png") or, for
/// "Find similar", against one catalog image's stored vector with that image left out, as
/// `cosmoclip search --db` does: images without a vector are embedded first, then the model's
/// CatalogSearch (kept in `cache`) returns the k best.
class SearchJob final : public Job {
    Q_OBJECT
public:
    static constexpr size_t kDefaultResults = 200;

    /// A text query.
    SearchJob(const QString& catalogPath, LoadedModelPtr model, std::shared_ptr<SearchIndexCache> cache,
              const QString& query, QObject* parent = nullptr);
    /// Find similar: the images nearest to catalog image `imageId`, itself excluded.
    SearchJob(const QString& catalogPath, LoadedModelPtr model, std::shared_ptr<SearchIndexCache> cache,
              int64_t imageId, QObject* parent = nullptr);

    void setResultCount(size_t k) { m_k = k; }
    /// Only these images may be returned (the browser's folder, label and header filters).
    void setAllowedIds(std::unordered_set<int64_t> ids) { m_allowed = std::move(ids); }

    QString title() const override;
    QString query() const { return m_query; }
    std::optional<int64_t> similarTo() const { return m_imageId; }
    /// Set once finished: best first.
    const std::vector<SearchHit>& hits() const { return m_hits; }
    /// Whether images had to be embedded first (the vectors changed).
    bool embeddedImages() const { return m_embedded > 0; }

protected:
    void work() override;

private:
    QString m_catalogPath;
    LoadedModelPtr m_model;
    std::shared_ptr<SearchIndexCache> m_cache;
    QString m_query;
    std::optional<int64_t> m_imageId;
    size_t m_k = kDefaultResults;
    std::optional<std::unordered_set<int64_t>> m_allowed;
    std::vector<SearchHit> m_hits;
    size_t m_embedded = 0;
};

}  // namespace cosmoclip
