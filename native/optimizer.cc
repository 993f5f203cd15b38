// torch's optimizers (Adam, SGD, RMSprop) over a list of parameter tensors.
#include "common.h"
#include <torch/optim.h>
#include <memory>

namespace normalcy {

class OptimizerHandle : public Napi::ObjectWrap<OptimizerHandle> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "OptimizerHandle",
                       {InstanceMethod("step", &OptimizerHandle::Step),
                        InstanceMethod("zeroGrad", &OptimizerHandle::ZeroGrad),
                        InstanceMethod("setLr", &OptimizerHandle::SetLr),
                        InstanceMethod("getLr", &OptimizerHandle::GetLr)});
  }

  // new OptimizerHandle(kind, params, options)
  explicit OptimizerHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OptimizerHandle>(info) {
    Guard(info, [this](const Napi::CallbackInfo& info) -> Napi::Value {
      kind_ = Str(info, 0, "optimizer kind");
      auto params = TensorList(info[1], "params");
      Napi::Object o = info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(info.Env());
      auto get = [&](const char* key, double fallback) {
        Napi::Value v = o.Get(key);
        return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
      };
      auto flag = [&](const char* key) { return o.Get(key).ToBoolean().Value(); };
      if (kind_ == "adam") {
        auto opts = torch::optim::AdamOptions(get("lr", 1e-3))
                        .betas({get("beta1", 0.9), get("beta2", 0.999)})
                        .eps(get("eps", 1e-8))
                        .weight_decay(get("weightDecay", 0.0))
                        .amsgrad(flag("amsgrad"));
        opt_ = std::make_unique<torch::optim::Adam>(params, opts);
      } else if (kind_ == "sgd") {
        auto opts = torch::optim::SGDOptions(get("lr", 1e-2))
                        .momentum(get("momentum", 0.0))
                        .dampening(get("dampening", 0.0))
                        .weight_decay(get("weightDecay", 0.0))
                        .nesterov(flag("nesterov"));
        opt_ = std::make_unique<torch::optim::SGD>(params, opts);
      } else if (kind_ == "rmsprop") {
        auto opts = torch::optim::RMSpropOptions(get("lr", 1e-2))
                        .alpha(get("alpha", 0.99))
                        .eps(get("eps", 1e-8))
                        .weight_decay(get("weightDecay", 0.0))
                        .momentum(get("momentum", 0.0))
                        .centered(flag("centered"));
        opt_ = std::make_unique<torch::optim::RMSprop>(params, opts);
      } else {
        throw std::invalid_argument("unknown optimizer '" + kind_ + "' (adam, sgd or rmsprop)");
      }
      return info.Env().Undefined();
    });
  }

 private:
  Napi::Value Step(const Napi::CallbackInfo& info) {
    return Guard(info, [this](const Napi::CallbackInfo& info) -> Napi::Value {
      opt_->step();
      return info.Env().Undefined();
    });
  }
  Napi::Value ZeroGrad(const Napi::CallbackInfo& info) {
    return Guard(info, [this](const Napi::CallbackInfo& info) -> Napi::Value {
      // Setting grads to none (as PyTorch 2 does by default) skips a memset per step.
      for (auto& group : opt_->param_groups())
        for (auto& p : group.params()) p.mutable_grad().reset();
      return info.Env().Undefined();
    });
  }
  Napi::Value SetLr(const Napi::CallbackInfo& info) {
    return Guard(info, [this](const Napi::CallbackInfo& info) -> Napi::Value {
      double lr = Num(info, 0, "learning rate");
      if (!(lr > 0)) throw std::invalid_argument("learning rate must be positive");
      for (auto& group : opt_->param_groups()) group.options().set_lr(lr);
      return info.Env().Undefined();
    });
  }
  Napi::Value GetLr(const Napi::CallbackInfo& info) {
    return Guard(info, [this](const Napi::CallbackInfo& info) -> Napi::Value {
      return Napi::Number::New(info.Env(), opt_->param_groups().at(0).options().get_lr());
    });
  }

  std::string kind_;
  std::unique_ptr<torch::optim::Optimizer> opt_;
};

void RegisterOptimizer(Napi::Env env, Napi::Object exports) {
  exports.Set("OptimizerHandle", OptimizerHandle::Init(env));
}

}  // namespace normalcy
