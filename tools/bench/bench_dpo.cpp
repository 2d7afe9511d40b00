// cf-bench-dpo TOKENS PRESET WORK [--pairs 8] [--micro 4] [--steps 3] [--warmup 1] [--repeat 3]
// [--answer-len 16] [--threads 1]: DPO step time against SFT step time for the same tokens, with
// the trainer's own step functions (preference_step, sft_step) on one rank (ZeRO-2, world 1,
// bf16). From the prompts and images of the token set TOKENS (cf-test-tokens) it writes into
// WORK a pairs set (chosen and rejected = answer-len-1 random words + EOS) and a token set
// holding the same sequences, ordered so that SFT micro-batch j (2 x micro sequences) is exactly
// the chosen+rejected rows of DPO micro-batch j: same sequences, same padding, same tokens per
// step (checked). Each round alternates SFT step i and DPO step i over warmup+steps fresh
// batches; one JSON line per round and mode (wall and own CPU seconds per timed step, tokens,
// other load) on stdout.
#include <cstdio>
#include <filesystem>
#include <random>

#include <CLI/CLI.hpp>
#include <mpi.h>
#include <torch/torch.h>

#include "bench_clock.h"
#include "io/stage_dir.h"
#include "infer/pair_rows.h"
#include "train/flat_params.h"
#include "train/preference_step.h"
#include "train/sft_step.h"
#include "train/token_data.h"

using namespace cf;

