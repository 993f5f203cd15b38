// One-Class SVM (Schölkopf et al.) with an RBF kernel, trained by libsvm's solver
// (the one scikit-learn wraps). After training, the support vectors, their
// coefficients and rho are copied into storage this handle owns, and libsvm's model
// and the training problem are freed; decisions then run through svm_predict_values
// on a model built by hand from those arrays. A model restored with load() goes
// through the same path, so its decisions are bit-identical to the trained one's.
#include "common.h"
#include <svm.h>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace normalcy {

namespace {

void SilentPrint(const char*) {}

// A Float64Array argument, checked to hold at least `need` values.
const double* Doubles(const Napi::CallbackInfo& info, size_t i, size_t need, const char* what) {
  if (!info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw std::invalid_argument(std::string(what) + " must be a Float64Array");
  }
  auto arr = info[i].As<Napi::Float64Array>();
  if (arr.ElementLength() != need) {
    throw std::invalid_argument(std::string(what) + " has " + std::to_string(arr.ElementLength()) +
                                " values, expected rows * cols = " + std::to_string(need));
  }
  return arr.Data();
}

int64_t Count(const Napi::CallbackInfo& info, size_t i, const char* what) {
  double v = Num(info, i, what);
  if (!(v >= 1) || v != std::floor(v) || v > 2147483647.0) {
    throw std::invalid_argument(std::string(what) + " must be a positive integer");
  }
  return static_cast<int64_t>(v);
}

// Dense rows as libsvm's sparse nodes: every feature is stored (index 1..cols),
// each row ended by index -1. Zeros are kept so kernels match dense libsvm exactly.
void FillNodes(const double* data, int64_t rows, int64_t cols, std::vector<svm_node>& nodes,
               std::vector<svm_node*>& rowPtrs) {
  nodes.resize(static_cast<size_t>(rows * (cols + 1)));
  rowPtrs.resize(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; r++) {
    svm_node* row = &nodes[static_cast<size_t>(r * (cols + 1))];
    rowPtrs[static_cast<size_t>(r)] = row;
    for (int64_t c = 0; c < cols; c++) {
      double v = data[r * cols + c];
      if (!std::isfinite(v)) {
        throw std::invalid_argument("data must be finite (row " + std::to_string(r) + ", column " +
                                    std::to_string(c) + " is " + std::to_string(v) + ")");
      }
      row[c].index = static_cast<int>(c + 1);
      row[c].value = v;
    }
    row[cols].index = -1;
    row[cols].value = 0;
  }
}

// Frees a trained libsvm model on every path out of fit().
struct TrainedModel {
  svm_model* model = nullptr;
  ~TrainedModel() {
    if (model) svm_free_and_destroy_model(&model);
  }
};

}  // namespace

