#include "common/largebuffer.h"

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>  // madvise: a hint, absent on Windows
#endif

namespace cosmoclip {

void adviseHugePages([[maybe_unused]] void* p, [[maybe_unused]] size_t bytes) {
#ifdef MADV_HUGEPAGE
    constexpr uintptr_t kHugePage = uintptr_t{1} << 21;
    const auto begin = reinterpret_cast<uintptr_t>(p);
    const uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
    const uintptr_t last = (begin + bytes) & ~(kHugePage - 1);
    if (p && last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#endif
}

LargeBuffer::LargeBuffer(size_t size)
    // new[] without () leaves the bytes uninitialised: the kernel zeroes fresh pages anyway, and
    // every byte is written before it is read.
    : m_data(new uint8_t[size]), m_size(size) {
    adviseHugePages(m_data.get(), size);
}

}  // namespace cosmoclip
