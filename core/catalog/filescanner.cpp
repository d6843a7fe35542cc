#include "catalog/filescanner.h"

#include <algorithm>
#include <array>
#include <filesystem>

#include "catalog/catalog.h"

namespace fs = std::filesystem;

namespace cosmoclip {
namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

void walkFolder(const fs::path& root, ScanResult& result) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
        result.failures.push_back({root.string(), "cannot read folder: " + ec.message()});
        return;
    }
    for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
        if (ec) {
            result.failures.push_back({it->path().string(), "cannot read: " + ec.message()});
            ec.clear();
            continue;
        }
        const fs::path& p = it->path();
        if (hidden(p)) {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(ec) && looksLikeImageFile(p.filename().string())) {
            result.files.push_back(Catalog::normalizePath(p.string()));
        }
    }
}

}  // namespace

bool looksLikeImageFile(const std::string& name) {
    static const std::array<const char*, 11> kSuffixes = {".fits", ".fit", ".fts", ".fz", ".png", ".jpg",
                                                          ".jpeg", ".tif", ".tiff", ".fits.gz", ".fit.gz"};
    std::string n = lower(name);
    if (endsWith(n, ".gz")) {
        return endsWith(n, ".fits.gz") || endsWith(n, ".fit.gz") || endsWith(n, ".fts.gz");
    }
    return std::any_of(kSuffixes.begin(), kSuffixes.end(), [&](const char* s) { return endsWith(n, s); });
}

ScanResult scanImageFiles(const std::vector<std::string>& roots) {
    ScanResult result;
    for (const auto& root : roots) {
        const fs::path p = Catalog::normalizePath(root);
        std::error_code ec;
        const auto status = fs::status(p, ec);
        if (ec || !fs::exists(status)) {
            result.failures.push_back({root, "no such file or folder"});
        } else if (fs::is_directory(status)) {
            result.folders.push_back(p.string());
            walkFolder(p, result);
        } else {
            result.files.push_back(p.string());
        }
    }
    std::sort(result.files.begin(), result.files.end());
    result.files.erase(std::unique(result.files.begin(), result.files.end()), result.files.end());
    return result;
}

}  // namespace cosmoclip
