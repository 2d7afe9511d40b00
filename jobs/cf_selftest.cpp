// cf-selftest: run this first on a new machine or cluster. Without flags it checks every fused
// CPU kernel of kernels/ against a float64 LibTorch reference on fresh random inputs and prints
// a table of errors, documented bounds and timings (fused vs. the naive LibTorch composition).
// With --gpu it prints the CUDA, cuDNN and NCCL versions, then runs every CUDA kernel against its
// CPU twin on the same random inputs (and the NCCL communicator's collectives); with no usable
// GPU it says so and exits 2. Exit 1 when any check exceeds its bound. Bounds: docs/kernels.md.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "cuda_mem.h"
#include "device.h"
#include "dist/mpi_runtime.h"
#include "dist/nccl_communicator.h"
#include "kernels/adamw/adamw.h"
#include "kernels/grad_buckets/grad_buckets.h"
#include "kernels/grad_buckets/grad_buckets_raw.h"
#include "kernels/linear_logprobs/linear_logprobs.h"
#include "kernels/preference_loss/preference_loss.h"
#include "kernels/token_logprobs/token_logprobs.h"
#include "kernels/token_logprobs/token_logprobs_raw.h"

namespace k = cf::kernels;
using torch::Tensor;

namespace {

struct Row {
  std::string op, check;
  double err, bound, ms, ms_ref;  // ms_ref < 0: no baseline
};
std::vector<Row> rows;

double time_ms(const std::function<void()>& f, int reps = 3) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}
double max_rel(const Tensor& got, const Tensor& ref) {  // max |got - ref| / (1 + |ref|)
  return ((got.to(torch::kDouble) - ref.to(torch::kDouble)).abs() / (1 + ref.to(torch::kDouble).abs())).max().item<double>();
}
Tensor ref_logp(const Tensor& x, const Tensor& t) {
  return torch::log_softmax(x.to(torch::kDouble), -1).gather(-1, t.unsqueeze(-1)).squeeze(-1);
}

