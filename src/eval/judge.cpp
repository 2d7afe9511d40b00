#include "eval/judge.h"

#include "core/config.h"
#include "core/error.h"
#include "core/prompts.h"
#include "eval/builtin_judge.h"
#include "eval/openai_judge.h"
#include "net/net_config.h"

namespace cf::eval {
namespace {

class BuiltinJudge : public Judge {
 public:
  explicit BuiltinJudge(double tie_margin) : tie_margin_(tie_margin) {}
  std::string name() const override { return "builtin"; }
  std::vector<ScoreJudgment> score(const std::vector<ScoreRequest>& reqs) override {
    std::vector<ScoreJudgment> out;
    for (const auto& r : reqs)
      out.push_back(r.field.empty() ? builtin_sample_score(r.task, r.reference, r.answer)
                                    : builtin_field_score(field_kind(r.field, r.reference_value), r.reference_value,
                                                          r.answer_value));
    return out;
  }
  std::vector<PairJudgment> compare(const std::vector<PairRequest>& reqs) override {
    std::vector<PairJudgment> out;
    for (const auto& r : reqs) out.push_back(builtin_compare(r.task, r.reference, r.first, r.second, tie_margin_));
    return out;
  }

 private:
  double tie_margin_;
};

}  // namespace

std::unique_ptr<Judge> make_judge(const Config& cfg) {
  const std::string kind = cfg.get_string("eval.judge");
  if (kind == "builtin") return std::make_unique<BuiltinJudge>(cfg.get_float("eval.tie_margin"));
  if (kind == "openai") {
    OpenAiJudgeOptions o;
    o.client = net::read_net_options(cfg);
    o.system_prompt = load_prompt("judge_system", cfg.get_string("eval.prompt_system"), "eval.prompt_system");
    o.score_prompt = load_prompt("judge_score", cfg.get_string("eval.prompt_score"), "eval.prompt_score");
    o.pairwise_prompt = load_prompt("judge_pairwise", cfg.get_string("eval.prompt_pairwise"), "eval.prompt_pairwise");
    // Check the templates now, so a bad placeholder is a config error before any request.
    fill_template(o.score_prompt, {{"question", ""}, {"guidance", ""}, {"reference", ""}, {"answer", ""}},
                  "eval.prompt_score");
    fill_template(o.pairwise_prompt,
                  {{"question", ""}, {"guidance", ""}, {"reference", ""}, {"answer_a", ""}, {"answer_b", ""}},
                  "eval.prompt_pairwise");
    o.parse_retries = static_cast<int>(cfg.get_int("eval.parse_retries"));
    o.temperature = cfg.get_float("eval.temperature");
    o.max_tokens = cfg.get_int("eval.max_tokens");
    return std::make_unique<OpenAiJudge>(std::move(o));
  }
  throw ConfigError("eval.judge: unknown judge '" + kind + "' (builtin or openai)");
}

}  // namespace cf::eval
