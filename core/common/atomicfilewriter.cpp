#include "common/atomicfilewriter.h"

#include "common/error.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#if defined(__unix__) || defined(__APPLE__)
#define COSMOCLIP_HAVE_POSIX_IO 1
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace cosmoclip {

namespace {

std::atomic<unsigned> g_counter{0};

std::string errnoText() {
    return std::strerror(errno);
}

/// A name beside PATH that no other writer (thread or process) picks at the same moment.
std::string temporaryName(const std::string& path) {
#ifdef COSMOCLIP_HAVE_POSIX_IO
    const long pid = static_cast<long>(::getpid());
#else
    const long pid = 0;
#endif
    return path + ".tmp-" + std::to_string(pid) + "-" + std::to_string(g_counter.fetch_add(1));
}

#ifdef COSMOCLIP_HAVE_POSIX_IO
/// Makes the rename itself durable: the directory entry lives in the parent folder.
void syncParentFolder(const std::string& path) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (parent.empty()) parent = ".";
    const int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;  // best effort: some file systems refuse opening folders
    ::fsync(fd);
    ::close(fd);
}
#endif

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string path) : m_path(std::move(path)) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        m_tempPath = temporaryName(m_path);
#ifdef COSMOCLIP_HAVE_POSIX_IO
        // 0666 minus the umask: the permissions a plain new file would get.
        m_fd = ::open(m_tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (m_fd >= 0) return;
        if (errno != EEXIST && errno != EINTR)
            throw Error(m_path, "cannot create a temporary file: " + errnoText());
#else
        if (std::filesystem::exists(m_tempPath)) continue;
        m_stream = std::fopen(m_tempPath.c_str(), "wb");
        if (m_stream) return;
        throw Error(m_path, "cannot create a temporary file");
#endif
    }
    throw Error(m_path, "cannot create a temporary file: too many name collisions");
}

AtomicFileWriter::~AtomicFileWriter() {
    closeHandle();
    if (!m_committed && !m_tempPath.empty()) {
        std::error_code ignored;
        std::filesystem::remove(m_tempPath, ignored);
    }
}

void AtomicFileWriter::closeHandle() {
#ifdef COSMOCLIP_HAVE_POSIX_IO
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
#else
    if (m_stream) std::fclose(m_stream);
    m_stream = nullptr;
#endif
}

void AtomicFileWriter::write(const void* data, std::size_t size) {
    if (m_committed) throw Error(m_path, "write after commit");
    const char* p = static_cast<const char*>(data);
#ifdef COSMOCLIP_HAVE_POSIX_IO
    while (size > 0) {
        // Linux writes at most ~2 GiB per call; loop over partial writes.
        const ssize_t n = ::write(m_fd, p, std::min<std::size_t>(size, std::size_t{1} << 30));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            throw Error(m_path, "cannot write: " + (n < 0 ? errnoText() : std::string("no progress")));
        p += n;
        size -= static_cast<std::size_t>(n);
    }
#else
    if (size > 0 && std::fwrite(p, 1, size, m_stream) != size) throw Error(m_path, "cannot write");
#endif
}

void AtomicFileWriter::commit() {
    if (m_committed) throw Error(m_path, "committed twice");
#ifdef COSMOCLIP_HAVE_POSIX_IO
    if (::fsync(m_fd) != 0) throw Error(m_path, "cannot sync to disk: " + errnoText());
    const int rc = ::close(m_fd);
    m_fd = -1;
    if (rc != 0) throw Error(m_path, "cannot close: " + errnoText());
    if (::rename(m_tempPath.c_str(), m_path.c_str()) != 0)
        throw Error(m_path, "cannot replace with " + m_tempPath + ": " + errnoText());
    m_committed = true;
    syncParentFolder(m_path);
#else
    const bool flushed = std::fflush(m_stream) == 0;
    closeHandle();
    if (!flushed) throw Error(m_path, "cannot write");
    std::error_code ec;
    std::filesystem::rename(m_tempPath, m_path, ec);
    if (ec) throw Error(m_path, "cannot replace with " + m_tempPath + ": " + ec.message());
    m_committed = true;
#endif
}

}  // namespace cosmoclip
