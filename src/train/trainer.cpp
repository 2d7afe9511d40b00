#include "train/trainer.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "core/error.h"
#include "model/device.h"
#include "model/weights.h"
#include "train/checkpoint.h"
#include "train/closed_eval.h"
#include "train/schedule.h"
#include "train/preference_step.h"
#include "train/sft_step.h"

namespace cf {
namespace {

std::atomic<int> g_stop_signal{0};
extern "C" void on_stop_signal(int sig) { g_stop_signal = sig; }

struct Options {
  int64_t epochs, micro_batch, global_batch, max_steps, pad_id, bucket, every, keep, delay_ms, seed, init_seed;
  kernels::AdamWHyper adam;
  double clip, warmup_ratio, min_lr_ratio;
  bool bf16;
};

Options read_options(const Config& c) {
  Options o;
  o.epochs = c.get_int("train.epochs");
  o.micro_batch = c.get_int("train.micro_batch");
  o.global_batch = c.get_int("train.global_batch");
  o.max_steps = c.get_int("train.max_steps");
  o.pad_id = c.get_int("data.pad_id");
  o.seed = c.get_int("data.seed");
  o.init_seed = c.get_int("model.init_seed");
  o.bucket = c.get_int("zero.bucket_elements");
  o.every = c.get_int("checkpoint.every_steps");
  o.keep = c.get_int("checkpoint.keep");
  o.delay_ms = c.get_int("debug.step_delay_ms");
  o.adam = {c.get_float("optim.lr"), c.get_float("optim.beta1"), c.get_float("optim.beta2"), c.get_float("optim.eps"),
            c.get_float("optim.weight_decay")};
  o.clip = c.get_float("optim.grad_clip");
  o.warmup_ratio = c.get_float("optim.warmup_ratio");
  o.min_lr_ratio = c.get_float("optim.min_lr_ratio");
  o.bf16 = c.get_string("train.dtype") == "bf16";
  return o;
}

void log_memory(const Zero2MemoryPlan& m, int world) {
  auto mib = [](int64_t b) { return static_cast<double>(b) / (1 << 20); };
  spdlog::info(
      "memory per rank (world {}): parameters {:.1f} MiB, gradient shard + bucket {:.1f} MiB, "
      "optimizer shard {:.1f} MiB = {:.1f} MiB; ZeRO-2 formula 2Psi+14Psi/N = {:.1f} MiB; "
      "plain data parallel 16Psi = {:.1f} MiB",
      world, mib(m.param_bytes), mib(m.grad_bytes + m.bucket_bytes), mib(m.optimizer_bytes), mib(m.state_bytes()),
      mib(m.zero2_formula_bytes()), mib(m.plain_dp_bytes()));
}

}  // namespace

void declare_train_config(ConfigSchema& c) {
  declare_device_config(c);  // run.device
  c.add_string("train.mode", "sft", "Training objective: sft on a tokenized dataset; dpo or spin on cf-generate pairs",
               {"sft", "dpo", "spin"});
  c.add_string("dpo.loss", "sigmoid", "Preference loss (dpo/spin modes): sigmoid (DPO/SPIN), ipo, hinge, robust",
               {"sigmoid", "ipo", "hinge", "robust"});
  c.add_float("dpo.beta", 0.1, "beta: scale of the implicit reward (SPIN's lambda)", 1e-6, 1e6);
  c.add_float("dpo.label_smoothing", 0.0, "Assumed preference label noise e: cDPO for sigmoid, rDPO for robust (< 0.5)",
              0, 0.5);
  c.add_float("dpo.sft_weight", 0.0, "Weight of an added SFT term: NLL per chosen answer token", 0, 1e6);
  c.add_string("train.dtype", "bf16", "Parameter/activation dtype (master weights are fp32)", {"bf16", "fp32"});
  c.add_int("train.epochs", 5, "Epochs over the dataset", 1, 1e6);
  c.add_int("train.micro_batch", 4, "Samples per forward/backward on one rank (per-device batch)", 1, 1e6);
  c.add_int("train.global_batch", 4, "Samples per optimizer step over all ranks (a multiple of micro_batch x ranks)", 1,
            1e9);
  c.add_int("train.max_steps", 0, "Stop after this many optimizer steps in total; 0 = all epochs", 0, 1e12);
  c.add_string("model.preset", "configs/model/tiny.toml", "Model shape (configs/model/*.toml)");
  c.add_string("model.init", "", "Initial weights (safetensors); empty = random init from model.init_seed");
  c.add_int("model.init_seed", 0, "Seed of the random initialization", 0, 1e18);
  c.add_int("data.pad_id", 0, "Padding token id", 0, 1e9);
  c.add_int("data.seed", 42, "Seed of the per-epoch shuffle", 0, 1e18);
  c.add_string("data.eval", "", "Tokenized eval split for closed-question accuracy before/after; empty = skip");
  c.add_int("data.eval_samples", 64, "Closed eval questions to score at most", 0, 1e9);
  c.add_float("optim.lr", 1e-6, "Peak learning rate", 0, 10);
  c.add_float("optim.weight_decay", 0.1, "Decoupled weight decay (matrices only)", 0, 10);
  c.add_float("optim.beta1", 0.9, "Adam beta1", 0, 1);
  c.add_float("optim.beta2", 0.95, "Adam beta2", 0, 1);
  c.add_float("optim.eps", 1e-8, "Adam epsilon", 0, 1);
  c.add_float("optim.grad_clip", 1.0, "Global gradient-norm clip; 0 = off", 0, 1e9);
  c.add_float("optim.warmup_ratio", 0.01, "Warmup steps as a fraction of all steps", 0, 1);
  c.add_float("optim.min_lr_ratio", 0.0, "Cosine floor as a fraction of optim.lr", 0, 1);
  c.add_string("zero.reduce_dtype", "fp32",
               "Gradient reduction dtype; fp64 makes results independent of the world size", {"fp32", "fp64"});
  c.add_int("zero.bucket_elements", 5000000, "Gradient bucket size (elements) for reduce-scatter", 1, 1e12);
  c.add_int("checkpoint.every_steps", 50, "Checkpoint interval in optimizer steps; 0 = only at the end/signal", 0,
            1e12);
  c.add_int("checkpoint.keep", 3, "Checkpoints to keep", 1, 1000);
  c.add_int("debug.step_delay_ms", 0, "Sleep per step (tests use it to kill a run midway)", 0, 60000);
}

StageCounts run_train(JobContext& ctx) {
  const Config& cfg = ctx.config;
  const MpiRuntime& mpi = ctx.mpi;
  const Options o = read_options(cfg);
  const std::string out = cfg.get_string("io.output");
  torch::set_num_threads(job_threads(ctx));
  cpu_until_cuda_path(job_device(cfg, mpi.local_rank(), mpi.local_size()), cfg.get_string("run.device"), "cf-train");
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR2, on_stop_signal);

