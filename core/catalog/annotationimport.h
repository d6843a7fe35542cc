#pragma once

#include <string>
#include <vector>

#include "catalog/annotationcsv.h"

namespace cosmoclip {

class Catalog;

struct AnnotationFailure {
    int line = 0;
    std::string path;
    std::string error;
};

struct AnnotationReport {
    size_t rows = 0;
    size_t images = 0;    ///< distinct images annotated
    size_t labels = 0;    ///< labels stored
    size_t captions = 0;  ///< captions stored
    size_t added = 0;     ///< images not yet in the catalog, added as pending (the next index embeds them)
    std::vector<AnnotationFailure> failed;
};

/// Stores imported labels and captions (source "import"), replacing what an earlier import said about
/// the same images; several rows for one path give several labels or captions. Images that are not in
/// the catalog yet are added as pending when their file exists; rows naming missing files are
/// reported and skipped. One transaction: all rows that can be stored are, or none on error.
AnnotationReport importAnnotations(Catalog& catalog, const std::vector<AnnotationRow>& rows);

}  // namespace cosmoclip
