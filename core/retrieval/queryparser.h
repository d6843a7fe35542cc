#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace cosmoclip {

/// One term of a combined query. `weight` is negative for subtracted terms.
struct QueryTerm {
    double weight = 1.0;
    std::string text;      ///< the phrase, or the image path for image terms (file:// removed)
    bool isImage = false;  ///< embed `text` as an image file, not as a phrase
};

/// Parses rclip's query syntax (yurijmikhalevich/rclip) from one string:
///   "nebula + 2:red - 0.5:./m42.png"
/// - Terms are separated by "+" or "-" standing alone between spaces; a leading "+"/"-" applies to
///   the first term. Hyphens inside words ("edge-on spiral") do not split.
/// - A term may start with a multiplier as rclip allows: "2:", "0.5:", ".5:", "2.:" (no sign; use
///   "-" to subtract). A minus negates the weight.
/// - Image terms, as rclip: a path starting with "/", "./", "../", "~/", "file://" or a Windows
///   drive ("C:\"), which must then exist; also any term naming an existing regular file. An
///   "image:" prefix forces an image term, "text:" forces a phrase.
/// Throws cosmoclip::Error on an empty query, an empty term, a bad or zero multiplier, a missing
/// image file, or an http(s) URL (not supported).
std::vector<QueryTerm> parseQuery(const std::string& query);

/// The query vector: sum of weight * normalised(term embedding), renormalised. `embeddings` holds
/// one row of `dim` floats per term, in the order of `terms`. Throws Error when the sizes do not
/// match or the terms cancel out (e.g. "a - a").
std::vector<float> combineQuery(const std::vector<QueryTerm>& terms,
                                const std::vector<float>& embeddings, size_t dim);

}  // namespace cosmoclip