void cpu_checks() {
  const int64_t n = 128, v = 32011;  // vocabulary not a multiple of the chunk
  for (auto [dt, scale, name] : {std::tuple{torch::kFloat, 3.0, "fp32"}, std::tuple{torch::kBFloat16, 3.0, "bf16"},
                                 std::tuple{torch::kFloat, 1e4, "fp32 |x|~1e4"}}) {
    auto x = (torch::randn({n, v}) * scale).to(dt);
    auto t = torch::randint(0, v, {n}, torch::kLong);
    auto w = torch::ones({n});
    w[0] = 0;  // a masked row
    auto got = k::token_logprobs(x, t, w);
    auto ref = ref_logp(x, t) * w.to(torch::kDouble);
    const double ms = time_ms([&] { k::token_logprobs(x, t, w); });
    const double ms_ref = time_ms([&] { torch::log_softmax(x.to(torch::kFloat), -1).gather(-1, t.unsqueeze(-1)); });
    rows.push_back({"token_logprobs", std::string("fwd ") + name, max_rel(got, ref), 1e-5, ms, ms_ref});
  }
  {
    auto x = torch::randn({n, v}), t = torch::randint(0, v, {n}, torch::kLong), u = torch::randn({n});
    auto xg = x.clone().set_requires_grad(true);
    (k::token_logprobs(xg, t, {}, false) * u).sum().backward();
    auto xd = x.to(torch::kDouble).set_requires_grad(true);
    (ref_logp(xd, t) * u.to(torch::kDouble)).sum().backward();
    rows.push_back({"token_logprobs", "bwd fp32", max_rel(xg.grad(), xd.grad()), 1e-5, -1, -1});
  }
  {
    auto h = torch::randn({256, 64}), wt = torch::randn({v, 64}) * 0.1;
    auto t = torch::randint(0, v, {256}, torch::kLong);
    auto got = k::linear_logprobs(h, wt, t);
    auto ref = ref_logp(torch::matmul(h.to(torch::kDouble), wt.to(torch::kDouble).t()), t);
    const double ms = time_ms([&] { k::linear_logprobs(h, wt, t); });
    const double ms_ref = time_ms([&] { torch::log_softmax(torch::matmul(h, wt.t()), -1).gather(-1, t.unsqueeze(-1)); });
    rows.push_back({"linear_logprobs", "fwd fp32", max_rel(got, ref), 1e-4, ms, ms_ref});
  }
  for (const char* type : {"sigmoid", "ipo", "hinge", "robust"}) {
    const int64_t b = 256;
    auto rc = -30 * torch::rand({b}, torch::kDouble), rr = -30 * torch::rand({b}, torch::kDouble);
    auto pc = rc + torch::randn({b}, torch::kDouble), pr = rr + torch::randn({b}, torch::kDouble);
    const k::PrefLossParams p{k::pref_loss_type(type), 0.1, 0.1, 0.2};
    auto got = k::preference_loss(pc, pr, rc, rr, p).losses;
    namespace F = torch::nn::functional;
    auto m = (pc - rc) - (pr - rr), z = 0.1 * m;
    Tensor ref = p.type == k::PrefLossType::Sigmoid ? -0.9 * F::logsigmoid(z) - 0.1 * F::logsigmoid(-z)
                 : p.type == k::PrefLossType::Ipo   ? (m - 5.0).pow(2)
                 : p.type == k::PrefLossType::Hinge ? torch::relu(1 - z)
                                                    : (-0.9 * F::logsigmoid(z) + 0.1 * F::logsigmoid(-z)) / 0.8;
    rows.push_back({"preference_loss", std::string(type) + " fp64", max_rel(got, ref - 0.2 * pc), 1e-12, -1, -1});
  }
  {
    const int64_t sz = 1 << 22;
    auto p = torch::randn({sz}), m = torch::zeros({sz}), vv = torch::zeros({sz}), g = torch::randn({sz});
    auto out = torch::empty({sz}, torch::kBFloat16);
    const k::AdamWHyper h{1e-3, 0.9, 0.95, 1e-8, 0.1};
    auto pd = p.to(torch::kDouble);
    k::adamw_step(p, m, vv, g, {}, h, 1, 1.0f, out);
    auto gd = g.to(torch::kDouble);
    auto refp = pd - h.lr * (0.1 * gd / 0.1) / ((0.05 * gd * gd / 0.05).sqrt() + h.eps) - h.lr * h.weight_decay * pd;
    rows.push_back({"adamw", "4M master vs fp64", (p.to(torch::kDouble) - refp).abs().max().item<double>(), 5e-6, -1, -1});
    rows.push_back({"adamw", "bf16 shard == bf16(master)",
                    (out.to(torch::kFloat) - p.to(torch::kBFloat16).to(torch::kFloat)).abs().max().item<double>(), 0, -1, -1});
    auto tp = torch::randn({sz}).set_requires_grad(true);
    tp.mutable_grad() = g.clone();
    torch::optim::AdamW opt({tp}, torch::optim::AdamWOptions(1e-3));
    const double ms = time_ms([&] { k::adamw_step(p, m, vv, g, {}, h, 2, 1.0f, out); });
    const double ms_ref = time_ms([&] { opt.step(); });
    rows.push_back({"adamw", "step time (vs torch AdamW)", 0, 0, ms, ms_ref});
  }
  {
    auto bucket = torch::randn({1 << 22}), ref = bucket.clone();
    auto g = torch::randn({1 << 22}).to(torch::kBFloat16);
    const double ms = time_ms([&] { k::bucket_pack_add(bucket, 0, g); }, 1);
    const double ms_ref = time_ms([&] { ref.add_(g.to(torch::kFloat)); }, 1);
    rows.push_back({"grad_buckets", "pack bf16 -> fp32", (bucket - ref).abs().max().item<double>(), 0, ms, ms_ref});
  }
}

// --- GPU: every CUDA kernel against its CPU twin (raw entry points, device buffers) ---------
template <class T>
std::unique_ptr<k::DeviceBuffer> up(const Tensor& t) {
  auto c = t.contiguous();
  auto b = std::make_unique<k::DeviceBuffer>(c.numel() * c.element_size());
  k::cuda_to_device(b->get(), c.data_ptr(), b->bytes());
  return b;
}
Tensor down(const k::DeviceBuffer& b, const Tensor& like) {
  auto out = torch::empty_like(like).contiguous();
  k::cuda_to_host(out.data_ptr(), b.get(), b.bytes());
  return out;
}
double gpu_ms(const std::function<void()>& f) {
  f();
  k::cuda_sync();
  return time_ms([&] { f(); k::cuda_sync(); });
}

