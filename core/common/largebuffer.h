#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace cosmoclip {

/// Asks the kernel to back the 2 MiB pages inside [p, p + bytes) with transparent huge pages. A hint:
/// nothing happens where madvise is missing (Windows) or the range holds no whole huge page.
/// Why: on the virtual machines this is built and measured on, every 4 KiB page fault traps to the
/// hypervisor; touching 64 MiB of fresh memory page by page cost ~250 ms of CPU, with 2 MiB pages ~12 ms.
void adviseHugePages(void* p, size_t bytes);

/// Sizes a vector that is about to hold an image's worth of values: reserves, advises huge pages, then
/// value-initialises (std::vector cannot skip that). Use it for every buffer of megabytes.
template <typename T>
void resizeLarge(std::vector<T>& v, size_t count) {
    v.clear();
    v.reserve(count);
    adviseHugePages(v.data(), count * sizeof(T));
    v.resize(count);
}

/// Uninitialised bytes for data written in full before it is read (a file's contents, an inflated
/// stream): no zero fill, huge pages advised.
class LargeBuffer final {
public:
    LargeBuffer() = default;
    explicit LargeBuffer(size_t size);

    uint8_t* data() { return m_data.get(); }
    const uint8_t* data() const { return m_data.get(); }
    size_t size() const { return m_size; }

private:
    std::unique_ptr<uint8_t[]> m_data;
    size_t m_size = 0;
};

}  // namespace cosmoclip
