// cf-bench-generate PRESET [--batches 1,8] [--max-new 64] [--repeat 3] [--dtype bf16|fp32]
// [--threads 1]: generation tokens/s of cf::generate (batched, KV cache) against a no-cache loop
// that re-runs the full forward (vision tower included) over the whole prefix for every new
// token, on a randomly initialised model of configs/model/PRESET.toml. Prompts: BOS, the
// preset's image placeholders (one random image each), 3-7 random words; greedy, no stop
// token, so every sequence gets exactly max-new tokens. Both must produce identical tokens
// (exit 1 otherwise). Rounds are interleaved (cache, no-cache per batch size, per round).
// One JSON line per measurement on stdout (tools/bench/bench_generate.sh makes the table).
#include <cstdio>
#include <limits>
#include <random>
#include <set>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "bench_clock.h"
#include "model/generate.h"

using namespace cf;

namespace {

struct Prompts {
  std::vector<std::vector<int64_t>> ids;
  torch::Tensor images;
};

Prompts make_prompts(const ModelConfig& mc, int64_t b, uint64_t seed, torch::ScalarType dtype) {
  std::mt19937_64 rng(seed);
  const int64_t side = mc.vision.image_size / mc.vision.patch_size;
  Prompts p;
  for (int64_t i = 0; i < b; ++i) {
    std::vector<int64_t> t{2};  // BOS
    t.insert(t.end(), static_cast<size_t>(side * side), mc.image_token_id);
    const int64_t words = 3 + static_cast<int64_t>(rng() % 5);
    for (int64_t w = 0; w < words; ++w)
      t.push_back(10 + static_cast<int64_t>(rng() % static_cast<uint64_t>(mc.text.vocab - 20)));
    p.ids.push_back(std::move(t));
  }
  torch::manual_seed(static_cast<uint64_t>(seed));
  p.images = torch::randn({b, 3, mc.vision.image_size, mc.vision.image_size}).to(dtype);
  return p;
}

// Greedy decoding without a cache: the whole (left-padded) prefix through the model per token.
std::vector<std::vector<int64_t>> generate_no_cache(Vlm& model, const Prompts& p, int64_t max_new) {
  torch::NoGradGuard no_grad;
  const int64_t b = static_cast<int64_t>(p.ids.size());
  int64_t longest = 0;
  for (const auto& s : p.ids) longest = std::max<int64_t>(longest, static_cast<int64_t>(s.size()));
  auto ids = torch::zeros({b, longest + max_new}, torch::kLong);
  auto mask = torch::zeros({b, longest + max_new}, torch::kLong);
  for (int64_t i = 0; i < b; ++i) {
    const int64_t off = longest - static_cast<int64_t>(p.ids[i].size());
    ids[i].slice(0, off, longest).copy_(torch::tensor(p.ids[i], torch::kLong));
    mask[i].slice(0, off, longest).fill_(1);
  }
  std::vector<std::vector<int64_t>> out(b);
  for (int64_t step = 0; step < max_new; ++step) {
    const int64_t t = longest + step;
    auto hidden = model->forward_hidden(ids.slice(1, 0, t), p.images, mask.slice(1, 0, t), nullptr, 0);
    auto logits = model->lm()->logits(hidden.select(1, t - 1)).to(torch::kFloat);
    logits.select(-1, model->cfg.image_token_id).fill_(-std::numeric_limits<float>::infinity());
    auto next = logits.argmax(-1);
    ids.select(1, t).copy_(next);
    mask.select(1, t).fill_(1);
    for (int64_t i = 0; i < b; ++i) out[i].push_back(next[i].item<int64_t>());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"generation tokens/s: KV cache vs no-cache loop"};
  std::string preset, dtype_name = "bf16", batches_arg = "1,8";
  int64_t max_new = 64, repeat = 3, threads = 1;
  app.add_option("preset", preset, "configs/model/<preset>.toml path")->required();
  app.add_option("--batches", batches_arg, "comma-separated batch sizes");
  app.add_option("--max-new", max_new, "new tokens per sequence");
  app.add_option("--repeat", repeat, "interleaved rounds");
  app.add_option("--dtype", dtype_name, "bf16 or fp32")->check(CLI::IsMember({"bf16", "fp32"}));
  app.add_option("--threads", threads, "LibTorch threads");
  CLI11_PARSE(app, argc, argv);
  torch::set_num_threads(static_cast<int>(threads));
  const auto dtype = dtype_name == "bf16" ? torch::kBFloat16 : torch::kFloat;
  std::vector<int64_t> batches;
  for (const auto& s : CLI::detail::split(batches_arg, ',')) batches.push_back(std::stoll(s));
  ModelConfig mc = load_model_config(preset);
  torch::manual_seed(0);
  Vlm model(mc);
  model->to(dtype);
  model->eval();
  GenerateOptions o;
  o.max_new_tokens = max_new;
  for (int64_t b : batches) {  // warm-up (allocator, oneDNN primitives)
    auto p = make_prompts(mc, b, 99, dtype);
    o.max_new_tokens = 2;
    generate(model, p.ids, p.images, o);
    generate_no_cache(model, p, 2);
  }
  o.max_new_tokens = max_new;
  for (int64_t r = 1; r <= repeat; ++r) {
    for (int64_t b : batches) {
      auto p = make_prompts(mc, b, static_cast<uint64_t>(1000 * r + b), dtype);
      std::vector<std::vector<int64_t>> cached, plain;
      auto sc = bench::measure([&] { cached = generate(model, p.ids, p.images, o); });
      auto sn = bench::measure([&] { plain = generate_no_cache(model, p, max_new); });
      if (cached != plain) {
        for (int64_t i = 0; i < b; ++i)
          for (size_t k = 0; k < cached[i].size(); ++k)
            if (k >= plain[i].size() || cached[i][k] != plain[i][k]) {
              std::fprintf(stderr,
                           "cf-bench-generate: %s batch %lld round %lld: sequence %lld differs at new token %zu (cache "
                           "%lld, no cache %lld)\n",
                           preset.c_str(), static_cast<long long>(b), static_cast<long long>(r),
                           static_cast<long long>(i), k, static_cast<long long>(cached[i][k]),
                           static_cast<long long>(k < plain[i].size() ? plain[i][k] : -1));
              return 1;
            }
      }
      const double tokens = static_cast<double>(b * max_new);
      std::set<int64_t> distinct;  // how varied the compared outputs are (a random model may repeat itself)
      for (const auto& seq : cached) distinct.insert(seq.begin(), seq.end());
      for (auto [impl, s] : {std::pair<const char*, bench::Span>{"kv_cache", sc}, {"no_cache", sn}})
        std::printf(
            "{\"batch\":%lld,\"round\":%lld,\"impl\":\"%s\",\"max_new\":%lld,\"prompt_tokens\":%zu,\"dtype\":\"%s\","
            "\"threads\":%lld,\"seconds\":%.4f,\"tokens_per_s\":%.2f,\"own_cpu\":%.3f,\"other_load\":%.3f,"
            "\"identical\":true,"
            "\"distinct_tokens\":%zu}\n",
            static_cast<long long>(b), static_cast<long long>(r), impl, static_cast<long long>(max_new),
            p.ids[0].size(), dtype_name.c_str(), static_cast<long long>(threads), s.wall, tokens / s.wall, s.own_cpu,
            s.other_load, distinct.size());
      std::fflush(stdout);
    }
  }
  return 0;
}
