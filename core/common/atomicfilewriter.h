#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace cosmoclip {

/// Replaces a file atomically: bytes go to a new temporary file beside PATH (same folder, so the
/// rename cannot cross file systems); commit() flushes them to disk (fsync) and renames the
/// temporary over PATH, so readers see the old file or the complete new one, never a torn one.
/// Destroying the writer without commit() removes the temporary file. Not copyable.
class AtomicFileWriter final {
public:
    /// Creates the temporary file; throws cosmoclip::Error "PATH: why".
    explicit AtomicFileWriter(std::string path);
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    /// Appends SIZE bytes; throws Error (e.g. disk full).
    void write(const void* data, std::size_t size);
    /// Flushes, syncs and renames over the target path; throws Error. Call once.
    void commit();

    const std::string& temporaryPath() const { return m_tempPath; }

private:
    void closeHandle();

    std::string m_path;
    std::string m_tempPath;
    int m_fd = -1;                  // POSIX
    std::FILE* m_stream = nullptr;  // elsewhere
    bool m_committed = false;
};

}  // namespace cosmoclip
