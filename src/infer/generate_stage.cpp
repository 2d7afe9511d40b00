#include "infer/generate_stage.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/hash.h"
#include "model/device.h"
#include "model/weights.h"
#include "job/shard_map.h"
#include "infer/answer_batch.h"
#include "infer/pair_rows.h"
#include "tokenize/vocab.h"
#include "train/pair_data.h"
#include "train/sequence_logp.h"

namespace cf::infer {
namespace fs = std::filesystem;

void declare_generate_config(ConfigSchema& c) {
  declare_shard_map_config(c);
  declare_device_config(c);  // run.device
  c.add_string("generate.checkpoint", "work/train",
               "Model: a cf-train output dir (model.safetensors, else checkpoints/latest), a checkpoint step dir or a "
               ".safetensors file");
  c.add_string("model.preset", "configs/model/tiny.toml",
               "Model shape (configs/model/*.toml); must match the checkpoint");
  c.add_string("generate.dtype", "bf16",
               "Weights/activations dtype; bf16 matches cf-train, so reference log-probs equal the policy's at step 0",
               {"bf16", "fp32"});
  c.add_string("generate.model_tag", "",
               "Value of the `model` column (cf-eval's model name); empty = the checkpoint's directory name");
  c.add_string("generate.tokenizer", "",
               "vocab.json, or a cf-tokenizer output dir, to decode the answers; empty = the answer text stays empty");
  c.add_int("generate.batch", 8, "Prompts per generation batch (also pairs per reference-scoring forward)", 1, 1e6);
  c.add_int("generate.max_new_tokens", 64, "Longest generated answer (eos is appended when it is reached)", 1, 1e6);
  c.add_float("generate.temperature", 0.0, "Sampling temperature; 0 = greedy", 0, 100);
  c.add_float("generate.top_p", 1.0, "Nucleus sampling mass (with temperature > 0)", 0, 1);
  c.add_int("generate.seed", 0, "Seed of sampling and of the regeneration choice", 0, 1e18);
  c.add_int("generate.eos_id", 4, "End-of-sequence id: a stop token, appended to answers that do not end with it", 0,
            1e9);
  c.add_strings("generate.stop_tokens", {}, "Further stop token ids (as strings)");
  c.add_int("data.pad_id", 0, "Padding token id", 0, 1e9);
  c.add_int("generate.round", 1, "Self-play round number, stored in the `round` column", 0, 1e9);
  c.add_string("generate.previous", "", "Previous round's pairs (same io.input): reuse/keep its answers; empty = none");
  c.add_float("generate.regenerate_fraction", 1.0,
              "Fraction of prompts (chosen by hash of seed and sample_id) answered anew; the rest reuse "
              "generate.previous's answer",
              0, 1);
  c.add_bool("generate.keep_previous", false,
             "Also emit the previous round's pairs (rescored by this model) as rows with carried = 1 (SPIN: train on "
             "rounds t and t-1)");
  c.add_int("debug.item_delay_ms", 0, "Sleep per sample (tests use it to kill a run midway)", 0, 60000);
}

std::string resolve_checkpoint(const std::string& path, const std::string& key) {
  const fs::path p(path);
  if (fs::is_regular_file(p)) return path;
  if (fs::is_regular_file(p / "model.safetensors")) return (p / "model.safetensors").string();
  std::ifstream latest(p / "checkpoints" / "latest");
  std::string step;
  if (latest >> step && fs::is_regular_file(p / "checkpoints" / step / "model.safetensors"))
    return (p / "checkpoints" / step / "model.safetensors").string();
  throw ConfigError(key + " '" + path +
                    "': no .safetensors file, model.safetensors or "
                    "checkpoints/latest with a model.safetensors there");
}

namespace {

tokenize::Vocab load_vocab(const std::string& path) {
  if (path.empty()) return {};
  for (const fs::path& p : {fs::path(path), fs::path(path) / "vocab.json", fs::path(path) / "tokenizer" / "vocab.json"})
    if (fs::is_regular_file(p)) return tokenize::Vocab::load(p.string());
  throw ConfigError("generate.tokenizer '" + path + "': no vocab.json there or in tokenizer/");
}

// Whether sample `id` is answered anew this round (stable under any sharding or world size).
bool regenerate(const std::string& id, uint64_t seed, double fraction) {
  if (fraction >= 1.0) return true;
  const std::string h = Sha256().add(std::to_string(seed)).add(id).hex();
  return static_cast<double>(std::stoull(h.substr(0, 13), nullptr, 16)) / static_cast<double>(1ull << 52) < fraction;
}

struct Context {
  Vlm model{nullptr};
  tokenize::Vocab vocab;
  bool decode = false;
  AnswerSettings answers;
  std::string tag, previous;
  int64_t round = 1, delay_ms = 0, pad = 0;
  uint64_t seed = 0;
  double fraction = 1.0;
  bool keep_previous = false;
};

std::string text(const Context& c, const std::vector<int32_t>& ids) { return c.decode ? c.vocab.decode(ids) : ""; }

Shard process_shard(Context& c, const ShardInputs& in, Progress& progress) {
  const std::string where = shard_file_name(in.index);
  const Table& items = in.input.items;
  const size_t n = items.rows();
  Shard out;
  std::map<std::string, PairSample> prev;  // sample_id -> previous round's own pair
  if (!c.previous.empty()) {
    const Shard& ps = in.more.at("generate.previous");
    check_pair_shard(ps, c.previous);
    for (size_t r = 0; r < ps.items.rows(); ++r)
      if (ps.items.i64("carried")[r] == 0) prev[ps.items.bytes("sample_id")[r]] = pair_sample(ps, r, c.previous);
  }
  check_token_shard(in.input, where);  // a directory of another stage is fatal, not n failures
  std::vector<TokenSample> samples(n);
  std::vector<std::string> errors(n);
  std::vector<const TokenSample*> to_generate;
  std::vector<size_t> generated_rows;
  for (size_t i = 0; i < n; ++i) {
    try {
      samples[i] = token_sample(in.input, i, where);
      const auto& s = samples[i];
      if (s.prompt_tokens <= 0 || s.prompt_tokens >= static_cast<int64_t>(s.ids.size()))
        throw DataError("prompt_tokens = " + std::to_string(s.prompt_tokens) + " leaves no prompt or no answer of " +
                        std::to_string(s.ids.size()) + " tokens");
    } catch (const std::exception& e) {
      errors[i] = e.what();
      continue;
    }
    if (!prev.count(samples[i].sample_id) || regenerate(samples[i].sample_id, c.seed, c.fraction)) {
      to_generate.push_back(&samples[i]);
      generated_rows.push_back(i);
    }
  }
  const Answers got =
      generate_answers(c.model, to_generate, c.answers, c.seed * 1000003ull + static_cast<uint64_t>(in.index));
  std::map<size_t, size_t> gen_index;
  for (size_t k = 0; k < generated_rows.size(); ++k) {
    gen_index[generated_rows[k]] = k;
    if (!got.errors[k].empty()) errors[generated_rows[k]] = got.errors[k];
  }
  std::vector<PairRow> rows;
  std::vector<PairSample> pairs;
  for (size_t i = 0; i < n; ++i) {
    if (c.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(c.delay_ms));
    progress.add(1);
    if (!errors[i].empty()) {
      const std::string id = items.has("sample_id") ? items.bytes("sample_id")[i] : std::to_string(i);
      out.failures.push_back({id, where, "generate", errors[i], "error"});
      continue;
    }
    const TokenSample& s = samples[i];
    PairSample p;
    p.sample_id = s.sample_id;
    p.prompt.assign(s.ids.begin(), s.ids.begin() + s.prompt_tokens);
    p.chosen.assign(s.ids.begin() + s.prompt_tokens, s.ids.end());
    const bool fresh = gen_index.count(i) != 0;
    p.rejected = fresh ? got.ids[gen_index[i]] : prev.at(s.sample_id).rejected;
    p.images = s.images;
    PairRow r;
    r.sample_id = s.sample_id;
    r.item_id = items.has("item_id") ? items.bytes("item_id")[i] : "";
    r.task = s.task;
    r.closed = s.closed;
    r.question = s.question;  // the token shard carries the question text
    r.reference = c.decode ? text(c, p.chosen) : s.answer;
    r.answer = text(c, p.rejected);
    r.model = c.tag;
    r.round = c.round;
    r.regenerated = fresh;
    r.prompt = p.prompt;
    r.chosen = p.chosen;
    r.rejected = p.rejected;
    r.images = s.images;
    rows.push_back(r);
    pairs.push_back(p);
    if (c.keep_previous && prev.count(s.sample_id)) {  // SPIN's option: the previous round's pair too
      PairSample q = prev.at(s.sample_id);
      q.images = s.images;
      r.sample_id += "#prev";
      r.carried = 1;
      r.regenerated = 0;
      r.chosen = q.chosen;
      r.rejected = q.rejected;
      r.answer = text(c, q.rejected);
      rows.push_back(r);
      pairs.push_back(q);
    }
  }
  const auto scores = score_pairs(c.model, pairs, c.answers.batch, c.pad, c.answers.dtype);
  for (size_t k = 0; k < rows.size(); ++k) {
    rows[k].ref_chosen = scores[k].first;
    rows[k].ref_rejected = scores[k].second;
  }
  Shard result = pair_shard(rows);
  result.failures = std::move(out.failures);
  return result;
}

}  // namespace

StageCounts run_generate(JobContext& ctx) {
  const Config& cfg = ctx.config;
  torch::set_num_threads(job_threads(ctx));
  cpu_until_cuda_path(job_device(cfg, ctx.mpi.local_rank(), ctx.mpi.local_size()), cfg.get_string("run.device"),
                      "cf-generate");
  auto c = std::make_shared<Context>();
  const std::string weights = resolve_checkpoint(cfg.get_string("generate.checkpoint"));
  c->answers.dtype = cfg.get_string("generate.dtype") == "bf16" ? torch::kBFloat16 : torch::kFloat;
  c->model = Vlm(load_model_config(cfg.get_string("model.preset")));
  load_weights(c->model, weights);
  c->model->to(c->answers.dtype);
  c->model->eval();
  c->vocab = load_vocab(cfg.get_string("generate.tokenizer"));
  c->decode = !cfg.get_string("generate.tokenizer").empty();
  c->tag = cfg.get_string("generate.model_tag");
  if (c->tag.empty()) {
    fs::path p = fs::path(cfg.get_string("generate.checkpoint"));
    if (p.filename().empty()) p = p.parent_path();
    c->tag = p.filename().string();
  }
  c->pad = cfg.get_int("data.pad_id");
  c->seed = static_cast<uint64_t>(cfg.get_int("generate.seed"));
  c->round = cfg.get_int("generate.round");
  c->delay_ms = cfg.get_int("debug.item_delay_ms");
  c->previous = cfg.get_string("generate.previous");
  c->fraction = cfg.get_float("generate.regenerate_fraction");
  c->keep_previous = cfg.get_bool("generate.keep_previous");
  if (c->previous.empty() && (c->fraction < 1.0 || c->keep_previous))
    throw ConfigError(
        "generate.regenerate_fraction < 1 and generate.keep_previous need generate.previous "
        "(the previous round's pairs)");
  GenerateOptions& o = c->answers.options;
  o.max_new_tokens = cfg.get_int("generate.max_new_tokens");
  o.temperature = cfg.get_float("generate.temperature");
  o.top_p = cfg.get_float("generate.top_p");
  o.pad_token = c->pad;
  o.suppress_tokens = {c->pad};
  if (c->decode) o.vocab_limit = static_cast<int64_t>(c->vocab.size());  // the model may have spare ids
  c->answers.eos = static_cast<int32_t>(cfg.get_int("generate.eos_id"));
  o.stop_tokens = {c->answers.eos};
  for (const auto& t : cfg.get_strings("generate.stop_tokens")) {
    try {
      o.stop_tokens.push_back(std::stoll(t));
    } catch (const std::exception&) {
      throw ConfigError("generate.stop_tokens: '" + t + "' is not a token id");
    }
  }
  c->answers.batch = cfg.get_int("generate.batch");
  if (ctx.mpi.is_root()) spdlog::info("generate: model {} from {}, tag '{}'", c->model->cfg.name, weights, c->tag);
  ShardMapSpec spec;
  spec.stage = "generate";
  if (!c->previous.empty()) spec.extra_inputs.push_back("generate.previous");
  spec.process = [c](const JobContext&, const ShardInputs& in, Progress& p) { return process_shard(*c, in, p); };
  return run_shard_map(ctx, spec);
}

}  // namespace cf::infer
