#pragma once

// A synthetic "sky" dataset for the training tests: small PNGs of four shape/colour classes on a
// dark noisy background, with labels, descriptive captions and content hashes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "image/rasterwriter.h"
#include "training/trainingexample.h"
#include "testnoise.h"

namespace trainingtestdata {

inline const std::vector<std::string>& classNames() {
    static const std::vector<std::string> names = {"red disc", "green square", "blue cross", "white ring"};
    return names;
}

// One 48x48 RGB picture of class `cls`, variant `i` (position, size, brightness and noise vary).
inline cosmoclip::Raster8 picture(int cls, int i, int size = 48) {
    using testnoise::u;
    cosmoclip::Raster8 r;
    r.width = r.height = size;
    r.channels = 3;
    r.color = cosmoclip::ColorSource::Rgb;
    r.pixels.resize(static_cast<size_t>(size) * size * 3);
    const uint64_t key = static_cast<uint64_t>(cls) * 100000 + static_cast<uint64_t>(i) * 100;
    const double cx = size * (0.35 + 0.3 * u(key + 1));
    const double cy = size * (0.35 + 0.3 * u(key + 2));
    const double radius = size * (0.18 + 0.1 * u(key + 3));
    const double gain = 0.75 + 0.25 * u(key + 4);
    static const double colours[4][3] = {{1, 0.1, 0.1}, {0.1, 1, 0.1}, {0.15, 0.2, 1}, {1, 1, 1}};
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const double dx = x - cx;
            const double dy = y - cy;
            const double d = std::sqrt(dx * dx + dy * dy);
            bool inside = false;
            switch (cls) {
                case 0: inside = d < radius; break;
                case 1: inside = std::abs(dx) < radius * 0.85 && std::abs(dy) < radius * 0.85; break;
                case 2: inside = (std::abs(dx) < radius * 0.25 && std::abs(dy) < radius) ||
                                 (std::abs(dy) < radius * 0.25 && std::abs(dx) < radius); break;
                default: inside = d < radius && d > radius * 0.6; break;
            }
            for (int c = 0; c < 3; ++c) {
                const double noise = 20.0 * u(key * 7 + static_cast<uint64_t>((y * size + x) * 3 + c) + 99);
                const double value = inside ? 255.0 * gain * colours[cls][c] : 8.0 + noise;
                r.pixels[(static_cast<size_t>(y) * size + x) * 3 + c] =
                    static_cast<uint8_t>(std::clamp(value, 0.0, 255.0));
            }
        }
    }
    return r;
}

// `perClass` PNGs of each class in `folder`, in class-interleaved order. Captions are descriptive
// ("a large red disc in the upper left") unless `withCaptions` is false (labels only).
inline std::vector<cosmoclip::TrainingExample> writeDataset(const std::string& folder, int perClass,
                                                            bool withCaptions = true) {
    std::vector<cosmoclip::TrainingExample> examples;
    for (int i = 0; i < perClass; ++i) {
        for (int cls = 0; cls < 4; ++cls) {
            cosmoclip::TrainingExample e;
            e.imagePath = folder + "/img_" + std::to_string(cls) + "_" + std::to_string(i) + ".png";
            cosmoclip::writePng(e.imagePath, picture(cls, i));
            e.label = classNames()[static_cast<size_t>(cls)];
            if (withCaptions)
                e.caption = std::string(i % 2 ? "a small " : "a large ") + e.label +
                            (i % 3 ? " in the upper left" : " near the centre");
            e.contentHash = "hash-" + std::to_string(cls) + "-" + std::to_string(i);
            examples.push_back(e);
        }
    }
    return examples;
}

}  // namespace trainingtestdata
