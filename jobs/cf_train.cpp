// cf-train: SFT (and DPO/SPIN) of the VLM with ZeRO-2 over MPI, checkpoint-restart (exit 75 =
// stopped by a signal after checkpointing; re-run to resume).
#include <malloc.h>

#include "train/dry_run.h"
#include "train/trainer.h"

int main(int argc, char** argv) {
  // Training allocates and frees the same large buffers every step; glibc would return them to
  // the kernel each time (mmap/munmap + page faults: +16% tokens/s measured without it).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  cf::JobSpec spec{"train",      "ZeRO-2 bf16 training of the VLM", "work/tokens/train",
                   "work/train", cf::declare_train_config,          cf::run_train};
  if (cf::take_dry_run_flags(argc, argv)) spec.run = cf::run_train_dry_run;  // memory plan only
  return cf::job_main(argc, argv, spec);
}
