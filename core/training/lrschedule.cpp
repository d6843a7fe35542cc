#include "training/lrschedule.h"

#include <cmath>
#include <numbers>

namespace cosmoclip {

double LrSchedule::at(int64_t step) const {
    if (step < warmupSteps) return baseLr * static_cast<double>(step + 1) / static_cast<double>(warmupSteps);
    const int64_t es = totalSteps - warmupSteps;
    if (es <= 0) return baseLr;
    const double e = static_cast<double>(step - warmupSteps);
    return 0.5 * (1.0 + std::cos(std::numbers::pi * e / static_cast<double>(es))) * baseLr;
}

}  // namespace cosmoclip
