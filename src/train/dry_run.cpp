#include "train/dry_run.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "model/hf_config.h"

namespace cf {
namespace {

TrainShape g_flags;  // --world/--seq-len/--images from the command line (0 = unset)
bool g_world_set = false, g_seq_set = false, g_images_set = false;

// Saved activations of one pre-norm transformer layer per token (bytes, e = activation dtype
// size): norm inputs and their fp32 copies, projections' inputs and outputs, rotated q/k, GQA
// repeats, fp32 softmax plus its cast (heads x keys), MLP intermediates (3 for SwiGLU/quick-GELU).
int64_t layer_bytes_per_token(int64_t e, int64_t d, int64_t kv, int64_t f, int64_t heads, int64_t keys) {
  return e * (8 * d + 3 * kv + 4 * f) + 8 * d + (4 + e) * heads * keys;
}

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "cf-train: %s\n", what.c_str());
  std::exit(2);
}

}  // namespace

Zero2MemoryPlan plan_train_memory(const ModelConfig& m, const TrainShape& s) {
  const int64_t e = s.bf16 ? 2 : 4;
  Zero2MemoryPlan p = plan_zero2_memory(m.parameter_count(), s.world, e, s.fp64_reduce ? 8 : 4, s.bucket_elements);
  const auto& t = m.text;
  const int64_t tokens = s.micro_batch * s.seq_len;
  int64_t act =
      t.layers * tokens * layer_bytes_per_token(e, t.hidden, t.kv_heads * t.head_dim(), t.ffn, t.heads, s.seq_len);
  act += tokens * t.vocab * (e + 4 + 4);  // logits, fp32 log-softmax and its gradient
  if (m.has_vision && s.images > 0) {
    const auto& v = m.vision;
    const int64_t vt = v.patches() + 1, n = s.micro_batch * s.images;
    // CLIP's MLP keeps 3 intermediates (fc1 out, sigmoid, product), SwiGLU's 4: f = 3/4 mlp.
    act += v.layers * n * vt * layer_bytes_per_token(e, v.hidden, v.hidden, v.mlp * 3 / 4, v.heads, vt);
  }
  p.activation_bytes = act;
  return p;
}

ModelConfig model_config_from_path(const std::string& path) {
  namespace fs = std::filesystem;
  if (fs::is_directory(path)) {
    if (is_hf_dir(path)) return read_hf_config(path).model;
    if (fs::exists(path + "/model.toml")) return load_model_config(path + "/model.toml");
    throw ConfigError("'" + path + "' has neither config.json (HF) nor model.toml (ours)");
  }
  return load_model_config(path);
}

bool take_dry_run_flags(int& argc, char** argv) {
  bool dry = false;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](int64_t& dst, bool& set) {
      dst = i + 1 < argc ? std::atoll(argv[++i]) : 0;
      if (dst <= 0) usage_error(a + " needs a value > 0");
      set = true;
    };
    if (a == "--dry-run") dry = true;
    else if (a == "--world") value(g_flags.world, g_world_set);
    else if (a == "--seq-len") value(g_flags.seq_len, g_seq_set);
    else if (a == "--images") value(g_flags.images, g_images_set);
    else argv[out++] = argv[i];
  }
  if (!dry && (g_world_set || g_seq_set || g_images_set)) usage_error("--world, --seq-len and --images need --dry-run");
  argc = out;
  argv[argc] = nullptr;
  return dry;
}

StageCounts run_train_dry_run(JobContext& ctx) {
  const Config& c = ctx.config;
  const std::string init = c.get_string("model.init");
  const std::string source = !init.empty() && std::filesystem::is_directory(init) ? init : c.get_string("model.preset");
  const ModelConfig m = model_config_from_path(source);
  TrainShape s;
  s.world = g_world_set ? g_flags.world : ctx.mpi.world();
  s.micro_batch = c.get_int("train.micro_batch");
  s.seq_len = g_seq_set ? g_flags.seq_len : std::min<int64_t>(m.text.max_positions, 2048);
  s.images = m.has_vision ? (g_images_set ? g_flags.images : 1) : 0;
  s.bucket_elements = c.get_int("zero.bucket_elements");
  s.bf16 = c.get_string("train.dtype") == "bf16";
  s.fp64_reduce = c.get_string("zero.reduce_dtype") == "fp64";
  const Zero2MemoryPlan p = plan_train_memory(m, s);
  StageCounts counts;
  if (!ctx.mpi.is_root()) return counts;
  auto gib = [](int64_t b) { return static_cast<double>(b) / (1 << 30); };
  spdlog::info("dry run: model {} from '{}': {} parameters; world {}, micro_batch {}, seq_len {}, images/sample {}",
               m.name, source, p.parameters, s.world, s.micro_batch, s.seq_len, s.images);
  spdlog::info(
      "per GPU: {} parameters {:.3f} GiB + gradient shard {:.3f} GiB + bucket {:.3f} GiB + optimizer "
      "shard (fp32 master, Adam m, v) {:.3f} GiB + activations (estimate, no recomputation) {:.3f} GiB = {:.3f} GiB",
      s.bf16 ? "bf16" : "fp32", gib(p.param_bytes), gib(p.grad_bytes), gib(p.bucket_bytes), gib(p.optimizer_bytes),
      gib(p.activation_bytes), gib(p.total_bytes()));
  spdlog::info(
      "ZeRO-2 paper 2Psi+14Psi/N = {:.3f} GiB; plain data parallel 16Psi = {:.3f} GiB (both without activations)",
      gib(p.zero2_formula_bytes()), gib(p.plain_dp_bytes()));
  counts.extra = p.to_json();
  counts.extra["dry_run"] = 1;
  counts.extra["seq_len"] = s.seq_len;
  counts.extra["micro_batch"] = s.micro_batch;
  return counts;
}

}  // namespace cf
