# Every dependency comes from Debian's packages (tools/bootstrap.sh installs them).
find_package(MPI REQUIRED COMPONENTS C CXX)

set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "cornerforge needs parallel HDF5 (Debian: libhdf5-openmpi-dev)")
endif()
add_library(cf_hdf5 INTERFACE)
target_include_directories(cf_hdf5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(cf_hdf5 INTERFACE ${HDF5_C_LIBRARIES} MPI::MPI_C)
target_compile_definitions(cf_hdf5 INTERFACE ${HDF5_DEFINITIONS})

find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs videoio img_hash)
find_package(spdlog REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)
find_package(GTest REQUIRED)

# LibTorch (Debian's libtorch-dev, CPU). Its headers cost ~20 s per file: only targets that
# need it link cf_torch, and they share one precompiled header (cmake/torch_pch.h).
find_package(Torch REQUIRED)
add_library(cf_torch INTERFACE)
target_link_libraries(cf_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(cf_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})

find_package(OpenMP REQUIRED)  # before faiss: its CMake package names OpenMP::OpenMP_CXX
find_package(faiss REQUIRED)
find_package(CURL REQUIRED)
