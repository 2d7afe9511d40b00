#include "model/hf_tool.h"

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "core/error.h"
#include "model/generate.h"
#include "model/hf_checkpoint.h"
#include "model/weights.h"

namespace cf {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct Loaded {
  Vlm model{nullptr};
  json base;         // HF config the weights came from (null if unknown)
  std::string kind;  // "hf" or "ours"
};

std::string ours_weights(const std::string& src) { return fs::is_directory(src) ? src + "/model.safetensors" : src; }

std::string ours_preset(const std::string& src, const std::string& preset) {
  if (!preset.empty()) return preset;
  const std::string p = (fs::is_directory(src) ? fs::path(src) : fs::path(src).parent_path()).string() + "/model.toml";
  if (!fs::exists(p))
    throw ConfigError("'" + src + "' is not an HF checkpoint (no config.json) and has no model.toml: pass --preset");
  return p;
}

Loaded load_any(const std::string& src, const std::string& preset, torch::ScalarType dtype) {
  Loaded l;
  if (fs::is_directory(src) && is_hf_dir(src)) {
    auto m = load_hf_checkpoint(src, dtype);
    l = {m.model, m.config.raw, "hf"};
    return l;
  }
  const std::string weights = ours_weights(src), preset_path = ours_preset(src, preset);
  ModelConfig mc = load_model_config(preset_path);
  if (dtype == torch::ScalarType::Undefined) {
    SafetensorsFile f(weights);
    dtype = f.tensors().empty() ? torch::kFloat : weight_dtype(f.tensors().begin()->second);
  }
  l.model = make_vlm(mc, dtype);
  load_weights(l.model, weights);
  // The HF config the weights came from: next to the weights, else next to the preset (a
  // trainer's output beside the directory cf-convert made from an HF checkpoint).
  for (const fs::path& d : {fs::path(weights).parent_path(), fs::path(preset_path).parent_path()})
    if (fs::exists(d / "hf_config.json")) {
      l.base = json::parse(std::ifstream(d / "hf_config.json"));
      break;
    }
  l.kind = "ours";
  return l;
}

json tensor_list(const std::map<std::string, TensorBytes>& tensors) {
  json l = json::array();
  for (const auto& [name, t] : tensors) l.push_back({{"name", name}, {"dtype", t.dtype}, {"shape", t.shape}});
  return l;
}

json tensor_summary(const std::map<std::string, TensorBytes>& tensors) {
  json dtypes = json::object();
  int64_t params = 0, bytes = 0;
  for (const auto& [_, t] : tensors) {
    int64_t n = 1;
    for (auto d : t.shape) n *= d;
    params += n;
    bytes += static_cast<int64_t>(t.nbytes);
    dtypes[t.dtype] = dtypes.value(t.dtype, 0) + 1;
  }
  return {{"tensors", tensors.size()}, {"parameters", params}, {"bytes", bytes}, {"dtypes", dtypes}};
}

json model_summary(const ModelConfig& m) {
  json j = {{"text",
             {{"vocab", m.text.vocab},
              {"hidden", m.text.hidden},
              {"layers", m.text.layers},
              {"heads", m.text.heads},
              {"kv_heads", m.text.kv_heads},
              {"ffn", m.text.ffn},
              {"rope_theta", m.text.rope_theta},
              {"norm_eps", m.text.norm_eps},
              {"tie_embeddings", m.text.tie_embeddings},
              {"qkv_bias", m.text.qkv_bias},
              {"sliding_window", m.text.sliding_window}}},
            {"parameters_from_config", m.parameter_count()}};
  if (m.has_vision)
    j["vision"] = {{"image_size", m.vision.image_size},
                   {"patch_size", m.vision.patch_size},
                   {"hidden", m.vision.hidden},
                   {"layers", m.vision.layers},
                   {"heads", m.vision.heads},
                   {"feature_layer", m.vision.feature_layer},
                   {"image_token_id", m.image_token_id},
                   {"tokens_per_image", m.vision.patches()}};
  return j;
}

double max_rss_bytes() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024;
}

