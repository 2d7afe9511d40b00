#include "model/generate.h"

#include <algorithm>
#include <limits>

namespace cf {
namespace {

// Samples one token per row from logits [B, V]; `banned` ids get -inf.
torch::Tensor pick(torch::Tensor logits, const GenerateOptions& o, const std::vector<int64_t>& banned,
                   torch::Generator& gen) {
  logits = logits.to(torch::kFloat);
  for (int64_t id : banned)
    if (id >= 0 && id < logits.size(-1)) logits.select(-1, id).fill_(-std::numeric_limits<float>::infinity());
  if (o.vocab_limit > 0 && o.vocab_limit < logits.size(-1))  // ids the tokenizer does not have
    logits.slice(-1, o.vocab_limit).fill_(-std::numeric_limits<float>::infinity());
  if (o.temperature <= 0) return logits.argmax(-1);
  auto probs = torch::softmax(logits / o.temperature, -1);
  if (o.top_p < 1.0) {
    auto [sorted, idx] = probs.sort(-1, /*descending=*/true);
    auto cum = sorted.cumsum(-1);
    auto drop = (cum - sorted) > o.top_p;  // keep the smallest prefix whose mass reaches top_p
    sorted = sorted.masked_fill(drop, 0);
    probs = torch::zeros_like(probs).scatter(-1, idx, sorted);
  }
  return torch::multinomial(probs, 1, false, gen).squeeze(-1);
}

}  // namespace

std::vector<std::vector<int64_t>> generate(Vlm& model, const std::vector<std::vector<int64_t>>& prompts,
                                           const torch::Tensor& images, const GenerateOptions& o) {
  torch::NoGradGuard no_grad;
  const int64_t b = static_cast<int64_t>(prompts.size());
  int64_t longest = 0;
  for (const auto& p : prompts) longest = std::max<int64_t>(longest, static_cast<int64_t>(p.size()));
  auto ids = torch::full({b, longest}, o.pad_token, torch::kLong);
  auto mask = torch::zeros({b, longest + o.max_new_tokens}, torch::kLong);
  for (int64_t i = 0; i < b; ++i) {  // left padding: every prompt ends at column longest-1
    const auto& p = prompts[i];
    const int64_t off = longest - static_cast<int64_t>(p.size());
    if (!p.empty()) ids[i].slice(0, off).copy_(torch::tensor(p, torch::kLong));
    mask[i].slice(0, off, longest).fill_(1);
  }
  auto gen = at::detail::createCPUGenerator(o.seed);
  std::vector<int64_t> banned = o.suppress_tokens;
  banned.push_back(model->cfg.image_token_id);
  std::vector<KVCache> caches;
  std::vector<std::vector<int64_t>> out(b);
  std::vector<bool> done(b, false);
  auto hidden = model->forward_hidden(ids, images, mask.slice(1, 0, longest), &caches, 0);
  auto next = pick(model->lm()->logits(hidden.select(1, longest - 1)), o, banned, gen);
  for (int64_t step = 0; step < o.max_new_tokens; ++step) {
    bool all_done = true;
    for (int64_t i = 0; i < b; ++i) {
      if (done[i]) continue;
      const int64_t tok = next[i].item<int64_t>();
      out[i].push_back(tok);
      if (std::find(o.stop_tokens.begin(), o.stop_tokens.end(), tok) != o.stop_tokens.end()) done[i] = true;
      all_done = all_done && done[i];
    }
    if (all_done || step + 1 == o.max_new_tokens) break;
    mask.select(1, longest + step).fill_(1);
    hidden =
        model->forward_hidden(next.view({b, 1}), {}, mask.slice(1, 0, longest + step + 1), &caches, longest + step);
    next = pick(model->lm()->logits(hidden.select(1, 0)), o, banned, gen);
  }
  return out;
}

}  // namespace cf
