#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace cosmoclip {

/// A byte-level BPE vocabulary as files hold it: tokens in id order and merges in rank order, all
/// strings in the bytes_to_unicode alphabet (UTF-8), '</w>' marking the end of a word.
struct BpeVocabulary {
    std::vector<std::string> tokens;                          ///< id -> token
    std::vector<std::pair<std::string, std::string>> merges;  ///< rank -> pair
    std::string source;                                       ///< where it came from, for messages

    /// The file name OpenAI ships its merges under.
    static constexpr const char* kOpenAiFileName = "bpe_simple_vocab_16e6.txt.gz";

    /// A folder with vocab.json + merges.txt (Hugging Face layout), or else with
    /// bpe_simple_vocab_16e6.txt.gz. Throws cosmoclip::Error naming the folder or file on failure.
    static BpeVocabulary loadDirectory(const std::filesystem::path& dir);
    /// vocab.json (token -> id, ids 0..n-1) and merges.txt (optional "#version" line, "a b" per line).
    static BpeVocabulary loadHuggingFace(const std::filesystem::path& vocabJson,
                                         const std::filesystem::path& mergesTxt);
    /// OpenAI's gzip merges file; the vocabulary is built from merges[1 : 49152-256-2+1] as OpenAI does.
    static BpeVocabulary loadOpenAi(const std::filesystem::path& gzFile);
    /// OpenAI's vocabulary layout for a merge list: 256 byte tokens, the same with '</w>', one token per
    /// merge, then <|startoftext|> and <|endoftext|>.
    static BpeVocabulary fromMerges(std::vector<std::pair<std::string, std::string>> merges,
                                    std::string source);

    /// Writes vocab.json and merges.txt ("#version: 0.2" first) into `dir`, creating it if needed.
    void saveHuggingFace(const std::filesystem::path& dir) const;
};

}  // namespace cosmoclip
