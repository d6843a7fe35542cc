#pragma once

#include <QImage>
#include <QString>
#include <memory>
#include <optional>

#include "image/image.h"
#include "image/renderer.h"
#include "picturepyramid.h"

namespace cosmoclip {

/// The work ImageDocument runs on the thread pool. Both functions catch every exception and return
/// it as `error` text, so nothing escapes a worker thread.

struct LoadRequest {
    QString path;
    QString hdu;                           ///< "" = the loader's choice; else an index or EXTNAME
    std::optional<StretchParams> stretch;  ///< nullopt: defaultStretch() of the loaded image
    int plane = -1;                        ///< as RenderOptions::plane; clamped to the image
};

struct LoadResult {
    quint64 generation = 0;
    QString path;
    std::shared_ptr<const LoadedImage> image;  ///< null on error
    RenderOptions options;                     ///< what `picture` was rendered with
    PicturePyramid picture;
    QString error;  ///< "" on success
    qint64 loadMs = 0;
    qint64 renderMs = 0;
};

struct RenderResult {
    quint64 generation = 0;
    std::shared_ptr<const LoadedImage> image;  ///< the image rendered (to drop results for old ones)
    RenderOptions options;
    PicturePyramid picture;
    QString error;
    qint64 renderMs = 0;
};

/// Loads `request.path` and renders it (with the picture's pyramid). Runs on a worker thread.
LoadResult loadAndRender(quint64 generation, const LoadRequest& request);

/// Renders an already loaded image. Runs on a worker thread.
RenderResult renderLoaded(quint64 generation, std::shared_ptr<const LoadedImage> image,
                          const RenderOptions& options);

/// `plane` clamped to what `image` has: -1 stays -1 (RGB composite or plane 0).
int clampPlane(const Image& image, int plane);

}  // namespace cosmoclip
