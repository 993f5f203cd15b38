// Inference kernels, used by the linear and lstm ops when nothing needs
// gradients (eval mode under noGrad: scoring), so training keeps torch's:
// - matrix products through oneDNN's sgemm (see Sgemm below);
// - the LSTM: the maths of at::lstm (gates i, f, g, o; c' = f*c + i*g;
//   h' = o*tanh(c')), fused.
//
// Why: torch's CPU LSTM runs about ten ATen ops per time step (a matmul, then
// chunk, sigmoid, tanh, mul, add... each a pass over [batch, 4 * hidden]
// through the dispatcher). Here a time step is one matmul of [x_t, h] against
// the concatenated weights, then one pass that computes the gates, the new
// cell and hidden state in registers. Threads split the batch once per call
// (rows are independent) instead of once per op: see ForBlocks.
#include "common.h"
#include <ATen/Parallel.h>
#include <c10/core/CPUAllocator.h>
#include <omp.h>
#include <algorithm>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace normalcy {

namespace {

#define NORMALCY_INLINE __attribute__((always_inline)) inline

// exp by range reduction (x = n ln2 + r, |r| <= ln2 / 2) and the Taylor series
// of e^r to degree 7 (truncation under 6e-9, below float rounding), for x in
// [-40, 40] (callers clamp). Branch-free so that the loops below vectorise.
NORMALCY_INLINE float Exp(float x) {
  // Round x / ln2 to an integer by adding 1.5 * 2^23 (float's integer spacing).
  const float shifter = 12582912.0f;
  float t = x * 1.44269504088896341f + shifter;
  float n = t - shifter;
  int32_t bits;
  std::memcpy(&bits, &t, sizeof bits);
  int32_t k = bits - 0x4B400000;  // the integer n
  // ln2 split in a short high part (exact products with n) and the rest.
  float r = x - n * 0.693145751953125f - n * 1.428606765330187e-6f;
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t scaleBits = (k + 127) << 23;
  float scale;
  std::memcpy(&scale, &scaleBits, sizeof scale);
  return p * scale;
}

// e^-x clamped to x in [-40, 40]: beyond it sigmoid and tanh are 0 or 1 to
// float precision, and the products below stay finite.
NORMALCY_INLINE float ExpNeg(float x) {
  x = x < -40.0f ? -40.0f : x;
  x = x > 40.0f ? 40.0f : x;
  return Exp(-x);
}

// `const Fn name`: the variant of a kernel for the best instruction set this CPU
// has (name##Avx512, name##Avx2 with FMA, else name##Generic), chosen once at load.
#if defined(__x86_64__) && defined(__GNUC__)
#define NORMALCY_PICK_FOR_CPU(Fn, name)                                                          \
  const Fn name = []() -> Fn {                                                                   \
    __builtin_cpu_init();                                                                        \
    if (__builtin_cpu_supports("avx512f")) return name##Avx512;                                  \
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return name##Avx2;      \
    return name##Generic;                                                                        \
  }();
#else
#define NORMALCY_PICK_FOR_CPU(Fn, name) const Fn name = name##Generic;
#endif

// One time step's pointwise part for `rows` rows: gates (the matmul's output,
// [rows, 4h], bias not yet added) -> c (updated in place) and h, written to
// hOut (row stride hStride) and seqOut (row stride seqStride). With
// e_a = exp(-a): sigmoid(a) = 1 / (1 + e_a), tanh(a) = (1 - e_2a) / (1 + e_2a),
// so i * g and o * tanh(c) take one division each.
NORMALCY_INLINE void CellRowsBody(int64_t rows, int64_t h, const float* __restrict gates,
                                  const float* __restrict bias, float* __restrict c, float* __restrict hOut,
                                  int64_t hStride, float* __restrict seqOut, int64_t seqStride) {
  for (int64_t b = 0; b < rows; b++) {
    const float* g = gates + b * 4 * h;
    float* cr = c + b * h;
    float* hr = hOut + b * hStride;
#pragma omp simd
    for (int64_t j = 0; j < h; j++) {
      float ei = ExpNeg(g[j] + bias[j]);
      float ef = ExpNeg(g[h + j] + bias[h + j]);
      float eg = ExpNeg(2.0f * (g[2 * h + j] + bias[2 * h + j]));
      float eo = ExpNeg(g[3 * h + j] + bias[3 * h + j]);
      float cn = cr[j] / (1.0f + ef) + (1.0f - eg) / ((1.0f + ei) * (1.0f + eg));
      cr[j] = cn;
      float ec = ExpNeg(2.0f * cn);
      hr[j] = (1.0f - ec) / ((1.0f + eo) * (1.0f + ec));
    }
    std::memcpy(seqOut + b * seqStride, hr, sizeof(float) * h);
  }
}

using CellRowsFn = void (*)(int64_t, int64_t, const float*, const float*, float*, float*, int64_t, float*, int64_t);

#define NORMALCY_CELL_ROWS(name)                                                                                  \
  void name(int64_t rows, int64_t h, const float* gates, const float* bias, float* c, float* hOut, int64_t hStride, \
            float* seqOut, int64_t seqStride) {                                                                   \
    CellRowsBody(rows, h, gates, bias, c, hOut, hStride, seqOut, seqStride);                                      \
  }

// The same loop compiled for AVX-512 and AVX2 + FMA where the CPU has them
// (measured: 195 and 364 us per step of 1024 x 64 units, 850 without).
NORMALCY_CELL_ROWS(CellRowsGeneric)
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) NORMALCY_CELL_ROWS(CellRowsAvx2)
__attribute__((target("avx512f,prefer-vector-width=512"))) NORMALCY_CELL_ROWS(CellRowsAvx512)
#endif

