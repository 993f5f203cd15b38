// A bounded cache of large tensor buffers: torch's CPU allocator for the
// addon, which keeps freed blocks of 128 KiB and more in free lists by size
// (up to a cap) and hands them out again instead of going back to malloc.
//
// Why: outside training, glibc's mmap threshold is fixed at 128 KiB (see
// addon.cc and src/engine/allocator.ts: a synchronous scoring loop otherwise
// fragments the heap), so every tensor of 128 KiB or more is mapped, faulted
// in page by page (the kernel zeroes each page) and unmapped, at every batch.
// Measured: 43% of the conv1d autoencoder's scoring CPU time in page faults.
// A batch loop allocates the same sizes batch after batch, so a block freed by
// one batch is what the next one asks for. The cap bounds what the cache may
// hold (blocks of sizes no longer asked for are evicted first), so memory
// still does not grow with the rows scored; 0 turns it off (blocks go back to
// malloc at once). Training runs with the cache off (its malloc setting keeps
// large blocks on the heap already) and leaving it trims nothing it did not
// hold. Blocks are 64-byte aligned like torch's own allocator's.
#include "common.h"
#include <c10/core/CPUAllocator.h>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace normalcy {

namespace {

constexpr size_t kAlign = 64;
// Each block starts with a header of one alignment unit holding its size, so
// the deleter (which gets only the data pointer) knows the block's size class.
constexpr size_t kHeader = kAlign;
// Blocks at least this big are cached: those malloc would map (the scoring
// mmap threshold); smaller ones come from malloc's heap cheaply already.
constexpr size_t kMinCached = 128 * 1024;
// Cached sizes are rounded up to whole pages, so near sizes share a list.
constexpr size_t kPage = 4096;

struct SizeClass {
  std::vector<void*> blocks;  // the blocks' base addresses (header included)
  uint64_t lastUse = 0;
};

struct State {
  std::mutex mutex;
  std::unordered_map<size_t, SizeClass> free;
  size_t cap = 0;
  size_t cachedBytes = 0;
  size_t cachedBlocks = 0;
  uint64_t tick = 0;
  // Counters for tests and benchmarks: large allocations served from the
  // cache and not, blocks evicted to keep within the cap.
  uint64_t hits = 0, misses = 0, evictions = 0;
};

State& S() {
  static State* s = new State();  // never destroyed: tensors may be freed at exit
  return *s;
}

size_t ClassOf(size_t bytes) { return bytes < kMinCached ? bytes : (bytes + kPage - 1) / kPage * kPage; }

void* BaseOf(void* data) { return static_cast<char*>(data) - kHeader; }
size_t& SizeOf(void* base) { return *static_cast<size_t*>(base); }

// Frees every cached block of the least recently used size class other than
// `keep` (0: any) into `out`; false when there is none. Holds the mutex.
bool EvictOldestClass(State& s, size_t keep, std::vector<void*>& out) {
  auto oldest = s.free.end();
  for (auto it = s.free.begin(); it != s.free.end(); ++it)
    if (it->first != keep && (oldest == s.free.end() || it->second.lastUse < oldest->second.lastUse)) oldest = it;
  if (oldest == s.free.end()) return false;
  for (void* b : oldest->second.blocks) out.push_back(b);
  s.cachedBytes -= oldest->first * oldest->second.blocks.size();
  s.cachedBlocks -= oldest->second.blocks.size();
  s.evictions += oldest->second.blocks.size();
  s.free.erase(oldest);
  return true;
}

void FreeAll(const std::vector<void*>& blocks) {
  for (void* b : blocks) std::free(b);
}

void Release(void* data) {
  if (data == nullptr) return;
  void* base = BaseOf(data);
  const size_t size = SizeOf(base);
  if (size >= kMinCached) {
    State& s = S();
    std::vector<void*> evicted;
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      if (size <= s.cap) {
        // Make room: whole size classes not used for longest go first, then
        // blocks of this block's own size.
        while (s.cachedBytes + size > s.cap && EvictOldestClass(s, size, evicted)) {
        }
        SizeClass& c = s.free[size];
        while (s.cachedBytes + size > s.cap && !c.blocks.empty()) {
          evicted.push_back(c.blocks.back());
          c.blocks.pop_back();
          s.cachedBytes -= size;
          s.cachedBlocks--;
          s.evictions++;
        }
        c.blocks.push_back(base);
        c.lastUse = ++s.tick;
        s.cachedBytes += size;
        s.cachedBlocks++;
        base = nullptr;
      }
    }
    FreeAll(evicted);
  }
  if (base != nullptr) std::free(base);
}

