// Shared helpers of the libtorch addon: wrapping torch tensors for JavaScript,
// argument parsing, and turning torch errors into JavaScript exceptions.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>
#include <string>
#include <vector>

namespace normalcy {

// A JavaScript handle to one torch tensor. dispose() frees it early; the GC
// finalizer frees it otherwise. External memory is reported so the GC sees it.
class TensorHandle : public Napi::ObjectWrap<TensorHandle> {
 public:
  static Napi::Function Init(Napi::Env env);
  static Napi::Object Wrap(Napi::Env env, at::Tensor t);
  static at::Tensor& From(const Napi::Value& v, const char* what);
  static bool IsHandle(const Napi::Value& v);
  static int64_t LiveCount();

  explicit TensorHandle(const Napi::CallbackInfo& info);
  void Finalize(Napi::Env env) override;

  at::Tensor tensor;
  bool disposed = false;
  int64_t reportedBytes = 0;

 private:
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);
  void Release(Napi::Env env);
};

// Each exported function runs through Guard: torch errors (c10::Error) and
// std exceptions become JavaScript exceptions carrying torch's message.
using Body = std::function<Napi::Value(const Napi::CallbackInfo&)>;
Napi::Value Guard(const Napi::CallbackInfo& info, const Body& body);

#define NORMALCY_FN(name)                                              \
  static Napi::Value name##_impl(const Napi::CallbackInfo& info);      \
  Napi::Value name(const Napi::CallbackInfo& info) {                   \
    return Guard(info, name##_impl);                                   \
  }                                                                    \
  static Napi::Value name##_impl(const Napi::CallbackInfo& info)

at::Tensor& T(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> IntList(const Napi::Value& v, const char* what);
std::vector<at::Tensor> TensorList(const Napi::Value& v, const char* what);
c10::optional<at::Tensor> OptTensor(const Napi::CallbackInfo& info, size_t i);
double Num(const Napi::CallbackInfo& info, size_t i, const char* what);
double NumOr(const Napi::CallbackInfo& info, size_t i, double fallback);
int64_t IntOr(const Napi::CallbackInfo& info, size_t i, int64_t fallback);
bool BoolOr(const Napi::CallbackInfo& info, size_t i, bool fallback);
std::string Str(const Napi::CallbackInfo& info, size_t i, const char* what);
bool IsMissing(const Napi::CallbackInfo& info, size_t i);
at::ScalarType ParseDtype(const std::string& name);
std::string DtypeName(at::ScalarType t);
Napi::Value Wrap(const Napi::CallbackInfo& info, at::Tensor t);
Napi::Array WrapAll(const Napi::CallbackInfo& info, const std::vector<at::Tensor>& ts);
std::string ShapeString(const at::Tensor& t);

// The inference kernels (inference.cc), on unless turned off
// (setFusedInference(false): benchmarks compare them with torch's).
bool FusedInferenceEnabled();
// c [m, n] = a [m, k] @ b [k, n], row-major, through oneDNN's sgemm (inference.cc).
void Sgemm(int64_t m, int64_t n, int64_t k, const float* a, const float* b, float* c);
bool LstmInferenceSupported(const at::Tensor& x, const at::Tensor& h0, const at::Tensor& c0,
                            const std::vector<at::Tensor>& params, bool train, bool bidirectional);
bool LinearInferenceSupported(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& bias);
// slope: the activation after the layer: NaN none, 0 ReLU, else leaky ReLU's slope.
at::Tensor LinearInference(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& bias,
                           double slope);
bool LinearStackInferenceSupported(const at::Tensor& x, const std::vector<at::Tensor>& weights,
                                   const std::vector<c10::optional<at::Tensor>>& biases);
at::Tensor LinearStackInference(const at::Tensor& x, const std::vector<at::Tensor>& weights,
                                const std::vector<c10::optional<at::Tensor>>& biases, const std::vector<double>& slopes);
bool Conv1dInferenceSupported(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& bias,
                              const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                              const std::vector<int64_t>& dilation, int64_t groups);
at::Tensor Conv1dInference(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& bias,
                           int64_t padding, double slope);
std::tuple<at::Tensor, at::Tensor, at::Tensor> LstmInference(const at::Tensor& input, const at::Tensor& h0,
                                                            const at::Tensor& c0, const std::vector<at::Tensor>& params,
                                                            bool hasBiases, int64_t numLayers, bool batchFirst);
bool GruInferenceSupported(const at::Tensor& x, const at::Tensor& h0, const std::vector<at::Tensor>& params,
                           bool train, bool bidirectional);
std::tuple<at::Tensor, at::Tensor> GruInference(const at::Tensor& input, const at::Tensor& h0,
                                                const std::vector<at::Tensor>& params, bool hasBiases,
                                                int64_t numLayers, bool batchFirst);
bool StepInferenceSupported(const at::Tensor& x, std::initializer_list<const at::Tensor*> others);
void LstmStepInference(const at::Tensor& x, at::Tensor& h, at::Tensor& c, const at::Tensor& wih, const at::Tensor& whh,
                       const at::Tensor& bih, const at::Tensor& bhh);
void GruStepInference(const at::Tensor& x, at::Tensor& h, const at::Tensor& wih, const at::Tensor& whh,
                      const at::Tensor& bih, const at::Tensor& bhh);

#define REG(name, fn) exports.Set(name, Napi::Function::New(env, fn))

// Registration functions, one per source file.
void RegisterCreation(Napi::Env env, Napi::Object exports);
void RegisterMath(Napi::Env env, Napi::Object exports);
void RegisterShape(Napi::Env env, Napi::Object exports);
void RegisterNN(Napi::Env env, Napi::Object exports);
void RegisterOptimizer(Napi::Env env, Napi::Object exports);
void RegisterSvm(Napi::Env env, Napi::Object exports);
void RegisterGemmRoute(Napi::Env env, Napi::Object exports);
void RegisterBlockCache(Napi::Env env, Napi::Object exports);

}  // namespace normalcy
