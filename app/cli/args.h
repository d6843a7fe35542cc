#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cosmoclip::cli {

/// A command-line mistake: the CLI prints it with the command's usage and exits with code 2.
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

/// One accepted option. Long names are written without dashes ("hdu"); `alias` is an optional
/// short form without its dash ("o", "k").
struct OptionSpec {
    std::string name;
    bool takesValue = false;
    bool repeatable = false;
    std::string alias = {};
};

/// The parsed command line of one subcommand. Values are kept as text; the typed getters turn a
/// malformed number into a UsageError naming the option.
class ParsedArgs {
public:
    bool has(const std::string& name) const;
    std::optional<std::string> value(const std::string& name) const;
    std::vector<std::string> values(const std::string& name) const;
    std::optional<long long> integer(const std::string& name, long long min, long long max) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }

private:
    friend ParsedArgs parseArgs(const std::vector<std::string>&, const std::vector<OptionSpec>&);
    std::map<std::string, std::vector<std::string>> m_values;
    std::vector<std::string> m_positionals;
};

/// Accepts `--name value`, `--name=value`, `-a value`, boolean `--name`, and `--` to end options.
/// Unknown options, missing values and repeats of non-repeatable options are UsageErrors.
ParsedArgs parseArgs(const std::vector<std::string>& args, const std::vector<OptionSpec>& spec);

/// A --labels value "a, b,c": the items trimmed, empty ones and repeats dropped, in order.
std::vector<std::string> splitLabelList(const std::string& text);

}  // namespace cosmoclip::cli