// Loads the checkpoint as load_hf_checkpoint does, timing the two phases and the peak memory.
json timed_load(const std::string& dir, const HfConfig& c, const HfTensorFiles& files) {
  const double rss0 = max_rss_bytes();
  const auto t0 = std::chrono::steady_clock::now();
  const auto dtype = c.torch_dtype.empty() ? torch::kFloat : parse_dtype(c.torch_dtype);
  Vlm model = make_vlm(c.model, dtype);
  const auto t1 = std::chrono::steady_clock::now();
  load_hf_weights(model, files, dir);
  const auto t2 = std::chrono::steady_clock::now();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  return {{"build_seconds", secs(t0, t1)},
          {"copy_seconds", secs(t1, t2)},
          {"seconds", secs(t0, t2)},
          {"max_rss_before_bytes", rss0},
          {"max_rss_bytes", max_rss_bytes()}};
}

int inspect(const std::string& dir, const std::string& preset, bool check, bool list) {
  json out = {{"path", dir}};
  if (fs::is_directory(dir) && is_hf_dir(dir)) {
    HfConfig c = read_hf_config(dir);
    HfTensorFiles files(dir);
    out.update({{"layout", "hf"},
                {"architecture", c.architecture},
                {"text_model_type", c.text_model_type},
                {"torch_dtype", c.torch_dtype},
                {"files", files.files()},
                {"model", model_summary(c.model)}});
    out["weights"] = tensor_summary(files.tensors());
    if (list) out["tensor_list"] = tensor_list(files.tensors());
    if (check) out["load"] = timed_load(dir, c, files);  // throws naming missing / extra / mis-shaped tensors
  } else {
    ModelConfig mc = load_model_config(ours_preset(dir, preset));
    SafetensorsFile f(ours_weights(dir));
    out.update({{"layout", "ours"},
                {"preset", mc.name},
                {"model", model_summary(mc)},
                {"weights", tensor_summary(f.tensors())}});
    if (list) out["tensor_list"] = tensor_list(f.tensors());
    if (check) load_any(dir, preset, torch::ScalarType::Undefined);
  }
  if (check) out["check"] = "ok";
  std::cout << out.dump(2) << std::endl;
  return 0;
}

int convert(const std::string& src, const std::string& dst, std::string to, const std::string& preset,
            torch::ScalarType dtype, int64_t shard_bytes) {
  Loaded l = load_any(src, preset, dtype);
  if (to.empty()) to = l.kind == "hf" ? "ours" : "hf";
  if (to == "hf") {
    save_hf_checkpoint(l.model, dst, l.base, {dtype, shard_bytes});
  } else {
    fs::create_directories(dst);
    save_weights(l.model, dst + "/model.safetensors");
    std::ofstream(dst + "/model.toml") << model_config_toml(l.model->cfg);
    if (!l.base.is_null()) std::ofstream(dst + "/hf_config.json") << l.base.dump(2) << "\n";
  }
  std::cout << json{{"converted", src}, {"to", to}, {"output", dst}}.dump() << std::endl;
  return 0;
}

std::vector<int64_t> parse_ids(const std::string& s) {
  std::vector<int64_t> ids;
  std::stringstream ss(s);
  for (std::string x; std::getline(ss, x, ',');)
    if (!x.empty()) ids.push_back(std::stoll(x));
  return ids;
}

