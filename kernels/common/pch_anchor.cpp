// Compiles kernels/'s shared LibTorch precompiled header (cmake/torch_pch.h) once; the op
// libraries, tests and benchmarks reuse it (target_precompile_headers REUSE_FROM cf_kernels_pch).
