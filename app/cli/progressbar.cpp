#include "cli/progressbar.h"

#include <cstdio>
#include <unistd.h>

namespace cosmoclip::cli {

ProgressBar::ProgressBar(std::string unit)
    : m_unit(std::move(unit)), m_enabled(isatty(fileno(stderr)) != 0), m_start(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(size_t done, size_t total, const std::string& label) {
    if (!m_enabled) return;
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && done < total && now - m_lastDraw < std::chrono::milliseconds(100)) return;
    m_lastDraw = now;
    m_drawn = true;
    constexpr int kWidth = 30;
    const double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    const int filled = static_cast<int>(fraction * kWidth);
    const double seconds = std::chrono::duration<double>(now - m_start).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    std::string shown = label.size() > 40 ? "..." + label.substr(label.size() - 37) : label;
    std::fprintf(stderr, "\r%4.0f%% [%s%s] %zu/%zu  %.1f %s/s  %-40s", fraction * 100, std::string(filled, '=').c_str(),
                 std::string(kWidth - filled, ' ').c_str(), done, total, rate, m_unit.c_str(), shown.c_str());
    std::fflush(stderr);
}

void ProgressBar::finish() {
    if (m_enabled && m_drawn) std::fprintf(stderr, "\n");
    m_drawn = false;
}

}  // namespace cosmoclip::cli
