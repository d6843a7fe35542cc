#include "training/checkpointfolder.h"

#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "common/atomicfile.h"
#include "common/error.h"

namespace fs = std::filesystem;

namespace cosmoclip {

namespace {

void removeAll(const fs::path& p) {
    std::error_code ec;
    fs::remove_all(p, ec);
}

void renameOrThrow(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec) throw Error(to.string(), "cannot rename " + from.string() + ": " + ec.message());
}

}  // namespace

void replaceFolderAtomically(const std::string& target, const std::function<void(const std::string&)>& fill) {
    const fs::path folder(target);
    const fs::path tmp = folder.string() + ".tmp";
    const fs::path old = folder.string() + ".old";
    removeAll(tmp);
    std::error_code ec;
    fs::create_directories(tmp, ec);
    if (ec) throw Error(tmp.string(), "cannot create the folder: " + ec.message());
    try {
        fill(tmp.string());
    } catch (...) {
        removeAll(tmp);
        throw;
    }
    if (fs::exists(folder)) {
        removeAll(old);
        renameOrThrow(folder, old);
    }
    renameOrThrow(tmp, folder);
    removeAll(old);
}

std::string existingCheckpointFolder(const std::string& target) {
    std::error_code ec;
    if (fs::is_directory(target, ec)) return target;
    if (fs::is_directory(target + ".old", ec)) return target + ".old";
    return {};
}

int copyTokenizerFiles(const std::string& fromDir, const std::string& toDir) {
    static const char* const kFiles[] = {"vocab.json",           "merges.txt",
                                         "tokenizer.json",       "tokenizer_config.json",
                                         "special_tokens_map.json", "bpe_simple_vocab_16e6.txt.gz"};
    int copied = 0;
    for (const char* name : kFiles) {
        const fs::path from = fs::path(fromDir) / name;
        std::error_code ec;
        if (!fs::is_regular_file(from, ec)) continue;
        std::ifstream in(from, std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) throw Error(from.string(), "cannot read the file");
        writeFileAtomically((fs::path(toDir) / name).string(), bytes.data(), bytes.size());
        ++copied;
    }
    return copied;
}

}  // namespace cosmoclip
