// cf-selftest --gpu: every CUDA kernel against its CPU twin on the same random inputs (raw entry
// points, device buffers), timed against the CPU twin. Bounds: docs/kernels.md.
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "adamw/adamw.h"
#include "check_util.h"
#include "cuda_mem.h"
#include "grad_buckets/grad_buckets.h"
#include "grad_buckets/grad_buckets_raw.h"
#include "preference_loss/preference_loss.h"
#include "selftest.h"
#include "token_logprobs/token_logprobs.h"
#include "token_logprobs/token_logprobs_raw.h"

namespace cf::kernels::selftest {
namespace {

namespace k = cf::kernels;
using torch::Tensor;

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
  return time_ms([&] {
    f();
    k::cuda_sync();
  });
}

}  // namespace

void gpu_checks(std::vector<Row>& rows) {
  const int64_t n = 256, v = 128011;
  for (auto dt : {torch::kFloat, torch::kBFloat16}) {
    auto x = (torch::randn({n, v}) * 3).to(dt);
    auto t = torch::randint(0, v, {n}, torch::kLong);
    auto lp = torch::empty({n}), lse = torch::empty({n}, torch::kDouble), g = torch::randn({n});
    const k::Elem e = dt == torch::kFloat ? k::Elem::F32 : k::Elem::BF16;
    double cpu_ms = time_ms(
        [&] {
          k::token_logprobs_forward_cpu({x.data_ptr(), e, n, v, v, t.data_ptr<int64_t>(), nullptr},
                                        lp.data_ptr<float>(), lse.data_ptr<double>());
        },
        1);
    auto dx = up<float>(x), dt_ = up<int64_t>(t), dlp = up<float>(lp), dlse = up<double>(lse), dg = up<float>(g);
    const k::LogitRows r{dx->get(), e, n, v, v, dt_->as<int64_t>(), nullptr};
    const double ms = gpu_ms([&] { k::token_logprobs_forward_cuda(r, dlp->as<float>(), dlse->as<double>(), nullptr); });
    const std::string name = dt == torch::kFloat ? "fp32" : "bf16";
    rows.push_back({"token_logprobs", "fwd V=128k " + name, max_rel(down(*dlp, lp), lp), 1e-5, ms, cpu_ms});
    k::token_logprobs_backward_cpu(x.data_ptr(), e, n, v, v, t.data_ptr<int64_t>(), lse.data_ptr<double>(),
                                   g.data_ptr<float>());
    k::token_logprobs_backward_cuda(dx->get(), e, n, v, v, dt_->as<int64_t>(), dlse->as<double>(), dg->as<float>(),
                                    nullptr);
    k::cuda_sync();
    rows.push_back(
        {"token_logprobs", "bwd " + name, max_rel(down(*dx, x), x), dt == torch::kFloat ? 1e-5 : 8e-3, -1, -1});
  }
  {
    const int64_t b = 4096;
    auto pc = -torch::rand({b}, torch::kDouble) * 30, pr = -torch::rand({b}, torch::kDouble) * 30;
    auto rc = pc + torch::randn({b}, torch::kDouble), rr = pr + torch::randn({b}, torch::kDouble),
         loss = torch::empty({b}, torch::kDouble);
    auto dpc = up<double>(pc), dpr = up<double>(pr), drc = up<double>(rc), drr = up<double>(rr), dl = up<double>(loss);
    for (int type = 0; type < 4; ++type) {
      const k::PrefLossParams p{static_cast<k::PrefLossType>(type), 0.1, 0.1, 0.2};
      k::preference_loss_forward_cpu<double>(pc.data_ptr<double>(), pr.data_ptr<double>(), rc.data_ptr<double>(),
                                             rr.data_ptr<double>(), nullptr, b, p, loss.data_ptr<double>());
      k::preference_loss_forward_cuda<double>(dpc->as<double>(), dpr->as<double>(), drc->as<double>(),
                                              drr->as<double>(), nullptr, b, p, dl->as<double>(), nullptr);
      k::cuda_sync();
      rows.push_back(
          {"preference_loss", "type " + std::to_string(type) + " fp64", max_rel(down(*dl, loss), loss), 1e-12, -1, -1});
    }
  }
  {
    const int64_t sz = 1 << 24;
    auto p = torch::randn({sz}), m = torch::zeros({sz}), vv = torch::zeros({sz}), g = torch::randn({sz});
    auto out = torch::empty({sz}, torch::kBFloat16);
    auto dp = up<float>(p), dm = up<float>(m), dv = up<float>(vv), dg = up<float>(g), dout = up<uint16_t>(out);
    const k::AdamWHyper h{1e-3, 0.9, 0.95, 1e-8, 0.1};
    const double cpu_ms = time_ms(
        [&] {
          k::adamw_cpu(p.data_ptr<float>(), m.data_ptr<float>(), vv.data_ptr<float>(), g.data_ptr<float>(), nullptr, sz,
                       h, 1, 0.5f, reinterpret_cast<uint16_t*>(out.data_ptr()));
        },
        1);
    const double ms = gpu_ms([&] {
      k::adamw_cuda(dp->as<float>(), dm->as<float>(), dv->as<float>(), dg->as<float>(), nullptr, sz, h, 1, 0.5f,
                    dout->as<uint16_t>(), nullptr);
    });
    // gpu_ms ran the step twice: redo both from the same start for the comparison.
    auto p0 = torch::randn({sz});
    auto p1 = p0.clone(), m1 = torch::zeros({sz}), v1 = torch::zeros({sz});
    k::adamw_cpu(p1.data_ptr<float>(), m1.data_ptr<float>(), v1.data_ptr<float>(), g.data_ptr<float>(), nullptr, sz, h,
                 1, 0.5f, nullptr);
    auto dp0 = up<float>(p0), dm0 = up<float>(torch::zeros({sz})), dv0 = up<float>(torch::zeros({sz}));
    k::adamw_cuda(dp0->as<float>(), dm0->as<float>(), dv0->as<float>(), dg->as<float>(), nullptr, sz, h, 1, 0.5f,
                  nullptr, nullptr);
    k::cuda_sync();
    rows.push_back({"adamw", "16M step", (down(*dp0, p1) - p1).abs().max().item<double>(), 1e-6, ms, cpu_ms});
  }
  {
    const int64_t sz = 1 << 24;
    auto src = torch::randn({sz}), dst = torch::empty({sz}, torch::kBFloat16);
    auto ds = up<float>(src), dd = up<uint16_t>(dst);
    const double cpu_ms =
        time_ms([&] { k::convert_cpu(src.data_ptr(), k::Elem::F32, dst.data_ptr(), k::Elem::BF16, sz, false); }, 1);
    const double ms =
        gpu_ms([&] { k::convert_cuda(ds->get(), k::Elem::F32, dd->get(), k::Elem::BF16, sz, false, nullptr); });
    auto diff = (down(*dd, dst).to(torch::kFloat) - dst.to(torch::kFloat)).abs().max().item<double>();
    rows.push_back({"grad_buckets", "fp32 -> bf16 16M", diff, 0, ms, cpu_ms});
  }
}

}  // namespace cf::kernels::selftest
