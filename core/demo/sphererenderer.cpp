#include "demo/sphererenderer.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "common/error.h"

namespace cosmoclip {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kRad = kPi / 180.0;
// Fraction of the half-width the body (or its rings) spans: a thin black margin like a telescope frame.
constexpr double kFill = 0.9;
// Linear limb-darkening coefficient of the Sun in visible light.
constexpr double kSolarLimbDarkening = 0.6;

// Lommel-Seeliger brightens the sunlit limb without bound as the emission angle grows; real regolith
// does not reach twice the centre's brightness, so the factor is capped.
constexpr double kMaxLommelSeeliger = 1.25;

/// Sample scale to 0..255: 16-bit maps hold 0..65535.
double byteScale(const Image& image) { return image.bitpix == 16 ? 255.0 / 65535.0 : 1.0; }

uint8_t toByte(double v) { return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }

}  // namespace

SphereRenderer::SphereRenderer(const Image& map, SphereShading shading)
    : m_map(map), m_shading(shading), m_mapScale(byteScale(map)) {
    if (map.width < 2 || map.height < 2 || (map.planes != 1 && map.planes != 3))
        throw Error("sphere renderer: the surface map must be a grey or RGB image of at least 2x2 pixels");
}

void SphereRenderer::setRings(const Image& texture, double innerRadius, double outerRadius) {
    if (texture.width < 2 || (texture.planes != 1 && texture.planes != 3) || innerRadius <= 1.0 || outerRadius <= innerRadius)
        throw Error("sphere renderer: rings need a grey or RGB radial texture and 1 < inner < outer radius");
    m_rings = &texture;
    m_ringScale = byteScale(texture);
    m_ringInner = innerRadius;
    m_ringOuter = outerRadius;
}

SphereRenderer::Rgba SphereRenderer::sampleMap(double lonRad, double latRad) const {
    // Bilinear, wrapping in longitude and clamping at the poles.
    const double u = (lonRad + kPi) / (2.0 * kPi) * m_map.width - 0.5;
    const double v = std::clamp((kPi / 2.0 - latRad) / kPi * m_map.height - 0.5, 0.0, m_map.height - 1.0);
    const double fu = std::floor(u);
    const double fv = std::floor(v);
    const double du = u - fu;
    const double dv = v - fv;
    const int w = m_map.width;
    const int x0 = ((static_cast<int>(fu) % w) + w) % w;
    const int x1 = (x0 + 1) % w;
    const int y0 = static_cast<int>(fv);
    const int y1 = std::min(y0 + 1, m_map.height - 1);
    const size_t i00 = static_cast<size_t>(y0) * w + x0, i01 = static_cast<size_t>(y0) * w + x1;
    const size_t i10 = static_cast<size_t>(y1) * w + x0, i11 = static_cast<size_t>(y1) * w + x1;
    auto lerp = [&](int plane) {
        const float* p = m_map.plane(plane);
        const double top = p[i00] * (1 - du) + p[i01] * du;
        const double bottom = p[i10] * (1 - du) + p[i11] * du;
        return top * (1 - dv) + bottom * dv;
    };
    const double r = lerp(0) * m_mapScale;
    if (m_map.planes == 1) return {r, r, r, 1.0};
    return {r, lerp(1) * m_mapScale, lerp(2) * m_mapScale, 1.0};
}

SphereRenderer::Rgba SphereRenderer::sampleRing(double t) const {
    const Image& ring = *m_rings;
    const double x = std::clamp(t, 0.0, 1.0) * (ring.width - 1);
    const int x0 = static_cast<int>(x);
    const int x1 = std::min(x0 + 1, ring.width - 1);
    const double d = x - x0;
    auto at = [&](const float* row) { return row[x0] * (1 - d) + row[x1] * d; };  // first row of the texture
    const double r = at(ring.plane(0)) * m_ringScale;
    const double g = ring.planes == 3 ? at(ring.plane(1)) * m_ringScale : r;
    const double b = ring.planes == 3 ? at(ring.plane(2)) * m_ringScale : r;
    const double a = ring.alpha.empty() ? 1.0 : at(ring.alpha.data()) / 255.0;
    return {r, g, b, a};
}

