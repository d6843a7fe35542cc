#pragma once

#include <QWidget>
#include <cstdint>
#include <vector>

#include "catalog/catalogrecords.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace cosmoclip {

class LabelBars;

/// The selected catalog image in words: name, header keys, labels with probability bars (ground
/// truth tagged with its source), the captions the catalog holds and the user's own caption, which
/// can be edited and saved (stored as a "user" caption).
class ImageDetailsPanel final : public QWidget {
    Q_OBJECT
public:
    explicit ImageDetailsPanel(QWidget* parent = nullptr);

    void showImage(const ImageRecord& image, const std::vector<LabelRecord>& labels,
                   const std::vector<CaptionRecord>& captions);
    void clear();
    int64_t imageId() const { return m_imageId; }

    LabelBars* labelBars() const { return m_labels; }
    QPlainTextEdit* captionEdit() const { return m_captionEdit; }
    QPushButton* saveButton() const { return m_save; }
    QPushButton* findSimilarButton() const { return m_findSimilar; }
    QString captionsText() const;

signals:
    void saveCaptionRequested(qint64 imageId, const QString& text);
    void findSimilarRequested(qint64 imageId);

private:
    void updateSaveButton();

    int64_t m_imageId = 0;
    QString m_savedCaption;
    QLabel* m_title;
    QLabel* m_facts;
    LabelBars* m_labels;
    QLabel* m_captions;
    QPlainTextEdit* m_captionEdit;
    QPushButton* m_save;
    QPushButton* m_findSimilar;
};

}  // namespace cosmoclip
