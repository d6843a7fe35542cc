#pragma once

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catalog/catalogrecords.h"
#include "catalog/indexer.h"
#include "catalogsnapshot.h"
#include "job.h"
#include "loadedmodel.h"
#include "retrieval/searchfilter.h"

namespace cosmoclip {

class Catalog;
class ClassifyJob;
class SearchIndexCache;

/// The open catalog and the work on it, without widgets: which catalog and model are active, the
/// snapshot the browser shows, and the jobs (each on its own thread with its own Catalog connection;
/// SQLite's WAL lets this object read on the GUI thread while a job writes). Every job is announced
/// with jobStarted (the status bar tracks it); failures come back as `error` in words.
class CatalogController final : public QObject {
    Q_OBJECT
public:
    /// The details of one image for the details panel.
    struct ImageDetails {
        ImageRecord image;
        std::vector<LabelRecord> labels;
        std::vector<CaptionRecord> captions;
    };

    explicit CatalogController(QObject* parent = nullptr);
    ~CatalogController() override;

    QString catalogPath() const { return m_path; }
    bool hasCatalog() const { return !m_path.isEmpty(); }
    std::shared_ptr<const CatalogSnapshot> snapshot() const { return m_snapshot; }
    LoadedModelPtr model() const { return m_model; }
    /// The labels of the last classification: dropped images are labelled with them.
    QStringList labelSet() const { return m_labelSet; }
    void setLabelSet(const QStringList& labels);
    std::shared_ptr<SearchIndexCache> searchCache() const { return m_searchCache; }
    /// Whether any job runs.
    bool isBusy() const;
    QList<Job*> runningJobs() const;

    /// Reads the catalog's details of one image (GUI thread; a few indexed rows).
    std::optional<ImageDetails> details(int64_t imageId);
    /// A model loaded in this session (any catalog), or null.
    LoadedModelPtr loadedModel(const QString& modelPath) const;

public slots:
    /// Opens (or with `create`, makes) a catalog; the last model used with it is loaded after.
    void openCatalog(const QString& path, bool create = false);
    void closeCatalog();
    /// Loads a model folder or .pt and makes it the active model of the catalog.
    void loadModel(const QString& modelPath, const QString& tokenizerDir = {});
    /// Reads the snapshot again (coalesced: at most one read at a time, one more queued).
    void refresh();
    /// Adds files and folders to the catalog, then labels them with labelSet().
    void addPaths(const QStringList& paths);
    /// Zero-shot labels for `imageIds` (nullopt: the whole catalog).
    void classify(const QStringList& labels, std::optional<std::vector<int64_t>> imageIds = std::nullopt);
    /// Ranks the catalog against a phrase; `allowed` restricts the images (filters).
    void search(const QString& query, std::optional<std::unordered_set<int64_t>> allowed = std::nullopt);
    /// Images like `imageId`, itself excluded.
    void findSimilar(int64_t imageId, std::optional<std::unordered_set<int64_t>> allowed = std::nullopt);
    void saveCaption(int64_t imageId, const QString& text);

signals:
    void catalogOpened(const QString& path);
    void catalogClosed();
    void snapshotChanged(std::shared_ptr<const cosmoclip::CatalogSnapshot> snapshot);
    void modelChanged(cosmoclip::LoadedModelPtr model);
    /// The catalog has no model yet and none was remembered: the user must add one.
    void modelNeeded();
    void jobStarted(cosmoclip::Job* job);
    void indexFinished(const cosmoclip::IndexReport& report);
    /// Labels were computed: best label per image (for the grid) and the counts per label.
    void classified(const QStringList& labels, const cosmoclip::BestLabelMap& best);
    /// A search finished: `title` says what was asked ("spiral" or "Similar to m51.png").
    void searchFinished(const QString& title, const std::vector<cosmoclip::SearchHit>& hits);
    void captionSaved(qint64 imageId);
    void error(const QString& title, const QString& detail);

private:
    void startJob(Job* job);
    bool requireModel(const QString& what);
    void onCatalogLoaded(const QString& path, std::shared_ptr<const CatalogSnapshot> snapshot, bool opening);
    void chooseModelFor(const CatalogSnapshot& snapshot);
    void scheduleRefresh();
    void startSearch(class SearchJob* job, const QString& title);

    QString m_path;
    std::unique_ptr<Catalog> m_reader;  // GUI-thread reads only
    std::shared_ptr<const CatalogSnapshot> m_snapshot;
    LoadedModelPtr m_model;
    std::map<QString, LoadedModelPtr> m_loaded;  // by model path: encoders reused across catalogs
    std::shared_ptr<SearchIndexCache> m_searchCache;
    QStringList m_labelSet;
    QPointer<Job> m_refreshJob;
    bool m_refreshQueued = false;
    QTimer m_refreshTimer;  // progress of an index job -> at most a few snapshot reads per second
    QPointer<Job> m_searchJob;
    quint64 m_openGeneration = 0;
};

}  // namespace cosmoclip