void* Take(size_t size) {
  if (size < kMinCached) return nullptr;
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.free.find(size);
  if (it == s.free.end() || it->second.blocks.empty()) {
    if (s.cap > 0) s.misses++;
    return nullptr;
  }
  void* base = it->second.blocks.back();
  it->second.blocks.pop_back();
  it->second.lastUse = ++s.tick;
  s.cachedBytes -= size;
  s.cachedBlocks--;
  s.hits++;
  return base;
}

struct BlockCacheAllocator final : public c10::Allocator {
  c10::DataPtr allocate(size_t n) const override {
    if (n == 0) return {nullptr, nullptr, &Release, c10::Device(c10::DeviceType::CPU)};
    const size_t size = ClassOf(n);
    void* base = Take(size);
    if (base == nullptr) {
      if (posix_memalign(&base, kAlign, kHeader + size) != 0) throw std::bad_alloc();
      SizeOf(base) = size;
    }
    void* data = static_cast<char*>(base) + kHeader;
    return {data, data, &Release, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &Release; }
};

// Installed once, when the addon loads with a cap above 0; after that a cap of
// 0 keeps it installed but caching nothing (tensors it made carry its deleter).
std::atomic<bool> g_installed{false};

void SetCap(size_t cap) {
  State& s = S();
  std::vector<void*> evicted;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.cap = cap;
    while (s.cachedBytes > s.cap && EvictOldestClass(s, 0, evicted)) {
    }
  }
  FreeAll(evicted);
}

}  // namespace

void InstallBlockCache(size_t capBytes) {
  static BlockCacheAllocator* allocator = new BlockCacheAllocator();
  SetCap(capBytes);
  if (capBytes > 0 && !g_installed.exchange(true)) c10::SetCPUAllocator(allocator, 0);
}

// setBlockCacheCap(bytes): the most the cache may hold from now on (0: off,
// and everything it holds is freed). Installs the allocator on first use.
NORMALCY_FN(SetBlockCacheCap) {
  double cap = Num(info, 0, "capBytes");
  if (!(cap >= 0)) throw std::invalid_argument("block cache cap must be >= 0 bytes");
  InstallBlockCache(static_cast<size_t>(cap));
  return info.Env().Undefined();
}

NORMALCY_FN(BlockCacheStats) {
  State& s = S();
  Napi::Object o = Napi::Object::New(info.Env());
  std::lock_guard<std::mutex> lock(s.mutex);
  o.Set("installed", Napi::Boolean::New(info.Env(), g_installed.load()));
  o.Set("capBytes", Napi::Number::New(info.Env(), static_cast<double>(s.cap)));
  o.Set("cachedBytes", Napi::Number::New(info.Env(), static_cast<double>(s.cachedBytes)));
  o.Set("cachedBlocks", Napi::Number::New(info.Env(), static_cast<double>(s.cachedBlocks)));
  o.Set("hits", Napi::Number::New(info.Env(), static_cast<double>(s.hits)));
  o.Set("misses", Napi::Number::New(info.Env(), static_cast<double>(s.misses)));
  o.Set("evictions", Napi::Number::New(info.Env(), static_cast<double>(s.evictions)));
  return o;
}

void RegisterBlockCache(Napi::Env env, Napi::Object exports) {
  REG("setBlockCacheCap", SetBlockCacheCap);
  REG("blockCacheStats", BlockCacheStats);
}

}  // namespace normalcy
