#pragma once

#include <string>
#include <vector>

#include "image/image.h"

namespace cosmoclip {

/// Splits one 80-character FITS header card into key, value and comment. String values lose their
/// quotes (and '' becomes '); cards without a value (COMMENT, HISTORY, blank, CONTINUE) carry their
/// text in `value`.
HeaderCard parseHeaderCard(const std::string& card);

std::vector<HeaderCard> parseHeaderCards(const std::vector<std::string>& cards);

/// The header of the image a tile-compressed HDU holds, from the cards of the BINTABLE that stores
/// it: SIMPLE/XTENSION, BITPIX, NAXIS, NAXISn from their Z counterparts, ZHECKSUM/ZDATASUM as
/// CHECKSUM/DATASUM, the table's structure and compression keywords dropped, all else in order.
std::vector<HeaderCard> uncompressedImageHeader(const std::vector<HeaderCard>& tableCards);

/// Numeric value of the first card named `key` (Fortran "1.0D0" accepted), or `fallback` when the
/// key is absent or its value is not a number.
double headerNumber(const std::vector<HeaderCard>& cards, const std::string& key, double fallback);

}  // namespace cosmoclip
