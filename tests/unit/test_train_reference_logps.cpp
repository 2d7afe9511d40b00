// cf-generate's precomputed reference log-probs (score_pairs on a model loaded from the saved
// weights, in bf16) equal the log-probs a live training forward pass computes for the policy
// at step 0 (FlatParams bf16 model, autograd on, other micro-batch composition and padding).
#include <filesystem>
#include <random>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include "model/weights.h"
#include "train/batch.h"
#include "train/flat_params.h"
#include "train/pair_data.h"
#include "train/preference_loss.h"
#include "train/sequence_logp.h"

namespace {

std::vector<cf::PairSample> make_pairs(int n, int64_t image_tokens, int vocab) {
  std::mt19937 rng(5);
  std::vector<cf::PairSample> pairs;
  for (int i = 0; i < n; ++i) {
    cf::PairSample p;
    p.sample_id = "s" + std::to_string(i);
    p.prompt = {2};
    for (int64_t k = 0; k < image_tokens; ++k) p.prompt.push_back(3);
    for (int k = 0, q = 2 + static_cast<int>(rng() % 6); k < q; ++k)
      p.prompt.push_back(10 + static_cast<int>(rng() % (vocab - 10)));
    for (int k = 0, a = 1 + i % 4; k < a; ++k) p.chosen.push_back(10 + static_cast<int>(rng() % (vocab - 10)));
    for (int k = 0, a = 1 + (i * 3) % 5; k < a; ++k) p.rejected.push_back(10 + static_cast<int>(rng() % (vocab - 10)));
    p.chosen.push_back(4);
    p.rejected.push_back(4);
    cv::Mat img(32, 32, CV_8UC3, cv::Scalar(40 * i % 255, 200, 90));
    std::vector<uchar> buf;
    cv::imencode(".jpg", img, buf);
    p.images.push_back(std::string(buf.begin(), buf.end()));
    pairs.push_back(p);
  }
  return pairs;
}

}  // namespace

TEST(ReferenceLogps, PrecomputedEqualLiveForward) {
  torch::manual_seed(11);
  const cf::ModelConfig mc = cf::load_model_config(CF_SOURCE_DIR "/tests/data/micro.toml");
  cf::Vlm policy(mc);
  cf::FlatParams flat(*policy, 1, torch::kBFloat16);  // the trainer's bf16 model
  const auto path = (std::filesystem::temp_directory_path() / "cf_ref_logps.safetensors").string();
  cf::save_weights(policy, path);
  cf::Vlm ref(mc);  // what cf-generate does: load the checkpoint, cast to bf16
  cf::load_weights(ref, path);
  ref->to(torch::kBFloat16);
  std::filesystem::remove(path);

  const auto pairs = make_pairs(7, mc.vision.patches(), static_cast<int>(mc.text.vocab));
  const auto scores = cf::score_pairs(ref, pairs, 3, 0, torch::kBFloat16);
  ASSERT_EQ(scores.size(), pairs.size());

  // Live: micro-batches of 2 in another order, with gradients on (as preference_step runs).
  const std::vector<std::vector<size_t>> micro = {{4, 1}, {0, 3}, {6, 2}, {5}};
  double max_diff = 0;
  for (const auto& mb : micro) {
    std::vector<cf::TokenSample> rows;
    for (size_t i : mb) rows.push_back(cf::answer_sequence(pairs[i].prompt, pairs[i].chosen, pairs[i].images));
    for (size_t i : mb) rows.push_back(cf::answer_sequence(pairs[i].prompt, pairs[i].rejected, pairs[i].images));
    auto lp = cf::sequence_logps(policy, cf::collate(rows, mc.vision.image_size, 0), torch::kBFloat16).logps;
    EXPECT_TRUE(lp.requires_grad());
    const auto n = static_cast<int64_t>(mb.size());
    for (int64_t k = 0; k < n; ++k) {
      const auto& s = scores[mb[static_cast<size_t>(k)]];
      const double live_c = lp[k].item<double>(), live_r = lp[n + k].item<double>();
      max_diff = std::max({max_diff, std::abs(live_c - s.first), std::abs(live_r - s.second)});
      EXPECT_LT(s.first, 0.0);
      // Rewards at the start of a round: beta (policy - reference) = 0.
      auto out = cf::preference_loss(lp.slice(0, k, k + 1).detach(), lp.slice(0, n + k, n + k + 1).detach(),
                                     torch::tensor({s.first}), torch::tensor({s.second}),
                                     {cf::PreferenceLoss::Sigmoid, 0.1, 0});
      EXPECT_NEAR(out.losses.item<double>(), std::log(2.0), 1e-3);
    }
  }
  std::printf("max |live - precomputed| log-prob = %.3g\n", max_diff);
  EXPECT_LE(max_diff, 1e-4);
}
