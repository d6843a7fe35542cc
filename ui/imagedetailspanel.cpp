#include "imagedetailspanel.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "displaytext.h"
#include "labelbars.h"

namespace cosmoclip {

namespace {

QLabel* heading(const QString& text) {
    auto* label = new QLabel(text);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

QString fact(const char* key, const std::optional<std::string>& value) {
    return value ? QStringLiteral("%1 %2\n").arg(QLatin1String(key), QString::fromStdString(*value)) : QString();
}

}  // namespace

ImageDetailsPanel::ImageDetailsPanel(QWidget* parent)
    : QWidget(parent),
      m_title(new QLabel),
      m_facts(new QLabel),
      m_labels(new LabelBars),
      m_captions(new QLabel),
      m_captionEdit(new QPlainTextEdit),
      m_save(new QPushButton(tr("Save caption"))),
      m_findSimilar(new QPushButton(tr("Find similar"))) {
    setObjectName(QStringLiteral("imageDetails"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setWordWrap(true);
    m_labels->setObjectName(QStringLiteral("imageLabels"));
    m_labels->setEmptyText(tr("No labels yet"));
    m_labels->setToolTip(tr("Type labels separated by commas in the query bar to compute them"));
    m_captions->setObjectName(QStringLiteral("imageCaptions"));
    m_captions->setWordWrap(true);
    m_captions->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_captionEdit->setObjectName(QStringLiteral("captionEdit"));
    m_captionEdit->setPlaceholderText(tr("Describe this image in your words; saved as your caption"));
    m_captionEdit->setMaximumHeight(m_captionEdit->fontMetrics().height() * 5);
    m_save->setObjectName(QStringLiteral("saveCaption"));
    m_save->setEnabled(false);
    m_findSimilar->setObjectName(QStringLiteral("findSimilarButton"));
    m_findSimilar->setToolTip(tr("Rank the catalog by similarity to this image (Ctrl+Shift+F)"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_findSimilar);
    buttons->addStretch(1);
    buttons->addWidget(m_save);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_facts);
    layout->addWidget(heading(tr("Labels")));
    layout->addWidget(m_labels);
    layout->addWidget(heading(tr("Captions")));
    layout->addWidget(m_captions);
    layout->addWidget(m_captionEdit);
    layout->addLayout(buttons);
    layout->addStretch(1);

    connect(m_captionEdit, &QPlainTextEdit::textChanged, this, &ImageDetailsPanel::updateSaveButton);
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (m_imageId) emit saveCaptionRequested(m_imageId, m_captionEdit->toPlainText());
    });
    connect(m_findSimilar, &QPushButton::clicked, this, [this] {
        if (m_imageId) emit findSimilarRequested(m_imageId);
    });
    clear();
}

void ImageDetailsPanel::showImage(const ImageRecord& image, const std::vector<LabelRecord>& labels,
                                  const std::vector<CaptionRecord>& captions) {
    setEnabled(true);
    m_imageId = image.id;
    const QString path = QString::fromStdString(image.path);
    m_title->setText(QFileInfo(path).fileName());
    QString facts = QDir::toNativeSeparators(QFileInfo(path).absolutePath()) + QLatin1Char('\n');
    facts += QStringLiteral("%1 \u00d7 %2 %3\n").arg(image.width).arg(image.height).arg(QString::fromStdString(image.format).toUpper());
    facts += fact("OBJECT", image.object) + fact("TELESCOP", image.telescope) + fact("INSTRUME", image.instrument) +
             fact("FILTER", image.filter) + fact("DATE-OBS", image.dateObs);
    if (image.exptime) facts += tr("EXPTIME %1 s", "exposure time in seconds").arg(*image.exptime) + QLatin1Char('\n');
    m_facts->setText(facts.trimmed());

    QVector<LabelBars::Entry> entries;
    for (const LabelRecord& l : labels) {
        const bool truth = l.source != "zero-shot";
        entries.push_back({QString::fromStdString(l.label), truth ? 1.0 : l.probability,
                           truth ? QString() : QStringLiteral("%1 %").arg(l.probability * 100, 0, 'f', 1),
                           truth ? labelSourceName(l.source) : QString()});
    }
    m_labels->setEntries(entries);

    QString userCaption;
    QStringList others;
    for (const CaptionRecord& c : captions) {
        if (c.source == "user" && userCaption.isEmpty()) {
            userCaption = QString::fromStdString(c.text);
        } else {
            others.push_back(QStringLiteral("\u201c%1\u201d \u2014 %2").arg(QString::fromStdString(c.text), labelSourceName(c.source)));
        }
    }
    m_captions->setText(others.isEmpty() ? tr("No other captions") : others.join(QLatin1Char('\n')));
    m_savedCaption = userCaption;
    m_captionEdit->setPlainText(userCaption);
    updateSaveButton();
}

void ImageDetailsPanel::clear() {
    m_imageId = 0;
    m_title->setText(tr("No image selected"));
    m_facts->clear();
    m_labels->setEntries({});
    m_captions->clear();
    m_savedCaption.clear();
    m_captionEdit->clear();
    setEnabled(false);
}

QString ImageDetailsPanel::captionsText() const {
    return m_captions->text();
}

void ImageDetailsPanel::updateSaveButton() {
    m_save->setEnabled(m_imageId != 0 && m_captionEdit->toPlainText().trimmed() != m_savedCaption);
}

}  // namespace cosmoclip
