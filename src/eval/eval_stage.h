// cf-eval: scores model answers against references with a judge (builtin or openai) and writes
// report.json, report.md, judgments.jsonl and PNG plots to io.output (docs/stages/eval.md).
// Rank 0 does the work (the judging is cheap offline, and I/O-bound with a server, where
// net.concurrency requests are in flight); other ranks only take part in the job contract.
#pragma once
#include "core/config.h"
#include "job/job.h"

namespace cf::eval {

void declare_eval_config(ConfigSchema& schema);
StageCounts run_eval(JobContext& ctx);

}  // namespace cf::eval
