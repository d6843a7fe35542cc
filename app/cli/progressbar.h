#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace cosmoclip::cli {

/// A one-line progress bar on stderr when stderr is a terminal (`  42% [=====     ] 420/1000  12.3/s  label`),
/// silent otherwise, so that logs and --json pipelines stay clean. Redraws at most ten times a second.
class ProgressBar final {
public:
    explicit ProgressBar(std::string unit);
    ~ProgressBar();
    void update(size_t done, size_t total, const std::string& label = {});
    void finish();

private:
    std::string m_unit;
    bool m_enabled;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_lastDraw;
};

}  // namespace cosmoclip::cli
