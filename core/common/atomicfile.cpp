#include "common/atomicfile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "common/error.h"

namespace cosmoclip {

namespace {

// Closes and removes the temporary file unless release() was called after a successful rename.
class TempFile {
public:
    explicit TempFile(std::string path) : m_path(std::move(path)) {
        m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
    ~TempFile() {
        if (m_fd >= 0) ::close(m_fd);
        if (!m_released) ::unlink(m_path.c_str());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    int fd() const { return m_fd; }
    bool closeFile() {
        const int rc = ::close(m_fd);
        m_fd = -1;
        return rc == 0;
    }
    void release() { m_released = true; }

private:
    std::string m_path;
    int m_fd = -1;
    bool m_released = false;
};

[[noreturn]] void fail(const std::string& path, const char* what) {
    throw Error(path, std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

void writeFileAtomically(const std::string& path, const void* data, size_t size) {
    const std::string tmpPath = path + ".tmp-" + std::to_string(::getpid());
    TempFile tmp(tmpPath);
    if (tmp.fd() < 0) fail(path, "cannot create file");
    const auto* bytes = static_cast<const char*>(data);
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(tmp.fd(), bytes + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail(path, "cannot write");
        done += static_cast<size_t>(n);
    }
    if (::fsync(tmp.fd()) != 0) fail(path, "cannot flush to disk");
    if (!tmp.closeFile()) fail(path, "cannot close");
    if (::rename(tmpPath.c_str(), path.c_str()) != 0) fail(path, "cannot replace");
    tmp.release();
}

}  // namespace cosmoclip
