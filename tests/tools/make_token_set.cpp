// cf-test-tokens DIR N [--image-tokens P] [--vocab V] [--seed S]: writes a tokenized dataset
// (docs/stages/tokenizer.md layout, stage "tokenize") of N synthetic samples for trainer
// tests: each has one 64x64 JPEG whose colour decides a one-token answer, so a model can learn
// it; prompts carry P image placeholder ids (3). Deterministic.
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "io/shard.h"
#include "io/stage_dir.h"
#include "train/token_data.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cf-test-tokens DIR N [--image-tokens P] [--vocab V] [--seed S] [--per-shard K]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int n = std::stoi(argv[2]);
  int p = 64, vocab = 2048, per_shard = 16;
  unsigned seed = 1;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--image-tokens") p = std::stoi(argv[i + 1]);
    if (a == "--vocab") vocab = std::stoi(argv[i + 1]);
    if (a == "--seed") seed = static_cast<unsigned>(std::stoul(argv[i + 1]));
    if (a == "--per-shard") per_shard = std::stoi(argv[i + 1]);
  }
  std::filesystem::create_directories(dir);
  std::mt19937 rng(seed);
  const int bos = 2, eos = 4, image = 3, first_word = 10;
  const int shards = (n + per_shard - 1) / per_shard;
  for (int s = 0; s < shards; ++s) {
    std::vector<cf::TokenSample> samples;
    for (int k = s * per_shard; k < std::min(n, (s + 1) * per_shard); ++k) {
      const int color = static_cast<int>(rng() % 4);  // the answer the model must read off the image
      cv::Mat img(64, 64, CV_8UC3, cv::Scalar(color == 0 ? 255 : 30, color == 1 ? 255 : 30, color == 2 ? 255 : 30));
      cv::circle(img, cv::Point(static_cast<int>(rng() % 64), static_cast<int>(rng() % 64)), 10,
                 cv::Scalar(128, 128, 128), -1);
      std::vector<uchar> buf;
      cv::imencode(".jpg", img, buf);
      std::vector<int32_t> t{bos};
      for (int i = 0; i < p; ++i) t.push_back(image);
      const int qlen = 3 + static_cast<int>(rng() % 5);
      for (int i = 0; i < qlen; ++i) t.push_back(first_word + 20 + static_cast<int>(rng() % (vocab - 40)));
      const int64_t prompt_len = static_cast<int64_t>(t.size());
      t.push_back(first_word + color);  // answer
      t.push_back(eos);
      std::vector<uint8_t> m(t.size(), 0);
      m[t.size() - 2] = m[t.size() - 1] = 1;
      cf::TokenSample sample;
      sample.sample_id = "s" + std::to_string(k);
      sample.item_id = "images/" + std::to_string(k) + ".jpg";
      sample.task = "closed";
      sample.ids = t;
      sample.loss_mask = m;
      sample.answer = "color " + std::to_string(color);
      sample.closed = 1;
      sample.prompt_tokens = prompt_len;
      sample.images.emplace_back(buf.begin(), buf.end());
      samples.push_back(std::move(sample));
    }
    cf::write_shard(dir + "/" + cf::shard_file_name(s), cf::token_shard(samples, "test"));
  }
  cf::write_stage_plan(dir, {"tokenize", shards, "test-" + std::to_string(seed)});
  return 0;
}
