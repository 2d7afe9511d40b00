#include "model/hf_config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace cf {
namespace {

using json = nlohmann::json;

// transformers 4.46 class defaults of the keys we read (LlamaConfig, MistralConfig, Qwen2Config).
json text_defaults(const std::string& type) {
  json d = {{"vocab_size", 32000},     {"hidden_size", 4096},       {"intermediate_size", 11008},
            {"num_hidden_layers", 32}, {"num_attention_heads", 32}, {"max_position_embeddings", 2048},
            {"rms_norm_eps", 1e-6},    {"rope_theta", 10000.0},     {"tie_word_embeddings", false},
            {"hidden_act", "silu"},    {"attention_bias", false},   {"mlp_bias", false}};
  if (type == "mistral")
    d.update({{"intermediate_size", 14336},
              {"num_key_value_heads", 8},
              {"max_position_embeddings", 131072},
              {"sliding_window", 4096}});
  if (type == "qwen2")
    d.update({{"vocab_size", 151936}, {"intermediate_size", 22016}, {"max_position_embeddings", 32768}});
  return d;
}

const json kClipDefaults = {{"hidden_size", 768},        {"intermediate_size", 3072}, {"num_hidden_layers", 12},
                            {"num_attention_heads", 12}, {"image_size", 224},         {"patch_size", 32},
                            {"num_channels", 3},         {"layer_norm_eps", 1e-5},    {"hidden_act", "quick_gelu"}};

// Reads key k of j (a section named `sec` of file `where`), falling back to defaults d.
struct Reader {
  const json& j;
  const json& d;
  std::string where;
  const json& at(const std::string& k) const {
    if (j.contains(k) && !j[k].is_null()) return j[k];
    if (d.contains(k)) return d[k];
    throw ConfigError(where + ": missing key '" + k + "'");
  }
  int64_t i(const std::string& k) const { return at(k).get<int64_t>(); }
  double f(const std::string& k) const { return at(k).get<double>(); }
  bool b(const std::string& k) const { return at(k).get<bool>(); }
  std::string s(const std::string& k) const { return at(k).get<std::string>(); }
  void require(const std::string& k, const std::string& want) const {
    if (s(k) != want) throw ConfigError(where + ": " + k + " = '" + s(k) + "' is not supported (only '" + want + "')");
  }
};

LanguageConfig parse_text(const json& j, const std::string& type, const std::string& where) {
  const json d = text_defaults(type);
  Reader r{j, d, where};
  LanguageConfig t;
  t.vocab = r.i("vocab_size");
  t.hidden = r.i("hidden_size");
  t.ffn = r.i("intermediate_size");
  t.layers = r.i("num_hidden_layers");
  t.heads = r.i("num_attention_heads");
  t.kv_heads = j.contains("num_key_value_heads") && !j["num_key_value_heads"].is_null()
                   ? j["num_key_value_heads"].get<int64_t>()
               : d.contains("num_key_value_heads") ? d["num_key_value_heads"].get<int64_t>()
                                                   : t.heads;
  t.max_positions = r.i("max_position_embeddings");
  t.norm_eps = r.f("rms_norm_eps");
  t.rope_theta = r.f("rope_theta");
  t.tie_embeddings = r.b("tie_word_embeddings");
  r.require("hidden_act", "silu");
  if (j.contains("rope_scaling") && !j["rope_scaling"].is_null())
    throw ConfigError(where + ": rope_scaling " + j["rope_scaling"].dump() + " is not supported");
  if (j.contains("head_dim") && !j["head_dim"].is_null() && j["head_dim"].get<int64_t>() * t.heads != t.hidden)
    throw ConfigError(where + ": head_dim " + j["head_dim"].dump() +
                      " != hidden_size / num_attention_heads is not supported");
  if (t.heads % t.kv_heads)
    throw ConfigError(where + ": num_attention_heads must be a multiple of num_key_value_heads");
  if (type == "qwen2") {
    t.qkv_bias = true;
    if (j.value("use_sliding_window", false)) throw ConfigError(where + ": use_sliding_window = true is not supported");
  } else {
    t.qkv_bias = t.o_bias = r.b("attention_bias");
    t.mlp_bias = r.b("mlp_bias");
  }
  if (type == "mistral") {
    const json& sw = j.contains("sliding_window") ? j["sliding_window"] : d["sliding_window"];
    t.sliding_window = sw.is_null() ? 0 : sw.get<int64_t>();
  }
  return t;
}

std::string text_type_of(const std::string& arch) {
  if (arch == "LlamaForCausalLM") return "llama";
  if (arch == "MistralForCausalLM") return "mistral";
  if (arch == "Qwen2ForCausalLM") return "qwen2";
  return "";
}

}  // namespace

