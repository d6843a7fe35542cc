#include "tokenizer/bpetrainer.h"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "common/error.h"
#include "tokenizer/bytesunicode.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/textclean.h"

namespace cosmoclip {
namespace {

constexpr int kBaseTokens = 512;  // 256 bytes + 256 bytes with '</w>'
constexpr int kSpecialTokens = 2;

uint64_t pairKey(int32_t a, int32_t b) {
    return (uint64_t(uint32_t(a)) << 32) | uint32_t(b);
}

struct Word {
    std::vector<int32_t> symbols;
    int64_t count = 0;
};

// Words of the corpus as symbol ids in the OpenAI vocabulary order (byte b has id = its position in
// bytes::vocabularyOrder(); +256 for the final symbol with '</w>').
std::vector<Word> countWords(const std::vector<std::string>& texts) {
    int32_t byteId[256];
    const auto& order = bytes::vocabularyOrder();
    for (int i = 0; i < 256; ++i) byteId[order[i]] = i;
    const PreTokenizer preTokenizer;
    std::unordered_map<std::string, int64_t> counts;
    for (const std::string& text : texts) {
        const std::string cleaned = cleanText(text);
        for (std::string_view word : preTokenizer.split(cleaned))
            if (word != "<|startoftext|>" && word != "<|endoftext|>") ++counts[std::string(word)];
    }
    std::vector<Word> words;
    words.reserve(counts.size());
    for (const auto& [text, count] : counts) {
        Word w;
        w.count = count;
        for (size_t i = 0; i < text.size(); ++i)
            w.symbols.push_back(byteId[uint8_t(text[i])] + (i + 1 == text.size() ? 256 : 0));
        words.push_back(std::move(w));
    }
    std::sort(words.begin(), words.end(), [](const Word& a, const Word& b) { return a.symbols < b.symbols; });
    return words;
}

// Pair counts over all words, with a lazy max-heap: entries are pushed whenever a count changes and
// stale ones are dropped when they surface.
class PairStatistics {
public:
    explicit PairStatistics(const std::vector<Word>& words) {
        for (size_t w = 0; w < words.size(); ++w) add(words[w], int32_t(w), +1);
        flush();
    }
    void add(const Word& word, int32_t index, int sign) {
        for (size_t i = 0; i + 1 < word.symbols.size(); ++i) {
            const uint64_t key = pairKey(word.symbols[i], word.symbols[i + 1]);
            m_counts[key] += sign * word.count;
            if (sign > 0) m_where[key].insert(index);
            m_touched.insert(key);
        }
    }
    void flush() {
        for (uint64_t key : m_touched)
            if (const int64_t count = m_counts[key]; count > 0 && !m_banned.contains(key))
                m_heap.emplace(count, key);
        m_touched.clear();
    }
    void ban(uint64_t key) { m_banned.insert(key); }
    // Most frequent pair (smallest ids on ties); false when none is left.
    bool best(uint64_t& key) {
        while (!m_heap.empty()) {
            const auto [count, k] = m_heap.top();
            if (!m_banned.contains(k) && m_counts[k] == count) {
                key = k;
                return true;
            }
            m_heap.pop();
        }
        return false;
    }
    std::vector<int32_t> wordsWith(uint64_t key) {
        const auto& set = m_where[key];
        std::vector<int32_t> out(set.begin(), set.end());
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    struct Order {  // max count first, then smallest key
        bool operator()(const std::pair<int64_t, uint64_t>& a, const std::pair<int64_t, uint64_t>& b) const {
            return a.first != b.first ? a.first < b.first : a.second > b.second;
        }
    };
    std::unordered_map<uint64_t, int64_t> m_counts;
    std::unordered_map<uint64_t, std::unordered_set<int32_t>> m_where;
    std::unordered_set<uint64_t> m_touched, m_banned;
    std::priority_queue<std::pair<int64_t, uint64_t>, std::vector<std::pair<int64_t, uint64_t>>, Order>
        m_heap;
};

void mergeWord(Word& word, int32_t left, int32_t right, int32_t merged) {
    std::vector<int32_t> out;
    out.reserve(word.symbols.size());
    for (size_t i = 0; i < word.symbols.size(); ++i) {
        if (word.symbols[i] == left && i + 1 < word.symbols.size() && word.symbols[i + 1] == right) {
            out.push_back(merged);
            ++i;
        } else {
            out.push_back(word.symbols[i]);
        }
    }
    word.symbols.swap(out);
}

}  // namespace

BpeVocabulary trainBpe(const std::vector<std::string>& texts, int vocabSize) {
    if (vocabSize < kBaseTokens + kSpecialTokens)
        throw Error("trainBpe: vocabulary size " + std::to_string(vocabSize) + " is below the minimum " +
                    std::to_string(kBaseTokens + kSpecialTokens));
    BpeVocabulary base = BpeVocabulary::fromMerges({}, "trained BPE");
    std::vector<std::string> tokens(base.tokens.begin(), base.tokens.begin() + kBaseTokens);
    std::vector<std::pair<std::string, std::string>> merges;
    std::vector<Word> words = countWords(texts);
    PairStatistics stats(words);
    std::unordered_set<std::string> known(tokens.begin(), tokens.end());
    uint64_t key = 0;
    while (int(tokens.size()) < vocabSize - kSpecialTokens && stats.best(key)) {
        const auto left = int32_t(key >> 32), right = int32_t(key & 0xFFFFFFFFu);
        std::string joined = tokens[size_t(left)] + tokens[size_t(right)];
        if (!known.insert(joined).second) {  // "ab"+"c" after "a"+"bc": one token per string, one per merge
            stats.ban(key);
            continue;
        }
        const auto merged = int32_t(tokens.size());
        merges.emplace_back(tokens[size_t(left)], tokens[size_t(right)]);
        tokens.push_back(std::move(joined));
        for (int32_t w : stats.wordsWith(key)) {
            Word& word = words[size_t(w)];
            stats.add(word, w, -1);
            mergeWord(word, left, right, merged);
            stats.add(word, w, +1);
        }
        stats.flush();
    }
    return BpeVocabulary::fromMerges(std::move(merges), "trained BPE");
}

}  // namespace cosmoclip
