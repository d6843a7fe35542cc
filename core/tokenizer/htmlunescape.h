#pragma once

#include <string>
#include <string_view>

// HTML character references decoded the two ways OpenAI's CLIP cleaning does (tables generated from
// CPython 3.11's html.entities by gen_unicode_tables.py).
namespace cosmoclip::html {

/// Python's html.unescape(): numeric references with the HTML5 fix-ups, all 2,231 HTML5 names, and
/// the legacy names that work without a semicolon ("&ampx" -> "&x").
std::u32string unescape(std::u32string_view text);

/// ftfy's fixes.unescape_html(): only `&#?[0-9A-Za-z]{1,24};`, HTML5 names ending in ';' plus
/// upper-cased Latin ones ("&EACUTE;" -> "É"); a numeric reference must consume its semicolon.
std::u32string ftfyUnescape(std::u32string_view text);

}  // namespace cosmoclip::html
