// cf-test-hf-tokenize MODE TOKENIZER_JSON < in.jsonl > out.jsonl: runs cornerforge's HF
// tokenizer (src/tokenize/hf) over JSON lines for tests/py/hf_tokenizer_ref.py.
//   encode: {"text": s} -> {"ids", "ids_plain" (no post-processor), "decode", "decode_skip"}
//   chat:   {"system", "n_images", "image_tokens", "turns": [[q, a], ...]}
//           -> {"ids", "mask", "prompt_tokens", "prompt"} (LLaVA-1.5 template)
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "tokenize/hf/hf_tokenizer.h"
#include "tokenize/hf/llava_template.h"

using nlohmann::json;
namespace hf = cf::tokenize::hf;

namespace {

json encode_line(const hf::HfTokenizer& tok, const json& in) {
  const std::string text = in.at("text").get<std::string>();
  const auto ids = tok.encode(text, true);
  return {{"ids", ids},
          {"ids_plain", tok.encode(text, false)},
          {"decode", tok.decode(ids, false)},
          {"decode_skip", tok.decode(ids, true)}};
}

json chat_line(const hf::HfTokenizer& tok, const json& in) {
  hf::LlavaTemplate t;
  t.system = in.value("system", std::string());
  t.image_tokens = in.value("image_tokens", int64_t{1});
  const int64_t n_images = in.value("n_images", int64_t{1});
  std::vector<hf::LlavaTurn> turns;
  for (const auto& qa : in.at("turns")) turns.push_back({qa.at(0), qa.at(1)});
  const auto s = hf::build_llava_sample(tok, t, n_images, turns);
  return {{"ids", s.ids},
          {"mask", s.loss_mask},
          {"prompt_tokens", s.prompt_tokens},
          {"prompt", hf::build_llava_prompt(tok, t, n_images, turns.front().question)}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "encode" && std::string(argv[1]) != "chat")) {
    std::fprintf(stderr, "usage: cf-test-hf-tokenize encode|chat TOKENIZER_JSON < in.jsonl\n");
    return 2;
  }
  const std::string mode = argv[1];
  try {
    const auto tok = hf::HfTokenizer::load(argv[2]);
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.empty()) continue;
      const json in = json::parse(line);
      std::cout << (mode == "encode" ? encode_line(*tok, in) : chat_line(*tok, in)).dump() << "\n";
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cf-test-hf-tokenize: %s\n", e.what());
    return 1;
  }
  return 0;
}
