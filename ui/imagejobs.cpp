#include "imagejobs.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <algorithm>
#include <exception>
#include <new>

#include "common/error.h"
#include "image/imageloader.h"
#include "qimageconvert.h"

namespace cosmoclip {

int clampPlane(const Image& image, int plane) {
    if (plane < 0 || image.planes <= 0) return -1;
    return std::min(plane, image.planes - 1);
}

static PicturePyramid renderPicture(const Image& image, const RenderOptions& options) {
    const QImage picture = toQImage(renderImage(image, options));
    if (picture.isNull()) throw Error("the renderer returned an empty picture");
    return PicturePyramid(picture);
}

// Turns whatever a job threw into one line for the window.
template <typename Fn>
static QString runCatching(Fn&& fn) {
    try {
        fn();
        return {};
    } catch (const std::bad_alloc&) {
        return QCoreApplication::translate("cosmoclip::Job", "not enough memory");
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    } catch (...) {
        return QCoreApplication::translate("cosmoclip::Job", "unknown error");
    }
}

LoadResult loadAndRender(quint64 generation, const LoadRequest& request) {
    LoadResult result;
    result.generation = generation;
    result.path = request.path;
    result.error = runCatching([&] {
        QElapsedTimer timer;
        timer.start();
        LoadOptions loadOptions;
        loadOptions.hdu = request.hdu.toStdString();
        auto loaded = std::make_shared<LoadedImage>(
            loadImage(QFile::encodeName(request.path).toStdString(), loadOptions));
        result.loadMs = timer.restart();
        RenderOptions& options = result.options;
        if (request.stretch) {
            options.stretch = *request.stretch;
        } else {
            options.stretch.kind = defaultStretch(loaded->image);
        }
        options.plane = clampPlane(loaded->image, request.plane);
        result.picture = renderPicture(loaded->image, options);
        result.renderMs = timer.elapsed();
        result.image = std::move(loaded);
    });
    if (!result.error.isEmpty()) result.image.reset();
    return result;
}

RenderResult renderLoaded(quint64 generation, std::shared_ptr<const LoadedImage> image,
                          const RenderOptions& options) {
    RenderResult result;
    result.generation = generation;
    result.image = std::move(image);
    result.options = options;
    result.error = runCatching([&] {
        QElapsedTimer timer;
        timer.start();
        result.options.plane = clampPlane(result.image->image, options.plane);
        result.picture = renderPicture(result.image->image, result.options);
        result.renderMs = timer.elapsed();
    });
    return result;
}

}  // namespace cosmoclip
