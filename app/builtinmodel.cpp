#include "builtinmodel.h"

#include <cstdlib>
#include <system_error>
#include <vector>

#if defined(__APPLE__)
#include <mach-o/dyld.h>
#include <cstdint>
#elif defined(_WIN32)
#include <windows.h>
#endif

namespace cosmoclip::app {

namespace fs = std::filesystem;

namespace {

bool isModelFolder(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "config.json", ec);
}

// Folders beside the executable that hold the model once installed; relative paths come from
// CMake (GNUInstallDirs), so a changed CMAKE_INSTALL_DATADIR is followed.
std::vector<fs::path> installedCandidates(const fs::path& exeDir) {
    std::vector<fs::path> dirs;
#ifdef COSMOCLIP_BUILTIN_MODEL_RELDIR
    dirs.push_back(exeDir / COSMOCLIP_BUILTIN_MODEL_RELDIR);
#endif
#if defined(__APPLE__)
    dirs.push_back(exeDir / ".." / "Resources" / "models" / "cosmoclip-default");  // app bundle
#endif
    return dirs;
}

}  // namespace

fs::path executablePath() {
    std::error_code ec;
#if defined(__linux__)
    fs::path p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : p;
#elif defined(__APPLE__)
    std::uint32_t size = 0;
    _NSGetExecutablePath(nullptr, &size);
    std::string buffer(size, '\0');
    if (_NSGetExecutablePath(buffer.data(), &size) != 0) return {};
    const fs::path raw(buffer.c_str());
    fs::path p = fs::canonical(raw, ec);
    return ec ? raw : p;
#elif defined(_WIN32)
    std::wstring buffer(32768, L'\0');
    const DWORD n = GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (n == 0 || n >= buffer.size()) return {};
    buffer.resize(n);
    return fs::path(buffer);
#else
    return {};
#endif
}

std::string builtinModelPath() {
    for (const char* name : {"COSMOCLIP_BUILTIN_MODEL", "COSMOCLIP_DEFAULT_MODEL"})
        if (const char* env = std::getenv(name); env && *env) return env;
    if (const fs::path exe = executablePath(); !exe.empty()) {
        for (const fs::path& dir : installedCandidates(exe.parent_path())) {
            if (!isModelFolder(dir)) continue;
            std::error_code ec;
            const fs::path clean = fs::weakly_canonical(dir, ec);
            return (ec ? dir.lexically_normal() : clean).string();
        }
    }
#ifdef COSMOCLIP_BUILTIN_MODEL_DIR
    if (isModelFolder(COSMOCLIP_BUILTIN_MODEL_DIR)) return COSMOCLIP_BUILTIN_MODEL_DIR;
#endif
    return {};
}

}  // namespace cosmoclip::app
