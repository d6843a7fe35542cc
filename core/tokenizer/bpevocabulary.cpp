#include "tokenizer/bpevocabulary.h"

#include <zlib.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.h"
#include "tokenizer/bytesunicode.h"
#include "tokenizer/unicodetext.h"

namespace cosmoclip {
namespace {

namespace fs = std::filesystem;

// OpenAI keeps merges[1 : 49152-256-2+1] of the file: line 0 is a header.
constexpr size_t kOpenAiMergeEnd = 49152 - 256 - 2 + 1;

std::string readFile(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(path.string() + ": file not found");
    if (fs::is_directory(path, ec)) throw Error(path.string() + ": is a folder, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string() + ": cannot open for reading");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw Error(path.string() + ": read error");
    return buffer.str();
}

struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};

std::string readGzip(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(path.string() + ": file not found");
    std::unique_ptr<gzFile_s, GzCloser> gz(gzopen(path.c_str(), "rb"));
    if (!gz) throw Error(path.string() + ": cannot open for reading");
    std::string out;
    char buffer[1 << 16];
    int n = 0;
    while ((n = gzread(gz.get(), buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
    int code = Z_OK;
    const char* message = gzerror(gz.get(), &code);
    if (n < 0 || code != Z_OK) throw Error(path.string() + ": corrupt gzip data: " + message);
    if (gzdirect(gz.get())) throw Error(path.string() + ": not a gzip file");
    if (out.empty()) throw Error(path.string() + ": empty file");
    return out;
}

std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t pos = 0;
    while (true) {
        const size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            lines.push_back(text.substr(pos));
            return lines;
        }
        lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
}

// One merges line as Python's str.split() sees it (ASCII whitespace; the BPE alphabet has none).
std::pair<std::string, std::string> parseMerge(std::string_view line, const fs::path& path, size_t lineNo) {
    std::vector<std::string_view> parts;
    size_t i = 0;
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; };
    while (i < line.size()) {
        while (i < line.size() && space(line[i])) ++i;
        const size_t start = i;
        while (i < line.size() && !space(line[i])) ++i;
        if (i > start) parts.push_back(line.substr(start, i - start));
    }
    if (parts.size() != 2)
        throw Error(path.string() + ": line " + std::to_string(lineNo) + ": expected two tokens, found " +
                    std::to_string(parts.size()));
    return {std::string(parts[0]), std::string(parts[1])};
}

// Lines [first, last) of `lines` as merges; trailing empty lines end the list.
std::vector<std::pair<std::string, std::string>> parseMerges(const std::vector<std::string_view>& lines,
                                                             size_t first, size_t last,
                                                             const fs::path& path) {
    last = std::min(last, lines.size());
    while (last > first && lines[last - 1].find_first_not_of(" \t\r") == std::string_view::npos) --last;
    std::vector<std::pair<std::string, std::string>> merges;
    merges.reserve(last > first ? last - first : 0);
    for (size_t i = first; i < last; ++i) merges.push_back(parseMerge(lines[i], path, i + 1));
    return merges;
}

std::vector<std::string> parseVocabJson(const std::string& text, const fs::path& path) {
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path.string() + ": malformed JSON: " + e.what());
    }
    if (!json.is_object()) throw Error(path.string() + ": expected a JSON object of token -> id");
    std::vector<std::string> tokens(json.size());
    std::vector<bool> seen(json.size(), false);
    for (const auto& [token, id] : json.items()) {
        if (!id.is_number_integer())
            throw Error(path.string() + ": id of token '" + token + "' is not an integer");
        const auto value = id.get<int64_t>();
        if (value < 0 || value >= static_cast<int64_t>(tokens.size()))
            throw Error(path.string() + ": id " + std::to_string(value) + " of token '" + token +
                        "' out of range [0, " + std::to_string(tokens.size()) + ")");
        if (seen[value]) throw Error(path.string() + ": id " + std::to_string(value) + " used twice");
        seen[value] = true;
        tokens[value] = token;
    }
    return tokens;
}

std::string jsonString(const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false);
}

}  // namespace

