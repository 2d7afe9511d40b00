// cf-train: SFT of the VLM with ZeRO-2 over MPI, checkpoint-restart (exit 75 = stopped by a
// signal after checkpointing; re-run to resume).
#include "train/trainer.h"

int main(int argc, char** argv) {
  cf::JobSpec spec{"train", "ZeRO-2 bf16 training of the VLM (SFT)", "work/tokens/train", "work/train",
                   cf::declare_train_config, cf::run_train};
  return cf::job_main(argc, argv, spec);
}
