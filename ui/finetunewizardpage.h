#pragma once

#include <QWizardPage>
#include <functional>

class QLabel;
class QVBoxLayout;

namespace cosmoclip {

/// A page of the fine-tune wizard whose Next (or Start) button is enabled only while its check
/// passes; the check's answer (why the choice cannot be used) stands in words at the foot of the page,
/// and so does a warning that does not block (e.g. classes with few images).
class FineTuneWizardPage final : public QWizardPage {
    Q_OBJECT
public:
    /// Returns "" when the page's choices are usable, else what is wrong.
    using Check = std::function<QString()>;
    using Warning = std::function<QString()>;

    explicit FineTuneWizardPage(QWidget* parent = nullptr);

    /// The page's widgets go here; the message line stays below them.
    QVBoxLayout* body() const { return m_body; }
    void setCheck(Check check) { m_check = std::move(check); }
    void setWarning(Warning warning) { m_warning = std::move(warning); }
    void setOnEnter(std::function<void()> onEnter) { m_onEnter = std::move(onEnter); }
    /// The error or warning shown now ("" when neither).
    QString message() const;

    bool isComplete() const override;
    void initializePage() override;

public slots:
    /// Runs the check again (after any change of the page's widgets).
    void recheck();

private:
    QVBoxLayout* m_body;
    QLabel* m_message;
    Check m_check;
    Warning m_warning;
    std::function<void()> m_onEnter;
};

}  // namespace cosmoclip
