#include "trainingdashboard.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QValueAxis>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "comparejob.h"
#include "displaytext.h"
#include "trainingjob.h"

namespace cosmoclip {

namespace {

QString percent(double v) {
    return std::isnan(v) ? QStringLiteral("\u2013") : QString::number(100 * v, 'f', 1);
}

QString duration(double seconds) {
    const qint64 s = qint64(std::lround(std::max(0.0, seconds)));
    if (s < 60) return TrainingDashboard::tr("%1 s").arg(s);
    if (s < 3600) return TrainingDashboard::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return TrainingDashboard::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

// Grows an axis to hold `v` (the charts never shrink while a run goes on).
void extend(QValueAxis* axis, double v, bool first) {
    if (!std::isfinite(v)) return;
    const double lo = first ? v : std::min(axis->min(), v);
    const double hi = first ? v : std::max(axis->max(), v);
    axis->setRange(lo, hi > lo ? hi : lo + 1e-6);
}

// Whole-number ticks (steps, epochs) about eight to an axis: 1, 2, 5, 10, 20, ... apart.
void setCountTicks(QValueAxis* axis, double max) {
    double interval = 1;
    for (double scale = 1; interval * 8 < max; scale *= 10)
        for (double f : {1.0, 2.0, 5.0})
            if (interval * 8 < max) interval = f * scale;
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(interval);
    axis->setRange(0, std::max(1.0, max));
}

QValueAxis* axisOf(QChart* chart, Qt::Orientation orientation) {
    return static_cast<QValueAxis*>(chart->axes(orientation).first());
}

QLineSeries* addSeries(QChart* chart, const QString& name, QValueAxis* x, QValueAxis* y, bool points) {
    auto* series = new QLineSeries(chart);
    series->setName(name);
    series->setPointsVisible(points);
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
    return series;
}

}  // namespace

TrainingDashboard::TrainingDashboard(QWidget* parent) : QWidget(parent, Qt::Window) {
    setWindowTitle(tr("Training"));
    auto* layout = new QVBoxLayout(this);

    m_status = new QLabel(tr("No training running. Model › Fine-tune… starts one."), this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    auto* controls = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(QString());
    m_progress->setTextVisible(true);
    controls->addWidget(m_progress, 1);
    m_pauseButton = new QPushButton(tr("&Pause"), this);
    m_pauseButton->setToolTip(tr("Stops after the current step with everything saved; Resume goes on from there"));
    m_cancelButton = new QPushButton(tr("&Cancel"), this);
    m_compareButton = new QPushButton(tr("Compare with &Base"), this);
    m_compareButton->setToolTip(tr("Zero-shot and retrieval metrics of the base and the fine-tuned model on the test split"));
    m_useButton = new QPushButton(tr("&Use This Model"), this);
    m_useButton->setToolTip(tr("Make the fine-tuned model the catalog's current model"));
    for (QPushButton* b : {m_pauseButton, m_cancelButton, m_compareButton, m_useButton}) controls->addWidget(b);
    layout->addLayout(controls);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    auto* charts = new QWidget(splitter);
    auto* chartRow = new QHBoxLayout(charts);
    chartRow->setContentsMargins(0, 0, 0, 0);
    buildCharts(chartRow);
    splitter->addWidget(charts);

    auto* tabs = new QTabWidget(splitter);
    m_log = new QPlainTextEdit(tabs);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    tabs->addTab(m_log, tr("Log"));
    m_history = new QTreeWidget(tabs);
    m_history->setHeaderLabels({tr("Run"), tr("Started"), tr("Status"), tr("Best top-1 %"), tr("Base model"), tr("Output")});
    m_history->setRootIsDecorated(false);
    m_history->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tabs->addTab(m_history, tr("Past Runs"));
    m_compare = new QTableWidget(0, 3, tabs);
    m_compare->setHorizontalHeaderLabels({tr("Base"), tr("Fine-tuned"), tr("Change")});
    m_compare->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_compare->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    tabs->addTab(m_compare, tr("Comparison (%)"));
    splitter->addWidget(tabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    connect(m_pauseButton, &QPushButton::clicked, this, &TrainingDashboard::togglePause);
    connect(m_cancelButton, &QPushButton::clicked, this, &TrainingDashboard::cancelTraining);
    connect(m_compareButton, &QPushButton::clicked, this, [this, tabs] {
        tabs->setCurrentWidget(m_compare);
        compareWithBase();
    });
    connect(m_useButton, &QPushButton::clicked, this, &TrainingDashboard::useResult);
    connect(m_history, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem* item) { showRun(item->data(0, Qt::UserRole).toLongLong()); });
    connect(m_history, &QTreeWidget::itemClicked, this,
            [this](QTreeWidgetItem* item) { showRun(item->data(0, Qt::UserRole).toLongLong()); });
    updateButtons();
    resize(1000, 720);
}

TrainingDashboard::~TrainingDashboard() = default;

void TrainingDashboard::buildCharts(QHBoxLayout* layout) {
    auto makeChart = [this, layout](const QString& title, const QString& xTitle, const QString& yTitle) {
        auto* chart = new QChart;
        chart->setTitle(title);
        chart->legend()->setAlignment(Qt::AlignBottom);
        auto* x = new QValueAxis(chart);
        x->setTitleText(xTitle);
        x->setLabelFormat(QStringLiteral("%d"));
        auto* y = new QValueAxis(chart);
        y->setTitleText(yTitle);
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        auto* view = new QChartView(chart, this);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(320, 240);
        layout->addWidget(view, 1);
        return chart;
    };
    m_lossChart = makeChart(tr("Loss"), tr("step"), tr("contrastive loss"));
    m_lossX = axisOf(m_lossChart, Qt::Horizontal);
    m_lossY = axisOf(m_lossChart, Qt::Vertical);
    m_trainLoss = addSeries(m_lossChart, tr("train (per step)"), m_lossX, m_lossY, false);
    m_valLoss = addSeries(m_lossChart, tr("validation (per epoch)"), m_lossX, m_lossY, true);
    m_metricChart = makeChart(tr("Validation metrics"), tr("epoch"), tr("fraction"));
    m_metricX = axisOf(m_metricChart, Qt::Horizontal);
    axisOf(m_metricChart, Qt::Vertical)->setRange(0.0, 1.0);
    m_top1 = addSeries(m_metricChart, tr("zero-shot top-1"), m_metricX, axisOf(m_metricChart, Qt::Vertical), true);
    m_recall = addSeries(m_metricChart, tr("image\u2192text recall@5"), m_metricX, axisOf(m_metricChart, Qt::Vertical), true);
    clearCharts();
}

void TrainingDashboard::clearCharts() {
    for (QLineSeries* s : {m_trainLoss, m_valLoss, m_top1, m_recall}) s->clear();
    setCountTicks(m_lossX, 1);
    m_lossY->setRange(0, 1);
    setCountTicks(m_metricX, 1);
}

void TrainingDashboard::setCatalog(const QString& catalogPath) {
    m_catalogPath = catalogPath;
    reloadHistory();
}

TrainingJob* TrainingDashboard::job() const {
    return m_job;
}

bool TrainingDashboard::isTraining() const {
    return m_job && !m_job->hasEnded();
}

void TrainingDashboard::start(const TrainingPlan& plan) {
    if (isTraining()) {
        m_status->setText(tr("A run is going on: cancel it before starting another."));
        return;
    }
    if (m_catalogPath != plan.catalogPath) setCatalog(plan.catalogPath);
    clearCharts();
    m_log->clear();
    m_compare->setRowCount(0);
    m_paused = false;
    startJob(plan);
}

void TrainingDashboard::startJob(const TrainingPlan& plan) {
    m_plan = plan;
    m_basePath = plan.basePath;
    m_resultPath.clear();
    m_fractions = plan.fractions;
    m_captionStyle = plan.options.captionStyle;
    m_pausing = false;
    m_firstStep = -1;
    m_totalSteps = 0;
    if (m_job) m_job->deleteLater();
    m_job = new TrainingJob(plan, this);
    connect(m_job, &TrainingJob::prepared, this, &TrainingDashboard::onPrepared);
    connect(m_job, &TrainingJob::step, this, &TrainingDashboard::onStep);
    connect(m_job, &TrainingJob::epoch, this, &TrainingDashboard::onEpoch);
    connect(m_job, &TrainingJob::log, this, &TrainingDashboard::appendLog);
    connect(m_job, &Job::ended, this, &TrainingDashboard::onJobEnded);
    m_status->setText(plan.options.resume ? tr("Resuming from %1\u2026").arg(QString::fromStdString(plan.options.outDir))
                                          : tr("Reading the training images\u2026"));
    m_progress->setRange(0, 0);  // busy until the number of steps is known
    m_job->start();
    updateButtons();
}

void TrainingDashboard::onPrepared(qint64 totalSteps, qint64 trainImages, qint64 valImages, qint64 runId) {
    m_totalSteps = totalSteps;
    m_progress->setRange(0, int(std::min<qint64>(totalSteps, INT_MAX)));
    m_progress->setValue(0);
    setCountTicks(m_lossX, double(totalSteps));
    setCountTicks(m_metricX, m_plan->options.epochs);
    m_status->setText(tr("Run %1: fine-tuning %2 on %3 images, validating on %4.")
                          .arg(runId)
                          .arg(QFileInfo(m_plan->basePath).fileName())
                          .arg(trainImages)
                          .arg(valImages));
    appendLog(m_status->text());
    reloadHistory();
}

void TrainingDashboard::onStep(qint64 step, double loss, double) {
    const bool first = m_trainLoss->count() == 0 && m_valLoss->count() == 0;
    m_trainLoss->append(double(step), loss);
    extend(m_lossY, loss, first);
    if (step > m_lossX->max()) setCountTicks(m_lossX, double(step));
    if (m_firstStep < 0) {
        m_firstStep = step;
        m_clock.start();
    }
    m_progress->setValue(int(std::min<qint64>(step, m_progress->maximum())));
    QString text = tr("step %1 of %2").arg(step).arg(m_totalSteps);
    const qint64 done = step - m_firstStep;
    if (done > 0 && m_totalSteps > step) {
        const double left = m_clock.elapsed() / 1000.0 / double(done) * double(m_totalSteps - step);
        text += tr(" \u2014 about %1 left").arg(duration(left));
    }
    m_progress->setFormat(text);
}

void TrainingDashboard::onEpoch(const EpochMetrics& m) {
    addEpochPoints(m.epoch, m.step, m.trainLoss, m.valLoss, m.val.top1, m.val.i2tRecall[1], false);
    appendLog(tr("epoch %1: train loss %2, validation loss %3, top-1 %4 %, image\u2192text R@5 %5 % (%6)")
                  .arg(m.epoch)
                  .arg(m.trainLoss, 0, 'f', 4)
                  .arg(m.valLoss, 0, 'f', 4)
                  .arg(percent(m.val.top1), percent(m.val.i2tRecall[1]), duration(m.seconds)));
}

void TrainingDashboard::addEpochPoints(int epoch, qint64 step, double trainLoss, double valLoss, double top1,
                                       double recall, bool withTrain) {
    const bool first = m_trainLoss->count() == 0 && m_valLoss->count() == 0;
    if (withTrain && std::isfinite(trainLoss)) {
        m_trainLoss->append(double(step), trainLoss);
        extend(m_lossY, trainLoss, first);
    }
    if (std::isfinite(valLoss)) {
        m_valLoss->append(double(step), valLoss);
        extend(m_lossY, valLoss, first && !withTrain);
    }
    if (step > m_lossX->max()) setCountTicks(m_lossX, double(step));
    if (std::isfinite(top1)) m_top1->append(epoch, top1);
    if (std::isfinite(recall)) m_recall->append(epoch, recall);
    if (epoch > m_metricX->max()) setCountTicks(m_metricX, epoch);
}

void TrainingDashboard::onJobEnded() {
    TrainingJob* job = m_job;
    if (!job) return;
    const QString out = QDir::toNativeSeparators(QString::fromStdString(job->plan().options.outDir));
    if (!job->errorMessage().isEmpty()) {
        m_status->setText(tr("Training failed: %1").arg(job->errorMessage()));
        m_progress->setRange(0, 1);
        m_paused = false;
    } else if (job->result().cancelled || (job->isCancelRequested() && job->result().steps == 0)) {
        m_paused = m_pausing && job->result().steps > 0;
        const int steps = int(job->result().steps);
        m_status->setText(m_paused ? tr("Paused after %n step(s); Resume goes on from %1.", nullptr, steps).arg(out)
                                   : tr("Cancelled after %n step(s). The state is kept in %1/last.", nullptr, steps).arg(out));
        m_resultPath = QString::fromStdString(job->result().bestPath);
    } else {
        const TrainingResult& r = job->result();
        m_resultPath = QString::fromStdString(r.bestPath);
        m_progress->setValue(m_progress->maximum());
        m_progress->setFormat(tr("done: %n step(s)", nullptr, int(r.steps)));
        m_status->setText(tr("Finished: the best epoch (%1, zero-shot top-1 %2 %) is saved in %3.")
                              .arg(r.best.epoch)
                              .arg(percent(r.best.val.top1), QDir::toNativeSeparators(m_resultPath)));
    }
    appendLog(m_status->text());
    m_pausing = false;
    reloadHistory();
    updateButtons();
    emit trainingEnded();
}

void TrainingDashboard::togglePause() {
    if (isTraining()) {
        m_pausing = true;
        m_status->setText(tr("Pausing after the current step\u2026"));
        m_job->cancel();
    } else if (m_paused && m_plan) {
        TrainingPlan plan = *m_plan;
        plan.options.resume = true;
        m_paused = false;
        startJob(plan);
    }
    updateButtons();
}

void TrainingDashboard::cancelTraining() {
    if (isTraining()) {
        m_pausing = false;
        m_status->setText(tr("Cancelling after the current step\u2026"));
        m_job->cancel();
    } else if (m_paused) {
        m_paused = false;
        m_status->setText(tr("Cancelled; the paused run stays in the history."));
    }
    updateButtons();
}

void TrainingDashboard::updateButtons() {
    const bool training = isTraining();
    m_pauseButton->setText(m_paused ? tr("&Resume") : tr("&Pause"));
    m_pauseButton->setEnabled((training && !m_job->isCancelRequested()) || m_paused);
    m_cancelButton->setEnabled((training && !m_job->isCancelRequested()) || m_paused);
    const bool haveResult = !m_resultPath.isEmpty() && QFileInfo::exists(m_resultPath);
    m_compareButton->setEnabled(haveResult && !m_basePath.isEmpty() && !m_compareJob && !training);
    m_useButton->setEnabled(haveResult);
}

void TrainingDashboard::appendLog(const QString& line) {
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("hh:mm:ss  ")) + line);
}

// --- history ---------------------------------------------------------------------------------

void TrainingDashboard::reloadHistory() {
    m_history->clear();
    if (m_catalogPath.isEmpty()) return;
    try {
        // A few rows through an index: quick enough for the GUI thread, as the details panel's reads.
        Catalog catalog(QFile::encodeName(m_catalogPath).toStdString(), Catalog::Mode::ReadOnly);
        for (const RunRecord& run : catalog.runs()) {
            double top1 = NAN;
            try {
                const auto best = nlohmann::json::parse(run.best.empty() ? std::string("{}") : run.best);
                if (best.contains("top1") && best["top1"].is_number()) top1 = best["top1"].get<double>();
            } catch (const std::exception&) {
            }
            auto* item = new QTreeWidgetItem(m_history);
            item->setText(0, QString::number(run.id));
            item->setData(0, Qt::UserRole, qint64(run.id));
            item->setText(1, QDateTime::fromSecsSinceEpoch(run.startedAt).toString(QStringLiteral("yyyy-MM-dd hh:mm")));
            item->setText(2, runStatusName(run.status) +
                                 (run.message.empty() ? QString() : QStringLiteral(": ") + runStatusName(run.message)));
            item->setText(3, percent(top1));
            item->setText(4, QFileInfo(QString::fromStdString(run.baseModel)).fileName());
            item->setToolTip(4, QString::fromStdString(run.baseModel));
            item->setText(5, QDir::toNativeSeparators(QString::fromStdString(run.outDir)));
        }
    } catch (const std::exception& e) {
        appendLog(tr("Cannot read the run history: %1").arg(QString::fromStdString(e.what())));
    }
}

void TrainingDashboard::showRun(qint64 runId) {
    if (isTraining() || m_catalogPath.isEmpty()) return;  // the live run owns the charts
    try {
        Catalog catalog(QFile::encodeName(m_catalogPath).toStdString(), Catalog::Mode::ReadOnly);
        const auto runs = catalog.runs();
        const auto run = std::find_if(runs.begin(), runs.end(), [runId](const RunRecord& r) { return r.id == runId; });
        if (run == runs.end()) return;
        std::map<int, std::pair<qint64, std::map<std::string, double>>> epochs;
        for (const RunMetric& m : catalog.runMetrics(runId)) {
            epochs[m.epoch].first = m.step;
            epochs[m.epoch].second[m.name] = m.value;
        }
        clearCharts();
        m_paused = false;
        for (const auto& [epoch, values] : epochs) {
            auto get = [&](const char* name) {
                const auto it = values.second.find(name);
                return it == values.second.end() ? NAN : it->second;
            };
            addEpochPoints(epoch, values.first, get("train_loss"), get("val_loss"), get("top1"), get("i2t_recall@5"), true);
        }
        m_basePath = QString::fromStdString(run->baseModel);
        const QString best = QDir(QString::fromStdString(run->outDir)).filePath(QStringLiteral("best"));
        m_resultPath = QFileInfo::exists(best) ? best : QString();
        try {
            const auto options = nlohmann::json::parse(run->options);
            m_fractions = SplitFractions::parse(options.value("split", std::string("0.7,0.15,0.15")));
            m_captionStyle = parseCaptionStyle(options.value("caption_style", std::string("photo")));
        } catch (const std::exception&) {
            m_fractions = {};
            m_captionStyle = CaptionStyle::PhotoOf;
        }
        m_status->setText(tr("Run %1 (%2), %n epoch(s) recorded.", nullptr, int(epochs.size()))
                              .arg(runId)
                              .arg(runStatusName(run->status)));
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        m_progress->setFormat(QString());
    } catch (const std::exception& e) {
        m_status->setText(tr("Cannot read run %1: %2").arg(runId).arg(QString::fromStdString(e.what())));
    }
    updateButtons();
}

// --- compare and use -------------------------------------------------------------------------

void TrainingDashboard::compareWithBase() {
    if (m_compareJob || m_resultPath.isEmpty() || m_basePath.isEmpty()) return;
    auto* job = new CompareJob(m_catalogPath, {m_basePath, m_resultPath}, m_fractions, m_captionStyle, Split::Test, this);
    m_compareJob = job;
    m_status->setText(tr("Comparing the base and the fine-tuned model on the test split\u2026"));
    connect(job, &Job::progress, this, [this](qint64 done, qint64 total, const QString&) {
        m_progress->setRange(0, int(total));
        m_progress->setValue(int(done));
        m_progress->setFormat(tr("embedding test images: %1 of %2").arg(done).arg(total));
    });
    connect(job, &Job::failed, this, [this](const QString& message) { m_status->setText(tr("Comparison failed: %1").arg(message)); });
    connect(job, &Job::finished, this, [this, job] {
        const auto& m = job->metrics();
        if (m.size() != 2) return;
        QStringList rows;
        std::vector<std::pair<double, double>> values;
        auto add = [&](const QString& name, double a, double b) {
            rows << name;
            values.emplace_back(a, b);
        };
        add(tr("zero-shot top-1"), m[0].top1, m[1].top1);
        add(tr("zero-shot top-5"), m[0].top5, m[1].top5);
        const char* at[3] = {"@1", "@5", "@10"};
        for (int k = 0; k < 3; ++k) add(tr("image\u2192text R%1").arg(QLatin1String(at[k])), m[0].i2tRecall[k], m[1].i2tRecall[k]);
        for (int k = 0; k < 3; ++k) add(tr("text\u2192image R%1").arg(QLatin1String(at[k])), m[0].t2iRecall[k], m[1].t2iRecall[k]);
        for (size_t c = 0; c < m[0].classNames.size() && c < m[1].perClassTop1.size(); ++c)
            add(QStringLiteral("  ") + QString::fromStdString(m[0].classNames[c]), m[0].perClassTop1[c], m[1].perClassTop1[c]);
        m_compare->setRowCount(int(rows.size()));
        m_compare->setVerticalHeaderLabels(rows);
        for (int r = 0; r < rows.size(); ++r) {
            const auto [a, b] = values[size_t(r)];
            const double change = b - a;
            const QString changeText = std::isnan(change) ? percent(change)
                                                          : (change >= 0 ? QStringLiteral("+") : QString()) + percent(change);
            int col = 0;
            for (const QString& text : {percent(a), percent(b), changeText}) {
                auto* item = new QTableWidgetItem(text);
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_compare->setItem(r, col++, item);
            }
        }
        m_status->setText(tr("Test split: %1 images, %2 labelled, %3 captions.").arg(m[0].n).arg(m[0].labelled).arg(m[0].captions));
        m_progress->setFormat(QString());
    });
    connect(job, &Job::ended, this, [this, job] {
        job->deleteLater();
        m_compareJob = nullptr;
        updateButtons();
        emit compareFinished();
    });
    job->start();
    updateButtons();
}

void TrainingDashboard::useResult() {
    if (!m_resultPath.isEmpty()) emit useModelRequested(m_resultPath);
}

}  // namespace cosmoclip