NORMALCY_PICK_FOR_CPU(CellRowsFn, CellRows)

// One GRU time step's pointwise part for `rows` rows, as at::gru: gi = the
// input's gate products [rows, 3h] (row stride giStride; 0: one row for all),
// gh = the hidden state's [rows, 3h], biases not yet added; gates r, z, n:
// r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z), n = tanh(gi_n + r * gh_n),
// h' = n + z * (h - n), written over hs (row stride h) and, where seqOut is
// set, to seqOut (row stride seqStride).
NORMALCY_INLINE void GruRowsBody(int64_t rows, int64_t h, const float* __restrict gi, int64_t giStride,
                                 const float* __restrict gh, const float* __restrict bih,
                                 const float* __restrict bhh, float* __restrict hs, float* __restrict seqOut,
                                 int64_t seqStride) {
  for (int64_t b = 0; b < rows; b++) {
    const float* a = gi + b * giStride;
    const float* g = gh + b * 3 * h;
    float* hr = hs + b * h;
#pragma omp simd
    for (int64_t j = 0; j < h; j++) {
      float er = ExpNeg(a[j] + bih[j] + g[j] + bhh[j]);
      float ez = ExpNeg(a[h + j] + bih[h + j] + g[h + j] + bhh[h + j]);
      float pre = a[2 * h + j] + bih[2 * h + j] + (g[2 * h + j] + bhh[2 * h + j]) / (1.0f + er);
      float en = ExpNeg(2.0f * pre);
      float n = (1.0f - en) / (1.0f + en);
      hr[j] = n + (hr[j] - n) / (1.0f + ez);
    }
    if (seqOut != nullptr) std::memcpy(seqOut + b * seqStride, hr, sizeof(float) * h);
  }
}

using GruRowsFn = void (*)(int64_t, int64_t, const float*, int64_t, const float*, const float*, const float*, float*,
                           float*, int64_t);

#define NORMALCY_GRU_ROWS(name)                                                                                   \
  void name(int64_t rows, int64_t h, const float* gi, int64_t giStride, const float* gh, const float* bih,        \
            const float* bhh, float* hs, float* seqOut, int64_t seqStride) {                                      \
    GruRowsBody(rows, h, gi, giStride, gh, bih, bhh, hs, seqOut, seqStride);                                      \
  }

NORMALCY_GRU_ROWS(GruRowsGeneric)
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) NORMALCY_GRU_ROWS(GruRowsAvx2)
__attribute__((target("avx512f,prefer-vector-width=512"))) NORMALCY_GRU_ROWS(GruRowsAvx512)
#endif

NORMALCY_PICK_FOR_CPU(GruRowsFn, GruRows)

// y[i] = act(y[i] + tile[i]) over n contiguous floats (tile null: no bias),
// act(v) = v < 0 ? v * slope : v (slope 1: none). The dense stack's bias and
// activation after each product: one flat pass, the bias repeated row after
// row in `tile`, so the loop vectorises whatever the layer's width (the
// bottleneck is 8 wide). Compiled for AVX-512 and AVX2 as CellRows is.
NORMALCY_INLINE void BiasActivateBody(float* __restrict y, const float* __restrict tile, int64_t n, float slope) {
  if (tile != nullptr) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) {
      const float v = y[i] + tile[i];
      y[i] = v < 0.0f ? v * slope : v;
    }
  } else {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) y[i] = y[i] < 0.0f ? y[i] * slope : y[i];
  }
}

using BiasActivateFn = void (*)(float*, const float*, int64_t, float);

#define NORMALCY_BIAS_ACTIVATE(name) \
  void name(float* y, const float* tile, int64_t n, float slope) { BiasActivateBody(y, tile, n, slope); }

NORMALCY_BIAS_ACTIVATE(BiasActivateGeneric)
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) NORMALCY_BIAS_ACTIVATE(BiasActivateAvx2)
__attribute__((target("avx512f,prefer-vector-width=512"))) NORMALCY_BIAS_ACTIVATE(BiasActivateAvx512)
#endif

NORMALCY_PICK_FOR_CPU(BiasActivateFn, BiasActivate)

// Uninitialised float scratch memory from torch's CPU allocator, freed at the
// end of its scope: from the addon's block cache (block_cache.cc) where it is
// large, so repeated batches reuse it instead of mapping fresh pages.
class Scratch {
 public:
  explicit Scratch(int64_t floats)
      : p_(c10::GetCPUAllocator()->allocate(sizeof(float) * static_cast<size_t>(std::max<int64_t>(floats, 0)))) {}
  float* data() const { return static_cast<float*>(p_.get()); }
  float& operator[](int64_t i) const { return data()[i]; }

 private:
  c10::DataPtr p_;
};

// OpenMP's thread count set to 1 on this thread for the guard's scope.
class OneThread {
 public:
  OneThread() : saved_(omp_get_max_threads()) {
    if (saved_ != 1) omp_set_num_threads(1);
  }
  ~OneThread() {
    if (saved_ != 1) omp_set_num_threads(saved_);
  }
  OneThread(const OneThread&) = delete;
  OneThread& operator=(const OneThread&) = delete;

 private:
  int saved_;
};

// Products of at least this many multiply-adds per thread are worth waking a
// second thread for (about 50-100 us here; a wake-up of a sleeping OpenMP
// thread under OMP_WAIT_POLICY=PASSIVE costs tens of us).
constexpr int64_t kMinMacsPerThread = int64_t{2} << 20;

