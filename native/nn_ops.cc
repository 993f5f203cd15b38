// Fused neural-network ops (the same ATen kernels PyTorch's nn modules call),
// losses, and autograd entry points.
#include "common.h"
#include <torch/torch.h>
#include <cmath>

namespace normalcy {

static int64_t ParseReduction(const Napi::CallbackInfo& info, size_t i) {
  std::string r = IsMissing(info, i) ? "mean" : Str(info, i, "reduction");
  if (r == "mean") return at::Reduction::Mean;
  if (r == "sum") return at::Reduction::Sum;
  if (r == "none") return at::Reduction::None;
  throw std::invalid_argument("unknown reduction '" + r + "' (mean, sum or none)");
}

// An activation fused into the layer before it (inference): argument i is
// missing (none), 0 (ReLU) or leaky ReLU's negative slope.
static double ActivationSlope(const Napi::CallbackInfo& info, size_t i) {
  return IsMissing(info, i) ? std::nan("") : Num(info, i, "activation slope");
}
static at::Tensor ApplyActivation(at::Tensor y, double slope) {
  if (std::isnan(slope)) return y;
  return slope == 0.0 ? at::relu(y) : at::leaky_relu(y, slope);
}

// linear(x, weight, bias?, slope?): x @ weight^T + bias, weight [out, in], then
// the activation slope? gives (see ActivationSlope). Without
// gradients through oneDNN's sgemm (inference.cc).
NORMALCY_FN(Linear) {
  auto& x = T(info, 0);
  auto& w = T(info, 1);
  if (x.dim() >= 1 && w.dim() == 2 && x.size(-1) != w.size(1))
    throw std::invalid_argument("linear: input of shape " + ShapeString(x) + " does not match weight of shape " +
                                ShapeString(w) + " (last input dimension must equal " +
                                std::to_string(w.size(1)) + ")");
  auto bias = OptTensor(info, 2);
  double slope = ActivationSlope(info, 3);
  if (FusedInferenceEnabled() && LinearInferenceSupported(x, w, bias))
    return Wrap(info, LinearInference(x, w, bias, slope));
  return Wrap(info, ApplyActivation(at::linear(x, w, bias), slope));
}

// linearStack(x, weights, biases, slopes): linear layers applied in turn, each
// followed by its activation (biases[l] null: none; slopes[l] NaN or null:
// none), as that many linear() calls. Without gradients in one native pass
// (inference.cc), so Sequential runs a stack of dense layers in one call.
NORMALCY_FN(LinearStack) {
  auto& x = T(info, 0);
  auto weights = TensorList(info[1], "weights");
  if (weights.empty()) throw std::invalid_argument("linearStack: needs at least one layer");
  if (!info[2].IsArray() || !info[3].IsArray() || info[2].As<Napi::Array>().Length() != weights.size() ||
      info[3].As<Napi::Array>().Length() != weights.size())
    throw std::invalid_argument("linearStack: biases and slopes must be arrays with one entry per layer");
  auto biasArr = info[2].As<Napi::Array>();
  auto slopeArr = info[3].As<Napi::Array>();
  std::vector<c10::optional<at::Tensor>> biases;
  std::vector<double> slopes;
  int64_t width = x.dim() >= 1 ? x.size(-1) : -1;
  for (uint32_t l = 0; l < weights.size(); l++) {
    Napi::Value bv = biasArr.Get(l), sv = slopeArr.Get(l);
    biases.push_back(bv.IsNull() || bv.IsUndefined() ? c10::nullopt
                                                      : c10::optional<at::Tensor>(TensorHandle::From(bv, "bias")));
    slopes.push_back(sv.IsNumber() ? sv.As<Napi::Number>().DoubleValue() : std::nan(""));
    const auto& w = weights[l];
    if (w.dim() != 2 || w.size(1) != width)
      throw std::invalid_argument("linearStack: layer " + std::to_string(l) + " weight of shape " + ShapeString(w) +
                                  " does not take an input of width " + std::to_string(width));
    width = w.size(0);
  }
  if (FusedInferenceEnabled() && LinearStackInferenceSupported(x, weights, biases))
    return Wrap(info, LinearStackInference(x, weights, biases, slopes));
  at::Tensor y = x;
  for (size_t l = 0; l < weights.size(); l++) y = ApplyActivation(at::linear(y, weights[l], biases[l]), slopes[l]);
  return Wrap(info, y);
}

// lstm(input, h0, c0, params, hasBiases, numLayers, dropout, train, bidirectional, batchFirst)
// -> [output, hN, cN]. params per layer: w_ih, w_hh, (b_ih, b_hh).
// Without gradients in eval mode (scoring) it runs the fused inference kernel
// (inference.cc), unless setFusedInference(false) asked for torch's.
NORMALCY_FN(Lstm) {
  auto& x = T(info, 0);
  auto& h0 = T(info, 1);
  auto& c0 = T(info, 2);
  auto params = TensorList(info[3], "params");
  bool hasBiases = BoolOr(info, 4, true);
  int64_t layers = IntOr(info, 5, 1);
  bool train = BoolOr(info, 7, true);
  bool bidirectional = BoolOr(info, 8, false);
  bool batchFirst = BoolOr(info, 9, true);
  if (FusedInferenceEnabled() && LstmInferenceSupported(x, h0, c0, params, train, bidirectional)) {
    auto r = LstmInference(x, h0, c0, params, hasBiases, layers, batchFirst);
    return WrapAll(info, {std::get<0>(r), std::get<1>(r), std::get<2>(r)});
  }
  auto r = at::lstm(x, {h0, c0}, params, hasBiases, layers, NumOr(info, 6, 0.0), train, bidirectional, batchFirst);
  return WrapAll(info, {std::get<0>(r), std::get<1>(r), std::get<2>(r)});
}

// gru(input, h0, params, hasBiases, numLayers, dropout, train, bidirectional, batchFirst) -> [output, hN]
// Without gradients in eval mode it runs the fused kernel of inference.cc, as lstm.
NORMALCY_FN(Gru) {
  auto& x = T(info, 0);
  auto& h0 = T(info, 1);
  auto params = TensorList(info[2], "params");
  bool hasBiases = BoolOr(info, 3, true);
  int64_t layers = IntOr(info, 4, 1);
  bool train = BoolOr(info, 6, true);
  bool bidirectional = BoolOr(info, 7, false);
  bool batchFirst = BoolOr(info, 8, true);
  if (FusedInferenceEnabled() && GruInferenceSupported(x, h0, params, train, bidirectional)) {
    auto r = GruInference(x, h0, params, hasBiases, layers, batchFirst);
    return WrapAll(info, {std::get<0>(r), std::get<1>(r)});
  }
  auto r = at::gru(x, h0, params, hasBiases, layers, NumOr(info, 5, 0.0), train, bidirectional, batchFirst);
  return WrapAll(info, {std::get<0>(r), std::get<1>(r)});
}

// The single-step recurrent ops below advance a batch of sequences by one time step in
// place (live scoring steps many windows at once: models/sliding-windows.ts). Row
// `openRow` of the state (if >= 0) is first reset to zero: a sequence that starts now.
// x is [batch, in] or [1, in] (one input for every row). No autograd (inference only).
static void OpenRow(int64_t row, std::initializer_list<at::Tensor*> states) {
  for (auto* s : states) {
    if (row >= s->size(0))
      throw std::invalid_argument("openRow " + std::to_string(row) + " is beyond the batch of " +
                                  std::to_string(s->size(0)));
    if (row >= 0) s->select(0, row).zero_();
  }
}

static void CheckStep(const char* what, const at::Tensor& x, const at::Tensor& h, const at::Tensor& wih,
                      const at::Tensor& whh, int64_t gates) {
  const int64_t hidden = h.dim() == 2 ? h.size(1) : -1;
  if (x.dim() != 2 || h.dim() != 2 || !h.is_contiguous() || (x.size(0) != 1 && x.size(0) != h.size(0)) ||
      wih.dim() != 2 || whh.dim() != 2 || wih.size(0) != gates * hidden || wih.size(1) != x.size(1) ||
      whh.size(0) != gates * hidden || whh.size(1) != hidden)
    throw std::invalid_argument(std::string(what) + ": input " + ShapeString(x) + ", state " + ShapeString(h) +
                                ", weights " + ShapeString(wih) + " and " + ShapeString(whh) +
                                " do not fit (x [batch or 1, in], state [batch, hidden], w_ih [" +
                                std::to_string(gates) + " hidden, in], w_hh [" + std::to_string(gates) +
                                " hidden, hidden])");
}

// lstmStep(x, h, c, w_ih, w_hh, b_ih, b_hh, openRow): gates i, f, g, o as torch.nn.LSTMCell.
NORMALCY_FN(LstmStep) {
  at::NoGradGuard noGrad;
  auto& x = T(info, 0);
  auto& h = T(info, 1);
  auto& c = T(info, 2);
  auto& wih = T(info, 3);
  auto& whh = T(info, 4);
  CheckStep("lstmStep", x, h, wih, whh, 4);
  if (!c.sizes().equals(h.sizes()) || !c.is_contiguous())
    throw std::invalid_argument("lstmStep: cell state " + ShapeString(c) + " must match h " + ShapeString(h));
  OpenRow(IntOr(info, 7, -1), {&h, &c});
  at::Tensor bih = OptTensor(info, 5).value_or(at::Tensor()), bhh = OptTensor(info, 6).value_or(at::Tensor());
  if (FusedInferenceEnabled() && StepInferenceSupported(x, {&h, &c, &wih, &whh, &bih, &bhh})) {
    LstmStepInference(x, h, c, wih, whh, bih, bhh);
    return info.Env().Undefined();
  }
  auto gates = at::linear(h, whh, OptTensor(info, 6));
  gates.add_(at::linear(x, wih, OptTensor(info, 5)));
  auto g = gates.chunk(4, 1);
  g[0].sigmoid_();
  g[1].sigmoid_();
  g[2].tanh_();
  g[3].sigmoid_();
  c.mul_(g[1]).addcmul_(g[0], g[2]);
  at::tanh_out(h, c);
  h.mul_(g[3]);
  return info.Env().Undefined();
}

// gruStep(x, h, w_ih, w_hh, b_ih, b_hh, openRow): gates r, z, n as torch.nn.GRUCell,
// n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = n + z * (h - n).
NORMALCY_FN(GruStep) {
  at::NoGradGuard noGrad;
  auto& x = T(info, 0);
  auto& h = T(info, 1);
  auto& wih = T(info, 2);
  auto& whh = T(info, 3);
  CheckStep("gruStep", x, h, wih, whh, 3);
  OpenRow(IntOr(info, 6, -1), {&h});
  at::Tensor bih = OptTensor(info, 4).value_or(at::Tensor()), bhh = OptTensor(info, 5).value_or(at::Tensor());
  if (FusedInferenceEnabled() && StepInferenceSupported(x, {&h, &wih, &whh, &bih, &bhh})) {
    GruStepInference(x, h, wih, whh, bih, bhh);
    return info.Env().Undefined();
  }
  auto gi = at::linear(x, wih, OptTensor(info, 4)).chunk(3, 1);
  auto gh = at::linear(h, whh, OptTensor(info, 5)).chunk(3, 1);
  auto r = gh[0].add_(gi[0]).sigmoid_();
  auto z = gh[1].add_(gi[1]).sigmoid_();
  auto n = gh[2].mul_(r).add_(gi[2]).tanh_();
  h.sub_(n).mul_(z).add_(n);
  return info.Env().Undefined();
}

// conv1d/conv2d(x, weight, bias?, stride, padding, dilation, groups); conv1d
// takes an activation slope too (see linear) and, without gradients, runs the
// im2col + sgemm kernel of inference.cc where it applies.
NORMALCY_FN(Conv1d) {
  auto& x = T(info, 0);
  auto& w = T(info, 1);
  auto bias = OptTensor(info, 2);
  auto stride = IntList(info[3], "stride");
  auto padding = IntList(info[4], "padding");
  auto dilation = IntList(info[5], "dilation");
  int64_t groups = IntOr(info, 6, 1);
  double slope = ActivationSlope(info, 7);
  if (FusedInferenceEnabled() && Conv1dInferenceSupported(x, w, bias, stride, padding, dilation, groups))
    return Wrap(info, Conv1dInference(x, w, bias, padding[0], slope));
  return Wrap(info, ApplyActivation(at::conv1d(x, w, bias, stride, padding, dilation, groups), slope));
}
// conv2d takes its input channels-last (NHWC strides; shape and values are
// unchanged): oneDNN's convolution then skips the reorders from and to NCHW
// in the forward and backward passes, and the ReLU, pooling and upsampling
// after it run torch's channels-last kernels, which vectorise over channels.
// Its output stays channels-last. Measured (PyTorch 1.13, the conv2d case of
// bench:engine, batch 256, 2 threads, under load): CPU per training step
// 1.11 s in NCHW, 0.71-0.76 s channels-last, same losses.
static at::Tensor ChannelsLast(const at::Tensor& x) {
  if (x.dim() != 4 || x.scalar_type() != at::kFloat || !x.device().is_cpu()) return x;
  return x.contiguous(at::MemoryFormat::ChannelsLast);
}
NORMALCY_FN(Conv2d) {
  return Wrap(info, at::conv2d(ChannelsLast(T(info, 0)), T(info, 1), OptTensor(info, 2), IntList(info[3], "stride"),
                               IntList(info[4], "padding"), IntList(info[5], "dilation"), IntOr(info, 6, 1)));
}
// convTranspose1d/2d(x, weight, bias?, stride, padding, outputPadding, groups, dilation)
NORMALCY_FN(ConvTranspose1d) {
  return Wrap(info, at::conv_transpose1d(T(info, 0), T(info, 1), OptTensor(info, 2), IntList(info[3], "stride"),
                                         IntList(info[4], "padding"), IntList(info[5], "outputPadding"),
                                         IntOr(info, 6, 1), IntList(info[7], "dilation")));
}
NORMALCY_FN(ConvTranspose2d) {
  return Wrap(info, at::conv_transpose2d(T(info, 0), T(info, 1), OptTensor(info, 2), IntList(info[3], "stride"),
                                         IntList(info[4], "padding"), IntList(info[5], "outputPadding"),
                                         IntOr(info, 6, 1), IntList(info[7], "dilation")));
}
// maxPool1d/2d(x, kernel, stride, padding, ceilMode)
NORMALCY_FN(MaxPool1d) {
  return Wrap(info, at::max_pool1d(T(info, 0), IntList(info[1], "kernel"), IntList(info[2], "stride"),
                                   IntList(info[3], "padding"), {1}, BoolOr(info, 4, false)));
}
NORMALCY_FN(MaxPool2d) {
  return Wrap(info, at::max_pool2d(T(info, 0), IntList(info[1], "kernel"), IntList(info[2], "stride"),
                                   IntList(info[3], "padding"), {1, 1}, BoolOr(info, 4, false)));
}
NORMALCY_FN(AvgPool1d) {
  return Wrap(info, at::avg_pool1d(T(info, 0), IntList(info[1], "kernel"), IntList(info[2], "stride"),
                                   IntList(info[3], "padding")));
}
NORMALCY_FN(AvgPool2d) {
  return Wrap(info, at::avg_pool2d(T(info, 0), IntList(info[1], "kernel"), IntList(info[2], "stride"),
                                   IntList(info[3], "padding")));
}
NORMALCY_FN(AdaptiveAvgPool1d) { return Wrap(info, at::adaptive_avg_pool1d(T(info, 0), IntList(info[1], "size"))); }
NORMALCY_FN(AdaptiveAvgPool2d) { return Wrap(info, at::adaptive_avg_pool2d(T(info, 0), IntList(info[1], "size"))); }

// upsampleNearest(x, scale): 3-D input [n, c, l] or 4-D [n, c, h, w], integer or real scale.
NORMALCY_FN(UpsampleNearest) {
  auto& x = T(info, 0);
  double s = Num(info, 1, "scale");
  if (x.dim() == 3) {
    int64_t l = static_cast<int64_t>(std::floor(x.size(2) * s));
    return Wrap(info, at::upsample_nearest1d(x, at::IntArrayRef({l}), c10::optional<double>(s)));
  }
  if (x.dim() == 4) {
    int64_t h = static_cast<int64_t>(std::floor(x.size(2) * s));
    int64_t w = static_cast<int64_t>(std::floor(x.size(3) * s));
    return Wrap(info, at::upsample_nearest2d(x, at::IntArrayRef({h, w}), c10::optional<double>(s), c10::optional<double>(s)));
  }
  throw std::invalid_argument("upsampleNearest needs a 3-D or 4-D input, got shape " + ShapeString(x));
}

// batchNorm(x, weight?, bias?, runningMean?, runningVar?, training, momentum, eps)
NORMALCY_FN(BatchNorm) {
  return Wrap(info, at::batch_norm(T(info, 0), OptTensor(info, 1), OptTensor(info, 2), OptTensor(info, 3),
                                   OptTensor(info, 4), BoolOr(info, 5, true), NumOr(info, 6, 0.1),
                                   NumOr(info, 7, 1e-5), false));
}
NORMALCY_FN(LayerNorm) {
  return Wrap(info, at::layer_norm(T(info, 0), IntList(info[1], "shape"), OptTensor(info, 2), OptTensor(info, 3),
                                   NumOr(info, 4, 1e-5)));
}
NORMALCY_FN(Dropout) { return Wrap(info, at::dropout(T(info, 0), NumOr(info, 1, 0.5), BoolOr(info, 2, true))); }

// Losses: (prediction, target, reduction?)
NORMALCY_FN(MseLoss) {
  auto& a = T(info, 0);
  auto& b = T(info, 1);
  if (!a.sizes().equals(b.sizes()))
    throw std::invalid_argument("mse: prediction of shape " + ShapeString(a) + " and target of shape " +
                                ShapeString(b) + " differ");
  return Wrap(info, at::mse_loss(a, b, ParseReduction(info, 2)));
}
NORMALCY_FN(BceLoss) {
  return Wrap(info, at::binary_cross_entropy(T(info, 0), T(info, 1), {}, ParseReduction(info, 2)));
}
NORMALCY_FN(BceWithLogits) {
  return Wrap(info, at::binary_cross_entropy_with_logits(T(info, 0), T(info, 1), {}, {}, ParseReduction(info, 2)));
}
// crossEntropy(logits [n, classes], target [n] class indices, reduction?)
NORMALCY_FN(CrossEntropy) {
  auto& target = T(info, 1);
  at::Tensor t = target.scalar_type() == at::kLong ? target : target.to(at::kLong);
  return Wrap(info, at::cross_entropy_loss(T(info, 0), t, {}, ParseReduction(info, 2), -100, 0.0));
}

// Autograd.
NORMALCY_FN(SetRequiresGrad) {
  T(info, 0).requires_grad_(BoolOr(info, 1, true));
  return info.Env().Undefined();
}
NORMALCY_FN(RequiresGrad) { return Napi::Boolean::New(info.Env(), T(info, 0).requires_grad()); }
NORMALCY_FN(Grad) {
  const auto& g = T(info, 0).grad();
  if (!g.defined()) return info.Env().Undefined();
  return Wrap(info, g);
}
NORMALCY_FN(Backward) {
  auto& t = T(info, 0);
  if (IsMissing(info, 1)) {
    if (t.numel() != 1)
      throw std::invalid_argument("backward() without a gradient needs a scalar, got shape " + ShapeString(t));
    t.backward();
  } else {
    t.backward(T(info, 1));
  }
  return info.Env().Undefined();
}
NORMALCY_FN(ZeroGrad) {
  T(info, 0).mutable_grad().reset();
  return info.Env().Undefined();
}

void RegisterNN(Napi::Env env, Napi::Object exports) {
  REG("linear", Linear);
  REG("linearStack", LinearStack);
  REG("lstm", Lstm);
  REG("gru", Gru);
  REG("lstmStep", LstmStep);
  REG("gruStep", GruStep);
  REG("conv1d", Conv1d);
  REG("conv2d", Conv2d);
  REG("convTranspose1d", ConvTranspose1d);
  REG("convTranspose2d", ConvTranspose2d);
  REG("maxPool1d", MaxPool1d);
  REG("maxPool2d", MaxPool2d);
  REG("avgPool1d", AvgPool1d);
  REG("avgPool2d", AvgPool2d);
  REG("adaptiveAvgPool1d", AdaptiveAvgPool1d);
  REG("adaptiveAvgPool2d", AdaptiveAvgPool2d);
  REG("upsampleNearest", UpsampleNearest);
  REG("batchNorm", BatchNorm);
  REG("layerNorm", LayerNorm);
  REG("dropout", Dropout);
  REG("mseLoss", MseLoss);
  REG("bceLoss", BceLoss);
  REG("bceWithLogits", BceWithLogits);
  REG("crossEntropy", CrossEntropy);
  REG("setRequiresGrad", SetRequiresGrad);
  REG("requiresGrad", RequiresGrad);
  REG("grad", Grad);
  REG("backward", Backward);
  REG("zeroGrad", ZeroGrad);
}

}  // namespace normalcy
