// Elementwise arithmetic, comparisons, reductions, matmul and selection ops.
#include "common.h"

namespace normalcy {

// Binary ops take a tensor and either a tensor or a number.
#define BINARY(Name, expr)                                        \
  NORMALCY_FN(Name) {                                             \
    auto& a = T(info, 0);                                         \
    if (info.Length() > 1 && info[1].IsNumber()) {                \
      at::Scalar b = info[1].As<Napi::Number>().DoubleValue();    \
      return Wrap(info, expr);                                    \
    }                                                             \
    auto& b = T(info, 1);                                         \
    return Wrap(info, expr);                                      \
  }

BINARY(Add, at::add(a, b))
BINARY(Sub, at::sub(a, b))
BINARY(Mul, at::mul(a, b))
BINARY(Div, at::div(a, b))
BINARY(Pow, at::pow(a, b))
BINARY(Eq, at::eq(a, b))
BINARY(Ne, at::ne(a, b))
BINARY(Lt, at::lt(a, b))
BINARY(Le, at::le(a, b))
BINARY(Gt, at::gt(a, b))
BINARY(Ge, at::ge(a, b))

NORMALCY_FN(Maximum) { return Wrap(info, at::maximum(T(info, 0), T(info, 1))); }
NORMALCY_FN(Minimum) { return Wrap(info, at::minimum(T(info, 0), T(info, 1))); }

#define UNARY(Name, fn) \
  NORMALCY_FN(Name) { return Wrap(info, fn(T(info, 0))); }

UNARY(Neg, at::neg)
UNARY(Abs, at::abs)
UNARY(Exp, at::exp)
UNARY(Log, at::log)
UNARY(Sqrt, at::sqrt)
UNARY(Square, at::square)
UNARY(Sign, at::sign)
UNARY(Relu, at::relu)
UNARY(Sigmoid, at::sigmoid)
UNARY(Tanh, at::tanh)
UNARY(Sin, at::sin)
UNARY(Cos, at::cos)
UNARY(Floor, at::floor)
UNARY(Round, at::round)
UNARY(IsNan, at::isnan)
UNARY(LogicalNot, at::logical_not)

NORMALCY_FN(LeakyRelu) { return Wrap(info, at::leaky_relu(T(info, 0), NumOr(info, 1, 0.01))); }
NORMALCY_FN(Softmax) { return Wrap(info, at::softmax(T(info, 0), IntOr(info, 1, -1))); }
NORMALCY_FN(LogSoftmax) { return Wrap(info, at::log_softmax(T(info, 0), IntOr(info, 1, -1))); }

NORMALCY_FN(Clamp) {
  c10::optional<at::Scalar> lo, hi;
  if (!IsMissing(info, 1)) lo = Num(info, 1, "min");
  if (!IsMissing(info, 2)) hi = Num(info, 2, "max");
  return Wrap(info, at::clamp(T(info, 0), lo, hi));
}

NORMALCY_FN(Where) {
  auto& cond = T(info, 0);
  at::Tensor c = cond.scalar_type() == at::kBool ? cond : cond.to(at::kBool);
  if (info[1].IsNumber() && info[2].IsNumber())
    return Wrap(info, at::where(c, at::Scalar(Num(info, 1, "a")), at::Scalar(Num(info, 2, "b"))));
  if (info[1].IsNumber()) return Wrap(info, at::where(c, at::Scalar(Num(info, 1, "a")), T(info, 2)));
  if (info[2].IsNumber()) return Wrap(info, at::where(c, T(info, 1), at::Scalar(Num(info, 2, "b"))));
  return Wrap(info, at::where(c, T(info, 1), T(info, 2)));
}

NORMALCY_FN(Matmul) { return Wrap(info, at::matmul(T(info, 0), T(info, 1))); }

// Reductions: (t, dims?, keepdim?). Without dims they reduce everything.
NORMALCY_FN(Sum) {
  if (IsMissing(info, 1)) return Wrap(info, at::sum(T(info, 0)));
  return Wrap(info, at::sum(T(info, 0), IntList(info[1], "dims"), BoolOr(info, 2, false)));
}
NORMALCY_FN(Mean) {
  if (IsMissing(info, 1)) return Wrap(info, at::mean(T(info, 0)));
  return Wrap(info, at::mean(T(info, 0), IntList(info[1], "dims"), BoolOr(info, 2, false)));
}
// std/var: (t, dims?, unbiased?, keepdim?)
NORMALCY_FN(Std) {
  bool unbiased = BoolOr(info, 2, true);
  if (IsMissing(info, 1)) return Wrap(info, at::std(T(info, 0), unbiased));
  return Wrap(info, at::std(T(info, 0), at::OptionalIntArrayRef(IntList(info[1], "dims")), unbiased,
                            BoolOr(info, 3, false)));
}
NORMALCY_FN(Var) {
  bool unbiased = BoolOr(info, 2, true);
  if (IsMissing(info, 1)) return Wrap(info, at::var(T(info, 0), unbiased));
  return Wrap(info, at::var(T(info, 0), at::OptionalIntArrayRef(IntList(info[1], "dims")), unbiased,
                            BoolOr(info, 3, false)));
}
// max/min: (t, dim?, keepdim?) -> values only; argmax/argmin give indices.
NORMALCY_FN(Max) {
  if (IsMissing(info, 1)) return Wrap(info, at::max(T(info, 0)));
  return Wrap(info, std::get<0>(at::max(T(info, 0), IntOr(info, 1, 0), BoolOr(info, 2, false))));
}
NORMALCY_FN(Min) {
  if (IsMissing(info, 1)) return Wrap(info, at::min(T(info, 0)));
  return Wrap(info, std::get<0>(at::min(T(info, 0), IntOr(info, 1, 0), BoolOr(info, 2, false))));
}
NORMALCY_FN(Argmax) {
  c10::optional<int64_t> dim;
  if (!IsMissing(info, 1)) dim = IntOr(info, 1, 0);
  return Wrap(info, at::argmax(T(info, 0), dim, BoolOr(info, 2, false)));
}
NORMALCY_FN(Argmin) {
  c10::optional<int64_t> dim;
  if (!IsMissing(info, 1)) dim = IntOr(info, 1, 0);
  return Wrap(info, at::argmin(T(info, 0), dim, BoolOr(info, 2, false)));
}
// quantile(t, q, dim?, keepdim?): q in [0, 1], linear interpolation.
NORMALCY_FN(Quantile) {
  c10::optional<int64_t> dim;
  if (!IsMissing(info, 2)) dim = IntOr(info, 2, 0);
  auto& t = T(info, 0);
  return Wrap(info, at::quantile(t, Num(info, 1, "q"), dim, BoolOr(info, 3, false)));
}
// sort(t, dim?, descending?) -> [values, indices]
NORMALCY_FN(Sort) {
  auto r = at::sort(T(info, 0), IntOr(info, 1, -1), BoolOr(info, 2, false));
  return WrapAll(info, {std::get<0>(r), std::get<1>(r)});
}
NORMALCY_FN(Cumsum) { return Wrap(info, at::cumsum(T(info, 0), IntOr(info, 1, 0))); }
NORMALCY_FN(Norm) { return Wrap(info, at::norm(T(info, 0))); }
NORMALCY_FN(AllClose) {
  return Napi::Boolean::New(info.Env(), at::allclose(T(info, 0), T(info, 1), NumOr(info, 2, 1e-5), NumOr(info, 3, 1e-8)));
}
NORMALCY_FN(Equal) { return Napi::Boolean::New(info.Env(), at::equal(T(info, 0), T(info, 1))); }

void RegisterMath(Napi::Env env, Napi::Object exports) {
  REG("add", Add);
  REG("sub", Sub);
  REG("mul", Mul);
  REG("div", Div);
  REG("pow", Pow);
  REG("eq", Eq);
  REG("ne", Ne);
  REG("lt", Lt);
  REG("le", Le);
  REG("gt", Gt);
  REG("ge", Ge);
  REG("maximum", Maximum);
  REG("minimum", Minimum);
  REG("neg", Neg);
  REG("abs", Abs);
  REG("exp", Exp);
  REG("log", Log);
  REG("sqrt", Sqrt);
  REG("square", Square);
  REG("sign", Sign);
  REG("relu", Relu);
  REG("sigmoid", Sigmoid);
  REG("tanh", Tanh);
  REG("sin", Sin);
  REG("cos", Cos);
  REG("floor", Floor);
  REG("round", Round);
  REG("isnan", IsNan);
  REG("logicalNot", LogicalNot);
  REG("leakyRelu", LeakyRelu);
  REG("softmax", Softmax);
  REG("logSoftmax", LogSoftmax);
  REG("clamp", Clamp);
  REG("where", Where);
  REG("matmul", Matmul);
  REG("sum", Sum);
  REG("mean", Mean);
  REG("std", Std);
  REG("var", Var);
  REG("max", Max);
  REG("min", Min);
  REG("argmax", Argmax);
  REG("argmin", Argmin);
  REG("quantile", Quantile);
  REG("sort", Sort);
  REG("cumsum", Cumsum);
  REG("norm", Norm);
  REG("allclose", AllClose);
  REG("equal", Equal);
}

}  // namespace normalcy
