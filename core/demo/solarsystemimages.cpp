#include "demo/solarsystemimages.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numbers>

#include "demo/democaption.h"
#include "demo/demolabels.h"
#include "demo/solarsystembodies.h"

namespace fs = std::filesystem;

namespace cosmoclip {
namespace {

using namespace demolabels;

constexpr const char* kKstarsCredit = "KStars textures (kstars-data, GPL-2+)";

struct KstarsBody {
    const char* file;
    const char* name;
    const char* label;
};

constexpr std::array<KstarsBody, 9> kKstarsBodies = {{
    {"mercury.png", "Mercury", kPlanet}, {"venus.png", "Venus", kPlanet},     {"mars.png", "Mars", kPlanet},
    {"jupiter.png", "Jupiter", kPlanet}, {"saturn.png", "Saturn", kPlanet},   {"uranus.png", "Uranus", kPlanet},
    {"neptune.png", "Neptune", kPlanet}, {"pluto.png", "Pluto", kDwarfPlanet}, {"sun.png", "the Sun", kSun},
}};
constexpr int kKstarsMoonPhases = 36;

// Generic textures Stellarium puts on bodies nobody has mapped: not pictures of those bodies.
constexpr std::array<const char*, 2> kGenericMaps = {"lune.png", "nomap.png"};
// Uranus' and Neptune's rings are too faint to show in visible light; only Saturn's are drawn.
constexpr const char* kRingedBody = "saturn";
// Bodies with atmospheres or clouds: Lambert shading (the rest are regolith).
constexpr double kCloudyPlanetMinRadiusKm = 6000.0;

/// The views of one body, cycled: varied rotation, tilt, roll and phase (a deterministic table, so
/// a rebuild writes the same pictures).
struct ViewTemplate {
    double longitude, latitude, roll, phase, sunAngle;
};
constexpr std::array<ViewTemplate, 8> kViews = {{
    {0, 12, 0, 0, 0},       {60, -18, 25, 30, 0},   {120, 26, -30, 60, 180}, {180, 6, 90, 90, 0},
    {240, -24, 160, 120, 180}, {300, 16, -70, 45, 0}, {30, -8, 45, 75, 180},   {210, 20, -120, 15, 0},
}};
// The Moon keeps its near side to us: small librations, small rolls, phases over the whole month.
constexpr std::array<ViewTemplate, 8> kMoonViews = {{
    {0, 0, 0, 0, 0},     {-5, 3, 8, 40, 0},    {4, -5, -6, 90, 0},  {6, 6, 4, 135, 180},
    {-6, -3, -10, 60, 180}, {2, 5, 12, 110, 0}, {-3, -6, 0, 155, 0}, {5, 2, -4, 25, 180},
}};

bool isGenericMap(const std::string& file) {
    for (const char* g : kGenericMaps) {
        if (file == g) return true;
    }
    return false;
}

std::string percent(double fraction) { return std::to_string(static_cast<int>(std::lround(fraction * 100.0))) + "%"; }

std::string bodyLabel(const SolarSystemBody& body) {
    if (body.type == "star") return kSun;
    if (body.type == "dwarf planet") return kDwarfPlanet;
    if (body.type == "moon") return body.parent == "Earth" ? kMoon : kPlanetaryMoon;
    return kPlanet;
}

std::string bodyName(const SolarSystemBody& body) {
    if (body.key == "moon") return "the Moon";
    if (body.key == "sun") return "the Sun";
    return body.name.empty() ? body.key : body.name;
}

SphereShading bodyShading(const SolarSystemBody& body) {
    if (body.type == "star") return SphereShading::Emissive;
    if (body.type == "planet" && body.radiusKm >= kCloudyPlanetMinRadiusKm) return SphereShading::Lambert;
    return SphereShading::LommelSeeliger;
}

std::string renderCaption(const SolarSystemBody& body, const std::string& label, const SphereView& view) {
    const std::string name = bodyName(body);
    std::string caption = "a rendered view of " + name;
    if (label == kSun) return caption + ", our star, with limb darkening";
    const double lit = SolarSystemImages::illuminatedFraction(view.phaseDeg);
    if (label == kMoon) {
        // Lit from the west of the disk (the right, seen from the north) while the Moon waxes.
        const bool waxing = std::cos((view.sunAngleDeg - view.rollDeg) * std::numbers::pi / 180.0) >= 0.0;
        const std::string phase = SolarSystemImages::moonPhaseName(view.phaseDeg, waxing);
        return caption + ", " + DemoCaption::article(phase) + " " + phase + " " + percent(lit) + " illuminated";
    }
    if (label == kPlanetaryMoon) caption += ", a moon of " + body.parent;
    else caption += ", " + DemoCaption::article(label) + " " + label;
    if (!body.ringTexture.empty() && body.key == kRingedBody) caption += " with its rings";
    return caption + ", " + (view.phaseDeg < 1.0 ? std::string("fully illuminated") : percent(lit) + " illuminated");
}

std::string renderCredit(const SolarSystemBody& body) {
    std::string credit = "rendered by CosmoCLIP from Stellarium's " + body.texture + " surface map";
    if (!body.textureNote.empty()) credit += " (" + body.textureNote + ")";
    return credit + "; stellarium-data, GPL-2+";
}

}  // namespace

double SolarSystemImages::illuminatedFraction(double phaseAngleDeg) {
    return (1.0 + std::cos(phaseAngleDeg * std::numbers::pi / 180.0)) / 2.0;
}

std::string SolarSystemImages::moonPhaseName(double phaseAngleDeg, bool waxing) {
    if (phaseAngleDeg < 20.0) return "full moon";
    if (phaseAngleDeg > 160.0) return "new moon";
    if (phaseAngleDeg < 70.0) return waxing ? "waxing gibbous moon" : "waning gibbous moon";
    if (phaseAngleDeg <= 110.0) return waxing ? "first quarter moon" : "last quarter moon";
    return waxing ? "waxing crescent moon" : "waning crescent moon";
}

std::vector<DemoImage> SolarSystemImages::kstarsImages(const std::string& kstarsRoot) {
    std::vector<DemoImage> out;
    const fs::path textures = fs::path(kstarsRoot) / "textures";
    std::error_code ec;
    auto add = [&](const fs::path& file, const std::string& label, const std::string& caption, const std::string& name) {
        if (!fs::is_regular_file(file, ec)) return;
        DemoImage image;
        image.path = file.lexically_normal().string();
        image.label = label;
        image.caption = caption;
        image.name = name;
        image.credit = kKstarsCredit;
        image.source = "kstars";
        out.push_back(std::move(image));
    };
    for (const auto& b : kKstarsBodies) {
        const std::string label = b.label;
        const std::string caption = "a telescope image of " + std::string(b.name) +
                                    (label == kSun ? ", our star" : ", " + DemoCaption::article(label) + " " + label);
        add(textures / b.file, label, caption, b.name);
    }
    for (int i = 0; i < kKstarsMoonPhases; ++i) {
        // Phase index i: the Moon is 10*i degrees east of the Sun (0 new, 18 full).
        const double elongation = 360.0 * i / kKstarsMoonPhases;
        const double phaseAngle = std::abs(180.0 - elongation);
        const bool waxing = elongation <= 180.0;
        const std::string phase = moonPhaseName(phaseAngle, waxing);
        char file[16];
        std::snprintf(file, sizeof file, "moon%02d.png", i);
        add(textures / file, kMoon,
            "a telescope image of the Moon, " + DemoCaption::article(phase) + " " + phase + " " +
                percent(illuminatedFraction(phaseAngle)) + " illuminated",
            "the Moon");
    }
    return out;
}

std::vector<PlannedImage> SolarSystemImages::plannedRenders(const std::string& stellariumRoot, const std::string& rendersDir,
                                                            int perBody, int size) {
    const fs::path root(stellariumRoot);
    const SolarSystemBodies bodies = SolarSystemBodies::read((root / "data" / "ssystem_major.ini").string());
    std::vector<PlannedImage> out;
    std::error_code ec;
    for (const SolarSystemBody& body : bodies.bodies()) {
        const bool sphereLike = body.type == "planet" || body.type == "moon" || body.type == "dwarf planet" || body.type == "star";
        if (!sphereLike || body.texture.empty() || isGenericMap(body.texture) || body.hasShapeModel) continue;
        const fs::path map = root / "textures" / body.texture;
        if (!fs::is_regular_file(map, ec)) continue;
        const std::string label = bodyLabel(body);
        const auto& views = label == kMoon ? kMoonViews : kViews;
        for (int k = 0; k < perBody; ++k) {
            const ViewTemplate& v = views[static_cast<size_t>(k) % views.size()];
            RenderJob job;
            job.mapPath = map.string();
            job.shading = bodyShading(body);
            job.size = size;
            job.view = {v.longitude, v.latitude, v.roll, label == kSun ? 0.0 : v.phase, v.sunAngle};
            const fs::path ring = root / "textures" / body.ringTexture;
            if (body.key == kRingedBody && !body.ringTexture.empty() && body.radiusKm > 0 && fs::is_regular_file(ring, ec)) {
                job.ringPath = ring.string();
                job.ringInner = body.ringInnerKm / body.radiusKm;
                job.ringOuter = body.ringOuterKm / body.radiusKm;
            }
            PlannedImage planned;
            planned.image.path = (fs::path(rendersDir) / (body.key + "-" + std::to_string(k) + ".png")).lexically_normal().string();
            planned.image.label = label;
            planned.image.name = bodyName(body);
            planned.image.caption = renderCaption(body, label, job.view);
            planned.image.credit = renderCredit(body);
            planned.image.source = "stellarium-render";
            planned.render = std::move(job);
            out.push_back(std::move(planned));
        }
    }
    return out;
}

}  // namespace cosmoclip