int run(const std::string& src, const std::string& preset, torch::ScalarType dtype, const std::string& ids_text,
        const std::string& pixels, const std::string& logits_out, int64_t n_generate) {
  Loaded l = load_any(src, preset, dtype);
  torch::NoGradGuard no_grad;
  const auto ids = parse_ids(ids_text);
  torch::Tensor images;
  if (!pixels.empty()) {
    const int64_t s = l.model->cfg.vision.image_size;
    std::ifstream in(pixels, std::ios::binary);
    std::vector<char> buf((std::istreambuf_iterator<char>(in)), {});
    const int64_t n = static_cast<int64_t>(buf.size()) / (3 * s * s * 4);
    if (n == 0 || n * 3 * s * s * 4 != static_cast<int64_t>(buf.size()))
      throw DataError("'" + pixels + "' is not float32 [N, 3, " + std::to_string(s) + ", " + std::to_string(s) + "]");
    images = torch::from_blob(buf.data(), {n, 3, s, s}, torch::kFloat).clone();
  }
  json out = {{"layout", l.kind}};
  if (!logits_out.empty()) {
    auto logits =
        l.model->forward(torch::tensor(ids, torch::kLong).view({1, -1}), images).to(torch::kFloat).contiguous();
    std::ofstream f(logits_out, std::ios::binary);
    f.write(static_cast<const char*>(logits.data_ptr()), static_cast<std::streamsize>(logits.numel() * 4));
    out["logits_shape"] = logits.sizes().vec();
  }
  if (n_generate > 0) {
    GenerateOptions g;
    g.max_new_tokens = n_generate;
    out["tokens"] = generate(l.model, {ids}, images, g)[0];
  }
  std::cout << out.dump() << std::endl;
  return 0;
}

}  // namespace

int convert_tool_main(int argc, char** argv) {
  CLI::App app{"cf-convert: HF transformers checkpoints (LLaMA, Mistral, Qwen2, LLaVA-1.5) <-> cornerforge"};
  app.require_subcommand(1);
  std::string src, dst, to, preset, dtype_name = "auto", ids, pixels, logits;
  bool check = false, list = false;
  int64_t shard_bytes = 5'000'000'000, n_generate = 0;
  auto* ins = app.add_subcommand("inspect", "Architecture, shapes, dtypes, parameter count (JSON)");
  ins->add_option("dir", src, "HF checkpoint dir or ours (model.safetensors + model.toml)")->required();
  ins->add_option("--preset", preset, "Our model preset when DIR has no model.toml");
  ins->add_flag("--check", check, "Also load the weights (errors name missing/extra/mis-shaped tensors)");
  ins->add_flag("--tensors", list, "List every tensor's name, dtype and shape");
  auto* conv = app.add_subcommand("convert", "HF layout <-> ours (or HF -> HF: dtype, sharding)");
  conv->add_option("src", src, "Source checkpoint")->required();
  conv->add_option("dst", dst, "Output directory")->required();
  conv->add_option("--to", to, "Output layout (default: the other one)")->check(CLI::IsMember({"hf", "ours"}));
  conv->add_option("--preset", preset, "Our model preset when SRC has no model.toml");
  conv->add_option("--dtype", dtype_name, "Weights dtype: auto, fp32, bf16, fp16");
  conv->add_option("--max-shard-bytes", shard_bytes, "HF output: shard above this size");
  auto* rn = app.add_subcommand("run", "Logits of one prompt and/or greedy tokens (reference tests)");
  rn->add_option("src", src, "Checkpoint")->required();
  rn->add_option("--preset", preset, "Our model preset when SRC has no model.toml");
  rn->add_option("--dtype", dtype_name, "Model dtype: auto, fp32, bf16, fp16");
  rn->add_option("--ids", ids, "Prompt token ids, comma-separated (image placeholders included)")->required();
  rn->add_option("--pixels", pixels, "Images: raw float32 [N, 3, S, S], normalized");
  rn->add_option("--logits", logits, "Write the prompt's logits here: raw float32 [1, T, V]");
  rn->add_option("--generate", n_generate, "Greedy tokens to generate (no stop tokens)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    const auto dtype = parse_dtype(dtype_name);
    if (*ins) return inspect(src, preset, check, list);
    if (*conv) return convert(src, dst, to, preset, dtype, shard_bytes);
    return run(src, preset, dtype, ids, pixels, logits, n_generate);
  } catch (const ConfigError& e) {
    std::cerr << "cf-convert: " << e.what() << std::endl;
    return 2;
  } catch (const c10::Error& e) {  // LibTorch's message without its C++ backtrace
    std::cerr << "cf-convert: " << e.what_without_backtrace() << std::endl;
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "cf-convert: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace cf
