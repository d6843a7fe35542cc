#include "catalogcontroller.h"

#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <algorithm>

#include "captionsavejob.h"
#include "catalog/catalog.h"
#include "catalogloadjob.h"
#include "classifyjob.h"
#include "common/error.h"
#include "indexjob.h"
#include "modelloadjob.h"
#include "searchindexcache.h"
#include "searchjob.h"

namespace cosmoclip {

namespace {

const QString kLastCatalogKey = QStringLiteral("catalog/last");
const QString kModelsKey = QStringLiteral("catalog/models");  // catalog path -> model path
const QString kLabelSetKey = QStringLiteral("catalog/labelSet");
const QString kTokenizersKey = QStringLiteral("models/tokenizers");  // .pt path -> tokenizer folder

QString fileName(const QString& path) {
    return QFileInfo(path).fileName();
}

}  // namespace

CatalogController::CatalogController(QObject* parent)
    : QObject(parent), m_searchCache(std::make_shared<SearchIndexCache>()) {
    m_labelSet = QSettings().value(kLabelSetKey).toStringList();
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(250);
    connect(&m_refreshTimer, &QTimer::timeout, this, &CatalogController::refresh);
}

CatalogController::~CatalogController() {
    // Jobs first: each cancels and waits for its thread before the catalog connection goes.
    const QList<Job*> jobs = findChildren<Job*>(Qt::FindDirectChildrenOnly);
    for (Job* job : jobs) job->cancel();
    qDeleteAll(jobs);
}

void CatalogController::setLabelSet(const QStringList& labels) {
    m_labelSet = labels;
    QSettings().setValue(kLabelSetKey, labels);
}

bool CatalogController::isBusy() const {
    return !runningJobs().isEmpty();
}

QList<Job*> CatalogController::runningJobs() const {
    QList<Job*> running;
    for (Job* job : findChildren<Job*>(Qt::FindDirectChildrenOnly))
        if (job->isRunning()) running.push_back(job);
    return running;
}

void CatalogController::startJob(Job* job) {
    connect(job, &Job::ended, job, &QObject::deleteLater);
    emit jobStarted(job);
    job->start();
}

bool CatalogController::requireModel(const QString& what) {
    if (!hasCatalog()) {
        emit error(tr("No catalog to %1").arg(what),
                   tr("Open a catalog (File \u203a Open Catalog\u2026) or create one (File \u203a New Catalog\u2026) first."));
        return false;
    }
    if (!m_model) {
        emit error(tr("No model to %1").arg(what),
                   tr("Choose a model first: Model \u203a Add Model Folder\u2026 (a Hugging Face or open_clip folder) "
                      "or Model \u203a Add OpenAI .pt File\u2026"));
        return false;
    }
    return true;
}

void CatalogController::openCatalog(const QString& path, bool create) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const quint64 generation = ++m_openGeneration;
    auto* job = new CatalogLoadJob(absolute, create, this);
    connect(job, &Job::finished, this, [this, job, absolute, generation] {
        if (generation == m_openGeneration) onCatalogLoaded(absolute, job->snapshot(), true);
    });
    connect(job, &Job::failed, this, [this, absolute](const QString& message) {
        emit error(tr("Could not open catalog %1").arg(fileName(absolute)), message);
    });
    startJob(job);
}

void CatalogController::closeCatalog() {
    ++m_openGeneration;
    m_path.clear();
    m_reader.reset();
    m_snapshot.reset();
    m_model.reset();
    m_searchCache->invalidate();
    emit catalogClosed();
}

void CatalogController::onCatalogLoaded(const QString& path, std::shared_ptr<const CatalogSnapshot> snapshot,
                                        bool opening) {
    if (opening) {
        try {
            m_reader = std::make_unique<Catalog>(QFile::encodeName(path).toStdString(), Catalog::Mode::ReadOnly);
        } catch (const std::exception& e) {
            emit error(tr("Could not open catalog %1").arg(fileName(path)), QString::fromStdString(e.what()));
            return;
        }
        const bool sameCatalog = path == m_path;
        m_path = path;
        if (!sameCatalog) m_searchCache->invalidate();
        QSettings().setValue(kLastCatalogKey, path);
        emit catalogOpened(path);
    } else if (path != m_path) {
        return;  // a read of a catalog closed since
    }
    m_snapshot = std::move(snapshot);
    emit snapshotChanged(m_snapshot);
    if (opening) chooseModelFor(*m_snapshot);
}