  ModelConfig mc = load_model_config(cfg.get_string("model.preset"));
  const std::string mode = cfg.get_string("train.mode");
  const bool preference = mode != "sft";
  std::unique_ptr<TokenDataset> tokens;
  std::unique_ptr<PairDataset> pairs;
  if (preference) pairs = std::make_unique<PairDataset>(cfg.get_string("io.input"));
  else tokens = std::make_unique<TokenDataset>(cfg.get_string("io.input"));
  const int64_t n_samples = preference ? pairs->size() : tokens->size();
  PreferenceSetup pref;
  pref.loss = {preference_loss_from_string(cfg.get_string("dpo.loss")), cfg.get_float("dpo.beta"),
               cfg.get_float("dpo.label_smoothing")};
  pref.sft_weight = cfg.get_float("dpo.sft_weight");
  if (pref.loss.loss == PreferenceLoss::Robust && pref.loss.label_smoothing >= 0.5)
    throw ConfigError("dpo.label_smoothing must be < 0.5 for dpo.loss = robust");
  const int64_t world = mpi.world();
  if (o.global_batch % (o.micro_batch * world) != 0)
    throw ConfigError("train.global_batch (" + std::to_string(o.global_batch) +
                      ") must be a multiple of "
                      "train.micro_batch x ranks (" +
                      std::to_string(o.micro_batch * world) + ")");
  const int64_t steps_per_epoch = n_samples / o.global_batch;
  if (steps_per_epoch == 0)
    throw ConfigError("the dataset has " + std::to_string(n_samples) + " samples, fewer than train.global_batch");
  int64_t total_steps = steps_per_epoch * o.epochs;
  if (o.max_steps > 0) total_steps = std::min(total_steps, o.max_steps);
  const Schedule sched{o.adam.lr, steps_per_epoch * o.epochs, o.warmup_ratio, o.min_lr_ratio};

  torch::manual_seed(static_cast<uint64_t>(o.init_seed));
  Vlm model(mc);
  if (!cfg.get_string("model.init").empty()) load_weights(model, cfg.get_string("model.init"));
  FlatParams flat(*model, static_cast<int>(world), o.bf16 ? torch::kBFloat16 : torch::kFloat);
  auto comm = make_mpi_communicator();
  Zero2 zero(flat, *comm, o.bucket, cfg.get_string("zero.reduce_dtype") == "fp64" ? DType::F64 : DType::F32);
  if (mpi.is_root()) {
    spdlog::info("mode {}: model {}: {} parameters; {} samples, {} steps/epoch, {} steps", mode, mc.name, flat.numel(),
                 n_samples, steps_per_epoch, total_steps);
    log_memory(zero.memory_plan(), static_cast<int>(world));
  }

  CheckpointManager ckpt(out + "/checkpoints", static_cast<int>(o.keep));
  int64_t step = 0;
  if (auto latest = ckpt.latest_valid()) {
    auto state = ckpt.load(*latest, model, zero, flat);
    step = state.at("step").get<int64_t>();
    spdlog::info("resumed from {} at step {}", *latest, step);
  }
  // Every rank must agree on the starting point (a rank may have seen a damaged checkpoint).
  if (mpi.allreduce_max(step) != step || -mpi.allreduce_max(-step) != step)
    throw Error("ranks resumed from different checkpoints; check that all ranks see the same io.output");

