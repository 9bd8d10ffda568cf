// Linked into every fuzz target: keeps InputStream's 1 MiB buffers mapped between inputs.
//
// Each InputStream allocates (and zero-fills) kChunk + kPadding = 1 MiB + 64 bytes. Under ASan
// a block that large is mmap'ed and munmap'ed on every input, and the page faults took ~60% of
// the readers' time (about 1,000 inputs/s). Blocks of exactly that size are served from a small
// cache instead; the bytes past the requested size and the whole block while it is free are
// poisoned, so overflows past the end and uses after free are still reported by ASan.
// Every other size goes to the sanitizer's malloc (so alloc-dealloc-mismatch is off).
#include <sanitizer/asan_interface.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace {

constexpr size_t kCached = (size_t{1} << 20) + 64;  // flow::InputStream: kChunk + kPadding
constexpr size_t kTail = 4096;                      // poisoned bytes after each block
constexpr int kSlots = 4;

struct Slot {
  char* block = nullptr;
  bool used = false;
};
Slot slots[kSlots];

void* allocate(size_t n) {
  if (n == kCached) {
    for (auto& s : slots) {
      if (s.used) continue;
      if (!s.block) s.block = static_cast<char*>(std::malloc(kCached + kTail));
      if (!s.block) break;
      s.used = true;
      ASAN_UNPOISON_MEMORY_REGION(s.block, kCached);
      ASAN_POISON_MEMORY_REGION(s.block + kCached, kTail);
      return s.block;
    }
  }
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}

void release(void* p) {
  if (!p) return;
  for (auto& s : slots) {
    if (s.block == p) {
      if (!s.used) __builtin_trap();  // double delete
      s.used = false;
      ASAN_POISON_MEMORY_REGION(s.block, kCached + kTail);
      return;
    }
  }
  std::free(p);
}

}  // namespace

void* operator new(size_t n) { return allocate(n); }
void* operator new[](size_t n) { return allocate(n); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, size_t) noexcept { release(p); }
void operator delete[](void* p, size_t) noexcept { release(p); }

// operator new/delete are replaced above, so new-vs-free mismatches can no longer be told
// apart from the cache's own frees (libstdc++ may allocate with the runtime's operator new).
extern "C" const char* __asan_default_options() { return "alloc_dealloc_mismatch=0"; }