void gpu_checks() {
  const int64_t n = 256, v = 128011;
  for (auto dt : {torch::kFloat, torch::kBFloat16}) {
    auto x = (torch::randn({n, v}) * 3).to(dt);
    auto t = torch::randint(0, v, {n}, torch::kLong);
    auto lp = torch::empty({n}), lse = torch::empty({n}, torch::kDouble), g = torch::randn({n});
    const k::Elem e = dt == torch::kFloat ? k::Elem::F32 : k::Elem::BF16;
    double cpu_ms = time_ms([&] { k::token_logprobs_forward_cpu({x.data_ptr(), e, n, v, v, t.data_ptr<int64_t>(), nullptr}, lp.data_ptr<float>(), lse.data_ptr<double>()); }, 1);
    auto dx = up<float>(x), dt_ = up<int64_t>(t), dlp = up<float>(lp), dlse = up<double>(lse), dg = up<float>(g);
    const k::LogitRows r{dx->get(), e, n, v, v, dt_->as<int64_t>(), nullptr};
    const double ms = gpu_ms([&] { k::token_logprobs_forward_cuda(r, dlp->as<float>(), dlse->as<double>(), nullptr); });
    const std::string name = dt == torch::kFloat ? "fp32" : "bf16";
    rows.push_back({"token_logprobs", "fwd V=128k " + name, max_rel(down(*dlp, lp), lp), 1e-5, ms, cpu_ms});
    k::token_logprobs_backward_cpu(x.data_ptr(), e, n, v, v, t.data_ptr<int64_t>(), lse.data_ptr<double>(), g.data_ptr<float>());
    k::token_logprobs_backward_cuda(dx->get(), e, n, v, v, dt_->as<int64_t>(), dlse->as<double>(), dg->as<float>(), nullptr);
    k::cuda_sync();
    rows.push_back({"token_logprobs", "bwd " + name, max_rel(down(*dx, x), x), dt == torch::kFloat ? 1e-5 : 8e-3, -1, -1});
  }
  {
    const int64_t b = 4096;
    auto pc = -torch::rand({b}, torch::kDouble) * 30, pr = -torch::rand({b}, torch::kDouble) * 30;
    auto rc = pc + torch::randn({b}, torch::kDouble), rr = pr + torch::randn({b}, torch::kDouble), loss = torch::empty({b}, torch::kDouble);
    auto dpc = up<double>(pc), dpr = up<double>(pr), drc = up<double>(rc), drr = up<double>(rr), dl = up<double>(loss);
    for (int type = 0; type < 4; ++type) {
      const k::PrefLossParams p{static_cast<k::PrefLossType>(type), 0.1, 0.1, 0.2};
      k::preference_loss_forward_cpu<double>(pc.data_ptr<double>(), pr.data_ptr<double>(), rc.data_ptr<double>(), rr.data_ptr<double>(), nullptr, b, p, loss.data_ptr<double>());
      k::preference_loss_forward_cuda<double>(dpc->as<double>(), dpr->as<double>(), drc->as<double>(), drr->as<double>(), nullptr, b, p, dl->as<double>(), nullptr);
      k::cuda_sync();
      rows.push_back({"preference_loss", "type " + std::to_string(type) + " fp64", max_rel(down(*dl, loss), loss), 1e-12, -1, -1});
    }
  }
  {
    const int64_t sz = 1 << 24;
    auto p = torch::randn({sz}), m = torch::zeros({sz}), vv = torch::zeros({sz}), g = torch::randn({sz});
    auto out = torch::empty({sz}, torch::kBFloat16);
    auto dp = up<float>(p), dm = up<float>(m), dv = up<float>(vv), dg = up<float>(g), dout = up<uint16_t>(out);
    const k::AdamWHyper h{1e-3, 0.9, 0.95, 1e-8, 0.1};
    const double cpu_ms = time_ms([&] { k::adamw_cpu(p.data_ptr<float>(), m.data_ptr<float>(), vv.data_ptr<float>(), g.data_ptr<float>(), nullptr, sz, h, 1, 0.5f, reinterpret_cast<uint16_t*>(out.data_ptr())); }, 1);
    const double ms = gpu_ms([&] { k::adamw_cuda(dp->as<float>(), dm->as<float>(), dv->as<float>(), dg->as<float>(), nullptr, sz, h, 1, 0.5f, dout->as<uint16_t>(), nullptr); });
    // gpu_ms ran the step twice: redo both from the same start for the comparison.
    auto p0 = torch::randn({sz});
    auto p1 = p0.clone(), m1 = torch::zeros({sz}), v1 = torch::zeros({sz});
    k::adamw_cpu(p1.data_ptr<float>(), m1.data_ptr<float>(), v1.data_ptr<float>(), g.data_ptr<float>(), nullptr, sz, h, 1, 0.5f, nullptr);
    auto dp0 = up<float>(p0), dm0 = up<float>(torch::zeros({sz})), dv0 = up<float>(torch::zeros({sz}));
    k::adamw_cuda(dp0->as<float>(), dm0->as<float>(), dv0->as<float>(), dg->as<float>(), nullptr, sz, h, 1, 0.5f, nullptr, nullptr);
    k::cuda_sync();
    rows.push_back({"adamw", "16M step", (down(*dp0, p1) - p1).abs().max().item<double>(), 1e-6, ms, cpu_ms});
  }
  {
    const int64_t sz = 1 << 24;
    auto src = torch::randn({sz}), dst = torch::empty({sz}, torch::kBFloat16);
    auto ds = up<float>(src), dd = up<uint16_t>(dst);
    const double cpu_ms = time_ms([&] { k::convert_cpu(src.data_ptr(), k::Elem::F32, dst.data_ptr(), k::Elem::BF16, sz, false); }, 1);
    const double ms = gpu_ms([&] { k::convert_cuda(ds->get(), k::Elem::F32, dd->get(), k::Elem::BF16, sz, false, nullptr); });
    auto diff = (down(*dd, dst).to(torch::kFloat) - dst.to(torch::kFloat)).abs().max().item<double>();
    rows.push_back({"grad_buckets", "fp32 -> bf16 16M", diff, 0, ms, cpu_ms});
  }
}

