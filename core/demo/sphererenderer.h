#pragma once

#include "image/image.h"
#include "image/renderer.h"

namespace cosmoclip {

/// Where the observer and the Sun stand relative to a rendered body.
struct SphereView {
    double longitudeDeg = 0.0;  ///< central meridian (longitude at the disk centre)
    double latitudeDeg = 0.0;   ///< sub-observer latitude: > 0 shows the north pole
    double rollDeg = 0.0;       ///< position angle of the north pole in the picture, counter-clockwise
    double phaseDeg = 0.0;      ///< Sun-body-observer angle: 0 fully lit, 90 half, 180 dark
    double sunAngleDeg = 0.0;   ///< direction of the Sun in the picture: 0 = from the right, 180 = left
};

enum class SphereShading {
    Lambert,         ///< cloudy bodies (gas giants, Venus, Earth): darker towards the limb and terminator
    LommelSeeliger,  ///< regolith (the Moon, rocky moons): a flat-looking full disk, sharp terminator
    Emissive,        ///< the Sun: its own light with linear limb darkening, no phase
};

/// Renders an equirectangular surface map (longitude across, north up, as Stellarium's textures/)
/// onto an orthographic sphere seen from afar, lit by a distant Sun, with optional flat rings in the
/// equatorial plane (radial texture: inner edge left, outer edge right, alpha = opacity). The disk
/// edge is antialiased; the background is black sky. Deterministic: the same inputs give the same bytes.
class SphereRenderer {
public:
    SphereRenderer(const Image& map, SphereShading shading);
    /// Rings from `innerRadius` to `outerRadius`, in body radii.
    void setRings(const Image& texture, double innerRadius, double outerRadius);

    /// A size x size RGB picture; the body (and rings) fill about 90% of it.
    Raster8 render(const SphereView& view, int size) const;

private:
    struct Rgba {
        double r, g, b, a;
    };
    Rgba sampleMap(double lonRad, double latRad) const;
    Rgba sampleRing(double t) const;
    double shade(double nx, double ny, double nz, double lx, double ly, double lz) const;

    const Image& m_map;
    SphereShading m_shading;
    double m_mapScale = 1.0;
    const Image* m_rings = nullptr;
    double m_ringScale = 1.0;
    double m_ringInner = 0.0;
    double m_ringOuter = 0.0;
};

}  // namespace cosmoclip
