#pragma once

#include <QPalette>

class QApplication;
class QPainter;
class QRectF;

namespace cosmoclip {

/// The red night-vision mode for the telescope: dark adaptation survives dim red light, so every
/// colour of the interface becomes red on black and images are drawn in their red channel only.
class NightVision {
public:
    /// Red on black for every role.
    static QPalette palette();
    /// Switches the application's palette (and Fusion style) to night vision and back to the theme
    /// that applyTheme() chose.
    static void apply(QApplication& app, bool on);
    /// Keeps only the red channel of what is already painted in `rect` (multiply by pure red), so a
    /// picture costs one composition pass and never a converted copy.
    static void redOnly(QPainter& painter, const QRectF& rect);
};

}  // namespace cosmoclip
