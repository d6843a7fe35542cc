#pragma once

#include <optional>
#include <string>
#include <vector>

#include "demo/demoimage.h"
#include "demo/renderjob.h"

namespace cosmoclip {

/// A demo image, and for renders the job that makes its file.
struct PlannedImage {
    DemoImage image;
    std::optional<RenderJob> render;
};

/// The Sun, the Moon and the planets: disk images shipped by kstars-data, and sphere renders of
/// Stellarium's surface maps (planets -> "planet", Pluto -> "dwarf planet", moons of other planets
/// -> "planetary moon", Earth's Moon -> "moon", the Sun -> "sun").
class SolarSystemImages {
public:
    /// kstars-data's textures/: 8 planet disks, moon00..moon35 (phase index 0 = new, 18 = full) and
    /// sun.png. Files that are missing are left out; a missing folder gives nothing.
    static std::vector<DemoImage> kstarsImages(const std::string& kstarsRoot);

    /// `perBody` renders of every sphere-like body of stellarium's data/ssystem_major.ini that has
    /// its own surface map (bodies with a shape model or the generic "lune.png" are left out), named
    /// rendersDir/<body>-<k>.png. Nothing is rendered here.
    static std::vector<PlannedImage> plannedRenders(const std::string& stellariumRoot, const std::string& rendersDir,
                                                    int perBody, int size);

    /// "new moon", "waxing crescent moon", "first quarter moon", ..., from the phase angle.
    static std::string moonPhaseName(double phaseAngleDeg, bool waxing);
    /// Illuminated fraction of a sphere at a phase angle, 0..1.
    static double illuminatedFraction(double phaseAngleDeg);
};

}  // namespace cosmoclip
