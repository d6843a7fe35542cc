#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <new>
#include <utility>

#include "common/largebuffer.h"

namespace cosmoclip {

/// Tag for an element a loader is about to overwrite: PixelAllocator constructs nothing for it.
struct Unwritten {
    template <typename T>
    operator T() const noexcept {  // for the standard library's type checks; never used to fill
        return T{};
    }
};

/// The allocator of Image::data and Image::alpha. Two differences from std::allocator, both because
/// fresh memory dominates loading a large image on the virtual machines we measure on:
///  - buffers of 4 MiB and more are advised to use transparent huge pages (512x fewer page faults);
///  - an element constructed from `Unwritten` is left as the allocation found it, so a loader that
///    writes every value does not first write zeros (64 MiB for a 4096^2 float image). resize(),
///    assign(n, v) and the constructors still initialise as with std::allocator.
template <typename T>
struct PixelAllocator {
    using value_type = T;

    PixelAllocator() noexcept = default;
    template <typename U>
    PixelAllocator(const PixelAllocator<U>&) noexcept {}

    T* allocate(size_t n) {
        T* p = std::allocator<T>{}.allocate(n);
        if (n * sizeof(T) >= (size_t{4} << 20)) adviseHugePages(p, n * sizeof(T));
        return p;
    }
    void deallocate(T* p, size_t n) noexcept { std::allocator<T>{}.deallocate(p, n); }

    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <typename U>
    void construct(U*, Unwritten) noexcept {}

    friend bool operator==(const PixelAllocator&, const PixelAllocator&) noexcept { return true; }
};

/// `count` Unwritten elements, for vector::assign(): UnwrittenRange{n}.begin(), .end().
struct UnwrittenIterator {
    using iterator_category = std::random_access_iterator_tag;
    using value_type = Unwritten;
    using difference_type = std::ptrdiff_t;
    using pointer = const Unwritten*;
    using reference = Unwritten;

    size_t index = 0;

    Unwritten operator*() const noexcept { return {}; }
    Unwritten operator[](difference_type) const noexcept { return {}; }
    UnwrittenIterator& operator++() noexcept { ++index; return *this; }
    UnwrittenIterator operator++(int) noexcept { UnwrittenIterator old = *this; ++index; return old; }
    UnwrittenIterator& operator--() noexcept { --index; return *this; }
    UnwrittenIterator operator--(int) noexcept { UnwrittenIterator old = *this; --index; return old; }
    UnwrittenIterator& operator+=(difference_type d) noexcept { index += static_cast<size_t>(d); return *this; }
    UnwrittenIterator& operator-=(difference_type d) noexcept { index -= static_cast<size_t>(d); return *this; }
    friend UnwrittenIterator operator+(UnwrittenIterator it, difference_type d) noexcept { return it += d; }
    friend UnwrittenIterator operator+(difference_type d, UnwrittenIterator it) noexcept { return it += d; }
    friend UnwrittenIterator operator-(UnwrittenIterator it, difference_type d) noexcept { return it -= d; }
    friend difference_type operator-(UnwrittenIterator a, UnwrittenIterator b) noexcept {
        return static_cast<difference_type>(a.index) - static_cast<difference_type>(b.index);
    }
    friend bool operator==(UnwrittenIterator a, UnwrittenIterator b) noexcept { return a.index == b.index; }
    friend auto operator<=>(UnwrittenIterator a, UnwrittenIterator b) noexcept { return a.index <=> b.index; }
};

}  // namespace cosmoclip
