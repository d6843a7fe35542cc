#include "planeselector.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>

namespace cosmoclip {

PlaneSelector::PlaneSelector(QWidget* parent)
    : QWidget(parent),
      m_rgb(new QCheckBox(tr("RGB"))),
      m_label(new QLabel(tr("Plane"))),
      m_spin(new QSpinBox),
      m_slider(new QSlider(Qt::Horizontal)) {
    setObjectName(QStringLiteral("planeSelector"));
    m_rgb->setObjectName(QStringLiteral("rgbCheck"));
    m_rgb->setToolTip(tr("Show planes 1-3 as one colour image; clear to view single planes"));
    m_spin->setObjectName(QStringLiteral("planeSpin"));
    m_spin->setToolTip(tr("Plane (1-based, as FITS counts NAXIS3; PageUp/PageDown step)"));
    m_spin->setKeyboardTracking(false);
    m_slider->setObjectName(QStringLiteral("planeSlider"));
    m_slider->setFixedWidth(180);
    m_label->setBuddy(m_spin);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->addWidget(m_rgb);
    layout->addWidget(m_label);
    layout->addWidget(m_spin);
    layout->addWidget(m_slider);

    connect(m_spin, &QSpinBox::valueChanged, this, [this](int value) {
        const QSignalBlocker block(m_slider);
        m_slider->setValue(value);
        emitPlane();
    });
    connect(m_slider, &QSlider::valueChanged, m_spin, &QSpinBox::setValue);
    connect(m_rgb, &QCheckBox::toggled, this, [this] {
        updateVisibility();
        emitPlane();
    });
    configure(1, false, -1);
}

void PlaneSelector::configure(int planes, bool rgb, int plane) {
    const QSignalBlocker blockSpin(m_spin);
    const QSignalBlocker blockSlider(m_slider);
    const QSignalBlocker blockRgb(m_rgb);
    m_planes = std::max(1, planes);
    m_rgbAvailable = rgb && m_planes >= 3;
    m_spin->setRange(1, m_planes);
    m_spin->setSuffix(QStringLiteral(" / %1").arg(m_planes));
    m_slider->setRange(1, m_planes);
    m_slider->setPageStep(std::max(1, m_planes / 10));
    const int shown = plane < 0 ? 1 : std::min(plane + 1, m_planes);
    m_spin->setValue(shown);
    m_slider->setValue(shown);
    m_rgb->setChecked(m_rgbAvailable && plane < 0);
    updateVisibility();
}

int PlaneSelector::plane() const {
    if (m_rgbAvailable && m_rgb->isChecked()) return -1;
    return m_spin->value() - 1;
}

void PlaneSelector::updateVisibility() {
    m_rgb->setVisible(m_rgbAvailable);
    const bool single = !m_rgbAvailable || !m_rgb->isChecked();
    m_label->setVisible(single);
    m_spin->setVisible(single);
    m_slider->setVisible(single);
}

void PlaneSelector::emitPlane() {
    emit planeChanged(plane());
}

}  // namespace cosmoclip