namespace {

constexpr int32_t kEos = 4;

// WORK/pairs (n_pairs pairs) and WORK/sft (the same sequences, micro-batch-aligned).
void write_sets(TokenDataset& tokens, int64_t n_pairs, int64_t micro, int64_t answer_len, int64_t vocab,
                const std::string& work) {
  std::mt19937_64 rng(7);
  auto answer = [&] {
    std::vector<int32_t> a;
    for (int64_t k = 0; k + 1 < answer_len; ++k)
      a.push_back(10 + static_cast<int32_t>(rng() % static_cast<uint64_t>(vocab - 20)));
    a.push_back(kEos);
    return a;
  };
  std::vector<infer::PairRow> pairs;
  std::vector<TokenSample> seqs;
  for (int64_t i = 0; i < n_pairs; ++i) {
    TokenSample t = tokens.get(i % tokens.size());
    infer::PairRow r;
    r.sample_id = r.item_id = "p" + std::to_string(i);
    r.task = "caption";
    r.prompt.assign(t.ids.begin(), t.ids.begin() + t.prompt_tokens);
    r.chosen = answer();
    r.rejected = answer();
    r.images = t.images;
    pairs.push_back(r);
  }
  for (int64_t j = 0; j < n_pairs / micro; ++j)  // SFT micro-batch j: chosen..., rejected... of DPO micro-batch j
    for (int side = 0; side < 2; ++side)
      for (int64_t k = j * micro; k < (j + 1) * micro; ++k) {
        const auto& p = pairs[static_cast<size_t>(k)];
        TokenSample s = answer_sequence(p.prompt, side == 0 ? p.chosen : p.rejected, p.images);
        s.sample_id = p.sample_id + (side == 0 ? "c" : "r");
        s.task = "caption";
        s.answer.clear();
        s.closed = 0;
        seqs.push_back(std::move(s));
      }
  std::filesystem::create_directories(work + "/pairs");
  std::filesystem::create_directories(work + "/sft");
  Shard ps = infer::pair_shard(pairs);
  ps.stage = "generate";
  ps.meta = {{"plan_hash", "bench"}};
  write_shard(work + "/pairs/" + shard_file_name(0), ps);
  write_stage_plan(work + "/pairs", {"generate", 1, "bench"});
  write_shard(work + "/sft/" + shard_file_name(0), token_shard(seqs, "bench"));
  write_stage_plan(work + "/sft", {"tokenize", 1, "bench"});
}

std::vector<int64_t> range(int64_t lo, int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = lo + i;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"DPO step time vs SFT step time for the same tokens"};
  std::string tokens_dir, preset, work;
  int64_t pairs = 8, micro = 4, steps = 3, warmup = 1, repeat = 3, answer_len = 16, threads = 1;
  app.add_option("tokens", tokens_dir, "cf-test-tokens directory (prompts and images)")->required();
  app.add_option("preset", preset, "configs/model/<preset>.toml path")->required();
  app.add_option("work", work, "directory for the generated pairs and token sets")->required();
  app.add_option("--pairs", pairs, "DPO pairs per step (SFT: 2x sequences)");
  app.add_option("--micro", micro, "DPO micro-batch in pairs (SFT: 2x sequences)");
  app.add_option("--steps", steps, "timed steps per round and mode");
  app.add_option("--warmup", warmup, "untimed steps before them");
  app.add_option("--repeat", repeat, "interleaved rounds");
  app.add_option("--answer-len", answer_len, "tokens per chosen/rejected answer (EOS included)");
  app.add_option("--threads", threads, "LibTorch threads");
  CLI11_PARSE(app, argc, argv);
  if (pairs % micro != 0) {
    std::fprintf(stderr, "cf-bench-dpo: --pairs %lld is not a multiple of --micro %lld\n",
                 static_cast<long long>(pairs), static_cast<long long>(micro));
    return 2;
  }
  MPI_Init(&argc, &argv);
  torch::set_num_threads(static_cast<int>(threads));
  ModelConfig mc = load_model_config(preset);
  TokenDataset tokens(tokens_dir);
  const int64_t per_round = warmup + steps, total = pairs * per_round * repeat;
  write_sets(tokens, total, micro, answer_len, mc.text.vocab, work);
  PairDataset pair_data(work + "/pairs");
  TokenDataset sft_data(work + "/sft");
  auto comm = make_mpi_communicator();
  torch::manual_seed(0);
  Vlm model(mc);
  FlatParams flat(*model, comm->world(), torch::kBFloat16);
  Zero2 zero(flat, *comm, 5000000, DType::F32);
  const kernels::AdamWHyper h{1e-4, 0.9, 0.95, 1e-8, 0.1};
  const StepSetup dpo_setup{micro, 0, 1.0, torch::kBFloat16}, sft_setup{2 * micro, 0, 1.0, torch::kBFloat16};
  const PreferenceSetup pref{};
  // Round r: steps i = r*per_round ... of both modes, alternating SFT step i, DPO step i (the
  // same sequences), so both see the same load; the first `warmup` of each round are not timed.
  for (int64_t r = 1; r <= repeat; ++r) {
    bench::Span sum[2];  // sft, dpo: wall and own CPU seconds summed over the timed steps
    double other[2] = {0, 0};
    int64_t tokens[2] = {0, 0};
    for (int64_t k = 0; k < per_round; ++k) {
      const int64_t i = (r - 1) * per_round + k;
      for (int m = 0; m < 2; ++m) {
        StepResult res;
        auto span = bench::measure([&] {
          if (m == 0) res = sft_step(model, zero, *comm, sft_data, range(2 * pairs * i, 2 * pairs), sft_setup, h);
          else res = preference_step(model, zero, *comm, pair_data, range(pairs * i, pairs), dpo_setup, pref, h).step;
        });
        if (k < warmup) continue;
        sum[m].wall += span.wall;
        sum[m].own_cpu += span.own_cpu;
        other[m] += span.other_load * span.wall;
        tokens[m] += res.tokens;
      }
    }
    if (tokens[0] != tokens[1]) {
      std::fprintf(stderr, "cf-bench-dpo: round %lld: DPO steps saw %lld tokens, SFT steps %lld (must be equal)\n",
                   static_cast<long long>(r), static_cast<long long>(tokens[1]), static_cast<long long>(tokens[0]));
      return 1;
    }
    for (int m = 0; m < 2; ++m)
      std::printf(
          "{\"mode\":\"%s\",\"round\":%lld,\"sequences_per_step\":%lld,\"micro_sequences\":%lld,\"steps\":%lld,"
          "\"seconds_per_step\":%.4f,\"cpu_seconds_per_step\":%.4f,\"tokens_per_step\":%.1f,\"other_load\":%.3f,"
          "\"threads\":%lld}\n",
          m == 0 ? "sft" : "dpo", static_cast<long long>(r), static_cast<long long>(2 * pairs),
          static_cast<long long>(2 * micro), static_cast<long long>(steps), sum[m].wall / static_cast<double>(steps),
          sum[m].own_cpu / static_cast<double>(steps), static_cast<double>(tokens[m]) / static_cast<double>(steps),
          other[m] / sum[m].wall, static_cast<long long>(threads));
    std::fflush(stdout);
  }
  MPI_Finalize();
  return 0;
}
