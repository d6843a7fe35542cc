#include "displaytext.h"

#include <QCoreApplication>
#include <QStringList>
#include <algorithm>
#include <climits>
#include <cmath>

#include "model/clipconfig.h"

namespace cosmoclip {

namespace {

// The translation context of these texts (no QObject to give one).
struct DisplayText {
    Q_DECLARE_TR_FUNCTIONS(cosmoclip::DisplayText)
};

}  // namespace

QString bitpixTypeName(int bitpix) {
    switch (bitpix) {
        case 8:
            return QStringLiteral("uint8");
        case 16:
            return QStringLiteral("int16");
        case 32:
            return QStringLiteral("int32");
        case 64:
            return QStringLiteral("int64");
        case -32:
            return QStringLiteral("float32");
        case -64:
            return QStringLiteral("float64");
        default:
            return QStringLiteral("BITPIX %1").arg(bitpix);
    }
}

static QString shapeText(const std::vector<int64_t>& shape) {
    QStringList parts;
    for (const int64_t n : shape) parts << QString::number(n);
    return parts.join(QLatin1Char('x'));
}

QString hduLabel(const HduInfo& hdu) {
    QString label = QString::number(hdu.index);
    if (!hdu.name.empty()) label += QLatin1Char(' ') + QString::fromStdString(hdu.name);
    switch (hdu.type) {
        case HduType::Empty:
            return DisplayText::tr("%1 (empty)", "HDU").arg(label);
        case HduType::Image:
            return DisplayText::tr("%1 image %2 %3", "HDU: index and name, shape, pixel type")
                .arg(label, shapeText(hdu.shape), bitpixTypeName(hdu.bitpix));
        case HduType::Table:
            if (hdu.shape.size() == 2) {
                return DisplayText::tr("%1 table %2 cols x %3 rows", "HDU").arg(label).arg(hdu.shape[0]).arg(hdu.shape[1]);
            }
            return DisplayText::tr("%1 table", "HDU").arg(label);
        case HduType::Groups:
            return DisplayText::tr("%1 random groups", "HDU").arg(label);
    }
    return label;
}

QString formatPixelValue(const Image& image, float value) {
    if (std::isnan(value)) {
        // Integer FITS data has no NaN: a missing pixel there was a BLANK value.
        return image.format == ImageFormat::Fits && image.bitpix > 0 ? DisplayText::tr("blank", "a FITS BLANK pixel")
                                                                     : QStringLiteral("NaN");
    }
    const bool integral = image.bitpix > 0 && image.bscale == 1.0 && image.bzero == std::floor(image.bzero);
    if (integral && std::abs(value) < 1e15f) return QString::number(static_cast<qint64>(std::llround(value)));
    return QString::number(value, 'g', 7);
}

QString pixelReadout(const Image& image, int x, int y, int plane) {
    if (x < 0 || y < 0 || x >= image.width || y >= image.height || image.planes <= 0) return {};
    // Row of Image::data under the display row: FITS data starts at the bottom of the display.
    const int row = image.bottomUp ? image.height - 1 - y : y;
    const size_t offset = size_t(row) * size_t(image.width) + size_t(x);
    const QString position = image.format == ImageFormat::Fits
                                 ? QStringLiteral("x %1  y %2").arg(x + 1).arg(row + 1)
                                 : QStringLiteral("x %1  y %2").arg(x).arg(y);
    if (plane < 0 && image.rgb && image.planes >= 3) {
        QString text = position + QStringLiteral("   R %1  G %2  B %3")
                                      .arg(formatPixelValue(image, image.plane(0)[offset]),
                                           formatPixelValue(image, image.plane(1)[offset]),
                                           formatPixelValue(image, image.plane(2)[offset]));
        if (image.alpha.size() == image.planeSize()) {
            text += QStringLiteral("  A %1").arg(QString::number(image.alpha[offset], 'g', 4));
        }
        return text;
    }
    const int k = plane < 0 ? 0 : std::min(plane, image.planes - 1);
    QString text = position + QStringLiteral("   ") + formatPixelValue(image, image.plane(k)[offset]);
    if (image.planes > 1) text += QStringLiteral("   ") + DisplayText::tr("(plane %1 / %2)").arg(k + 1).arg(image.planes);
    return text;
}

QString modelArchitectureName(const ClipConfig& config) {
    for (const std::string& name : ClipConfig::knownNames()) {
        const ClipConfig known = ClipConfig::named(name);
        if (known.embedDim == config.embedDim && known.vision == config.vision && known.text.width == config.text.width &&
            known.text.layers == config.text.layers && known.text.heads == config.text.heads)
            return QString::fromStdString(name);
    }
    return QStringLiteral("ViT");
}

QString modelArchitectureDetails(const ClipConfig& config) {
    return DisplayText::tr("image: %1 layers \u00d7 %2, patch %3, %4 px; text: %5 layers \u00d7 %6, context %7; embedding %8; %9")
        .arg(config.vision.layers)
        .arg(config.vision.width)
        .arg(config.vision.patchSize)
        .arg(config.vision.imageSize)
        .arg(config.text.layers)
        .arg(config.text.width)
        .arg(config.text.contextLength)
        .arg(config.embedDim)
        .arg(QString::fromLatin1(activationName(config.activation)));
}

QString imageCountText(long long count) {
    return DisplayText::tr("%n image(s)", nullptr, int(std::clamp<long long>(count, INT_MIN, INT_MAX)));
}

QString labelSourceName(const std::string& source) {
    if (source == "user") return DisplayText::tr("user", "label or caption source: typed by the user");
    if (source == "import") return DisplayText::tr("import", "label or caption source: imported with cosmoclip annotate");
    if (source == "template") return DisplayText::tr("template", "caption source: made from the image's labels");
    if (source == "zero-shot") return DisplayText::tr("zero-shot", "label source: computed by the model");
    return QString::fromStdString(source);
}

QString runStatusName(const std::string& status) {
    if (status == "running") return DisplayText::tr("running", "fine-tuning run");
    if (status == "finished") return DisplayText::tr("finished", "fine-tuning run");
    if (status == "cancelled") return DisplayText::tr("cancelled", "fine-tuning run");
    if (status == "failed") return DisplayText::tr("failed", "fine-tuning run");
    if (status == "interrupted") return DisplayText::tr("interrupted", "fine-tuning run");
    return QString::fromStdString(status);
}

QString byteSize(long long bytes) {
    if (bytes < 1024) return DisplayText::tr("%1 B", "bytes").arg(bytes);
    const char* units[] = {QT_TRANSLATE_NOOP("cosmoclip::DisplayText", "%1 KB"), QT_TRANSLATE_NOOP("cosmoclip::DisplayText", "%1 MB"),
                           QT_TRANSLATE_NOOP("cosmoclip::DisplayText", "%1 GB"), QT_TRANSLATE_NOOP("cosmoclip::DisplayText", "%1 TB")};
    double value = double(bytes);
    int unit = -1;
    while (value >= 1024 && unit < 3) {
        value /= 1024;
        ++unit;
    }
    return DisplayText::tr(units[unit]).arg(value, 0, 'f', value < 10 ? 1 : 0);
}

}  // namespace cosmoclip
