{
  "targets": [
    {
      "target_name": "normalcy_torch",
      "sources": [
        "native/addon.cc",
        "native/tensor.cc",
        "native/creation.cc",
        "native/math_ops.cc",
        "native/shape_ops.cc",
        "native/nn_ops.cc",
        "native/inference.cc",
        "native/optimizer.cc",
        "native/svm.cc",
        "native/gemm_route.cc",
        "native/block_cache.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "/usr/include/torch/csrc/api/include",
        "/usr/include/libsvm"
      ],
      "libraries": ["-ltorch", "-ltorch_cpu", "-lc10", "-lsvm", "-l:libdnnl.so.2"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": [
        "-std=c++17",
        "-O2",
        "-fno-trapping-math",
        "-fopenmp",
        "-frtti",
        "-fexceptions",
        "-Wno-unused-parameter"
      ],
      "ldflags": ["-fopenmp"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"]
    }
  ]
}
