// Shape and indexing ops: reshape, permute, slice, index_select, cat, stack, pad.
#include "common.h"

namespace normalcy {

NORMALCY_FN(Reshape) { return Wrap(info, T(info, 0).reshape(IntList(info[1], "shape"))); }
NORMALCY_FN(Permute) { return Wrap(info, T(info, 0).permute(IntList(info[1], "dims"))); }
NORMALCY_FN(Transpose) {
  return Wrap(info, T(info, 0).transpose(IntOr(info, 1, 0), IntOr(info, 2, 1)));
}
NORMALCY_FN(Squeeze) {
  if (IsMissing(info, 1)) return Wrap(info, T(info, 0).squeeze());
  return Wrap(info, T(info, 0).squeeze(IntOr(info, 1, 0)));
}
NORMALCY_FN(Unsqueeze) { return Wrap(info, T(info, 0).unsqueeze(IntOr(info, 1, 0))); }
NORMALCY_FN(Flatten) { return Wrap(info, T(info, 0).flatten(IntOr(info, 1, 0), IntOr(info, 2, -1))); }
NORMALCY_FN(Expand) { return Wrap(info, T(info, 0).expand(IntList(info[1], "shape"))); }
NORMALCY_FN(Repeat) { return Wrap(info, T(info, 0).repeat(IntList(info[1], "repeats"))); }
// slice(t, dim, start, end, step): end may be undefined for "to the end".
NORMALCY_FN(Slice) {
  c10::optional<int64_t> start, end;
  if (!IsMissing(info, 2)) start = IntOr(info, 2, 0);
  if (!IsMissing(info, 3)) end = IntOr(info, 3, 0);
  return Wrap(info, T(info, 0).slice(IntOr(info, 1, 0), start, end, IntOr(info, 4, 1)));
}
NORMALCY_FN(IndexSelect) {
  auto& idx = T(info, 2);
  at::Tensor i = (idx.scalar_type() == at::kLong || idx.scalar_type() == at::kInt) ? idx : idx.to(at::kLong);
  return Wrap(info, at::index_select(T(info, 0), IntOr(info, 1, 0), i));
}
NORMALCY_FN(Gather) { return Wrap(info, at::gather(T(info, 0), IntOr(info, 1, 0), T(info, 2))); }
NORMALCY_FN(MaskedSelect) { return Wrap(info, at::masked_select(T(info, 0), T(info, 1).to(at::kBool))); }
NORMALCY_FN(Cat) { return Wrap(info, at::cat(TensorList(info[0], "tensors"), IntOr(info, 1, 0))); }
NORMALCY_FN(Stack) { return Wrap(info, at::stack(TensorList(info[0], "tensors"), IntOr(info, 1, 0))); }
NORMALCY_FN(Flip) { return Wrap(info, at::flip(T(info, 0), IntList(info[1], "dims"))); }
NORMALCY_FN(Chunk) { return WrapAll(info, at::chunk(T(info, 0), IntOr(info, 1, 2), IntOr(info, 2, 0))); }
// pad(t, pads, mode?, value?): pads as torch orders them, last dimension first.
NORMALCY_FN(Pad) {
  std::string mode = IsMissing(info, 2) ? "constant" : Str(info, 2, "mode");
  auto pads = IntList(info[1], "pads");
  if (mode == "constant") return Wrap(info, at::constant_pad_nd(T(info, 0), pads, NumOr(info, 3, 0.0)));
  auto& t = T(info, 0);
  int64_t spatial = static_cast<int64_t>(pads.size() / 2);
  if (mode == "reflect") {
    if (spatial == 1) return Wrap(info, at::reflection_pad1d(t, pads));
    if (spatial == 2) return Wrap(info, at::reflection_pad2d(t, pads));
  } else if (mode == "replicate") {
    if (spatial == 1) return Wrap(info, at::replication_pad1d(t, pads));
    if (spatial == 2) return Wrap(info, at::replication_pad2d(t, pads));
  } else {
    throw std::invalid_argument("unknown pad mode '" + mode + "' (constant, reflect or replicate)");
  }
  throw std::invalid_argument("pad mode '" + mode + "' supports 1 or 2 padded dimensions");
}

void RegisterShape(Napi::Env env, Napi::Object exports) {
  REG("reshape", Reshape);
  REG("permute", Permute);
  REG("transpose", Transpose);
  REG("squeeze", Squeeze);
  REG("unsqueeze", Unsqueeze);
  REG("flatten", Flatten);
  REG("expand", Expand);
  REG("repeat", Repeat);
  REG("slice", Slice);
  REG("indexSelect", IndexSelect);
  REG("gather", Gather);
  REG("maskedSelect", MaskedSelect);
  REG("cat", Cat);
  REG("stack", Stack);
  REG("flip", Flip);
  REG("chunk", Chunk);
  REG("pad", Pad);
}

}  // namespace normalcy