// The model a catalog opens with: the one last used with it, else the active one, else the
// catalog's newest model whose files are still there, else $COSMOCLIP_DEFAULT_MODEL (as the CLI).
void CatalogController::chooseModelFor(const CatalogSnapshot& snapshot) {
    QStringList candidates;
    candidates << QSettings().value(kModelsKey).toMap().value(m_path).toString();
    if (m_model) candidates << m_model->path;
    std::vector<ModelRecord> models;
    for (const auto& m : snapshot.models) models.push_back(m.record);
    std::sort(models.begin(), models.end(), [](const ModelRecord& a, const ModelRecord& b) { return a.id > b.id; });
    for (const ModelRecord& m : models) candidates << QString::fromStdString(m.path);
    candidates << qEnvironmentVariable("COSMOCLIP_DEFAULT_MODEL");
    m_model.reset();
    for (const QString& c : candidates) {
        if (!c.isEmpty() && QFileInfo::exists(c)) {
            loadModel(c);
            return;
        }
    }
    emit modelChanged(nullptr);
    emit modelNeeded();
}

void CatalogController::loadModel(const QString& modelPath, const QString& tokenizerDir) {
    if (!hasCatalog()) {
        emit error(tr("No catalog for the model"), tr("Open or create a catalog first; models are registered in it."));
        return;
    }
    const QString path = QFileInfo(modelPath).absoluteFilePath();
    auto* job = new ModelLoadJob(m_path, path, this);
    const QString tokenizer =
        tokenizerDir.isEmpty() ? QSettings().value(kTokenizersKey).toMap().value(path).toString() : tokenizerDir;
    job->setTokenizerDir(tokenizer);
    if (const auto it = m_loaded.find(path); it != m_loaded.end() && tokenizerDir.isEmpty()) job->setReuse(it->second);
    const QString catalog = m_path;
    connect(job, &Job::finished, this, [this, job, catalog, path, tokenizerDir] {
        if (catalog != m_path || !job->model()) return;
        if (!tokenizerDir.isEmpty()) {  // a .pt's tokenizer chosen by hand: found again next time
            QVariantMap tokenizers = QSettings().value(kTokenizersKey).toMap();
            tokenizers.insert(path, tokenizerDir);
            QSettings().setValue(kTokenizersKey, tokenizers);
        }
        m_model = job->model();
        m_loaded[path] = m_model;
        QVariantMap remembered = QSettings().value(kModelsKey).toMap();
        remembered.insert(catalog, path);
        QSettings().setValue(kModelsKey, remembered);
        emit modelChanged(m_model);
        refresh();  // the model list and its counts
    });
    connect(job, &Job::failed, this, [this, path](const QString& message) {
        emit error(tr("Could not load model %1").arg(fileName(path)), message);
    });
    startJob(job);
}

void CatalogController::refresh() {
    if (!hasCatalog()) return;
    if (m_refreshJob) {
        m_refreshQueued = true;
        return;
    }
    const QString path = m_path;
    auto* job = new CatalogLoadJob(path, false, this);
    m_refreshJob = job;
    connect(job, &Job::finished, this, [this, job, path] {
        // While indexing, reads follow each other at twice their own duration at most: a 100k-image
        // catalog is not re-read back to back, taking a core from the indexer.
        m_refreshTimer.setInterval(int(std::clamp<qint64>(2 * job->elapsedMs(), 250, 5000)));
        onCatalogLoaded(path, job->snapshot(), false);
    });
    connect(job, &Job::failed, this, [this, path](const QString& message) {
        if (path == m_path) emit error(tr("Could not read catalog %1").arg(fileName(path)), message);
    });
    connect(job, &Job::ended, this, [this] {
        m_refreshJob = nullptr;
        if (m_refreshQueued) {
            m_refreshQueued = false;
            refresh();
        }
    });
    // Not announced: a read is quick and the status bar shows the job that caused it.
    connect(job, &Job::ended, job, &QObject::deleteLater);
    job->start();
}

void CatalogController::scheduleRefresh() {
    if (!m_refreshTimer.isActive()) m_refreshTimer.start();
}

void CatalogController::addPaths(const QStringList& paths) {
    if (paths.isEmpty() || !requireModel(tr("add images"))) return;
    auto* job = new IndexJob(m_path, m_model, paths, this);
    const QString catalog = m_path;
    // Every committed batch is visible to a new read: the grid fills while the job runs.
    connect(job, &Job::progress, this, [this, catalog] {
        if (catalog == m_path) scheduleRefresh();
    });
    connect(job, &Job::ended, this, [this, job, catalog] {
        if (catalog != m_path) return;
        m_searchCache->invalidate();
        refresh();
        if (job->errorMessage().isEmpty()) emit indexFinished(job->report());
        const auto& failed = job->report().failed;
        if (!failed.empty()) {
            QStringList lines;
            for (size_t i = 0; i < failed.size() && i < 5; ++i) lines << QString::fromStdString(failed[i].error);
            if (failed.size() > 5) lines << tr("\u2026 and %n more", nullptr, int(failed.size() - 5));
            emit error(tr("%n file(s) could not be added", nullptr, int(failed.size())), lines.join(QLatin1Char('\n')));
        }
        if (!job->isCancelRequested() && job->errorMessage().isEmpty() && !m_labelSet.isEmpty() && !job->imageIds().empty())
            classify(m_labelSet, job->imageIds());
    });
    connect(job, &Job::failed, this, [this](const QString& message) { emit error(tr("Could not add images"), message); });
    startJob(job);
}

