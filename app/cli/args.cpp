#include "cli/args.h"

#include <algorithm>

#include <charconv>

namespace cosmoclip::cli {

namespace {

const OptionSpec* findOption(const std::vector<OptionSpec>& spec, const std::string& token) {
    for (const auto& option : spec) {
        if (token == "--" + option.name) return &option;
        if (!option.alias.empty() && token == "-" + option.alias) return &option;
    }
    return nullptr;
}

bool looksLikeOption(const std::string& token) {
    // "-5" or "-0.3" are values (negative numbers), not options.
    return token.size() > 1 && token[0] == '-' && !(token[1] >= '0' && token[1] <= '9') && token[1] != '.';
}

}  // namespace

bool ParsedArgs::has(const std::string& name) const { return m_values.count(name) > 0; }

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
    const auto it = m_values.find(name);
    if (it == m_values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> ParsedArgs::values(const std::string& name) const {
    const auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

std::optional<long long> ParsedArgs::integer(const std::string& name, long long min, long long max) const {
    const auto text = value(name);
    if (!text) return std::nullopt;
    long long number = 0;
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, number);
    if (ec != std::errc() || ptr != end)
        throw UsageError("--" + name + " expects an integer, got '" + *text + "'");
    if (number < min || number > max)
        throw UsageError("--" + name + " must be between " + std::to_string(min) + " and " +
                         std::to_string(max) + ", got " + *text);
    return number;
}

ParsedArgs parseArgs(const std::vector<std::string>& args, const std::vector<OptionSpec>& spec) {
    ParsedArgs parsed;
    bool optionsEnded = false;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string token = args[i];
        if (optionsEnded || !looksLikeOption(token)) {
            parsed.m_positionals.push_back(token);
            continue;
        }
        if (token == "--") {
            optionsEnded = true;
            continue;
        }
        std::optional<std::string> inlineValue;
        if (const auto eq = token.find('='); token.rfind("--", 0) == 0 && eq != std::string::npos) {
            inlineValue = token.substr(eq + 1);
            token = token.substr(0, eq);
        }
        const OptionSpec* option = findOption(spec, token);
        if (!option) throw UsageError("unknown option " + token);
        auto& slot = parsed.m_values[option->name];
        if (!slot.empty() && !option->repeatable) throw UsageError("--" + option->name + " given twice");
        if (!option->takesValue) {
            if (inlineValue) throw UsageError("--" + option->name + " takes no value");
            slot.emplace_back();
            continue;
        }
        if (inlineValue) {
            slot.push_back(*inlineValue);
        } else if (i + 1 < args.size()) {
            slot.push_back(args[++i]);
        } else {
            throw UsageError(token + " needs a value");
        }
    }
    return parsed;
}

std::vector<std::string> splitLabelList(const std::string& text) {
    std::vector<std::string> labels;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        std::string label = text.substr(start, end - start);
        label.erase(0, label.find_first_not_of(" \t"));
        label.erase(label.find_last_not_of(" \t") + 1);
        if (!label.empty() && std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
        start = end + 1;
    }
    return labels;
}

}  // namespace cosmoclip::cli
