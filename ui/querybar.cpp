#include "querybar.h"

#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QStringListModel>
#include <QToolButton>

#include "queryhistory.h"

namespace cosmoclip {

QueryBar::QueryBar(QWidget* parent)
    : QWidget(parent),
      m_edit(new QLineEdit),
      m_hint(new QLabel),
      m_scope(new QComboBox),
      m_run(new QToolButton),
      m_history(new QueryHistory(this)) {
    setObjectName(QStringLiteral("queryBar"));
    m_edit->setObjectName(QStringLiteral("queryEdit"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setPlaceholderText(
        tr("Labels with commas: spiral galaxy, planetary nebula, globular cluster \u2014 or a search without "
           "commas: red emission nebula + 2:dust lanes"));
    m_edit->setToolTip(
        tr("<p><b>With commas</b>: labels. Each image gets a probability for every label (zero-shot "
           "classification); the results are stored in the catalog and shown as chips.</p>"
           "<p><b>Without commas</b>: a search. Images are ranked by similarity to the phrase. Combine "
           "terms with + and -, weight them with 2: or 0.5:, and use an image file as a term "
           "(./m42.png).</p><p>Ctrl+F comes here; \u2191 and \u2193 recall recent queries.</p>"));
    auto* completer = new QCompleter(m_history->model(), this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    completer->setCompletionMode(QCompleter::PopupCompletion);
    m_edit->setCompleter(completer);

    m_hint->setObjectName(QStringLiteral("queryMode"));
    m_hint->setMinimumWidth(fontMetrics().horizontalAdvance(tr("Labels (99)")) + 8);
    m_hint->setAlignment(Qt::AlignCenter);
    m_scope->setObjectName(QStringLiteral("queryScope"));
    m_scope->addItem(tr("All images"), int(Scope::AllImages));
    m_scope->addItem(tr("Selected images"), int(Scope::Selection));
    m_scope->setToolTip(tr("Which images labels are computed for (a search always ranks every image that "
                           "passes the filters)"));
    m_run->setText(tr("Run"));
    m_run->setToolTip(tr("Run the query (Enter)"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_hint);
    layout->addWidget(m_scope);
    layout->addWidget(m_run);

    connect(m_edit, &QLineEdit::textChanged, this, &QueryBar::updateHint);
    connect(m_edit, &QLineEdit::returnPressed, this, &QueryBar::submit);
    connect(m_run, &QToolButton::clicked, this, &QueryBar::submit);
    updateHint();
}

bool QueryBar::isLabelQuery(const QString& text) {
    return text.contains(QLatin1Char(','));
}

QStringList QueryBar::splitLabels(const QString& text) {
    QStringList labels;
    for (const QString& part : text.split(QLatin1Char(','))) {
        const QString label = part.trimmed();
        if (!label.isEmpty() && !labels.contains(label)) labels.push_back(label);
    }
    return labels;
}

QueryBar::Scope QueryBar::scope() const {
    return Scope(m_scope->currentData().toInt());
}

void QueryBar::setScope(Scope scope) {
    m_scope->setCurrentIndex(m_scope->findData(int(scope)));
}

QString QueryBar::text() const {
    return m_edit->text();
}

void QueryBar::setText(const QString& text) {
    m_edit->setText(text);
}

void QueryBar::focusQuery() {
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

void QueryBar::submit() {
    const QString text = m_edit->text().trimmed();
    if (text.isEmpty()) {
        emit cleared();
        return;
    }
    m_history->add(text);
    if (isLabelQuery(text)) {
        const QStringList labels = splitLabels(text);
        if (!labels.isEmpty()) emit labelsRequested(labels, scope());
    } else {
        emit searchRequested(text);
    }
}

void QueryBar::updateHint() {
    const QString text = m_edit->text().trimmed();
    const bool labels = isLabelQuery(text);
    m_scope->setEnabled(labels || text.isEmpty());
    if (text.isEmpty()) {
        m_hint->setText(QString());
    } else if (labels) {
        m_hint->setText(tr("Labels (%1)").arg(splitLabels(text).size()));
    } else {
        m_hint->setText(tr("Search"));
    }
}

}  // namespace cosmoclip
