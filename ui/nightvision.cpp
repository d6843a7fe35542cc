#include "nightvision.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>
#include <QStyleFactory>

#include "theme.h"

namespace cosmoclip {

QPalette NightVision::palette() {
    const QColor black(0x0a, 0x00, 0x00);
    const QColor base(0x12, 0x00, 0x00);
    const QColor text(0xd0, 0x20, 0x20);
    const QColor dim(0x70, 0x10, 0x10);
    const QColor button(0x22, 0x02, 0x02);
    QPalette p;
    p.setColor(QPalette::Window, black);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x1a, 0x00, 0x00));
    p.setColor(QPalette::ToolTipBase, button);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, dim);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x30, 0x30));
    p.setColor(QPalette::Link, QColor(0xe0, 0x30, 0x30));
    p.setColor(QPalette::Highlight, QColor(0x60, 0x00, 0x00));
    p.setColor(QPalette::HighlightedText, QColor(0xff, 0x40, 0x40));
    p.setColor(QPalette::Light, QColor(0x40, 0x04, 0x04));
    p.setColor(QPalette::Midlight, QColor(0x30, 0x03, 0x03));
    p.setColor(QPalette::Mid, QColor(0x1a, 0x00, 0x00));
    p.setColor(QPalette::Dark, QColor(0x08, 0x00, 0x00));
    p.setColor(QPalette::Shadow, Qt::black);
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, dim);
    return p;
}

void NightVision::apply(QApplication& app, bool on) {
    // The look before night vision, for a "system" theme that applyTheme() leaves alone.
    static QPalette dayPalette = app.palette();
    static QString dayStyle = app.style() ? app.style()->name() : QString();
    static bool active = false;
    if (on == active) return;
    active = on;
    if (on) {
        dayPalette = app.palette();
        dayStyle = app.style()->name();
        app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        app.setPalette(palette());
        return;
    }
    if (QStyle* style = QStyleFactory::create(dayStyle)) app.setStyle(style);
    app.setPalette(dayPalette);
    applyTheme(app);
}

void NightVision::redOnly(QPainter& painter, const QRectF& rect) {
    painter.save();
    painter.setCompositionMode(QPainter::CompositionMode_Multiply);
    painter.fillRect(rect, QColor(255, 0, 0));
    painter.restore();
}

}  // namespace cosmoclip