void nccl_checks(int* argc, char*** argv) {
  cf::MpiRuntime mpi(argc, argv);
  auto comm = cf::make_nccl_communicator();
  const int w = comm->world();
  auto ones = torch::ones({1000}, torch::kFloat);
  auto d = up<float>(ones);
  comm->all_reduce_sum(d->get(), 1000, cf::DType::F32);
  comm->barrier();
  rows.push_back({"nccl", "all_reduce x" + std::to_string(w), (down(*d, ones) - w).abs().max().item<double>(), 0, -1, -1});
  std::vector<size_t> counts(static_cast<size_t>(w), 3);
  counts[0] = 5;  // unequal bucket edges
  size_t total = 0;
  for (size_t c : counts) total += c;
  auto send = up<float>(torch::ones({static_cast<int64_t>(total)})), recv = up<float>(torch::zeros({8}));
  comm->reduce_scatter_sum(send->get(), recv->get(), counts, cf::DType::F32);
  comm->barrier();
  auto got = down(*recv, torch::zeros({8})).narrow(0, 0, static_cast<int64_t>(counts[static_cast<size_t>(comm->rank())]));
  rows.push_back({"nccl", "reduce_scatter (unequal)", (got - w).abs().max().item<double>(), 0, -1, -1});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cf-selftest: fused kernels against their references (CPU) or CUDA against CPU (--gpu)"};
  bool gpu = false;
  uint64_t seed = 0;
  app.add_flag("--gpu", gpu, "run every CUDA kernel against its CPU twin (needs a GPU)");
  app.add_option("--seed", seed, "random seed (default 0: from the clock)");
  CLI11_PARSE(app, argc, argv);
  torch::manual_seed(seed ? seed : static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  try {
    if (gpu) {
      const auto info = k::cuda_info();
      std::printf("%s\n%s\n", k::describe(info).c_str(), k::library_versions().c_str());
      if (!info.built || info.device_count == 0) {
        std::fprintf(stderr, "cf-selftest --gpu: no usable CUDA device (%s); run cf-selftest without --gpu for the CPU kernels\n",
                     info.error.c_str());
        return 2;
      }
      gpu_checks();
      if (cf::nccl_built()) nccl_checks(&argc, &argv);
    } else {
      std::printf("LibTorch %d.%d.%d, %d threads, token_logprobs CPU path: %s\n", TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR,
                  TORCH_VERSION_PATCH, torch::get_num_threads(), k::token_logprobs_cpu_isa());
      cpu_checks();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cf-selftest: %s\n", e.what());
    return 1;
  }
  int failed = 0;
  std::printf("%-16s %-28s %11s %9s %10s %10s  %s\n", "op", "check", "error", "bound", "ms", gpu ? "cpu ms" : "naive ms", "");
  for (const auto& r : rows) {
    const bool ok = r.err <= r.bound;
    failed += ok ? 0 : 1;
    std::printf("%-16s %-28s %11.3e %9.1e %10s %10s  %s\n", r.op.c_str(), r.check.c_str(), r.err, r.bound,
                r.ms < 0 ? "-" : std::to_string(r.ms).substr(0, 7).c_str(), r.ms_ref < 0 ? "-" : std::to_string(r.ms_ref).substr(0, 7).c_str(),
                ok ? "ok" : "FAIL");
  }
  std::printf("%s: %d of %zu checks failed\n", failed ? "FAILED" : "OK", failed, rows.size());
  return failed ? 1 : 0;
}
