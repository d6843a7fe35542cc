#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cosmoclip {

/// The whole content of a file, memory-mapped where the platform allows (POSIX mmap, private
/// copy-on-write pages: writing through data() never reaches the file) and read into memory
/// otherwise. Shared ownership lets tensors that view the bytes keep the mapping alive.
/// The file must not be truncated by someone else while mapped (that would fault on access).
class MappedFile final {
public:
    /// Maps PATH; throws cosmoclip::Error "PATH: why" when it cannot be opened or read.
    static std::shared_ptr<MappedFile> open(const std::string& path);

    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::string& path() const { return m_path; }
    /// First byte; 16-byte aligned at least (page aligned when mapped). nullptr for an empty file.
    std::uint8_t* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    /// True when data() is writable private memory (a copy-on-write map or an owned buffer), so
    /// that in-place tensor ops on views of it are safe. False for a read-only map.
    bool writable() const { return m_writable; }
    /// True when the bytes are an mmap of the file rather than a copy read into memory.
    bool isMapped() const { return m_mapped; }

private:
    explicit MappedFile(std::string path) : m_path(std::move(path)) {}
    void load();

    std::string m_path;
    std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
    bool m_mapped = false;
    bool m_writable = false;
    std::vector<std::uint8_t> m_buffer;  // the copy when not mapped
};

}  // namespace cosmoclip
