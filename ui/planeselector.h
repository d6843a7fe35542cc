#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace cosmoclip {

/// Picks the plane of a cube: a spin box (1-based, as FITS counts NAXIS3) tied to a slider, and for
/// RGB images (NAXIS3 = 3, colour rasters) an "RGB" check box that, when cleared, shows one plane.
/// plane() follows RenderOptions::plane: -1 for the colour composite, else the 0-based plane.
class PlaneSelector final : public QWidget {
    Q_OBJECT
public:
    explicit PlaneSelector(QWidget* parent = nullptr);

    /// Sets up the controls for an image without emitting planeChanged.
    void configure(int planes, bool rgb, int plane);
    int plane() const;
    /// False when the image has one plane: the window hides the selector then.
    bool isUseful() const { return m_planes > 1; }

signals:
    void planeChanged(int plane);

private:
    void updateVisibility();
    void emitPlane();

    QCheckBox* m_rgb;
    QLabel* m_label;
    QSpinBox* m_spin;
    QSlider* m_slider;
    int m_planes = 1;
    bool m_rgbAvailable = false;
};

}  // namespace cosmoclip
