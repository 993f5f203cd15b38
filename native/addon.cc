// Entry point of the normalcy libtorch addon: registers the tensor handle and
// every op group, plus engine-wide settings (seed, threads, grad mode).
#include "common.h"
#include <torch/torch.h>
#include <malloc.h>
#include <algorithm>
#include <cstdlib>

namespace normalcy {

NORMALCY_FN(ManualSeed) {
  torch::manual_seed(static_cast<uint64_t>(Num(info, 0, "seed")));
  return info.Env().Undefined();
}

NORMALCY_FN(SetNumThreads) {
  int n = static_cast<int>(Num(info, 0, "threads"));
  if (n < 1) throw std::invalid_argument("thread count must be at least 1");
  at::set_num_threads(n);
  return info.Env().Undefined();
}

// Fixes glibc's mmap threshold and trim threshold now (bytes each) and, if
// given, the most blocks malloc may map at once (0: none, every block comes
// from the heap); false where glibc refuses a value. Lowering the trim
// threshold also hands the heap's free pages back to the system (malloc_trim).
NORMALCY_FN(SetMallocThresholds) {
  double mmap = Num(info, 0, "mmapBytes");
  double trim = Num(info, 1, "trimBytes");
  double mmapMax = NumOr(info, 2, -1);
  if (mmap < 0 || trim < 0) throw std::invalid_argument("malloc thresholds must be >= 0");
  bool ok = mallopt(M_MMAP_THRESHOLD, static_cast<int>(mmap)) == 1 &&
            mallopt(M_TRIM_THRESHOLD, static_cast<int>(std::min(trim, 2147483647.0))) == 1;
  if (mmapMax >= 0) ok = mallopt(M_MMAP_MAX, static_cast<int>(mmapMax)) == 1 && ok;
  static double lastTrim = -1;
  if (lastTrim >= 0 && trim < lastTrim) malloc_trim(0);
  lastTrim = trim;
  return Napi::Boolean::New(info.Env(), ok);
}

NORMALCY_FN(GetNumThreads) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

NORMALCY_FN(SetGradEnabled) {
  at::GradMode::set_enabled(info[0].ToBoolean().Value());
  return info.Env().Undefined();
}

NORMALCY_FN(IsGradEnabled) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }

static bool g_fusedInference = true;
bool FusedInferenceEnabled() { return g_fusedInference; }

NORMALCY_FN(SetFusedInference) {
  g_fusedInference = info[0].ToBoolean().Value();
  return info.Env().Undefined();
}

NORMALCY_FN(LiveTensors) {
  return Napi::Number::New(info.Env(), static_cast<double>(TensorHandle::LiveCount()));
}

NORMALCY_FN(ConfigInfo) { return Napi::String::New(info.Env(), at::show_config()); }

// NORMALCY_MMAP_THRESHOLD=<bytes> fixes glibc's mmap threshold at load (glibc
// raises it by itself as large blocks are freed, which is what makes big
// tensor buffers cheap to reuse, as under PyTorch). Measured here: a
// synchronous loop of 12,000 small LSTM steps that never returns to the event
// loop (so Node never runs the finalizers of freed handles) fragmented the
// heap to 22 GB of RSS under the dynamic threshold; a fixed 128 KiB threshold
// keeps it flat but makes training 15-45% slower, so the engine switches
// between the two at run time (src/engine/allocator.ts).
static void ApplyMmapThreshold() {
  const char* fixed = std::getenv("NORMALCY_MMAP_THRESHOLD");
  if (fixed != nullptr && std::atoi(fixed) > 0) mallopt(M_MMAP_THRESHOLD, std::atoi(fixed));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ApplyMmapThreshold();
  exports.Set("TensorHandle", TensorHandle::Init(env));
  exports.Set("manualSeed", Napi::Function::New(env, ManualSeed));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("setMallocThresholds", Napi::Function::New(env, SetMallocThresholds));
  exports.Set("setGradEnabled", Napi::Function::New(env, SetGradEnabled));
  exports.Set("isGradEnabled", Napi::Function::New(env, IsGradEnabled));
  exports.Set("setFusedInference", Napi::Function::New(env, SetFusedInference));
  exports.Set("liveTensors", Napi::Function::New(env, LiveTensors));
  exports.Set("configInfo", Napi::Function::New(env, ConfigInfo));
  RegisterCreation(env, exports);
  RegisterMath(env, exports);
  RegisterShape(env, exports);
  RegisterNN(env, exports);
  RegisterOptimizer(env, exports);
  RegisterSvm(env, exports);
  RegisterGemmRoute(env, exports);
  RegisterBlockCache(env, exports);
  return exports;
}

NODE_API_MODULE(normalcy_torch, Init)

}  // namespace normalcy
