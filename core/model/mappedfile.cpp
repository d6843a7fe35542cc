#include "model/mappedfile.h"

#include "common/error.h"

#include <cerrno>
#include <cstring>

#if defined(__unix__) || defined(__APPLE__)
#define COSMOCLIP_HAVE_MMAP 1
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#else
#include <fstream>
#include <iterator>
#endif

namespace cosmoclip {

std::shared_ptr<MappedFile> MappedFile::open(const std::string& path) {
    std::shared_ptr<MappedFile> file(new MappedFile(path));
    file->load();
    return file;
}

#ifdef COSMOCLIP_HAVE_MMAP

namespace {

/// Closes a POSIX descriptor on every path out of load().
struct FdGuard {
    int fd = -1;
    ~FdGuard() {
        if (fd >= 0) ::close(fd);
    }
};

std::string errnoText() {
    return std::strerror(errno);
}

}  // namespace

void MappedFile::load() {
    FdGuard guard;
    do {
        guard.fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (guard.fd < 0 && errno == EINTR);
    if (guard.fd < 0) throw Error(m_path, "cannot open: " + errnoText());
    struct stat st {};
    if (::fstat(guard.fd, &st) != 0) throw Error(m_path, "cannot stat: " + errnoText());
    if (!S_ISREG(st.st_mode)) throw Error(m_path, "not a regular file");
    m_size = static_cast<std::size_t>(st.st_size);
    if (m_size == 0) return;  // mmap refuses length 0; an empty file simply has no bytes

    // Private writable pages: tensors viewing the map may be modified in place without touching
    // the file (copy on write). A huge file can exceed the kernel's overcommit heuristic for
    // writable maps; a read-only shared map then still works and callers copy before writing.
    void* p = ::mmap(nullptr, m_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, guard.fd, 0);
    m_writable = p != MAP_FAILED;
    if (p == MAP_FAILED) p = ::mmap(nullptr, m_size, PROT_READ, MAP_SHARED, guard.fd, 0);
    if (p == MAP_FAILED)
        throw Error(m_path, "cannot map " + std::to_string(m_size) + " bytes: " + errnoText());
    m_data = static_cast<std::uint8_t*>(p);
    m_mapped = true;
}

MappedFile::~MappedFile() {
    if (m_mapped) ::munmap(m_data, m_size);
}

#else  // no mmap: read the whole file into memory

void MappedFile::load() {
    std::ifstream in(m_path, std::ios::binary);
    if (!in) throw Error(m_path, "cannot open");
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0) throw Error(m_path, "cannot determine the file size");
    in.seekg(0, std::ios::beg);
    m_buffer.resize(static_cast<std::size_t>(size));
    if (size > 0 && !in.read(reinterpret_cast<char*>(m_buffer.data()), size))
        throw Error(m_path, "cannot read " + std::to_string(size) + " bytes");
    m_size = m_buffer.size();
    m_data = m_size ? m_buffer.data() : nullptr;
    m_writable = true;
}

MappedFile::~MappedFile() = default;

#endif

}  // namespace cosmoclip
