#pragma once

class QApplication;

namespace cosmoclip {

/// Fusion style with a dark palette: the default look, because dim surroundings keep faint sky
/// detail visible. QSettings "appearance/theme" = "system" keeps the platform look instead.
void applyTheme(QApplication& app);

}  // namespace cosmoclip