  std::string eval_dir = cfg.get_string("data.eval");
  nlohmann::json closed_before;
  if (!eval_dir.empty() && step == 0 && mpi.is_root())
    closed_before = closed_accuracy(model, eval_dir, cfg.get_int("data.eval_samples"), o.pad_id);

  StageCounts counts;
  const auto t_start = std::chrono::steady_clock::now();
  int64_t trained_tokens = 0, steps_done = 0, checkpoints = 0;
  double last_loss = 0;
  const StepSetup setup{o.micro_batch, o.pad_id, o.clip, o.bf16 ? torch::kBFloat16 : torch::kFloat};
  std::vector<int64_t> order;
  int64_t order_epoch = -1;
  while (step < total_steps) {
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t epoch = step / steps_per_epoch;
    if (epoch != order_epoch) {
      order = epoch_order(n_samples, static_cast<uint64_t>(o.seed), epoch);
      order_epoch = epoch;
    }
    const int64_t base = (step % steps_per_epoch) * o.global_batch;
    const std::vector<int64_t> batch(order.begin() + base, order.begin() + base + o.global_batch);
    kernels::AdamWHyper h = o.adam;
    h.lr = sched.at(step);
    PreferenceResult pr;
    if (preference) pr = preference_step(model, zero, *comm, *pairs, batch, setup, pref, h);
    const StepResult r = preference ? pr.step : sft_step(model, zero, *comm, *tokens, batch, setup, h);
    const double gnorm = r.grad_norm;
    ++step;
    ++steps_done;
    last_loss = r.loss;
    const int64_t step_tokens = r.tokens;
    trained_tokens += step_tokens;
    counts.items_ok += r.local_samples;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (mpi.is_root()) {
      nlohmann::json m = {{"stage", "train"},   {"mode", mode},          {"step", step},
                          {"epoch", epoch},     {"loss", last_loss},     {"lr", h.lr},
                          {"grad_norm", gnorm}, {"tokens", step_tokens}, {"tokens_per_s", step_tokens / secs}};
      if (preference) {
        m.update({{"rewards/chosen", pr.reward_chosen},
                  {"rewards/rejected", pr.reward_rejected},
                  {"rewards/accuracies", pr.accuracy},
                  {"rewards/margins", pr.margin},
                  {"logps/chosen", pr.logp_chosen},
                  {"logps/rejected", pr.logp_rejected},
                  {"preference_loss", pr.pref_loss},
                  {"sft_nll", pr.sft_nll}});
        spdlog::info(
            "step {}/{} loss {:.4f} rewards/accuracies {:.3f} margins {:.4f} chosen {:.4f} rejected {:.4f} "
            "lr {:.3g} grad_norm {:.3f}",
            step, total_steps, last_loss, pr.accuracy, pr.margin, pr.reward_chosen, pr.reward_rejected, h.lr, gnorm);
      } else {
        spdlog::info("step {}/{} loss {:.4f} lr {:.3g} grad_norm {:.3f} {:.0f} tok/s", step, total_steps, last_loss,
                     h.lr, gnorm, step_tokens / secs);
      }
      ctx.metrics.write(m);
    }
    if (o.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.delay_ms));
    const bool stop = mpi.allreduce_max(g_stop_signal.load()) != 0;  // all ranks stop at the same step
    const nlohmann::json state = {
        {"step", step},        {"epoch", step / steps_per_epoch}, {"samples_seen", step * o.global_batch},
        {"data_seed", o.seed}, {"global_batch", o.global_batch},  {"total_steps", total_steps},
        {"loss", last_loss},   {"finished", step >= total_steps}};
    if (stop || step >= total_steps || (o.every > 0 && step % o.every == 0)) {
      ckpt.save(mpi, model, zero, flat, step, state);
      ++checkpoints;
    }
    if (stop && step < total_steps) {
      spdlog::warn("stop signal {}: checkpointed at step {}; re-run to resume", g_stop_signal.load(), step);
      counts.exit_code = 75;  // EX_TEMPFAIL: not finished, resumable
      break;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  if (mpi.is_root() && step >= total_steps) save_weights(model, out + "/model.safetensors");
  counts.extra = {{"steps", mpi.is_root() ? steps_done : 0},
                  {"checkpoints", mpi.is_root() ? checkpoints : 0},
                  {"final_step", mpi.is_root() ? step : 0},
                  {"loss", mpi.is_root() ? last_loss : 0.0},
                  {"tokens_per_s", mpi.is_root() && secs > 0 ? trained_tokens / secs : 0.0}};
  if (!eval_dir.empty() && mpi.is_root() && step >= total_steps) {
    auto after = closed_accuracy(model, eval_dir, cfg.get_int("data.eval_samples"), o.pad_id);
    if (!closed_before.is_null()) counts.extra["closed_accuracy_before"] = closed_before["accuracy"];
    counts.extra["closed_accuracy_after"] = after["accuracy"];
    counts.extra["closed_questions"] = after["questions"];
  }
  return counts;
}

}  // namespace cf