// Runs f(q0, q1) over the blocks [0, blocks), each of about macsPerBlock
// multiply-adds: split over torch's threads (at::parallel_for, one OpenMP
// region per call) where each thread gets kMinMacsPerThread of work or more,
// else on this thread alone. Every oneDNN product inside runs on one thread:
// oneDNN's sgemm runs single-threaded inside a parallel region, and outside
// one it would otherwise split each small product over all threads, waking
// them once per product (measured: the dense autoencoder 2.5 times slower on
// 2 threads than on 1, 160 futex calls per batch). Callers cut their rows in
// blocks that do not depend on the thread count, so neither do the results.
template <class F>
void ForBlocks(int64_t blocks, int64_t macsPerBlock, const F& f) {
  const int64_t minBlocks = std::max<int64_t>(1, kMinMacsPerThread / std::max<int64_t>(1, macsPerBlock));
  if (blocks >= 2 * minBlocks && at::get_num_threads() > 1 && !at::in_parallel_region()) {
    at::parallel_for(0, blocks, minBlocks, f);
    return;
  }
  OneThread one;
  f(0, blocks);
}

}  // namespace

// oneDNN's sgemm (libdnnl, which libtorch links): on this machine 4 to 6 times
// faster than the OpenBLAS under torch's matmul for these shapes (measured:
// [1024, 65] x [65, 256] at 76 GFLOPS against 18). Row-major, single-threaded
// inside a parallel region. Declared here: Debian ships no dnnl header with
// the runtime library.
extern "C" int dnnl_sgemm(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// c [m, n] = a [m, k] @ b [k, n], all row-major and contiguous.
void Sgemm(int64_t m, int64_t n, int64_t k, const float* a, const float* b, float* c) {
  if (dnnl_sgemm('N', 'N', m, n, k, 1.0f, a, k, b, n, 0.0f, c, n) != 0)
    throw std::runtime_error("dnnl_sgemm failed");
}

// c [m, n] (+)= a [m, k] (row stride lda) @ w^T, w [n, k] as torch stores weights.
static void SgemmWeightT(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* w, float beta,
                         float* c) {
  if (m > 0 && n > 0 && k > 0 && dnnl_sgemm('N', 'T', m, n, k, 1.0f, a, lda, w, k, beta, c, n) != 0)
    throw std::runtime_error("dnnl_sgemm failed");
  if (k == 0 && beta == 0.0f) std::fill(c, c + m * n, 0.0f);
}

bool LinearInferenceSupported(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& bias) {
  if (at::GradMode::is_enabled() || x.dim() < 1 || w.dim() != 2 || w.size(1) == 0) return false;
  if (x.scalar_type() != at::kFloat || w.scalar_type() != at::kFloat || !x.device().is_cpu()) return false;
  if (bias && (bias->scalar_type() != at::kFloat || bias->dim() != 1 || bias->size(0) != w.size(0))) return false;
  return x.size(-1) == w.size(1);
}

// max(x, 0) for slope 0, x < 0 ? slope * x : x otherwise; NaN = no activation.
static void Activate(float* y, int64_t n, double slope) {
  if (std::isnan(slope)) return;
  const float s = static_cast<float>(slope);
#pragma omp simd
  for (int64_t i = 0; i < n; i++) y[i] = y[i] < 0.0f ? y[i] * s : y[i];
}

// x [..., in] @ w^T [in, out] + bias, then the activation (see Activate): the
// bias is copied into each output row and the product added to it.
at::Tensor LinearInference(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& bias,
                           double slope) {
  at::Tensor xc = x.contiguous();
  at::Tensor wc = w.contiguous();
  const int64_t k = wc.size(1), n = wc.size(0), m = xc.numel() / k;
  auto sizes = x.sizes().vec();
  sizes.back() = n;
  at::Tensor y = at::empty(sizes, x.options());
  float* yp = y.data_ptr<float>();
  at::Tensor bc = bias ? bias->contiguous() : at::Tensor();
  const float* bp = bias ? bc.data_ptr<float>() : nullptr;
  const float* xp = xc.data_ptr<float>();
  const float* wp = wc.data_ptr<float>();
  // Blocks of 128 rows (see ForBlocks).
  const int64_t rowsPer = 128, blocks = (m + rowsPer - 1) / rowsPer;
  ForBlocks(blocks, rowsPer * n * k, [&](int64_t q0, int64_t q1) {
    for (int64_t q = q0; q < q1; q++) {
      const int64_t r0 = q * rowsPer, rows = std::min(rowsPer, m - r0);
      float* yb = yp + r0 * n;
      if (bp != nullptr)
        for (int64_t r = 0; r < rows; r++) std::memcpy(yb + r * n, bp, sizeof(float) * n);
      if (n > 0 &&
          dnnl_sgemm('N', 'T', rows, n, k, 1.0f, xp + r0 * k, k, wp, k, bp != nullptr ? 1.0f : 0.0f, yb, n) != 0)
        throw std::runtime_error("dnnl_sgemm failed");
      Activate(yb, rows * n, slope);
    }
  });
  return y;
}

bool LinearStackInferenceSupported(const at::Tensor& x, const std::vector<at::Tensor>& weights,
                                   const std::vector<c10::optional<at::Tensor>>& biases) {
  if (weights.empty() || !LinearInferenceSupported(x, weights[0], biases[0])) return false;
  for (size_t l = 1; l < weights.size(); l++) {
    const at::Tensor& w = weights[l];
    // The layer's input: the float output of the one before it.
    if (w.dim() != 2 || w.scalar_type() != at::kFloat || !w.device().is_cpu()) return false;
    if (w.size(1) == 0 || w.size(1) != weights[l - 1].size(0)) return false;
    const auto& b = biases[l];
    if (b && (b->scalar_type() != at::kFloat || b->dim() != 1 || b->size(0) != w.size(0))) return false;
  }
  return true;
}

// A run of linear layers, each followed by its activation (slopes[l], as for
// LinearInference), in one pass over blocks of rows: a block's activations go
// from layer to layer through two scratch buffers that stay in cache, and only
// the last layer's output is a tensor. Per layer it saves a call from
// JavaScript, a tensor and a pass over memory; the dense autoencoder's layers
// are small enough (48-64 units) for that to be most of their cost.
at::Tensor LinearStackInference(const at::Tensor& x, const std::vector<at::Tensor>& weights,
                                const std::vector<c10::optional<at::Tensor>>& biases,
                                const std::vector<double>& slopes) {
  const size_t layers = weights.size();
  at::Tensor xc = x.contiguous();
  std::vector<at::Tensor> w(layers), b(layers);
  int64_t widest = 0;
  for (size_t l = 0; l < layers; l++) {
    w[l] = weights[l].contiguous();
    if (biases[l]) b[l] = biases[l]->contiguous();
    widest = std::max(widest, w[l].size(0));
  }
  const int64_t in = w[0].size(1), out = w[layers - 1].size(0), m = xc.numel() / in;
  auto sizes = x.sizes().vec();
  sizes.back() = out;
  at::Tensor y = at::empty(sizes, x.options());
  const float* xp = xc.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  // Blocks of 128 rows: a buffer of 128 x 64 floats (32 KB) stays in L1 between layers, and
  // oneDNN ran these shapes fastest so (measured: 128 rows 0.33-0.35 ms per 1,024 rows for
  // the six layers, 256 rows 0.39-0.40, 1,024 rows 0.38).
  const int64_t rowsPer = 128, blocks = (m + rowsPer - 1) / rowsPer;
  // Each layer's bias repeated over a block's rows (see BiasActivate), in one scratch buffer.
  const int64_t tileRows = std::min(rowsPer, m);
  std::vector<int64_t> tileAt(layers, -1);
  int64_t tileFloats = 0;
  for (size_t l = 0; l < layers; l++)
    if (b[l].defined()) {
      tileAt[l] = tileFloats;
      tileFloats += tileRows * w[l].size(0);
    }
  Scratch tiles(tileFloats);
  for (size_t l = 0; l < layers; l++)
    if (tileAt[l] >= 0) {
      const int64_t n = w[l].size(0);
      for (int64_t r = 0; r < tileRows; r++) std::memcpy(&tiles[tileAt[l] + r * n], b[l].data_ptr<float>(), sizeof(float) * n);
    }
  int64_t macsPerBlock = 0;
  for (size_t l = 0; l < layers; l++) macsPerBlock += rowsPer * w[l].size(0) * w[l].size(1);
  ForBlocks(blocks, macsPerBlock, [&](int64_t q0, int64_t q1) {
    Scratch ping(rowsPer * widest), pong(rowsPer * widest);
    for (int64_t q = q0; q < q1; q++) {
      const int64_t r0 = q * rowsPer, rows = std::min(rowsPer, m - r0);
      const float* src = xp + r0 * in;
      for (size_t l = 0; l < layers; l++) {
        const int64_t n = w[l].size(0), k = w[l].size(1);
        float* dst = l + 1 == layers ? yp + r0 * out : (l % 2 == 0 ? ping : pong).data();
        SgemmWeightT(rows, n, k, src, k, w[l].data_ptr<float>(), 0.0f, dst);
        const bool act = !std::isnan(slopes[l]);
        if (act || tileAt[l] >= 0)
          BiasActivate(dst, tileAt[l] >= 0 ? &tiles[tileAt[l]] : nullptr, rows * n,
                       act ? static_cast<float>(slopes[l]) : 1.0f);
        src = dst;
      }
    }
  });
  return y;
}

bool Conv1dInferenceSupported(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& bias,
                              const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                              const std::vector<int64_t>& dilation, int64_t groups) {
  if (at::GradMode::is_enabled() || groups != 1 || x.dim() != 3 || w.dim() != 3) return false;
  if (stride.size() != 1 || stride[0] != 1 || dilation.size() != 1 || dilation[0] != 1) return false;
  if (padding.size() != 1 || padding[0] < 0) return false;
  if (x.scalar_type() != at::kFloat || w.scalar_type() != at::kFloat || !x.device().is_cpu()) return false;
  if (bias && (bias->scalar_type() != at::kFloat || bias->dim() != 1 || bias->size(0) != w.size(0))) return false;
  return x.size(1) == w.size(1) && x.size(2) + 2 * padding[0] >= w.size(2) && w.size(2) > 0;
}

// From this many input channels on, conv1d runs as k shifted products
// (ShiftedConv1d) instead of im2col, whose columns copy the input k times.
constexpr int64_t kShiftedConvChannels = 16;

// conv1d (stride 1, no dilation, one group) for inputs of many channels: for a
// block of windows, the input is laid out once as [in, windows x (length +
// 2 pad)] with the padding's zeros in place, and the output [out, columns] is
// the sum over the kernel's k taps of weights[:, :, tap] [out, in] times that
// layout shifted by tap columns: k products reading the input where it lies,
// where im2col first copies it k times (measured: its copies were a third of
// the conv autoencoder's CPU time). The columns that straddle two windows are
// computed and dropped (k - 1 per window). Then bias and activation while
// copying into y [windows, out, lengthOut].
static void ShiftedConv1d(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias, int64_t pad,
                          double slope, at::Tensor& y) {
  const int64_t batch = x.size(0), cin = x.size(1), len = x.size(2);
  const int64_t cout = w.size(0), k = w.size(2), padded = len + 2 * pad, lout = padded - k + 1;
  at::Tensor taps = w.permute({2, 0, 1}).contiguous();  // [k, out, in]
  const float* xp = x.data_ptr<float>();
  const float* tp = taps.data_ptr<float>();
  const float* bp = bias.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  const bool act = !std::isnan(slope);
  const float s = act ? static_cast<float>(slope) : 1.0f;
  // Windows per block: an input layout of about 64k floats (256 KB), at least one window.
  const int64_t per = std::max<int64_t>(1, 65536 / std::max<int64_t>(1, cin * padded));
  const int64_t blocks = (batch + per - 1) / per;
  ForBlocks(blocks, k * cout * cin * per * padded, [&](int64_t q0, int64_t q1) {
    // A local copy: through the lambda's reference, every store to y could change it, and the
    // loop below would not vectorise (measured: the conv autoencoder 25% slower).
    const float slopeF = s;
    Scratch in(cin * per * padded), out(cout * per * padded);
    for (int64_t q = q0; q < q1; q++) {
      const int64_t b0 = q * per, nb = std::min(per, batch - b0), width = nb * padded, cols = width - k + 1;
      for (int64_t ci = 0; ci < cin; ci++)
        for (int64_t bb = 0; bb < nb; bb++) {
          float* r = &in[ci * width + bb * padded];
          std::fill(r, r + pad, 0.0f);
          std::memcpy(r + pad, xp + ((b0 + bb) * cin + ci) * len, sizeof(float) * len);
          std::fill(r + pad + len, r + padded, 0.0f);
        }
      for (int64_t tap = 0; tap < k; tap++)
        if (dnnl_sgemm('N', 'N', cout, cols, cin, 1.0f, tp + tap * cout * cin, cin, in.data() + tap, width,
                       tap == 0 ? 0.0f : 1.0f, out.data(), cols) != 0)
          throw std::runtime_error("dnnl_sgemm failed");
      for (int64_t bb = 0; bb < nb; bb++)
        for (int64_t co = 0; co < cout; co++) {
          float* dst = yp + ((b0 + bb) * cout + co) * lout;
          const float* src = &out[co * cols + bb * padded];
          const float b = bp[co];
#pragma omp simd
          for (int64_t l = 0; l < lout; l++) {
            const float v = src[l] + b;
            dst[l] = v < 0.0f ? v * slopeF : v;
          }
        }
    }
  });
}

// conv1d (stride 1, no dilation, one group) as im2col and oneDNN's sgemm over
// blocks of windows: for a block, columns [in * k, windows * lengthOut], one
// product with the weights [out, in * k], then bias and activation while the
// result is copied into [windows, out, lengthOut]. torch's CPU path runs one
// small product per window (or oneDNN's direct convolution with layout
// reorders each call), which measured 2-3 times slower here.
at::Tensor Conv1dInference(const at::Tensor& input, const at::Tensor& w, const c10::optional<at::Tensor>& bias,
                           int64_t pad, double slope) {
  at::Tensor x = input.contiguous();
  at::Tensor wc = w.contiguous();
  const int64_t batch = x.size(0), cin = x.size(1), len = x.size(2);
  const int64_t cout = wc.size(0), k = wc.size(2), rowsK = cin * k;
  const int64_t lout = len + 2 * pad - k + 1;
  at::Tensor y = at::empty({batch, cout, lout}, x.options());
  at::Tensor bc = bias ? bias->contiguous() : at::zeros({cout}, x.options());
  if (cin >= kShiftedConvChannels) {
    ShiftedConv1d(x, wc, bc, pad, slope, y);
    return y;
  }
  const float* xp = x.data_ptr<float>();
  const float* wp = wc.data_ptr<float>();
  const float* bp = bc.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  // Windows per block: columns of about 64k floats (256 KB), at least one window.
  const int64_t per = std::max<int64_t>(1, 65536 / std::max<int64_t>(1, rowsK * lout));
  const int64_t blocks = (batch + per - 1) / per;
  ForBlocks(blocks, cout * rowsK * per * lout, [&](int64_t q0, int64_t q1) {
    Scratch cols(rowsK * per * lout), out(cout * per * lout);
    for (int64_t q = q0; q < q1; q++) {
      const int64_t b0 = q * per, nb = std::min(per, batch - b0), width = nb * lout;
      for (int64_t ci = 0; ci < cin; ci++)
        for (int64_t kk = 0; kk < k; kk++) {
          float* row = &cols[(ci * k + kk) * width];
          const int64_t lo = std::min(lout, std::max<int64_t>(0, pad - kk)), hi = std::min<int64_t>(lout, len + pad - kk);
          for (int64_t bb = 0; bb < nb; bb++) {
            float* r = row + bb * lout;
            const float* src = xp + ((b0 + bb) * cin + ci) * len + kk - pad;
            for (int64_t l = 0; l < lo; l++) r[l] = 0.0f;
            if (hi > lo) std::memcpy(r + lo, src + lo, sizeof(float) * (hi - lo));
            for (int64_t l = std::max(lo, hi); l < lout; l++) r[l] = 0.0f;
          }
        }
      if (dnnl_sgemm('N', 'N', cout, width, rowsK, 1.0f, wp, rowsK, cols.data(), width, 0.0f, out.data(), width) != 0)
        throw std::runtime_error("dnnl_sgemm failed");
      for (int64_t co = 0; co < cout; co++)
        for (int64_t bb = 0; bb < nb; bb++) {
          float* dst = yp + ((b0 + bb) * cout + co) * lout;
          const float* src = &out[co * width + bb * lout];
          const float bias = bp[co];
#pragma omp simd
          for (int64_t l = 0; l < lout; l++) dst[l] = src[l] + bias;
          Activate(dst, lout, slope);
        }
    }
  });
  return y;
}

namespace {

struct Layer {
  at::Tensor weightT;  // [in + h, 4h]: [w_ih, w_hh] transposed, so gates = [x_t, h] @ weightT
  at::Tensor bias;     // [4h]: b_ih + b_hh (zeros without biases)
  int64_t in;
};

}  // namespace

bool LstmInferenceSupported(const at::Tensor& x, const at::Tensor& h0, const at::Tensor& c0,
                            const std::vector<at::Tensor>& params, bool train, bool bidirectional) {
  if (train || bidirectional || at::GradMode::is_enabled()) return false;
  if (x.dim() != 3 || x.scalar_type() != at::kFloat || !x.device().is_cpu()) return false;
  if (h0.scalar_type() != at::kFloat || c0.scalar_type() != at::kFloat) return false;
  for (const auto& p : params)
    if (p.scalar_type() != at::kFloat || !p.device().is_cpu()) return false;
  return true;
}

// Same arguments and results as at::lstm for a unidirectional float LSTM
// without dropout (eval): input [b, t, in] (batchFirst) or [t, b, in].
std::tuple<at::Tensor, at::Tensor, at::Tensor> LstmInference(const at::Tensor& input, const at::Tensor& h0,
                                                            const at::Tensor& c0, const std::vector<at::Tensor>& params,
                                                            bool hasBiases, int64_t numLayers, bool batchFirst) {
  const int64_t perLayer = hasBiases ? 4 : 2;
  if (static_cast<int64_t>(params.size()) != perLayer * numLayers)
    throw std::invalid_argument("lstm: expected " + std::to_string(perLayer * numLayers) + " weight tensors, got " +
                                std::to_string(params.size()));
  at::Tensor x = (batchFirst ? input : input.transpose(0, 1)).contiguous();  // [b, t, in]
  const int64_t batch = x.size(0), steps = x.size(1);
  const int64_t h = params[1].size(1);
  if (h0.dim() != 3 || h0.size(0) != numLayers || h0.size(1) != batch || h0.size(2) != h ||
      !c0.sizes().equals(h0.sizes()))
    throw std::invalid_argument("lstm: initial states must be [" + std::to_string(numLayers) + ", " +
                                std::to_string(batch) + ", " + std::to_string(h) + "], got " + ShapeString(h0) +
                                " and " + ShapeString(c0));
  std::vector<Layer> layers;
  int64_t in = x.size(2);
  for (int64_t l = 0; l < numLayers; l++) {
    const auto& wih = params[l * perLayer];
    const auto& whh = params[l * perLayer + 1];
    if (wih.dim() != 2 || wih.size(0) != 4 * h || wih.size(1) != in || whh.dim() != 2 || whh.size(0) != 4 * h ||
        whh.size(1) != h)
      throw std::invalid_argument("lstm: layer " + std::to_string(l) + " weights of shapes " + ShapeString(wih) +
                                  " and " + ShapeString(whh) + " do not match input size " + std::to_string(in) +
                                  " and hidden size " + std::to_string(h));
    at::Tensor bias = hasBiases ? (params[l * perLayer + 2] + params[l * perLayer + 3]).contiguous()
                                : at::zeros({4 * h}, x.options());
    layers.push_back({at::cat({wih, whh}, 1).t().contiguous(), bias, in});
    in = h;
  }
  at::Tensor hn = h0.contiguous().clone();
  at::Tensor cn = c0.contiguous().clone();
  // Each layer's output sequence [b, t, h]; the last one is the result.
  std::vector<at::Tensor> seqs;
  for (int64_t l = 0; l < numLayers; l++) seqs.push_back(at::empty({batch, steps, h}, x.options()));

  // Rows are independent: blocks of up to 256 rows (the gates of a block stay
  // in cache) run every layer and step, split over threads by ForBlocks.
  const int64_t block = std::min<int64_t>(256, batch), blocks = (batch + block - 1) / block;
  int64_t widestK = 0, macsPerRow = 0;
  for (const Layer& L : layers) {
    widestK = std::max(widestK, L.in + h);
    macsPerRow += steps * (L.in + h) * 4 * h;
  }
  ForBlocks(blocks, block * macsPerRow, [&](int64_t q0, int64_t q1) {
    Scratch gates(block * 4 * h);
    Scratch xh(block * widestK);  // rows [x_t, h]: h copied in below, x_t at each step
    for (int64_t q = q0; q < q1; q++) {
      const int64_t b0 = q * block, rows = std::min(block, batch - b0);
      for (int64_t l = 0; l < numLayers; l++) {
        const Layer& L = layers[l];
        const int64_t k = L.in + h;
        float* cp = cn[l].data_ptr<float>() + b0 * h;
        float* hp = hn[l].data_ptr<float>() + b0 * h;
        for (int64_t b = 0; b < rows; b++) std::memcpy(&xh[b * k + L.in], hp + b * h, sizeof(float) * h);
        const float* src = l == 0 ? x.data_ptr<float>() : seqs[l - 1].data_ptr<float>();
        float* seq = seqs[l].data_ptr<float>();
        const float* w = L.weightT.data_ptr<float>();
        for (int64_t t = 0; t < steps; t++) {
          for (int64_t b = 0; b < rows; b++)
            std::memcpy(&xh[b * k], src + ((b0 + b) * steps + t) * L.in, sizeof(float) * L.in);
          Sgemm(rows, 4 * h, k, xh.data(), w, gates.data());
          CellRows(rows, h, gates.data(), L.bias.data_ptr<float>(), cp, xh.data() + L.in, k,
                   seq + (b0 * steps + t) * h, steps * h);
        }
        for (int64_t b = 0; b < rows; b++) std::memcpy(hp + b * h, &xh[b * k + L.in], sizeof(float) * h);
      }
    }
  });
  at::Tensor out = seqs.back();
  if (!batchFirst) out = out.transpose(0, 1).contiguous();
  return {out, hn, cn};
}


bool GruInferenceSupported(const at::Tensor& x, const at::Tensor& h0, const std::vector<at::Tensor>& params,
                           bool train, bool bidirectional) {
  if (train || bidirectional || at::GradMode::is_enabled()) return false;
  if (x.dim() != 3 || x.scalar_type() != at::kFloat || !x.device().is_cpu()) return false;
  if (h0.scalar_type() != at::kFloat || !h0.device().is_cpu()) return false;
  for (const auto& p : params)
    if (p.scalar_type() != at::kFloat || !p.device().is_cpu()) return false;
  return true;
}

// Same arguments and results as at::gru for a unidirectional float GRU
// without dropout (eval): per layer and step, one product for the input's
// gates and one for the hidden state's, then one pointwise pass (GruRows).
std::tuple<at::Tensor, at::Tensor> GruInference(const at::Tensor& input, const at::Tensor& h0,
                                                const std::vector<at::Tensor>& params, bool hasBiases,
                                                int64_t numLayers, bool batchFirst) {
  const int64_t perLayer = hasBiases ? 4 : 2;
  if (static_cast<int64_t>(params.size()) != perLayer * numLayers)
    throw std::invalid_argument("gru: expected " + std::to_string(perLayer * numLayers) + " weight tensors, got " +
                                std::to_string(params.size()));
  at::Tensor x = (batchFirst ? input : input.transpose(0, 1)).contiguous();  // [b, t, in]
  const int64_t batch = x.size(0), steps = x.size(1);
  const int64_t h = params[1].size(1);
  if (h0.dim() != 3 || h0.size(0) != numLayers || h0.size(1) != batch || h0.size(2) != h)
    throw std::invalid_argument("gru: initial state must be [" + std::to_string(numLayers) + ", " +
                                std::to_string(batch) + ", " + std::to_string(h) + "], got " + ShapeString(h0));
  std::vector<at::Tensor> wih, whh, bih, bhh;
  int64_t in = x.size(2);
  for (int64_t l = 0; l < numLayers; l++) {
    const auto& wi = params[l * perLayer];
    const auto& wh = params[l * perLayer + 1];
    if (wi.dim() != 2 || wi.size(0) != 3 * h || wi.size(1) != in || wh.dim() != 2 || wh.size(0) != 3 * h ||
        wh.size(1) != h)
      throw std::invalid_argument("gru: layer " + std::to_string(l) + " weights of shapes " + ShapeString(wi) +
                                  " and " + ShapeString(wh) + " do not match input size " + std::to_string(in) +
                                  " and hidden size " + std::to_string(h));
    wih.push_back(wi.contiguous());
    whh.push_back(wh.contiguous());
    bih.push_back(hasBiases ? params[l * perLayer + 2].contiguous() : at::zeros({3 * h}, x.options()));
    bhh.push_back(hasBiases ? params[l * perLayer + 3].contiguous() : at::zeros({3 * h}, x.options()));
    in = h;
  }
  at::Tensor hn = h0.contiguous().clone();
  std::vector<at::Tensor> seqs;
  for (int64_t l = 0; l < numLayers; l++) seqs.push_back(at::empty({batch, steps, h}, x.options()));
  // Blocks of up to 256 rows, split over threads by ForBlocks (as the LSTM's).
  const int64_t block = std::min<int64_t>(256, batch), blocks = (batch + block - 1) / block;
  int64_t macsPerRow = 0;
  for (int64_t l = 0; l < numLayers; l++) macsPerRow += steps * (wih[l].size(1) + h) * 3 * h;
  ForBlocks(blocks, block * macsPerRow, [&](int64_t q0, int64_t q1) {
    Scratch gi(block * 3 * h), gh(block * 3 * h);
    for (int64_t l = 0; l < numLayers; l++) {
      const int64_t inL = wih[l].size(1);
      float* hp = hn[l].data_ptr<float>();
      const float* src = l == 0 ? x.data_ptr<float>() : seqs[l - 1].data_ptr<float>();
      float* seq = seqs[l].data_ptr<float>();
      for (int64_t q = q0; q < q1; q++) {
        const int64_t b0 = q * block, rows = std::min(block, batch - b0);
        for (int64_t t = 0; t < steps; t++) {
          SgemmWeightT(rows, 3 * h, inL, src + (b0 * steps + t) * inL, steps * inL, wih[l].data_ptr<float>(), 0.0f,
                       gi.data());
          SgemmWeightT(rows, 3 * h, h, hp + b0 * h, h, whh[l].data_ptr<float>(), 0.0f, gh.data());
          GruRows(rows, h, gi.data(), 3 * h, gh.data(), bih[l].data_ptr<float>(), bhh[l].data_ptr<float>(),
                  hp + b0 * h, seq + (b0 * steps + t) * h, steps * h);
        }
      }
    }
  });
  at::Tensor out = seqs.back();
  if (!batchFirst) out = out.transpose(0, 1).contiguous();
  return {out, hn};
}

// The streaming steps (lstmStep, gruStep), fused where the tensors are
// contiguous float32 on the CPU: x [batch or 1, in], states [batch, hidden].
bool StepInferenceSupported(const at::Tensor& x, std::initializer_list<const at::Tensor*> others) {
  if (x.scalar_type() != at::kFloat || !x.device().is_cpu()) return false;
  for (const auto* t : others)
    if (t->defined() && (t->scalar_type() != at::kFloat || !t->device().is_cpu() || !t->is_contiguous()))
      return false;
  return true;
}

// The input's share of the gates: x @ w_ih^T [1 or batch, gates].
static at::Tensor InputGates(const at::Tensor& xc, const at::Tensor& wih) {
  const int64_t m = xc.size(0), n = wih.size(0), k = wih.size(1);
  at::Tensor out = at::empty({m, n}, xc.options());
  OneThread one;  // small: not worth waking threads for
  SgemmWeightT(m, n, k, xc.data_ptr<float>(), k, wih.data_ptr<float>(), 0.0f, out.data_ptr<float>());
  return out;
}

void LstmStepInference(const at::Tensor& x, at::Tensor& h, at::Tensor& c, const at::Tensor& wih, const at::Tensor& whh,
                       const at::Tensor& bih, const at::Tensor& bhh) {
  at::Tensor xc = x.contiguous(), wi = wih.contiguous(), wh = whh.contiguous();
  const int64_t batch = h.size(0), hid = h.size(1);
  // Biases (and a broadcast input's gates) go in through CellRows' bias row.
  at::Tensor bias = at::zeros({4 * hid}, h.options());
  if (bih.defined()) bias.add_(bih);
  if (bhh.defined()) bias.add_(bhh);
  at::Tensor rowGates;  // [batch, 4h]: the input's gates of each row
  if (xc.size(0) == 1 && batch != 1)
    bias.add_(InputGates(xc, wi).squeeze(0));
  else
    rowGates = InputGates(xc, wi);
  float* hp = h.data_ptr<float>();
  float* cp = c.data_ptr<float>();
  // Blocks of 64 rows (see ForBlocks): the live forecast's 50 windows stay on one thread.
  const int64_t rowsPer = 64, blocks = (batch + rowsPer - 1) / rowsPer;
  ForBlocks(blocks, rowsPer * hid * 4 * hid, [&](int64_t q0, int64_t q1) {
    for (int64_t q = q0; q < q1; q++) {
      const int64_t r0 = q * rowsPer, rows = std::min(rowsPer, batch - r0);
      Scratch gates(rows * 4 * hid);
      if (rowGates.defined())
        std::memcpy(gates.data(), rowGates.data_ptr<float>() + r0 * 4 * hid, sizeof(float) * rows * 4 * hid);
      SgemmWeightT(rows, 4 * hid, hid, hp + r0 * hid, hid, wh.data_ptr<float>(), rowGates.defined() ? 1.0f : 0.0f,
                   gates.data());
      // CellRows copies h to seqOut as well: point it at h itself, row stride h.
      Scratch hNew(rows * hid);
      CellRows(rows, hid, gates.data(), bias.data_ptr<float>(), cp + r0 * hid, hNew.data(), hid, hp + r0 * hid, hid);
    }
  });
}

void GruStepInference(const at::Tensor& x, at::Tensor& h, const at::Tensor& wih, const at::Tensor& whh,
                      const at::Tensor& bih, const at::Tensor& bhh) {
  at::Tensor xc = x.contiguous(), wi = wih.contiguous(), wh = whh.contiguous();
  const int64_t batch = h.size(0), hid = h.size(1);
  at::Tensor zeros = at::zeros({3 * hid}, h.options());
  at::Tensor bi = bih.defined() ? bih.contiguous() : zeros;
  at::Tensor bh = bhh.defined() ? bhh.contiguous() : zeros;
  at::Tensor gi = InputGates(xc, wi);
  const int64_t giStride = (xc.size(0) == 1 && batch != 1) ? 0 : 3 * hid;
  float* hp = h.data_ptr<float>();
  const int64_t rowsPer = 64, blocks = (batch + rowsPer - 1) / rowsPer;
  ForBlocks(blocks, rowsPer * hid * 3 * hid, [&](int64_t q0, int64_t q1) {
    for (int64_t q = q0; q < q1; q++) {
      const int64_t r0 = q * rowsPer, rows = std::min(rowsPer, batch - r0);
      Scratch gh(rows * 3 * hid);
      SgemmWeightT(rows, 3 * hid, hid, hp + r0 * hid, hid, wh.data_ptr<float>(), 0.0f, gh.data());
      GruRows(rows, hid, gi.data_ptr<float>() + r0 * giStride, giStride, gh.data(), bi.data_ptr<float>(),
              bh.data_ptr<float>(), hp + r0 * hid, nullptr, 0);
    }
  });
}

}  // namespace normalcy