bool is_hf_dir(const std::string& dir) { return std::filesystem::exists(dir + "/config.json"); }

HfConfig parse_hf_config(const json& j, const std::string& where) {
  HfConfig h;
  h.raw = j;
  if (!j.contains("architectures") || !j["architectures"].is_array() || j["architectures"].empty())
    throw ConfigError(where + ": no 'architectures' list");
  h.architecture = j["architectures"][0].get<std::string>();
  h.torch_dtype = j.value("torch_dtype", "");
  ModelConfig& m = h.model;
  m.name = j.value("_name_or_path", std::string());
  if (m.name.empty()) m.name = h.architecture;
  if (const std::string type = text_type_of(h.architecture); !type.empty()) {
    h.text_model_type = type;
    m.has_vision = false;
    m.image_token_id = -1;
    m.text = parse_text(j, type, where);
    return h;
  }
  if (h.architecture != "LlavaForConditionalGeneration")
    throw ConfigError(where + ": architecture '" + h.architecture +
                      "' is not supported (supported: LlamaForCausalLM, "
                      "MistralForCausalLM, Qwen2ForCausalLM, LlavaForConditionalGeneration)");
  const json llava = {{"image_token_index", 32000},
                      {"vision_feature_layer", -2},
                      {"vision_feature_select_strategy", "default"},
                      {"projector_hidden_act", "gelu"}};
  Reader r{j, llava, where};
  r.require("vision_feature_select_strategy", "default");
  r.require("projector_hidden_act", "gelu");
  if (!r.at("vision_feature_layer").is_number_integer())
    throw ConfigError(where + ": vision_feature_layer must be one integer");
  m.image_token_id = r.i("image_token_index");
  m.vision.feature_layer = r.i("vision_feature_layer");
  const json tc = j.value("text_config", json::object());
  h.text_model_type = tc.value("model_type", "llama");
  if (h.text_model_type != "llama" && h.text_model_type != "mistral" && h.text_model_type != "qwen2")
    throw ConfigError(where + ": text_config.model_type '" + h.text_model_type +
                      "' is not supported (llama, mistral, qwen2)");
  m.text = parse_text(tc, h.text_model_type, where + " text_config");
  const json vc = j.value("vision_config", json::object());
  const std::string vtype = vc.value("model_type", "clip_vision_model");
  if (vtype != "clip_vision_model")
    throw ConfigError(where + ": vision_config.model_type '" + vtype + "' is not supported (clip_vision_model)");
  Reader v{vc, kClipDefaults, where + " vision_config"};
  v.require("hidden_act", "quick_gelu");
  if (v.i("num_channels") != 3) throw ConfigError(where + " vision_config: num_channels must be 3");
  m.vision.hidden = v.i("hidden_size");
  m.vision.mlp = v.i("intermediate_size");
  m.vision.layers = v.i("num_hidden_layers");
  m.vision.heads = v.i("num_attention_heads");
  m.vision.image_size = v.i("image_size");
  m.vision.patch_size = v.i("patch_size");
  m.vision.norm_eps = v.f("layer_norm_eps");
  const int64_t fl = m.vision.feature_layer;
  if (fl < -(m.vision.layers + 1) || fl > m.vision.layers)
    throw ConfigError(where + ": vision_feature_layer " + std::to_string(fl) + " is outside the vision tower");
  return h;
}

HfConfig read_hf_config(const std::string& dir) {
  const std::string path = dir + "/config.json";
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read '" + path + "'");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw ConfigError("'" + path + "': " + e.what());
  }
  return parse_hf_config(j, "'" + path + "'");
}

