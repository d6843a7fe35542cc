#include "training/trainingstate.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/atomicfile.h"
#include "common/error.h"

namespace cosmoclip {

nlohmann::json TrainingState::toJson() const {
    nlohmann::json j;
    j["format"] = 1;
    j["epoch"] = epoch;
    j["batch"] = batch;
    j["step"] = step;
    j["epoch_loss_sum"] = epochLossSum;
    j["epoch_samples"] = epochSamples;
    j["history"] = nlohmann::json::array();
    for (const auto& m : history) j["history"].push_back(cosmoclip::toJson(m));
    j["best"] = best ? cosmoclip::toJson(*best) : nlohmann::json(nullptr);
    j["seed"] = seed;
    j["batch_size"] = batchSize;
    j["accumulation"] = accumulation;
    j["epochs"] = epochs;
    j["freeze"] = freeze;
    j["fingerprint"] = fingerprint;
    return j;
}

TrainingState TrainingState::fromJson(const nlohmann::json& j, const std::string& source) {
    try {
        if (j.value("format", 0) != 1) throw Error(source, "unknown trainer state format");
        TrainingState s;
        s.epoch = j.at("epoch").get<int>();
        s.batch = j.at("batch").get<size_t>();
        s.step = j.at("step").get<int64_t>();
        s.epochLossSum = j.at("epoch_loss_sum").get<double>();
        s.epochSamples = j.at("epoch_samples").get<size_t>();
        for (const auto& m : j.at("history")) s.history.push_back(epochMetricsFromJson(m));
        if (!j.at("best").is_null()) s.best = epochMetricsFromJson(j.at("best"));
        s.seed = j.at("seed").get<uint64_t>();
        s.batchSize = j.at("batch_size").get<int>();
        s.accumulation = j.at("accumulation").get<int>();
        s.epochs = j.at("epochs").get<int>();
        s.freeze = j.at("freeze").get<std::string>();
        s.fingerprint = j.at("fingerprint").get<std::string>();
        return s;
    } catch (const nlohmann::json::exception& e) {
        throw Error(source, std::string("malformed trainer state: ") + e.what());
    }
}

TrainingState TrainingState::read(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Error(path, "cannot open the trainer state");
    nlohmann::json j;
    try {
        in >> j;
    } catch (const nlohmann::json::exception& e) {
        throw Error(path, std::string("not JSON: ") + e.what());
    }
    return fromJson(j, path);
}

void TrainingState::write(const std::string& path) const {
    const std::string text = toJson().dump(1) + "\n";
    writeFileAtomically(path, text.data(), text.size());
}

std::string trainingFingerprint(const std::vector<TrainingExample>& examples, CaptionStyle style) {
    uint64_t h = 0xcbf29ce484222325ull;
    const auto feed = [&h](const std::string& s) {
        for (const char c : s) {
            h ^= static_cast<uint8_t>(c);
            h *= 0x100000001b3ull;
        }
        h ^= 0xff;  // field separator
        h *= 0x100000001b3ull;
    };
    for (const auto& e : examples) {
        feed(e.imagePath);
        feed(e.hdu);
        feed(captionFor(e, style));
        feed(e.label);
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return hex;
}

}  // namespace cosmoclip
