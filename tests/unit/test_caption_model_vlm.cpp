// cf-caption backend `model`, LibTorch half: a random micro VLM captions JPEGs from prompt ids.
// Deterministic; an undecodable image fails only its item; stop tokens that end every answer at
// once give "empty generation" failures; checkpoint/tokenizer mismatches are ConfigErrors naming
// the key.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "media/image.h"
#include "model/weights.h"
#include "synth/caption/caption_stage.h"
#include "synth/caption/model_captioner.h"
#include "tokenize/caption_prompts.h"

namespace fs = std::filesystem;
using cf::tokenize::PieceType;

namespace {

struct Fixture {
  fs::path dir = fs::temp_directory_path() / ("cf-capvlm-" + std::to_string(::getpid()));
  std::vector<std::string> jpegs;
  Fixture() {
    fs::create_directories(dir / "tok");
    torch::manual_seed(7);
    cf::Vlm m(cf::load_model_config(CF_SOURCE_DIR "/tests/data/micro.toml"));
    cf::save_weights(m, (dir / "model.safetensors").string());
    // 5 specials + 40 word pieces: every generated id decodes to letters.
    std::vector<std::string> p{"<pad>", "<unk>", "<s>", "<image>", "</s>"};
    for (int i = 0; i < 40; ++i) p.push_back("\xE2\x96\x81w" + std::string(1, static_cast<char>('a' + i % 26)) + "x");
    std::vector<PieceType> t(p.size(), PieceType::Normal);
    for (int i : {0, 2, 3, 4}) t[i] = PieceType::Control;
    t[1] = PieceType::Unknown;
    cf::tokenize::Vocab v(p, t, {0, 1, 2, 4, 3});
    v.image_tokens_per_image = 16;
    std::ofstream(dir / "tok" / "vocab.json") << v.to_json().dump();
    const auto enc = [](const std::string& s) { return std::vector<int32_t>(s.size() / 4 + 1, 7); };
    std::ofstream(dir / "tok" / "prompts.json") << cf::tokenize::caption_prompts_json(enc, v).dump();
    for (int k = 0; k < 3; ++k) {
      cv::Mat img(40, 60, CV_8UC3, cv::Scalar(40 * k, 200 - 50 * k, 90));
      jpegs.push_back(cf::media::encode_jpeg(img, 90));
    }
  }
  ~Fixture() { fs::remove_all(dir); }
  cf::Config config(std::vector<std::string> sets) const {
    cf::ConfigSchema s;
    cf::synth::declare_caption_config(s);
    sets.push_back("caption.model=" + dir.string());
    sets.push_back("caption.tokenizer=" + (dir / "tok").string());
    sets.push_back("model.preset=" CF_SOURCE_DIR "/tests/data/micro.toml");
    sets.push_back("caption.model_max_new_tokens=6");
    sets.push_back("caption.model_batch=2");
    sets.push_back("caption.model_max_repeats=0");                            // a random model loops
    std::rotate(sets.begin(), sets.begin() + (sets.size() - 6), sets.end());  // the test's own sets win
    return cf::Config::load(s, "", sets);
  }
};

auto Throws(const std::string& part) { return testing::ThrowsMessage<cf::ConfigError>(testing::HasSubstr(part)); }

}  // namespace

TEST(CaptionModelVlm, CaptionsAreDeterministicAndBadImagesFailAlone) {
  Fixture f;
  auto cap = cf::synth::make_vlm_captioner(f.config({}), 1);
  const std::string broken = "not a jpeg";
  std::vector<const std::string*> in{&f.jpegs[0], &broken, &f.jpegs[1], nullptr, &f.jpegs[2]};
  const auto a = cap->caption(in, 3);
  const auto b = cap->caption(in, 3);
  ASSERT_EQ(a.size(), 5u);
  for (size_t i : {0, 2, 4}) {
    EXPECT_EQ(a[i].error, "") << i;
    EXPECT_EQ(a[i].text, b[i].text);
    EXPECT_EQ(cf::synth::caption_problem(a[i].text, 3, 0), "");
    EXPECT_EQ(a[i].text.rfind("w", 0), 0u) << a[i].text;  // decoded pieces, leading space trimmed
    EXPECT_GT(a[i].completion_tokens, 0);
    EXPECT_LE(a[i].completion_tokens, 6);
    EXPECT_EQ(a[i].prompt_tokens, 1 + 2 + 16 + 1 + 11);
  }
  EXPECT_NE(a[1].error.find("model caption: image:"), std::string::npos) << a[1].error;
  EXPECT_EQ(a[3].error, "no image bytes for the model");
}

TEST(CaptionModelVlm, StopTokensEndingEveryAnswerGiveEmptyGenerationFailures) {
  Fixture f;
  std::string all = "caption.model_stop_tokens=[";
  for (int i = 5; i < 45; ++i) all += (i > 5 ? ",\"" : "\"") + std::to_string(i) + "\"";
  auto cap = cf::synth::make_vlm_captioner(f.config({all + "]"}), 1);
  for (const auto& r : cap->caption({&f.jpegs[0], &f.jpegs[1]}, 0))
    EXPECT_EQ(r.error, "model caption: empty generation (the model stopped at once)");
  auto strict = cf::synth::make_vlm_captioner(f.config({"caption.model_min_letters=1000"}), 1);
  EXPECT_NE(strict->caption({&f.jpegs[0]}, 0)[0].error.find("caption.model_min_letters = 1000"), std::string::npos);
}

TEST(CaptionModelVlm, MismatchesAreConfigErrorsNamingTheKey) {
  Fixture f;
  const auto make = [&f](const std::string& set) {
    return [&f, set] { cf::synth::make_vlm_captioner(f.config({set}), 1); };
  };
  EXPECT_THAT(make("caption.model=/nonexistent/run"), Throws("caption.model '/nonexistent/run': no .safetensors file"));
  std::ofstream(f.dir / "bad.safetensors") << "garbage";
  const std::string bad = (f.dir / "bad.safetensors").string();
  EXPECT_THAT(make("caption.model=" + bad),
              Throws("caption.model '" + bad + "' (" + bad + ") cannot be loaded with model.preset"));
  EXPECT_THAT(make("model.preset=" CF_SOURCE_DIR "/configs/model/tiny.toml"),
              Throws("16 image placeholders per image, but model.preset"));
  EXPECT_THAT(make("caption.model_stop_tokens=[\"x\"]"), Throws("caption.model_stop_tokens: 'x' is not a token id"));
}