json make_hf_config(const ModelConfig& m, const std::string& torch_dtype, const json& base) {
  json j = base.is_object() ? base : json::object();
  const auto& t = m.text;
  const std::string type = j.contains("text_config")
                               ? j["text_config"].value("model_type", "llama")
                               : j.value("model_type", t.qkv_bias && !t.o_bias ? "qwen2" : "llama");
  json tc = m.has_vision ? j.value("text_config", json::object()) : j;
  tc.update({{"model_type", type},
             {"vocab_size", t.vocab},
             {"hidden_size", t.hidden},
             {"intermediate_size", t.ffn},
             {"num_hidden_layers", t.layers},
             {"num_attention_heads", t.heads},
             {"num_key_value_heads", t.kv_heads},
             {"max_position_embeddings", t.max_positions},
             {"rms_norm_eps", t.norm_eps},
             {"rope_theta", t.rope_theta},
             {"tie_word_embeddings", t.tie_embeddings},
             {"hidden_act", "silu"},
             {"torch_dtype", torch_dtype}});
  if (type == "qwen2") tc["use_sliding_window"] = false;
  else tc.update({{"attention_bias", t.qkv_bias}, {"mlp_bias", t.mlp_bias}});
  if (type == "mistral") tc["sliding_window"] = t.sliding_window > 0 ? json(t.sliding_window) : json(nullptr);
  if (!m.has_vision) {
    tc["architectures"] = {type == "qwen2"     ? "Qwen2ForCausalLM"
                           : type == "mistral" ? "MistralForCausalLM"
                                               : "LlamaForCausalLM"};
    return tc;
  }
  const auto& v = m.vision;
  json vc = j.value("vision_config", json::object());
  vc.update({{"model_type", "clip_vision_model"},
             {"hidden_size", v.hidden},
             {"intermediate_size", v.mlp},
             {"num_hidden_layers", v.layers},
             {"num_attention_heads", v.heads},
             {"image_size", v.image_size},
             {"patch_size", v.patch_size},
             {"num_channels", 3},
             {"layer_norm_eps", v.norm_eps},
             {"hidden_act", "quick_gelu"}});
  j.update({{"architectures", {"LlavaForConditionalGeneration"}},
            {"model_type", "llava"},
            {"image_token_index", m.image_token_id},
            {"vision_feature_layer", v.feature_layer},
            {"vision_feature_select_strategy", "default"},
            {"projector_hidden_act", "gelu"},
            {"image_seq_length", v.patches()},
            {"tie_word_embeddings", t.tie_embeddings},
            {"torch_dtype", torch_dtype},
            {"text_config", tc},
            {"vision_config", vc}});
  return j;
}

std::string model_config_toml(const ModelConfig& m) {
  auto f = [](double x) {  // a TOML float: shortest text that reads back exactly
    std::ostringstream s;
    s.precision(17);
    s << x;
    for (int p = 1; p <= 17; ++p) {
      std::ostringstream t;
      t.precision(p);
      t << x;
      if (std::stod(t.str()) == x) {
        s.str(t.str());
        break;
      }
    }
    std::string r = s.str();
    return r.find_first_of(".en") == std::string::npos ? r + ".0" : r;
  };
  std::ostringstream o;
  const auto& v = m.vision;
  const auto& t = m.text;
  auto b = [](bool x) { return x ? "true" : "false"; };
  o << "# Written by cf-convert from an HF checkpoint.\n[model]\nname = \"" << m.name
    << "\"\nimage_token_id = " << m.image_token_id << "\nvision = " << b(m.has_vision)
    << "\n\n[vision]\nimage_size = " << v.image_size << "\npatch_size = " << v.patch_size << "\nhidden = " << v.hidden
    << "\nlayers = " << v.layers << "\nheads = " << v.heads << "\nmlp = " << v.mlp
    << "\nfeature_layer = " << v.feature_layer << "\nnorm_eps = " << f(v.norm_eps) << "\n\n[text]\nvocab = " << t.vocab
    << "\nhidden = " << t.hidden << "\nlayers = " << t.layers << "\nheads = " << t.heads
    << "\nkv_heads = " << t.kv_heads << "\nffn = " << t.ffn << "\nmax_positions = " << t.max_positions
    << "\nrope_theta = " << f(t.rope_theta) << "\nnorm_eps = " << f(t.norm_eps)
    << "\ntie_embeddings = " << b(t.tie_embeddings) << "\nqkv_bias = " << b(t.qkv_bias) << "\no_bias = " << b(t.o_bias)
    << "\nmlp_bias = " << b(t.mlp_bias) << "\nsliding_window = " << t.sliding_window << "\n";
  return o.str();
}

}  // namespace cf
