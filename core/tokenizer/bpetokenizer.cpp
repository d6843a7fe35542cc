#include "tokenizer/bpetokenizer.h"

#include <limits>
#include <mutex>
#include <shared_mutex>

#include "common/error.h"
#include "tokenizer/bytesunicode.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/textclean.h"
#include "tokenizer/unicodetext.h"

namespace cosmoclip {
namespace {

constexpr const char* kStartOfText = "<|startoftext|>";
constexpr const char* kEndOfText = "<|endoftext|>";
// Past this many cached words the cache starts over, so a stream of unique words cannot grow it without
// bound (~100 bytes a word: tens of MB at most).
constexpr size_t kMaxCachedWords = 1 << 18;

uint64_t pairKey(int32_t a, int32_t b) {
    return (uint64_t(uint32_t(a)) << 32) | uint32_t(b);
}

struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

// Memoised BPE results per pre-token. Readers share the lock; a miss computes outside it and inserts
// under the exclusive lock (two threads may compute the same word once each; the result is identical).
struct BpeTokenizer::Cache {
    std::shared_mutex mutex;
    std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>> words;
};

BpeTokenizer::BpeTokenizer(BpeVocabulary vocabulary)
    : m_vocabulary(std::move(vocabulary)),
      m_preTokenizer(std::make_unique<PreTokenizer>()),
      m_cache(std::make_unique<Cache>()) {
    buildIndex();
}

BpeTokenizer::~BpeTokenizer() = default;
BpeTokenizer::BpeTokenizer(BpeTokenizer&&) noexcept = default;
BpeTokenizer& BpeTokenizer::operator=(BpeTokenizer&&) noexcept = default;

BpeTokenizer BpeTokenizer::fromDirectory(const std::filesystem::path& dir) {
    return BpeTokenizer(BpeVocabulary::loadDirectory(dir));
}

BpeTokenizer BpeTokenizer::fromHuggingFace(const std::filesystem::path& vocabJson,
                                           const std::filesystem::path& mergesTxt) {
    return BpeTokenizer(BpeVocabulary::loadHuggingFace(vocabJson, mergesTxt));
}

BpeTokenizer BpeTokenizer::fromOpenAi(const std::filesystem::path& gzFile) {
    return BpeTokenizer(BpeVocabulary::loadOpenAi(gzFile));
}

void BpeTokenizer::buildIndex() {
    const auto& tokens = m_vocabulary.tokens;
    const std::string& source = m_vocabulary.source;
    if (tokens.size() > size_t(std::numeric_limits<int32_t>::max()))
        throw Error(source + ": vocabulary too large");
    m_ids.reserve(tokens.size());
    m_rawBytes.resize(tokens.size());
    for (size_t id = 0; id < tokens.size(); ++id) {
        if (!bytes::decodeBytes(tokens[id], m_rawBytes[id]) || tokens[id].empty())
            throw Error(source + ": token " + std::to_string(id) + " '" + tokens[id] +
                        "' is not in the byte-level alphabet");
        m_ids[tokens[id]] = static_cast<int32_t>(id);  // a repeated string maps to its last id, like OpenAI
    }
    const auto require = [&](const std::string& token) {
        const int32_t id = tokenId(token);
        if (id < 0) throw Error(source + ": vocabulary lacks the token '" + token + "'");
        return id;
    };
    for (int b = 0; b < 256; ++b) {
        const std::string t = bytes::encodeBytes(std::string(1, char(b)));
        m_byteId[b] = require(t);
        m_byteEndId[b] = require(t + "</w>");
    }
    m_startOfText = require(kStartOfText);
    m_endOfText = require(kEndOfText);
    m_merges.reserve(m_vocabulary.merges.size());
    for (size_t rank = 0; rank < m_vocabulary.merges.size(); ++rank) {
        const auto& [a, b] = m_vocabulary.merges[rank];
        const int32_t left = tokenId(a), right = tokenId(b), merged = tokenId(a + b);
        const std::string where = "merge " + std::to_string(rank + 1) + " '" + a + " " + b + "': ";
        if (left < 0 || right < 0)
            throw Error(source + ": " + where + "'" + (left < 0 ? a : b) + "' is not a token");
        if (merged < 0) throw Error(source + ": " + where + "'" + a + b + "' is not a token");
        m_merges[pairKey(left, right)] =
            Merge{static_cast<int32_t>(rank), merged};  // later rank wins, as in OpenAI
    }
}

int32_t BpeTokenizer::tokenId(std::string_view token) const {
    const auto it = m_ids.find(std::string(token));
    return it == m_ids.end() ? -1 : it->second;
}

// OpenAI's bpe(): symbols start as bytes with '</w>' on the last; the adjacent pair of lowest rank is merged
// everywhere left to right, until no ranked pair is left.
std::vector<int32_t> BpeTokenizer::bpe(std::string_view word) const {
    std::vector<int32_t> symbols;
    symbols.reserve(word.size());
    for (size_t i = 0; i < word.size(); ++i) {
        const auto b = static_cast<uint8_t>(word[i]);
        symbols.push_back(i + 1 < word.size() ? m_byteId[b] : m_byteEndId[b]);
    }
    std::vector<int32_t> merged;
    merged.reserve(symbols.size());
    while (symbols.size() > 1) {
        const Merge* best = nullptr;
        int32_t left = 0, right = 0;
        for (size_t i = 0; i + 1 < symbols.size(); ++i) {
            const auto it = m_merges.find(pairKey(symbols[i], symbols[i + 1]));
            if (it != m_merges.end() && (!best || it->second.rank < best->rank)) {
                best = &it->second;
                left = symbols[i];
                right = symbols[i + 1];
            }
        }
        if (!best) break;
        merged.clear();
        for (size_t i = 0; i < symbols.size(); ++i) {
            if (symbols[i] == left && i + 1 < symbols.size() && symbols[i + 1] == right) {
                merged.push_back(best->result);
                ++i;
            } else {
                merged.push_back(symbols[i]);
            }
        }
        symbols.swap(merged);
    }
    return symbols;
}

void BpeTokenizer::appendWord(std::string_view word, std::vector<int32_t>& ids) const {
    if (word == kStartOfText || word == kEndOfText) {  // OpenAI's cache is seeded with these two
        ids.push_back(word == kStartOfText ? m_startOfText : m_endOfText);
        return;
    }
    {
        std::shared_lock lock(m_cache->mutex);
        if (const auto it = m_cache->words.find(word); it != m_cache->words.end()) {
            ids.insert(ids.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<int32_t> result = bpe(word);
    ids.insert(ids.end(), result.begin(), result.end());
    std::unique_lock lock(m_cache->mutex);
    if (m_cache->words.size() >= kMaxCachedWords) m_cache->words.clear();
    m_cache->words.emplace(std::string(word), std::move(result));
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text) const {
    const std::string cleaned = cleanText(text);
    std::vector<int32_t> ids;
    ids.reserve(cleaned.size() / 3 + 1);
    for (std::string_view word : m_preTokenizer->split(cleaned)) appendWord(word, ids);
    return ids;
}

std::vector<int32_t> BpeTokenizer::encodeForContext(std::string_view text, int contextLength) const {
    if (contextLength < 1) throw Error("encodeForContext: context length must be at least 1");
    const std::vector<int32_t> body = encode(text);
    std::vector<int32_t> ids;
    ids.reserve(body.size() + 2);
    ids.push_back(m_startOfText);
    ids.insert(ids.end(), body.begin(), body.end());
    ids.push_back(m_endOfText);
    if (ids.size() > size_t(contextLength)) {
        ids.resize(size_t(contextLength));
        ids.back() = m_endOfText;
    }
    return ids;
}

std::string BpeTokenizer::decode(std::span<const int32_t> ids) const {
    std::string raw;
    for (int32_t id : ids) {
        if (id < 0 || id >= vocabularySize())
            throw Error("decode: token id " + std::to_string(id) + " out of range [0, " +
                        std::to_string(vocabularySize()) + ")");
        raw += m_rawBytes[size_t(id)];
    }
    std::string text = unicode::sanitizeUtf8(raw);
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 4, "</w>") == 0) {
            out.push_back(' ');
            i += 3;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

void BpeTokenizer::save(const std::filesystem::path& dir) const {
    m_vocabulary.saveHuggingFace(dir);
}

}  // namespace cosmoclip
