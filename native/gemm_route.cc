// Routes libtorch's single-precision matrix products (the Fortran BLAS
// `sgemm_` that at::mm, addmm, linear and the RNN cells call) to oneDNN's
// sgemm, which libtorch already links.
//
// Why: Debian's libtorch calls OpenBLAS, which on this machine's CPU (a Xeon
// it does not recognise by name) ran the training shapes (batch 256 x hidden
// 64..192) at about 18 GFLOPS where dnnl_sgemm ran them at 76-115; sgemm was
// 38-43% of a GRU training profile.
//
// How: libtorch_cpu.so leaves `sgemm_` undefined and is bound (BIND_NOW) when
// the addon loads it; the dynamic linker searches the addon before the BLAS
// library it depends on, so the definition below is the one libtorch gets.
// NORMALCY_GEMM=openblas keeps the BLAS library's own (to compare, or if in
// doubt); the choice is read once, when the first product runs.
#include "common.h"
#include <dlfcn.h>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <mutex>

extern "C" int dnnl_sgemm(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

namespace {

using FortranSgemm = void (*)(const char*, const char*, const int*, const int*, const int*, const float*,
                              const float*, const int*, const float*, const int*, const float*, float*, const int*);

FortranSgemm g_blasSgemm = nullptr;
bool g_useOnednn = true;
std::once_flag g_once;
// Products oneDNN ran, for tests that check the route is taken.
std::atomic<uint64_t> g_routed{0};

void Resolve() {
  // The next `sgemm_` after this library in the search order: the BLAS one.
  g_blasSgemm = reinterpret_cast<FortranSgemm>(dlsym(RTLD_NEXT, "sgemm_"));
  const char* choice = std::getenv("NORMALCY_GEMM");
  g_useOnednn = !(choice != nullptr && std::strcmp(choice, "openblas") == 0);
  if (g_blasSgemm == nullptr) g_useOnednn = true;
}

char Trans(char t) { return (t == 'N' || t == 'n') ? 'N' : 'T'; }

}  // namespace

// Column-major C = alpha * op(A) op(B) + beta * C, as BLAS defines it. oneDNN's
// sgemm is row-major: the same product is C^T = op(B)^T op(A)^T there, so the
// operands (and sizes) swap places. Empty products and k == 0 (C = beta * C)
// go to the BLAS library, as does anything oneDNN refuses.
extern "C" __attribute__((visibility("default"))) void sgemm_(const char* transa, const char* transb, const int* m,
                                                              const int* n, const int* k, const float* alpha,
                                                              const float* a, const int* lda, const float* b,
                                                              const int* ldb, const float* beta, float* c,
                                                              const int* ldc) {
  std::call_once(g_once, Resolve);
  if (g_useOnednn && *m > 0 && *n > 0 && *k > 0) {
    if (dnnl_sgemm(Trans(*transb), Trans(*transa), *n, *m, *k, *alpha, b, *ldb, a, *lda, *beta, c, *ldc) == 0) {
      g_routed.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  if (g_blasSgemm != nullptr) g_blasSgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

namespace normalcy {

// Which library runs libtorch's float matrix products: "onednn" or "openblas".
NORMALCY_FN(GemmBackend) {
  std::call_once(g_once, Resolve);
  return Napi::String::New(info.Env(), g_useOnednn ? "onednn" : "openblas");
}

NORMALCY_FN(GemmRouted) {
  return Napi::Number::New(info.Env(), static_cast<double>(g_routed.load(std::memory_order_relaxed)));
}

void RegisterGemmRoute(Napi::Env env, Napi::Object exports) {
  exports.Set("gemmBackend", Napi::Function::New(env, GemmBackend));
  exports.Set("gemmRouted", Napi::Function::New(env, GemmRouted));
}

}  // namespace normalcy
