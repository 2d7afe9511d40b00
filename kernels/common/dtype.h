// Element types the raw (pointer-based) kernel entry points accept, torch-free so the CUDA
// translation units and cf-selftest can share the declarations.
#pragma once

namespace cf::kernels {

enum class Elem { F32, BF16, F64 };  // F64: gradient buckets only (fp64 reduction)

}  // namespace cf::kernels
