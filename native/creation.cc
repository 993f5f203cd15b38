// Tensor creation and conversion between tensors and JavaScript typed arrays.
#include "common.h"
#include <cstring>

namespace normalcy {

static at::ScalarType TypedArrayDtype(napi_typedarray_type t) {
  switch (t) {
    case napi_float32_array: return at::kFloat;
    case napi_float64_array: return at::kDouble;
    case napi_int32_array: return at::kInt;
    case napi_bigint64_array: return at::kLong;
    case napi_uint8_array: return at::kByte;
    default:
      throw std::invalid_argument(
          "unsupported typed array (use Float32Array, Float64Array, Int32Array, BigInt64Array or "
          "Uint8Array)");
  }
}

static at::TensorOptions Opts(const Napi::CallbackInfo& info, size_t i, at::ScalarType fallback) {
  at::ScalarType dt = IsMissing(info, i) ? fallback : ParseDtype(Str(info, i, "dtype"));
  return at::TensorOptions().dtype(dt);
}

// fromArray(typedArray, shape, dtype?): copies the data; dtype converts after the copy.
NORMALCY_FN(FromArray) {
  if (!info[0].IsTypedArray()) throw std::invalid_argument("data must be a typed array");
  auto ta = info[0].As<Napi::TypedArray>();
  auto shape = IntList(info[1], "shape");
  int64_t numel = 1;
  for (auto d : shape) {
    if (d < 0) throw std::invalid_argument("shape has a negative dimension");
    numel *= d;
  }
  if (static_cast<int64_t>(ta.ElementLength()) != numel) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
    throw std::invalid_argument("data has " + std::to_string(ta.ElementLength()) +
                                " elements but shape " + s + "] needs " + std::to_string(numel));
  }
  at::ScalarType src = TypedArrayDtype(ta.TypedArrayType());
  auto t = at::empty(shape, at::TensorOptions().dtype(src));
  auto* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  if (numel > 0) std::memcpy(t.data_ptr(), base, ta.ByteLength());
  if (!IsMissing(info, 2)) {
    at::ScalarType dst = ParseDtype(Str(info, 2, "dtype"));
    if (dst != src) t = t.to(dst);
  }
  return Wrap(info, t);
}

// toArray(t): a copy of the data as the matching typed array (bool -> Uint8Array).
NORMALCY_FN(ToArray) {
  at::Tensor t = T(info, 0).detach().contiguous();
  if (t.scalar_type() == at::kBool) t = t.to(at::kByte);
  int64_t n = t.numel();
  size_t bytes = static_cast<size_t>(n) * t.element_size();
  auto buf = Napi::ArrayBuffer::New(info.Env(), bytes);
  if (bytes > 0) std::memcpy(buf.Data(), t.data_ptr(), bytes);
  switch (t.scalar_type()) {
    case at::kFloat: return Napi::Float32Array::New(info.Env(), n, buf, 0);
    case at::kDouble: return Napi::Float64Array::New(info.Env(), n, buf, 0);
    case at::kInt: return Napi::Int32Array::New(info.Env(), n, buf, 0);
    case at::kLong: return Napi::BigInt64Array::New(info.Env(), n, buf, 0);
    case at::kByte: return Napi::Uint8Array::New(info.Env(), n, buf, 0);
    default: throw std::invalid_argument("cannot convert dtype " + DtypeName(t.scalar_type()));
  }
}

NORMALCY_FN(Shape) {
  auto& t = T(info, 0);
  auto arr = Napi::Array::New(info.Env(), t.dim());
  for (int64_t i = 0; i < t.dim(); i++) arr.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), static_cast<double>(t.size(i))));
  return arr;
}

NORMALCY_FN(Dtype) { return Napi::String::New(info.Env(), DtypeName(T(info, 0).scalar_type())); }

NORMALCY_FN(Item) {
  auto& t = T(info, 0);
  if (t.numel() != 1)
    throw std::invalid_argument("item() needs a tensor with one element, got shape " + ShapeString(t));
  return Napi::Number::New(info.Env(), t.item().toDouble());
}

