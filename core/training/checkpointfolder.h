#pragma once

#include <functional>
#include <string>

namespace cosmoclip {

/// Checkpoint folders (several files) replaced as a whole: `fill` writes everything into a fresh
/// temporary folder beside `target` ("target.tmp"); then the old folder is renamed to "target.old",
/// the new one to `target`, and the old one removed. A crash leaves either the old or the new folder
/// complete under `target`, or the old one under "target.old" (which existingCheckpointFolder finds).
/// Throws cosmoclip::Error naming the folder; on failure the temporary folder is removed.
void replaceFolderAtomically(const std::string& target, const std::function<void(const std::string& folder)>& fill);

/// `target` when it exists, else "target.old" when an interrupted replacement left only that, else "".
std::string existingCheckpointFolder(const std::string& target);

/// Copies the tokenizer files found in `fromDir` (vocab.json, merges.txt, tokenizer.json,
/// tokenizer_config.json, special_tokens_map.json, bpe_simple_vocab_16e6.txt.gz) into `toDir`.
/// Returns how many were copied. Throws cosmoclip::Error when a copy fails.
int copyTokenizerFiles(const std::string& fromDir, const std::string& toDir);

}  // namespace cosmoclip
