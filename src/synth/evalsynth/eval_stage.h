// cf-eval-synthesis: measures the synthesis chain against cf-scenegen ground truth (eval.corpus):
// object recall at mask IoU >= eval.iou (segment regions vs GT instance masks, objects of at
// least eval.min_area pixels), naming accuracy of the matched regions (retrieved label mapped to
// a scenegen class, class_map.h), caption hallucinated/missed-object rates and closed-answer
// correctness. Still images only (clip frames have boxes but no masks in the ground truth).
// Writes OUT/report.json + OUT/report.md; the summary line carries the rates. docs/stages/eval_synthesis.md.
#pragma once
#include "job/job.h"

namespace cf::evalsynth {

void declare_eval_synthesis_config(ConfigSchema& schema);
StageCounts run_eval_synthesis(JobContext& ctx);

}  // namespace cf::evalsynth
