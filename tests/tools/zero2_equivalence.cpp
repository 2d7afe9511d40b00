// mpirun -np W cf-test-zero2 TOKENS PRESET STEPS OUT_JSON [fp32|fp64]
// Trains STEPS steps with ZeRO-2 at world size W, then rank 0 repeats them with a plain
// unsharded implementation (see reference()) and compares the bf16 parameters and fp32 masters.
// Writes {"world", "params", "mismatched", "max_abs_diff", "max_ulps", "max_master_rel_diff"}.
#include <cmath>
#include <cstdio>
#include <fstream>

#include <mpi.h>
#include <torch/torch.h>

#include "comm/communicator.h"
#include "train/batch.h"
#include "train/flat_params.h"
#include "train/sft_step.h"
#include "train/token_data.h"
#include "kernels/adamw/adamw_raw.h"
#include "train/zero2.h"

using namespace cf;

namespace {
constexpr int64_t kGlobal = 8, kMicro = 2;
const kernels::AdamWHyper kAdam{3e-3, 0.9, 0.95, 1e-8, 0.1};
constexpr double kClip = 0.5;

std::vector<int64_t> batch_of(int64_t step, int64_t n) {
  auto order = epoch_order(n, 7, step * kGlobal / n);
  const int64_t base = (step * kGlobal) % n;
  return {order.begin() + base, order.begin() + base + kGlobal};
}

// Plain unsharded reference on rank 0: full fp32 master weights and moments, gradients of all
// micro-batches accumulated in one process (in `acc` precision), clipping by the global norm,
// the same AdamW (kernels::adamw_cpu) over the whole buffer (which test_train_adamw checks against
// torch::optim::AdamW). No flat views, hooks, buckets or collectives.
torch::Tensor reference(const ModelConfig& mc, TokenDataset& data, int64_t steps, torch::ScalarType acc,
                        torch::Tensor* master_out) {
  torch::manual_seed(0);
  Vlm model(mc);
  std::vector<torch::Tensor> params;
  auto named = model->named_parameters();
  for (auto it = named.end(); it != named.begin();) {  // FlatParams order: reversed
    --it;
    it->value().set_data(it->value().detach().to(torch::kBFloat16));
    params.push_back(it->value());
  }
  std::vector<torch::Tensor> pieces;
  std::vector<uint8_t> decay;
  for (auto& p : params) {
    pieces.push_back(p.detach().to(torch::kFloat).reshape({-1}));
    decay.insert(decay.end(), static_cast<size_t>(p.numel()), p.dim() >= 2 ? 1 : 0);
  }
  auto master = torch::cat(pieces), m = torch::zeros_like(master), v = torch::zeros_like(master);
  for (int64_t step = 0; step < steps; ++step) {
    auto ids = batch_of(step, data.size());
    std::vector<Batch> micro;
    int64_t answer_tokens = 0;
    for (int64_t j = 0; j < kGlobal / kMicro; ++j) {
      std::vector<TokenSample> s;
      for (int64_t k = 0; k < kMicro; ++k) s.push_back(data.get(ids[static_cast<size_t>(j * kMicro + k)]));
      micro.push_back(collate(s, mc.vision.image_size, 0));
      answer_tokens += micro.back().loss_tokens;
    }
    auto grad = torch::zeros({master.numel()}, acc);
    for (auto& b : micro) {
      for (auto& p : params) p.mutable_grad() = torch::Tensor();
      // The trainer's micro-batch loss (answer positions only; test_train_sft_loss checks it
      // against the full-logits loss).
      (sft_nll_sum(model, b, torch::kBFloat16) / static_cast<double>(answer_tokens)).backward();
      int64_t off = 0;
      for (auto& p : params) {  // unused parameters (after LLaVA's feature layer) get zero
        if (p.grad().defined()) grad.narrow(0, off, p.numel()).add_(p.grad().reshape({-1}).to(acc));
        off += p.numel();
      }
    }
    const double norm = std::sqrt(sum_of_squares_f64(grad));  // the trainer's fp64 summation order
    const float scale = norm > kClip ? static_cast<float>(kClip / (norm + 1e-6)) : 1.0f;
    auto g = grad.to(torch::kFloat).contiguous();
    kernels::adamw_cpu(master.data_ptr<float>(), m.data_ptr<float>(), v.data_ptr<float>(), g.data_ptr<float>(),
                       decay.data(), master.numel(), kAdam, step + 1, scale, nullptr);
    torch::NoGradGuard ng;
    int64_t off = 0;
    for (auto& p : params) {
      p.copy_(master.narrow(0, off, p.numel()).view(p.sizes()));
      off += p.numel();
    }
  }
  *master_out = master;
  std::vector<torch::Tensor> flat;
  for (auto& p : params) flat.push_back(p.detach().reshape({-1}));
  return torch::cat(flat);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  torch::set_num_threads(1);
  const std::string tokens = argv[1], out_json = argv[4];
  const int64_t steps = std::stoll(argv[3]);
  ModelConfig mc = load_model_config(argv[2]);
  TokenDataset data(tokens);
  auto comm = make_mpi_communicator();
  torch::manual_seed(0);
  Vlm model(mc);
  FlatParams flat(*model, comm->world(), torch::kBFloat16);
  const bool fp64 = argc > 5 && std::string(argv[5]) == "fp64";
  Zero2 zero(flat, *comm, /*bucket_elements=*/20000,
             fp64 ? DType::F64 : DType::F32);  // several buckets, edges inside shards
  const StepSetup setup{kMicro, 0, kClip, torch::kBFloat16};
  for (int64_t step = 0; step < steps; ++step)
    sft_step(model, zero, *comm, data, batch_of(step, data.size()), setup, kAdam);
  // Gather the fp32 master shards for the comparison.
  auto master_all = torch::empty({flat.padded()}, torch::kFloat);
  comm->all_gather(zero.master.data_ptr<float>(), master_all.data_ptr<float>(), static_cast<size_t>(flat.shard_size()),
                   DType::F32);
  if (comm->rank() == 0) {
    torch::Tensor ref_master;
    auto ref = reference(mc, data, steps, fp64 ? torch::kDouble : torch::kFloat, &ref_master);
    auto got = flat.flat.slice(0, 0, flat.numel());
    auto diff = (got.to(torch::kFloat) - ref.to(torch::kFloat)).abs();
    // Distance in bf16 units in the last place: compare the 16-bit patterns as ordered integers.
    auto bits = [](const torch::Tensor& t) {
      auto i = t.contiguous().view(torch::kShort).to(torch::kInt);
      return torch::where(i < 0, -(i & 0x7fff), i);
    };
    auto ulps = (bits(got) - bits(ref)).abs();
    for (const auto& slot : flat.slots) {  // which parameters differ, for the log
      auto u = ulps.narrow(0, slot.offset, slot.numel);
      if (u.max().item<int>() > 1)
        std::fprintf(stderr, "%s: max %d ulps, %lld differ\n", slot.name.c_str(), u.max().item<int>(),
                     static_cast<long long>((u > 0).sum().item<int64_t>()));
    }
    auto mrel = ((master_all.slice(0, 0, flat.numel()) - ref_master).abs() / (ref_master.abs() + 1e-3)).max();
    std::ofstream(out_json) << "{\"world\":" << comm->world() << ",\"reduce\":\"" << (fp64 ? "fp64" : "fp32") << "\""
                            << ",\"params\":" << flat.numel() << ",\"mismatched\":" << (ulps > 0).sum().item<int64_t>()
                            << ",\"max_abs_diff\":" << diff.max().item<float>()
                            << ",\"max_ulps\":" << ulps.max().item<int>()
                            << ",\"max_master_rel_diff\":" << mrel.item<float>()
                            << ",\"buckets_reduced\":" << zero.buckets_reduced << "}\n";
  }
  MPI_Finalize();
  return 0;
}
