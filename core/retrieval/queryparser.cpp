#include "retrieval/queryparser.h"

#include "common/error.h"
#include "retrieval/vectormath.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <regex>

namespace cosmoclip {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string trimmed(const std::string& s)
{
    size_t b = 0, e = s.size();
    while (b < e && isSpace(s[b]))
        ++b;
    while (e > b && isSpace(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

bool startsWith(const std::string& s, const char* prefix)
{
    return s.rfind(prefix, 0) == 0;
}

// A term with its sign, before weights and image detection.
struct RawTerm {
    int sign = 1;
    std::string text;
};

// Splits at "+"/"-" tokens that stand alone between whitespace (or at the ends of the query).
std::vector<RawTerm> splitTerms(const std::string& query)
{
    std::vector<size_t> ops;
    for (size_t i = 0; i < query.size(); ++i) {
        const bool alone = (i == 0 || isSpace(query[i - 1])) &&
                           (i + 1 == query.size() || isSpace(query[i + 1]));
        if (alone && (query[i] == '+' || query[i] == '-'))
            ops.push_back(i);
    }
    std::vector<RawTerm> terms;
    for (size_t s = 0; s <= ops.size(); ++s) {
        const size_t begin = s == 0 ? 0 : ops[s - 1] + 1;
        const size_t end = s == ops.size() ? query.size() : ops[s];
        std::string text = trimmed(query.substr(begin, end - begin));
        if (text.empty()) {
            if (s == 0)
                continue;  // a leading operator ("- a") applies to the first term
            throw Error("query \"" + query +
                        "\": empty term (two operators in a row, or one at the end)");
        }
        terms.push_back({s > 0 && query[ops[s - 1]] == '-' ? -1 : 1, std::move(text)});
    }
    return terms;
}

// rclip's QUERY_WITH_MULTIPLIER_RE multiplier: 2, 2.5, .5 or 2. before a colon.
const std::regex& multiplierPattern()
{
    static const std::regex re(R"(^(\d+(\.\d+)?|\.\d+|\d+\.)$)");
    return re;
}

// Something the user meant as a multiplier but wrote wrongly: digits, dots, signs, exponents.
bool looksNumeric(const std::string& s)
{
    if (s.empty())
        return false;
    bool digit = false;
    for (char c : s) {
        if (c >= '0' && c <= '9')
            digit = true;
        else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E')
            return false;
    }
    return digit;
}

// Splits "2:foo" into (2, "foo"); a term without a multiplier gets 1.
double takeMultiplier(std::string& term, const std::string& query)
{
    const size_t colon = term.find(':');
    if (colon == std::string::npos)
        return 1.0;
    const std::string prefix = term.substr(0, colon);
    if (std::regex_match(prefix, multiplierPattern())) {
        const double weight = std::strtod(prefix.c_str(), nullptr);
        if (!(weight > 0.0) || !std::isfinite(weight))
            throw Error("query \"" + query + "\": multiplier \"" + prefix +
                        "\" must be a positive number (use \"-\" to subtract a term)");
        term = trimmed(term.substr(colon + 1));
        if (term.empty())
            throw Error("query \"" + query + "\": multiplier \"" + prefix + ":\" has no term after it");
        return weight;
    }
    if (looksNumeric(prefix))
        throw Error("query \"" + query + "\": bad multiplier \"" + prefix +
                    "\" (write it like 2:, 0.5: or .5:, without a sign; use \"-\" to subtract)");
    return 1.0;
}

bool looksLikePath(const std::string& s)
{
    const bool windowsDrive = s.size() >= 3 && std::isalpha(static_cast<unsigned char>(s[0])) &&
                              s[1] == ':' && (s[2] == '\\' || s[2] == '/');
    return startsWith(s, "/") || startsWith(s, "./") || startsWith(s, "../") ||
           startsWith(s, "~/") || startsWith(s, "file://") || windowsDrive;
}

std::string expandPath(std::string path)
{
    if (startsWith(path, "file://"))
        path = path.substr(7);
    if (startsWith(path, "~/")) {
        if (const char* home = std::getenv("HOME"))
            path = std::string(home) + path.substr(1);
    }
    return path;
}

bool isRegularFile(const std::string& path)
{
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
}

QueryTerm classify(RawTerm raw, const std::string& query)
{
    QueryTerm term;
    term.weight = raw.sign * takeMultiplier(raw.text, query);
    std::string& s = raw.text;
    if (startsWith(s, "text:")) {
        term.text = trimmed(s.substr(5));
    } else if (startsWith(s, "image:") || looksLikePath(s)) {
        const std::string path = expandPath(trimmed(startsWith(s, "image:") ? s.substr(6) : s));
        if (path.empty())
            throw Error("query \"" + query + "\": \"image:\" without a file");
        if (!isRegularFile(path))
            throw Error(path, "no such image file (query terms that look like paths must exist)");
        term.text = path;
        term.isImage = true;
    } else if (startsWith(s, "http://") || startsWith(s, "https://")) {
        throw Error("query \"" + query + "\": URLs are not supported as query terms (" + s + ")");
    } else if (isRegularFile(s)) {
        term.text = s;
        term.isImage = true;
    } else {
        term.text = s;
    }
    if (term.text.empty())
        throw Error("query \"" + query + "\": empty term");
    return term;
}

}  // namespace

std::vector<QueryTerm> parseQuery(const std::string& query)
{
    if (trimmed(query).empty())
        throw Error("empty query");
    std::vector<QueryTerm> terms;
    for (RawTerm& raw : splitTerms(query))
        terms.push_back(classify(std::move(raw), query));
    if (terms.empty())
        throw Error("query \"" + query + "\": no terms");
    return terms;
}

std::vector<float> combineQuery(const std::vector<QueryTerm>& terms,
                                const std::vector<float>& embeddings, size_t dim)
{
    if (terms.empty() || dim == 0)
        throw Error("combine query: no terms");
    if (embeddings.size() != terms.size() * dim)
        throw Error("combine query: " + std::to_string(embeddings.size()) + " values for " +
                    std::to_string(terms.size()) + " terms of dimension " + std::to_string(dim));
    std::vector<double> sum(dim, 0.0);
    for (size_t t = 0; t < terms.size(); ++t) {
        const float* row = embeddings.data() + t * dim;
        const double norm = l2Norm(row, dim);
        if (!(norm > 0.0))
            throw Error("combine query: term \"" + terms[t].text + "\" has a zero embedding");
        const double scale = terms[t].weight / norm;
        for (size_t d = 0; d < dim; ++d)
            sum[d] += scale * row[d];
    }
    double total = 0.0;
    for (double v : sum)
        total += v * v;
    total = std::sqrt(total);
    if (!(total > 1e-9))
        throw Error("combine query: the terms cancel out");
    std::vector<float> out(dim);
    for (size_t d = 0; d < dim; ++d)
        out[d] = static_cast<float>(sum[d] / total);
    return out;
}

}  // namespace cosmoclip
