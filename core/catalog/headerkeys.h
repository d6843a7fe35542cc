#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalogrecords.h"
#include "image/image.h"

namespace cosmoclip {

/// Copies the FITS header keys astronomers search by into the record: OBJECT, TELESCOP, INSTRUME,
/// FILTER (or FILTER1/FILTNAM), DATE-OBS, EXPTIME (or EXPOSURE), and the pointing in degrees from
/// RA/DEC, OBJCTRA/OBJCTDEC (sexagesimal or degrees) or CRVAL1/2 of an RA---/DEC-- WCS.
void fillHeaderKeys(ImageRecord& record, const std::vector<HeaderCard>& header);

/// "12:30:49.4" hours or "12 30 49.4" → degrees (×15 when `hours`); plain numbers are degrees.
std::optional<double> parseAngle(const std::string& text, bool hours);

}  // namespace cosmoclip
