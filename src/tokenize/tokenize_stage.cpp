#include "tokenize/tokenize_stage.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/hash.h"
#include "comm/progress.h"
#include "io/schemas.h"
#include "io/stage_dir.h"
#include "job/assign.h"
#include "tokenize/encode_shard.h"
#include "tokenize/tokenizer_dir.h"

namespace fs = std::filesystem;

namespace cf::tokenize {
namespace {

constexpr const char* kStage = "tokenize";

struct Split {
  std::string name, in_dir, out_dir;
  StagePlan plan;
  std::vector<std::string> shards;
};

struct Unit {  // one input shard of one split
  size_t split;
  int64_t index;
};

TokenizerSettings tokenizer_settings(const Config& c) {
  TokenizerSettings s;
  s.model_path = c.get_string("tokenizer.model_path");
  s.train.model_type = c.get_string("tokenizer.model_type");
  s.train.vocab_size = c.get_int("tokenizer.vocab_size");
  s.train.image_id = static_cast<int32_t>(c.get_int("tokenizer.image_token_id"));
  s.train.character_coverage = c.get_float("tokenizer.character_coverage");
  s.image_tokens = c.get_int("tokenizer.image_tokens");
  if (s.model_path.empty()) pinned_ids(s.train.image_id);  // range check with a clear message
  return s;
}

std::vector<Split> open_splits(const Config& c) {
  const std::string in = c.get_string("io.input"), out = c.get_string("io.output");
  std::vector<Split> splits;
  for (const auto& name : c.get_strings("tokenizer.splits")) {
    Split s{name, (fs::path(in) / name).string(), (fs::path(out) / name).string(), {}, {}};
    std::error_code ec;
    if (!fs::is_directory(s.in_dir, ec))
      throw ConfigError("io.input '" + in + "' has no split directory '" + name +
                        "' (tokenizer.splits); is it a merged dataset?");
    s.plan = read_stage_plan(s.in_dir);
    s.shards = complete_shards(s.in_dir, s.plan);
    splits.push_back(std::move(s));
  }
  if (splits.empty()) throw ConfigError("tokenizer.splits is empty");
  return splits;
}

// Samples of `split` as training sentences, read by all ranks and concatenated in shard order on root.
std::vector<std::string> gather_text(const JobContext& ctx, const Split& split, int64_t max_sentences) {
  const auto& mpi = ctx.mpi;
  nlohmann::json mine = nlohmann::json::object();
  for (int64_t i = mpi.rank(); i < static_cast<int64_t>(split.shards.size()); i += mpi.world()) {
    const Shard s = read_shard(split.shards[static_cast<size_t>(i)]);
    nlohmann::json texts = nlohmann::json::array();
    for (const char* col : {"question", "answer"})
      if (!s.items.has(col))
        throw DataError(split.shards[static_cast<size_t>(i)] + ": items has no column '" + col + "'");
    // One sentence per sample, with the template's words, so "USER:" and "ASSISTANT:" get pieces.
    for (size_t r = 0; r < s.items.rows(); ++r)
      texts.push_back("USER: " + s.items.bytes("question")[r] + " ASSISTANT: " + s.items.bytes("answer")[r]);
    mine[std::to_string(i)] = std::move(texts);
  }
  const auto packed = nlohmann::json::to_msgpack(mine);
  std::map<int64_t, std::vector<std::string>> by_shard;
  for (const auto& part : mpi.gather(std::string(packed.begin(), packed.end()))) {
    const nlohmann::json shards = nlohmann::json::from_msgpack(part);
    for (const auto& [k, v] : shards.items()) by_shard[std::stoll(k)] = v.get<std::vector<std::string>>();
  }
  std::vector<std::string> text;
  for (auto& [idx, v] : by_shard)
    for (auto& t : v)
      if (static_cast<int64_t>(text.size()) < max_sentences) text.push_back(std::move(t));
  return text;
}

std::string output_hash(const JobContext& ctx, const Split& split, const std::string& model_sha) {
  Sha256 h;
  h.add(kStage).add(split.name).add(split.plan.stage).add(split.plan.plan_hash).add(model_sha);
  nlohmann::json settings = ctx.config.to_json();
  for (const char* s : {"io", "log", "run", "debug"}) settings.erase(s);
  h.add(settings.dump());
  return h.hex();
}

}  // namespace

void declare_tokenizer_config(ConfigSchema& c) {
  c.add_strings("tokenizer.splits", {"train", "eval"},
                "Split directories of io.input to encode; the tokenizer is trained on the first");
  c.add_string("tokenizer.model_path", "",
               "Existing sentencepiece model to use instead of training one (needs a '<image>' "
               "control piece at tokenizer.image_token_id)");
  c.add_string("tokenizer.model_type", "bpe", "Sentencepiece model to train", {"bpe", "unigram"});
  c.add_int("tokenizer.vocab_size", 2048,
            "Pieces to train at most (a small text yields fewer); keep <= the model's text.vocab", 300, 1000000);
  c.add_float("tokenizer.character_coverage", 1.0, "Share of characters covered by pieces; the rest fall back to bytes",
              0.9, 1.0);
  c.add_int("tokenizer.max_sentences", 2000000, "Training sentences at most (one per sample, first in dataset order)",
            1, 1e10);
  c.add_int("tokenizer.image_token_id", 3, "Id of the <image> placeholder; equals model.image_token_id (trained: 0..4)",
            0, 1e7);
  c.add_int("tokenizer.image_tokens", 64,
            "Placeholder ids per image (the model's patch count: (image_size/patch_size)^2)", 1, 65536);
  c.add_int("tokenizer.max_length", 2048,
            "Longest sample in ids (prompt + answer + eos); longer samples fail, never truncated", 8, 1e7);
  c.add_int("debug.item_delay_ms", 0, "Sleep per sample (tests use it to kill a run midway)", 0, 60000);
}

StageCounts run_tokenizer(JobContext& ctx) {
  const auto& mpi = ctx.mpi;
  const Config& c = ctx.config;
  const TokenizerSettings ts = tokenizer_settings(c);
  const auto splits = open_splits(c);
  const std::string tok_dir = (fs::path(c.get_string("io.output")) / "tokenizer").string();

  // 1. The tokenizer: rank 0 builds it unless a finished one with the same key exists.
  const std::string key = tokenizer_key(ts, splits[0].plan.plan_hash);
  const bool ready = mpi.broadcast(mpi.is_root() && tokenizer_ready(tok_dir, key) ? "1" : "0") == "1";
  StageCounts counts;
  if (!ready) {
    const auto collect = [&] { return gather_text(ctx, splits[0], c.get_int("tokenizer.max_sentences")); };
    if (ts.model_path.empty()) {
      auto text = collect();  // collective: every rank reads its share
      if (mpi.is_root()) build_tokenizer_dir(tok_dir, ts, key, [&] { return std::move(text); });
    } else if (mpi.is_root()) {
      build_tokenizer_dir(tok_dir, ts, key, {});
    }
    counts.extra["tokenizer_built"] = mpi.is_root() ? 1 : 0;
  }
  mpi.barrier();
  const SpmModel model = SpmModel::load(tok_dir + "/tokenizer.model");
  const Vocab vocab = Vocab::load(tok_dir + "/vocab.json");
  const std::string model_sha = vocab.info.value("model_sha256", "");
  const Encoder encode = [&model](const std::string& t) { return model.encode(t); };
  if (mpi.is_root()) write_caption_prompts(tok_dir, encode, vocab);  // for cf-caption --backend model
  if (mpi.is_root())
    spdlog::info("tokenizer {}: {} pieces, <image> = {}", ready ? "reused" : "built", vocab.size(),
                 vocab.special().image);

  // 2. Plans, then shards dealt over all splits by item count.
  std::vector<std::string> hashes;
  std::vector<Unit> units;
  std::vector<int64_t> costs;
  for (size_t k = 0; k < splits.size(); ++k) {
    fs::create_directories(splits[k].out_dir);  // every rank: idempotent
    hashes.push_back(output_hash(ctx, splits[k], model_sha));
    if (mpi.is_root()) write_stage_plan(splits[k].out_dir, {kStage, splits[k].plan.shards, hashes[k]});
    for (int64_t i = 0; i < splits[k].plan.shards; ++i) {
      units.push_back({k, i});
      costs.push_back(std::max<int64_t>(1, shard_status(splits[k].shards[static_cast<size_t>(i)]).items));
    }
  }
  std::vector<size_t> todo;
  int64_t todo_items = 0;
  for (int64_t u : cf::assign_by_cost(costs, mpi.rank(), mpi.world())) {
    const Split& s = splits[units[u].split];
    const std::string target = s.out_dir + "/" + shard_file_name(units[u].index);
    const ShardStatus st = shard_status(target);
    if (st.complete && st.meta.value("plan_hash", "") != hashes[units[u].split])
      throw Error("'" + target +
                  "' was made from other inputs, tokenizer or settings; use a new "
                  "io.output, or delete the old one to start over");
    if (st.complete) {
      ++counts.shards_skipped;
    } else {
      todo.push_back(static_cast<size_t>(u));
      todo_items += costs[u];
    }
  }

  // 3. Encode.
  Progress progress(mpi, "tokenizer", mpi.allreduce_sum(todo_items));
  EncodeOptions eo;
  eo.image_tokens = vocab.image_tokens_per_image;
  eo.max_length = c.get_int("tokenizer.max_length");
  eo.threads = job_threads(ctx);
  eo.item_delay_ms = c.get_int("debug.item_delay_ms");
  eo.stage = kStage;
  int64_t tokens = 0, answer_tokens = 0;
  for (size_t u : todo) {
    const auto t0 = std::chrono::steady_clock::now();
    const Split& s = splits[units[u].split];
    const int64_t idx = units[u].index;
    eo.source = s.name + "/" + shard_file_name(idx);
    Shard out = encode_shard(read_shard(s.shards[static_cast<size_t>(idx)]), encode, vocab.special(), eo,
                             [&progress](int64_t n) { progress.add(n); });
    out.meta = {
        {"plan_hash", hashes[units[u].split]}, {"shard", idx}, {"split", s.name}, {"tokenizer_sha256", model_sha}};
    check_stage_shard(out, s.out_dir + "/" + shard_file_name(idx));  // the declared columns (io/schemas)
    write_shard(s.out_dir + "/" + shard_file_name(idx), out);
    for (int64_t n : out.items.i64("n_tokens")) tokens += n;
    for (size_t r = 0; r < out.items.rows(); ++r)
      answer_tokens += out.items.i64("n_tokens")[r] - out.items.i64("prompt_tokens")[r];
    counts.items_ok += static_cast<int64_t>(out.items.rows());
    counts.items_failed += static_cast<int64_t>(out.failures.size());
    counts.extra[s.name + "_samples"] =
        counts.extra.value(s.name + "_samples", int64_t{0}) + static_cast<int64_t>(out.items.rows());
    ++counts.shards_done;
    ctx.metrics.write({{"stage", kStage},
                       {"split", s.name},
                       {"shard", idx},
                       {"items", out.items.rows()},
                       {"failures", out.failures.size()},
                       {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}});
  }
  progress.finish();
  counts.extra["tokens"] = tokens;
  counts.extra["answer_tokens"] = answer_tokens;
  counts.extra["vocab_size"] = mpi.is_root() ? static_cast<int64_t>(vocab.size()) : 0;
  return counts;
}

}  // namespace cf::tokenize