NORMALCY_FN(Zeros) { return Wrap(info, at::zeros(IntList(info[0], "shape"), Opts(info, 1, at::kFloat))); }
NORMALCY_FN(Ones) { return Wrap(info, at::ones(IntList(info[0], "shape"), Opts(info, 1, at::kFloat))); }
NORMALCY_FN(Full) {
  return Wrap(info, at::full(IntList(info[0], "shape"), Num(info, 1, "value"), Opts(info, 2, at::kFloat)));
}
NORMALCY_FN(Randn) { return Wrap(info, at::randn(IntList(info[0], "shape"), Opts(info, 1, at::kFloat))); }
NORMALCY_FN(Rand) { return Wrap(info, at::rand(IntList(info[0], "shape"), Opts(info, 1, at::kFloat))); }
NORMALCY_FN(Randint) {
  return Wrap(info, at::randint(static_cast<int64_t>(Num(info, 0, "low")), static_cast<int64_t>(Num(info, 1, "high")),
                                IntList(info[2], "shape"), Opts(info, 3, at::kLong)));
}
NORMALCY_FN(Randperm) {
  return Wrap(info, at::randperm(static_cast<int64_t>(Num(info, 0, "n")), at::TensorOptions().dtype(at::kLong)));
}
NORMALCY_FN(Arange) {
  return Wrap(info, at::arange(Num(info, 0, "start"), Num(info, 1, "end"), NumOr(info, 2, 1.0),
                               Opts(info, 3, at::kFloat)));
}
NORMALCY_FN(Linspace) {
  return Wrap(info, at::linspace(Num(info, 0, "start"), Num(info, 1, "end"),
                                 static_cast<int64_t>(Num(info, 2, "steps")), Opts(info, 3, at::kFloat)));
}
NORMALCY_FN(Eye) { return Wrap(info, at::eye(static_cast<int64_t>(Num(info, 0, "n")), Opts(info, 1, at::kFloat))); }
NORMALCY_FN(ZerosLike) { return Wrap(info, at::zeros_like(T(info, 0))); }
NORMALCY_FN(OnesLike) { return Wrap(info, at::ones_like(T(info, 0))); }
NORMALCY_FN(RandnLike) { return Wrap(info, at::randn_like(T(info, 0))); }
NORMALCY_FN(To) { return Wrap(info, T(info, 0).to(ParseDtype(Str(info, 1, "dtype")))); }
NORMALCY_FN(Clone) { return Wrap(info, T(info, 0).clone()); }
NORMALCY_FN(Detach) { return Wrap(info, T(info, 0).detach()); }
NORMALCY_FN(Contiguous) { return Wrap(info, T(info, 0).contiguous()); }
// Uniform initialisation in place, for parameter init.
NORMALCY_FN(UniformInPlace) {
  at::NoGradGuard guard;
  T(info, 0).uniform_(Num(info, 1, "low"), Num(info, 2, "high"));
  return info.Env().Undefined();
}
NORMALCY_FN(NormalInPlace) {
  at::NoGradGuard guard;
  T(info, 0).normal_(Num(info, 1, "mean"), Num(info, 2, "std"));
  return info.Env().Undefined();
}
// copyInPlace(dst, src): loads values into an existing (parameter) tensor.
NORMALCY_FN(CopyInPlace) {
  at::NoGradGuard guard;
  auto& dst = T(info, 0);
  auto& src = T(info, 1);
  if (!dst.sizes().equals(src.sizes()))
    throw std::invalid_argument("cannot copy a tensor of shape " + ShapeString(src) + " into one of shape " +
                                ShapeString(dst));
  dst.copy_(src);
  return info.Env().Undefined();
}

void RegisterCreation(Napi::Env env, Napi::Object exports) {
  REG("fromArray", FromArray);
  REG("toArray", ToArray);
  REG("shape", Shape);
  REG("dtype", Dtype);
  REG("item", Item);
  REG("zeros", Zeros);
  REG("ones", Ones);
  REG("full", Full);
  REG("randn", Randn);
  REG("rand", Rand);
  REG("randint", Randint);
  REG("randperm", Randperm);
  REG("arange", Arange);
  REG("linspace", Linspace);
  REG("eye", Eye);
  REG("zerosLike", ZerosLike);
  REG("onesLike", OnesLike);
  REG("randnLike", RandnLike);
  REG("to", To);
  REG("clone", Clone);
  REG("detach", Detach);
  REG("contiguous", Contiguous);
  REG("uniform_", UniformInPlace);
  REG("normal_", NormalInPlace);
  REG("copy_", CopyInPlace);
}

}  // namespace normalcy
