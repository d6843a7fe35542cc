#pragma once

#include <QDialog>
#include <memory>

#include "catalogsnapshot.h"
#include "loadedmodel.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace cosmoclip {

class CatalogController;

/// The catalog's models: one row each (name, architecture, embedding size, images embedded, path)
/// and the card of the selected one. Adds a Hugging Face / open_clip folder or an OpenAI .pt and
/// makes the chosen model the active one; loading runs as a job, the dialog stays usable.
class ModelManagerDialog final : public QDialog {
    Q_OBJECT
public:
    explicit ModelManagerDialog(CatalogController* controller, QWidget* parent = nullptr);

    QTableWidget* table() const { return m_table; }
    QString cardText() const;
    /// The path of the model in `row`.
    QString modelPath(int row) const;

public slots:
    void chooseFolder();
    void choosePtFile();

private:
    void rebuild();
    void showCard();
    void useSelected();

    CatalogController* m_controller;
    QTableWidget* m_table;
    QLabel* m_card;
    QPushButton* m_use;
};

}  // namespace cosmoclip
