// cf-scenegen: writes the synthetic dashcam corpus (images, masks, labels, clips) that tests
// and the demo use in place of real data. Deterministic for scenegen.seed at any world size.
#include <spdlog/spdlog.h>

#include "job/job.h"
#include "scenegen/scenegen.h"

int main(int argc, char** argv) {
  cf::JobSpec spec;
  spec.stage = "scenegen";
  spec.description = "Generate a seeded synthetic corpus of dashcam images and clips with ground truth";
  spec.default_input = "";
  spec.default_output = "corpus";
  spec.declare = cf::scenegen::declare_scenegen_options;
  spec.run = [](cf::JobContext& ctx) {
    cf::scenegen::SceneGenOptions opt = cf::scenegen::scenegen_options_from_config(ctx.config);
    opt.threads = cf::job_threads(ctx);
    const std::string root = ctx.config.get_string("io.output");
    spdlog::info("scenegen: {} images + {} clips of {}x{} into {} (seed {}, rank {}/{}, {} threads)", opt.images,
                 opt.clips, opt.width, opt.height, root, opt.seed, ctx.mpi.rank(), ctx.mpi.world(), opt.threads);
    cf::scenegen::SceneGenStats st = cf::scenegen::generate_corpus(opt, root, ctx.mpi.rank(), ctx.mpi.world());
    cf::StageCounts c;
    c.items_ok = st.images_written + st.clips_written;
    c.items_failed = st.failed;
    c.shards_skipped = st.skipped;
    c.extra["images_written"] = st.images_written;
    c.extra["clips_written"] = st.clips_written;
    return c;
  };
  return cf::job_main(argc, argv, spec);
}