double SphereRenderer::shade(double nx, double ny, double nz, double lx, double ly, double lz) const {
    if (m_shading == SphereShading::Emissive) return 1.0 - kSolarLimbDarkening * (1.0 - nz);
    const double mu0 = nx * lx + ny * ly + nz * lz;  // cosine of incidence
    if (mu0 <= 0.0) return 0.0;
    if (m_shading == SphereShading::Lambert) return mu0;
    // Lommel-Seeliger: 1 everywhere on a full disk, as the full Moon looks.
    return std::min(kMaxLommelSeeliger, 2.0 * mu0 / (mu0 + std::max(nz, 1e-6)));
}

Raster8 SphereRenderer::render(const SphereView& view, int size) const {
    if (size < 8 || size > 8192) throw Error("sphere renderer: picture size must be 8..8192 pixels");
    Raster8 out;
    out.width = out.height = size;
    out.channels = 3;
    out.color = ColorSource::Rgb;
    out.pixels.assign(static_cast<size_t>(size) * size * 3, 0);

    const double extent = (m_rings ? m_ringOuter : 1.0) / kFill;  // body radii per half-width
    const double half = size / 2.0;
    const double pixelsPerRadius = half / extent;
    const double roll = view.rollDeg * kRad, cr = std::cos(roll), sr = std::sin(roll);
    const double b = view.latitudeDeg * kRad, cb = std::cos(b), sb = std::sin(b);
    const double l0 = view.longitudeDeg * kRad, cl = std::cos(l0), sl = std::sin(l0);
    // The Sun's direction in the body-up frame (the picture rotated back by the roll).
    const double alpha = view.phaseDeg * kRad, psi = (view.sunAngleDeg - view.rollDeg) * kRad;
    const double lx = std::sin(alpha) * std::cos(psi), ly = std::sin(alpha) * std::sin(psi), lz = std::cos(alpha);
    const double ringLight = m_shading == SphereShading::Emissive ? 1.0 : 0.15 + 0.85 * std::max(0.0, std::cos(alpha / 2));

    for (int py = 0; py < size; ++py) {
        for (int px = 0; px < size; ++px) {
            // Picture coordinates in body radii (y up), then undo the roll.
            const double ix = (px + 0.5 - half) / pixelsPerRadius;
            const double iy = (half - py - 0.5) / pixelsPerRadius;
            const double x = cr * ix + sr * iy;
            const double y = -sr * ix + cr * iy;
            const double r = std::sqrt(x * x + y * y);
            double cover = std::clamp((1.0 - r) * pixelsPerRadius + 0.5, 0.0, 1.0);
            double red = 0, green = 0, blue = 0, z = -1e9;
            if (cover > 0.0) {
                const double k = r > 0.9999 ? 0.9999 / r : 1.0;  // edge pixels take the colour just inside
                const double nx = x * k, ny = y * k, nz = std::sqrt(std::max(0.0, 1.0 - nx * nx - ny * ny));
                z = nz;
                // View -> body: tilt by the sub-observer latitude, then turn to the central meridian.
                const double ty = ny * cb + nz * sb, tz = -ny * sb + nz * cb;
                const double bx = nx * cl + tz * sl, bz = -nx * sl + tz * cl;
                const Rgba c = sampleMap(std::atan2(bx, bz), std::asin(std::clamp(ty, -1.0, 1.0)));
                const double s = shade(nx, ny, nz, lx, ly, lz) * cover;
                red = c.r * s, green = c.g * s, blue = c.b * s;
            }
            if (m_rings && std::abs(sb) > 1e-3) {
                // Where the sight line crosses the equatorial plane (body y = 0).
                const double zr = -y * cb / sb;
                const double rho = std::sqrt(x * x + y * y + zr * zr);
                const bool hidden = cover >= 1.0 && zr < z;  // behind the planet
                if (rho >= m_ringInner && rho <= m_ringOuter && !hidden) {
                    const Rgba c = sampleRing((rho - m_ringInner) / (m_ringOuter - m_ringInner));
                    const double a = c.a * (zr < z ? 1.0 - cover : 1.0);
                    red = red * (1 - a) + c.r * ringLight * a;
                    green = green * (1 - a) + c.g * ringLight * a;
                    blue = blue * (1 - a) + c.b * ringLight * a;
                }
            }
            uint8_t* p = &out.pixels[(static_cast<size_t>(py) * size + px) * 3];
            p[0] = toByte(red);
            p[1] = toByte(green);
            p[2] = toByte(blue);
        }
    }
    return out;
}

}  // namespace cosmoclip