BpeVocabulary BpeVocabulary::loadDirectory(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw Error(dir.string() + ": not a folder");
    const fs::path vocab = dir / "vocab.json", merges = dir / "merges.txt", openAi = dir / kOpenAiFileName;
    const bool hasVocab = fs::exists(vocab, ec), hasMerges = fs::exists(merges, ec);
    if (hasVocab || hasMerges) {
        if (!hasMerges) throw Error(merges.string() + ": file not found (vocab.json needs it)");
        if (!hasVocab) throw Error(vocab.string() + ": file not found (merges.txt needs it)");
        return loadHuggingFace(vocab, merges);
    }
    if (fs::exists(openAi, ec)) return loadOpenAi(openAi);
    throw Error(dir.string() + ": no tokenizer files (vocab.json + merges.txt, or " + kOpenAiFileName + ")");
}

BpeVocabulary BpeVocabulary::loadHuggingFace(const fs::path& vocabJson, const fs::path& mergesTxt) {
    BpeVocabulary v;
    v.tokens = parseVocabJson(readFile(vocabJson), vocabJson);
    const std::string text = readFile(mergesTxt);
    if (unicode::sanitizeUtf8(text) != text) throw Error(mergesTxt.string() + ": invalid UTF-8");
    const auto lines = splitLines(text);
    const size_t first = !lines.empty() && lines[0].starts_with("#version") ? 1 : 0;
    v.merges = parseMerges(lines, first, lines.size(), mergesTxt);
    v.source = mergesTxt.string();
    return v;
}

BpeVocabulary BpeVocabulary::loadOpenAi(const fs::path& gzFile) {
    const std::string text = readGzip(gzFile);
    if (unicode::sanitizeUtf8(text) != text) throw Error(gzFile.string() + ": invalid UTF-8");
    return fromMerges(parseMerges(splitLines(text), 1, kOpenAiMergeEnd, gzFile), gzFile.string());
}

BpeVocabulary BpeVocabulary::fromMerges(std::vector<std::pair<std::string, std::string>> merges,
                                        std::string source) {
    BpeVocabulary v;
    v.tokens.reserve(512 + merges.size() + 2);
    for (uint8_t b : bytes::vocabularyOrder())
        v.tokens.push_back(bytes::encodeBytes(std::string(1, char(b))));
    for (size_t i = 0; i < 256; ++i) v.tokens.push_back(v.tokens[i] + "</w>");
    for (const auto& [a, b] : merges) v.tokens.push_back(a + b);
    v.tokens.emplace_back("<|startoftext|>");
    v.tokens.emplace_back("<|endoftext|>");
    v.merges = std::move(merges);
    v.source = std::move(source);
    return v;
}

void BpeVocabulary::saveHuggingFace(const fs::path& dir) const {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(dir.string() + ": cannot create folder: " + ec.message());
    const fs::path vocabPath = dir / "vocab.json", mergesPath = dir / "merges.txt";
    std::ofstream vocab(vocabPath, std::ios::binary | std::ios::trunc);
    if (!vocab) throw Error(vocabPath.string() + ": cannot open for writing");
    vocab << '{';
    for (size_t id = 0; id < tokens.size(); ++id)
        vocab << (id ? "," : "") << jsonString(tokens[id]) << ':' << id;
    vocab << "}\n";
    if (!vocab.flush()) throw Error(vocabPath.string() + ": write error");
    std::ofstream out(mergesPath, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(mergesPath.string() + ": cannot open for writing");
    out << "#version: 0.2\n";
    for (const auto& [a, b] : merges) out << a << ' ' << b << '\n';
    if (!out.flush()) throw Error(mergesPath.string() + ": write error");
}

}  // namespace cosmoclip
