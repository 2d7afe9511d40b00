# CUDA is optional: auto-detected from PATH or /usr/local/cuda; -DCF_CUDA=OFF disables it.
option(CF_CUDA "Build CUDA kernels when a CUDA toolkit is found" ON)
set(CF_HAVE_CUDA OFF)
if(CF_CUDA)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 80 90)
    endif()
    enable_language(CUDA)
    set(CMAKE_CUDA_STANDARD 17)
    set(CF_HAVE_CUDA ON)
    # Every .cu is a CI gate: nvcc's own warnings, the host compiler's (-Wall -Wextra) and
    # ptxas' are errors, and ptxas fails on any register spill or local-memory stack frame
    # (-warn-spills, -warn-lmem-usage with -Werror), for each architecture above.
    add_compile_options("$<$<COMPILE_LANGUAGE:CUDA>:--Werror=all-warnings>"
                        "$<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra,-Wno-unused-parameter,-Werror>"
                        "$<$<COMPILE_LANGUAGE:CUDA>:-Xptxas=-warn-spills,-warn-lmem-usage,-Werror>")
  endif()
endif()
message(STATUS "cornerforge: CUDA kernels ${CF_HAVE_CUDA}")