class OneClassSvmHandle : public Napi::ObjectWrap<OneClassSvmHandle> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "OneClassSvmHandle",
                       {InstanceMethod("fit", &OneClassSvmHandle::Fit),
                        InstanceMethod("decision", &OneClassSvmHandle::Decision),
                        InstanceMethod("serialize", &OneClassSvmHandle::Serialize),
                        InstanceMethod("load", &OneClassSvmHandle::Load),
                        InstanceMethod("isFitted", &OneClassSvmHandle::IsFitted)});
  }

  explicit OneClassSvmHandle(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<OneClassSvmHandle>(info) {}

 private:
  // fit(data, rows, cols, {nu, gamma, tol, cacheMb, shrinking})
  //   -> {nSupport, rho, supportIndices: Int32Array (0-based training rows)}
  Napi::Value Fit(const Napi::CallbackInfo& info) {
    return Guard(info, [this](const Napi::CallbackInfo& info) -> Napi::Value {
      int64_t rows = Count(info, 1, "rows");
      int64_t cols = Count(info, 2, "cols");
      const double* data = Doubles(info, 0, static_cast<size_t>(rows * cols), "data");
      if (!info[3].IsObject()) throw std::invalid_argument("options {nu, gamma} are required");
      Napi::Object o = info[3].As<Napi::Object>();
      auto num = [&](const char* key, double fallback, bool required) {
        Napi::Value v = o.Get(key);
        if (v.IsUndefined() && !required) return fallback;
        if (!v.IsNumber()) throw std::invalid_argument(std::string("option ") + key + " must be a number");
        return v.As<Napi::Number>().DoubleValue();
      };
      double nu = num("nu", 0, true);
      double gamma = num("gamma", 0, true);
      double tol = num("tol", 1e-3, false);
      double cacheMb = num("cacheMb", 200, false);
      Napi::Value shrinkV = o.Get("shrinking");
      bool shrinking = shrinkV.IsUndefined() ? true : shrinkV.ToBoolean().Value();
      if (!(nu > 0 && nu <= 1)) throw std::invalid_argument("nu must be in (0, 1], got " + std::to_string(nu));
      if (!(gamma > 0) || !std::isfinite(gamma)) throw std::invalid_argument("gamma must be positive and finite");
      if (!(tol > 0) || !std::isfinite(tol)) throw std::invalid_argument("tol must be positive");
      if (!(cacheMb > 0) || !std::isfinite(cacheMb)) throw std::invalid_argument("cacheMb must be positive");

      std::vector<svm_node> nodes;
      std::vector<svm_node*> rowPtrs;
      FillNodes(data, rows, cols, nodes, rowPtrs);
      std::vector<double> y(static_cast<size_t>(rows), 1.0);
      svm_problem prob;
      prob.l = static_cast<int>(rows);
      prob.y = y.data();
      prob.x = rowPtrs.data();

      svm_parameter param{};
      param.svm_type = ONE_CLASS;
      param.kernel_type = RBF;
      param.degree = 3;
      param.gamma = gamma;
      param.coef0 = 0;
      param.cache_size = cacheMb;
      param.eps = tol;
      param.C = 1;
      param.nr_weight = 0;
      param.weight_label = nullptr;
      param.weight = nullptr;
      param.nu = nu;
      param.p = 0.1;
      param.shrinking = shrinking ? 1 : 0;
      param.probability = 0;
      if (const char* err = svm_check_parameter(&prob, &param)) {
        throw std::invalid_argument(std::string("libsvm: ") + err);
      }

      TrainedModel trained;
      trained.model = svm_train(&prob, &param);
      if (!trained.model) throw std::runtime_error("libsvm: svm_train failed");
      svm_model* m = trained.model;
      int l = m->l;
      std::vector<double> sv(static_cast<size_t>(l) * static_cast<size_t>(cols));
      std::vector<double> coef(static_cast<size_t>(l));
      std::vector<int> indices(static_cast<size_t>(l));
      if (l > 0) svm_get_sv_indices(m, indices.data());
      for (int i = 0; i < l; i++) {
        coef[static_cast<size_t>(i)] = m->sv_coef[0][i];
        // SV rows point into our dense node rows, so every column is present in order.
        const svm_node* node = m->SV[i];
        for (int64_t c = 0; c < cols; c++) {
          if (node[c].index != c + 1) throw std::logic_error("libsvm returned an unexpected support vector layout");
          sv[static_cast<size_t>(i * cols + c)] = node[c].value;
        }
      }
      Install(cols, gamma, m->rho[0], std::move(sv), std::move(coef));

      Napi::Env env = info.Env();
      auto idx = Napi::Int32Array::New(env, static_cast<size_t>(l));
      for (int i = 0; i < l; i++) idx[static_cast<size_t>(i)] = indices[static_cast<size_t>(i)] - 1;
      Napi::Object out = Napi::Object::New(env);
      out.Set("nSupport", Napi::Number::New(env, l));
      out.Set("rho", Napi::Number::New(env, rho_));
      out.Set("supportIndices", idx);
      return out;
    });
  }

  // decision(data, rows) -> Float64Array of decision values (positive = inside).
  Napi::Value Decision(const Napi::CallbackInfo& info) {
    return Guard(info, [this](const Napi::CallbackInfo& info) -> Napi::Value {
      RequireFitted();
      int64_t rows = Count(info, 1, "rows");
      const double* data = Doubles(info, 0, static_cast<size_t>(rows * cols_), "data");
      std::vector<svm_node> row(static_cast<size_t>(cols_ + 1));
      auto out = Napi::Float64Array::New(info.Env(), static_cast<size_t>(rows));
      double* dst = out.Data();
      for (int64_t r = 0; r < rows; r++) {
        for (int64_t c = 0; c < cols_; c++) {
          double v = data[r * cols_ + c];
          if (!std::isfinite(v)) {
            throw std::invalid_argument("data must be finite (row " + std::to_string(r) + ", column " +
                                        std::to_string(c) + ")");
          }
          row[static_cast<size_t>(c)].index = static_cast<int>(c + 1);
          row[static_cast<size_t>(c)].value = v;
        }
        row[static_cast<size_t>(cols_)].index = -1;
        double dec = 0;
        svm_predict_values(&model_, row.data(), &dec);
        dst[r] = dec;
      }
      return out;
    });
  }

  // serialize() -> {cols, gamma, rho, coef: number[], supportVectors: number[] (row-major)}
  Napi::Value Serialize(const Napi::CallbackInfo& info) {
    return Guard(info, [this](const Napi::CallbackInfo& info) -> Napi::Value {
      RequireFitted();
      Napi::Env env = info.Env();
      auto coef = Napi::Array::New(env, coef_.size());
      for (size_t i = 0; i < coef_.size(); i++) coef.Set(static_cast<uint32_t>(i), coef_[i]);
      auto sv = Napi::Array::New(env, sv_.size());
      for (size_t i = 0; i < sv_.size(); i++) sv.Set(static_cast<uint32_t>(i), sv_[i]);
      Napi::Object out = Napi::Object::New(env);
      out.Set("cols", Napi::Number::New(env, static_cast<double>(cols_)));
      out.Set("gamma", Napi::Number::New(env, gamma_));
      out.Set("rho", Napi::Number::New(env, rho_));
      out.Set("coef", coef);
      out.Set("supportVectors", sv);
      return out;
    });
  }

  // load(cols, gamma, rho, coef: Float64Array, supportVectors: Float64Array)
  Napi::Value Load(const Napi::CallbackInfo& info) {
    return Guard(info, [this](const Napi::CallbackInfo& info) -> Napi::Value {
      int64_t cols = Count(info, 0, "cols");
      double gamma = Num(info, 1, "gamma");
      double rho = Num(info, 2, "rho");
      if (!(gamma > 0) || !std::isfinite(gamma)) throw std::invalid_argument("gamma must be positive and finite");
      if (!std::isfinite(rho)) throw std::invalid_argument("rho must be finite");
      if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
        throw std::invalid_argument("coef must be a Float64Array");
      }
      auto coefArr = info[3].As<Napi::Float64Array>();
      size_t l = coefArr.ElementLength();
      if (l == 0) throw std::invalid_argument("a model needs at least one support vector");
      const double* svData = Doubles(info, 4, l * static_cast<size_t>(cols), "supportVectors");
      std::vector<double> coef(coefArr.Data(), coefArr.Data() + l);
      std::vector<double> sv(svData, svData + l * static_cast<size_t>(cols));
      for (double v : coef)
        if (!std::isfinite(v)) throw std::invalid_argument("coef must be finite");
      for (double v : sv)
        if (!std::isfinite(v)) throw std::invalid_argument("supportVectors must be finite");
      Install(cols, gamma, rho, std::move(sv), std::move(coef));
      return info.Env().Undefined();
    });
  }

  Napi::Value IsFitted(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), fitted_);
  }

  void RequireFitted() const {
    if (!fitted_) throw std::logic_error("one-class SVM used before fit (or load)");
  }

  // Takes ownership of the arrays and builds the libsvm model that points into them.
  void Install(int64_t cols, double gamma, double rho, std::vector<double> sv, std::vector<double> coef) {
    size_t l = coef.size();
    std::vector<svm_node> nodes;
    std::vector<svm_node*> rows;
    FillNodes(sv.data(), static_cast<int64_t>(l), cols, nodes, rows);
    // Nothing below throws, so a failed fit or load leaves the previous model intact.
    cols_ = cols;
    gamma_ = gamma;
    rho_ = rho;
    sv_ = std::move(sv);
    coef_ = std::move(coef);
    svNodes_ = std::move(nodes);  // a move keeps the buffer the row pointers refer to
    svRows_ = std::move(rows);
    coefRow_ = coef_.data();
    rhoStore_ = rho_;

    model_ = svm_model{};
    model_.param.svm_type = ONE_CLASS;
    model_.param.kernel_type = RBF;
    model_.param.degree = 3;
    model_.param.gamma = gamma_;
    model_.param.coef0 = 0;
    model_.nr_class = 2;
    model_.l = static_cast<int>(l);
    model_.SV = svRows_.data();
    model_.sv_coef = &coefRow_;
    model_.rho = &rhoStore_;
    model_.free_sv = 0;
    // Reported to the GC roughly: support vectors as doubles and as nodes.
    int64_t bytes = static_cast<int64_t>(sv_.size() * sizeof(double) + svNodes_.size() * sizeof(svm_node) +
                                         coef_.size() * sizeof(double));
    Napi::MemoryManagement::AdjustExternalMemory(Env(), bytes - reportedBytes_);
    reportedBytes_ = bytes;
    fitted_ = true;
  }

  void Finalize(Napi::Env env) override {
    if (reportedBytes_) Napi::MemoryManagement::AdjustExternalMemory(env, -reportedBytes_);
    reportedBytes_ = 0;
  }

  bool fitted_ = false;
  int64_t cols_ = 0;
  double gamma_ = 0;
  double rho_ = 0;
  std::vector<double> sv_;
  std::vector<double> coef_;
  std::vector<svm_node> svNodes_;
  std::vector<svm_node*> svRows_;
  double* coefRow_ = nullptr;
  double rhoStore_ = 0;
  svm_model model_{};
  int64_t reportedBytes_ = 0;
};

void RegisterSvm(Napi::Env env, Napi::Object exports) {
  svm_set_print_string_function(&SilentPrint);
  exports.Set("OneClassSvmHandle", OneClassSvmHandle::Init(env));
}

}  // namespace normalcy
