#pragma once

#include <stdexcept>
#include <string>

namespace cosmoclip {

/// The one exception type core throws for bad input or failed work. The message names the thing
/// (usually a file path) and what is wrong with it, ready to print on one line. Callers at the API
/// edge (CLI main, UI jobs) catch it; nothing else escapes a thread.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
    /// "PATH: what" — the usual shape of a message about a file.
    Error(const std::string& path, const std::string& what);
};

}  // namespace cosmoclip
