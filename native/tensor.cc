// TensorHandle and the argument helpers shared by every op.
#include "common.h"
#include <atomic>
#include <sstream>

namespace normalcy {

static Napi::FunctionReference* g_constructor = nullptr;
static std::atomic<int64_t> g_live{0};

Napi::Function TensorHandle::Init(Napi::Env env) {
  Napi::Function fn = DefineClass(env, "TensorHandle",
                                  {InstanceMethod("dispose", &TensorHandle::Dispose),
                                   InstanceMethod("isDisposed", &TensorHandle::IsDisposed)});
  g_constructor = new Napi::FunctionReference(Napi::Persistent(fn));
  return fn;
}

TensorHandle::TensorHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorHandle>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    Napi::TypeError::New(info.Env(), "TensorHandle is created by the engine only")
        .ThrowAsJavaScriptException();
    return;
  }
  auto* src = info[0].As<Napi::External<at::Tensor>>().Data();
  tensor = *src;
  g_live++;
  // Views share storage; count the bytes this view spans, which is what it keeps alive
  // at most once per handle.
  reportedBytes = tensor.defined() ? static_cast<int64_t>(tensor.numel() * tensor.element_size()) : 0;
  if (reportedBytes > 0) Napi::MemoryManagement::AdjustExternalMemory(info.Env(), reportedBytes);
}

void TensorHandle::Release(Napi::Env env) {
  if (disposed) return;
  disposed = true;
  tensor = at::Tensor();
  g_live--;
  if (reportedBytes > 0) Napi::MemoryManagement::AdjustExternalMemory(env, -reportedBytes);
  reportedBytes = 0;
}

void TensorHandle::Finalize(Napi::Env env) { Release(env); }

Napi::Value TensorHandle::Dispose(const Napi::CallbackInfo& info) {
  Release(info.Env());
  return info.Env().Undefined();
}

Napi::Value TensorHandle::IsDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), disposed);
}

int64_t TensorHandle::LiveCount() { return g_live.load(); }

Napi::Object TensorHandle::Wrap(Napi::Env env, at::Tensor t) {
  return g_constructor->New({Napi::External<at::Tensor>::New(env, &t)});
}

bool TensorHandle::IsHandle(const Napi::Value& v) {
  return v.IsObject() && v.As<Napi::Object>().InstanceOf(g_constructor->Value());
}

at::Tensor& TensorHandle::From(const Napi::Value& v, const char* what) {
  if (!IsHandle(v)) throw std::invalid_argument(std::string(what) + " must be a tensor");
  auto* h = Napi::ObjectWrap<TensorHandle>::Unwrap(v.As<Napi::Object>());
  if (h->disposed) throw std::invalid_argument(std::string(what) + " is a disposed tensor");
  return h->tensor;
}

Napi::Value Guard(const Napi::CallbackInfo& info, const Body& body) {
  try {
    return body(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

at::Tensor& T(const Napi::CallbackInfo& info, size_t i) {
  std::string what = "argument " + std::to_string(i);
  return TensorHandle::From(info[i], what.c_str());
}

std::vector<int64_t> IntList(const Napi::Value& v, const char* what) {
  if (v.IsNumber()) return {v.As<Napi::Number>().Int64Value()};
  if (!v.IsArray()) throw std::invalid_argument(std::string(what) + " must be an array of integers");
  auto arr = v.As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value e = arr.Get(i);
    if (!e.IsNumber()) throw std::invalid_argument(std::string(what) + " must be an array of integers");
    out[i] = e.As<Napi::Number>().Int64Value();
  }
  return out;
}

std::vector<at::Tensor> TensorList(const Napi::Value& v, const char* what) {
  if (!v.IsArray()) throw std::invalid_argument(std::string(what) + " must be an array of tensors");
  auto arr = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) out.push_back(TensorHandle::From(arr.Get(i), what));
  return out;
}

bool IsMissing(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() <= i || info[i].IsUndefined() || info[i].IsNull();
}

c10::optional<at::Tensor> OptTensor(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return c10::nullopt;
  return T(info, i);
}

double Num(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber())
    throw std::invalid_argument(std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

double NumOr(const Napi::CallbackInfo& info, size_t i, double fallback) {
  return IsMissing(info, i) ? fallback : Num(info, i, "argument");
}

int64_t IntOr(const Napi::CallbackInfo& info, size_t i, int64_t fallback) {
  return IsMissing(info, i) ? fallback : static_cast<int64_t>(Num(info, i, "argument"));
}

bool BoolOr(const Napi::CallbackInfo& info, size_t i, bool fallback) {
  return IsMissing(info, i) ? fallback : info[i].ToBoolean().Value();
}

std::string Str(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsString())
    throw std::invalid_argument(std::string(what) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

at::ScalarType ParseDtype(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "float64") return at::kDouble;
  if (name == "int32") return at::kInt;
  if (name == "int64") return at::kLong;
  if (name == "uint8") return at::kByte;
  if (name == "bool") return at::kBool;
  throw std::invalid_argument("unknown dtype '" + name +
                              "' (expected float32, float64, int32, int64, uint8 or bool)");
}

std::string DtypeName(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kInt: return "int32";
    case at::kLong: return "int64";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    default: return c10::toString(t);
  }
}

Napi::Value Wrap(const Napi::CallbackInfo& info, at::Tensor t) {
  return TensorHandle::Wrap(info.Env(), std::move(t));
}

Napi::Array WrapAll(const Napi::CallbackInfo& info, const std::vector<at::Tensor>& ts) {
  auto arr = Napi::Array::New(info.Env(), ts.size());
  for (size_t i = 0; i < ts.size(); i++) arr.Set(static_cast<uint32_t>(i), Wrap(info, ts[i]));
  return arr;
}

std::string ShapeString(const at::Tensor& t) {
  std::ostringstream s;
  s << "[";
  for (int64_t i = 0; i < t.dim(); i++) s << (i ? ", " : "") << t.size(i);
  s << "]";
  return s.str();
}

}  // namespace normalcy
