// Entry point of the normalcy libtorch addon: registers the tensor handle and
// every op group, plus engine-wide settings (seed, threads, grad mode).
#include "common.h"
#include <torch/torch.h>

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

NORMALCY_FN(GetNumThreads) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

NORMALCY_FN(SetGradEnabled) {
  at::GradMode::set_enabled(info[0].ToBoolean().Value());
  return info.Env().Undefined();
}

NORMALCY_FN(IsGradEnabled) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }

NORMALCY_FN(LiveTensors) {
  return Napi::Number::New(info.Env(), static_cast<double>(TensorHandle::LiveCount()));
}

NORMALCY_FN(ConfigInfo) { return Napi::String::New(info.Env(), at::show_config()); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("TensorHandle", TensorHandle::Init(env));
  exports.Set("manualSeed", Napi::Function::New(env, ManualSeed));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("setGradEnabled", Napi::Function::New(env, SetGradEnabled));
  exports.Set("isGradEnabled", Napi::Function::New(env, IsGradEnabled));
  exports.Set("liveTensors", Napi::Function::New(env, LiveTensors));
  exports.Set("configInfo", Napi::Function::New(env, ConfigInfo));
  RegisterCreation(env, exports);
  RegisterMath(env, exports);
  RegisterShape(env, exports);
  RegisterNN(env, exports);
  RegisterOptimizer(env, exports);
  RegisterSvm(env, exports);
  return exports;
}

NODE_API_MODULE(normalcy_torch, Init)

}  // namespace normalcy
