#pragma once

// Command-line reading shared by the benchmark programs (bench_ann, bench_search): options with
// one value each, comma-separated number lists, exit status 2 with a message on misuse.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace cosmoclip::bench {

/// "a,b,c" -> {a, b, c}.
inline std::vector<size_t> parseSizeList(const std::string& v)
{
    std::vector<size_t> out;
    for (size_t p = 0; p < v.size();) {
        const size_t comma = std::min(v.find(',', p), v.size());
        out.push_back(std::stoul(v.substr(p, comma - p)));
        p = comma + 1;
    }
    return out;
}

/// Walks argv: while (args.next()) { if (args.is("--x")) x = args.value(); ... else args.usage(...); }
class ArgReader {
public:
    ArgReader(const char* program, int argc, char** argv) : m_program(program), m_argc(argc), m_argv(argv) {}

    bool next()
    {
        if (++m_i >= m_argc)
            return false;
        m_option = m_argv[m_i];
        return true;
    }
    bool is(const char* name) const { return m_option == name; }
    /// The argument after the current option.
    std::string value()
    {
        if (m_i + 1 >= m_argc) {
            std::fprintf(stderr, "%s: %s needs a value\n", m_program, m_option.c_str());
            std::exit(2);
        }
        return m_argv[++m_i];
    }
    size_t number() { return std::stoul(value()); }
    std::vector<size_t> list() { return parseSizeList(value()); }
    [[noreturn]] void usage(const char* text) const
    {
        std::fprintf(stderr, "usage: %s %s\n", m_program, text);
        std::exit(2);
    }

private:
    const char* m_program;
    int m_argc;
    char** m_argv;
    int m_i = 0;
    std::string m_option;
};

}  // namespace cosmoclip::bench
