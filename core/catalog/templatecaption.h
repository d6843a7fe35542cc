#pragma once

#include <string>
#include <vector>

#include "catalog/catalogrecords.h"

namespace cosmoclip {

class Catalog;

/// A caption from what is known about an image, for images nobody has described, so that every
/// image can take part in fine-tuning: its ground-truth label(s), OBJECT, telescope, instrument and
/// filter, e.g. "a spiral galaxy: M51, observed with KPNO 0.9m through the R filter".
std::string templateCaption(const ImageRecord& image, const std::vector<std::string>& labels);

/// Replaces the image's template caption with a fresh one (after indexing or annotation). Other
/// caption sources are left alone.
void refreshTemplateCaption(Catalog& catalog, int64_t imageId);

}  // namespace cosmoclip