void CatalogController::classify(const QStringList& labels, std::optional<std::vector<int64_t>> imageIds) {
    if (labels.isEmpty() || !requireModel(tr("label images"))) return;
    auto* job = new ClassifyJob(m_path, m_model, labels, this);
    if (imageIds) job->setScope(std::move(*imageIds));
    const QString catalog = m_path;
    connect(job, &Job::finished, this, [this, job, catalog] {
        if (catalog != m_path) return;
        setLabelSet(job->labels());
        // Ground truth stays the best label; otherwise the most probable of the new labels.
        BestLabelMap best;
        const auto& ids = job->imageIds();
        const size_t c = size_t(job->labels().size());
        for (size_t i = 0; i < ids.size(); ++i) {
            if (m_snapshot) {
                const long long row = m_snapshot->indexOf(ids[i]);
                if (row >= 0) {
                    const auto& current = m_snapshot->bestLabels[size_t(row)];
                    if (!current.label.empty() && current.source != "zero-shot") continue;
                }
            }
            size_t top = 0;
            for (size_t k = 1; k < c; ++k)
                if (job->probability(i, k) > job->probability(i, top)) top = k;
            best[ids[i]] = {job->labels()[qsizetype(top)].toStdString(), "zero-shot", job->probability(i, top)};
        }
        emit classified(job->labels(), best);
        refresh();
    });
    connect(job, &Job::failed, this, [this](const QString& message) { emit error(tr("Could not label the images"), message); });
    startJob(job);
}

void CatalogController::startSearch(SearchJob* job, const QString& title) {
    if (m_searchJob) m_searchJob->cancel();  // the newest query wins
    m_searchJob = job;
    const QString catalog = m_path;
    connect(job, &Job::finished, this, [this, job, catalog, title] {
        if (catalog != m_path || job != m_searchJob) return;
        emit searchFinished(title, job->hits());
        if (job->embeddedImages()) refresh();
    });
    connect(job, &Job::failed, this, [this, title](const QString& message) {
        emit error(tr("Search failed: %1").arg(title), message);
    });
    startJob(job);
}

void CatalogController::search(const QString& query, std::optional<std::unordered_set<int64_t>> allowed) {
    if (query.trimmed().isEmpty() || !requireModel(tr("search"))) return;
    auto* job = new SearchJob(m_path, m_model, m_searchCache, query.trimmed(), this);
    if (allowed) job->setAllowedIds(std::move(*allowed));
    startSearch(job, query.trimmed());
}

void CatalogController::findSimilar(int64_t imageId, std::optional<std::unordered_set<int64_t>> allowed) {
    if (!requireModel(tr("find similar images"))) return;
    auto* job = new SearchJob(m_path, m_model, m_searchCache, imageId, this);
    if (allowed) job->setAllowedIds(std::move(*allowed));
    QString name = QString::number(imageId);
    if (m_snapshot) {
        const long long row = m_snapshot->indexOf(imageId);
        if (row >= 0) name = fileName(QString::fromStdString(m_snapshot->images[size_t(row)].path));
    }
    startSearch(job, tr("Similar to %1").arg(name));
}

void CatalogController::saveCaption(int64_t imageId, const QString& text) {
    if (!hasCatalog()) return;
    auto* job = new CaptionSaveJob(m_path, imageId, text, this);
    connect(job, &Job::finished, this, [this, imageId] { emit captionSaved(imageId); });
    connect(job, &Job::failed, this, [this](const QString& message) { emit error(tr("Could not save the caption"), message); });
    startJob(job);
}

std::optional<CatalogController::ImageDetails> CatalogController::details(int64_t imageId) {
    if (!m_reader) return std::nullopt;
    try {
        auto image = m_reader->imageById(imageId);
        if (!image) return std::nullopt;
        return ImageDetails{std::move(*image), m_reader->labels(imageId), m_reader->captions(imageId)};
    } catch (const std::exception& e) {
        emit error(tr("Could not read the catalog"), QString::fromStdString(e.what()));
        return std::nullopt;
    }
}

}  // namespace cosmoclip

namespace cosmoclip {

LoadedModelPtr CatalogController::loadedModel(const QString& modelPath) const {
    const auto it = m_loaded.find(QFileInfo(modelPath).absoluteFilePath());
    return it == m_loaded.end() ? nullptr : it->second;
}

}  // namespace cosmoclip
