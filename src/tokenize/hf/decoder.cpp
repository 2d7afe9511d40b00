#include "tokenize/hf/decoder.h"

#include <stdexcept>

#include "tokenize/hf/parts.h"

#include "tokenize/hf/regex.h"
#include "tokenize/hf/split.h"
#include "tokenize/hf/utf8.h"

namespace cf::tokenize::hf {
namespace {

using json = nlohmann::json;
using Tokens = std::vector<std::string>;

class ByteLevel : public Decoder {
 public:
  Tokens decode_chain(Tokens tokens) const override {
    std::string bytes;
    for (const auto& t : tokens) {
      std::string mapped;
      bool ok = true;
      for (size_t i = 0; i < t.size() && ok;) {
        const size_t n = utf8_len(static_cast<unsigned char>(t[i]));
        uint32_t cp = n == 1 ? static_cast<unsigned char>(t[i]) : 0;
        if (n > 1) {
          cp = static_cast<unsigned char>(t[i]) & (0xFF >> (n + 1));
          for (size_t k = 1; k < n && i + k < t.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(t[i + k]) & 0x3F);
        }
        const int b = char_to_byte(cp);
        ok = b >= 0;
        if (ok) mapped += static_cast<char>(b);
        i += n;
      }
      bytes += ok ? mapped : t;
    }
    return {utf8_lossy(bytes)};
  }
};

class Metaspace : public Decoder {
 public:
  Metaspace(std::string rep, bool prepend) : rep_(std::move(rep)), prepend_(prepend) {}
  Tokens decode_chain(Tokens tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string out;
      const std::string& t = tokens[i];
      for (size_t k = 0; k < t.size();) {
        if (t.compare(k, rep_.size(), rep_) == 0) {
          if (!(i == 0 && prepend_)) out += ' ';
          k += rep_.size();
        } else {
          out += t[k++];
        }
      }
      tokens[i] = std::move(out);
    }
    return tokens;
  }

 private:
  std::string rep_;
  bool prepend_;
};

class Replace : public Decoder {
 public:
  explicit Replace(const json& j) : pattern_(j.at("pattern")), content_(j.at("content").get<std::string>()) {}
  Tokens decode_chain(Tokens tokens) const override {
    for (auto& t : tokens) t = pattern_.replace_all(t, content_);
    return tokens;
  }

 private:
  Pattern pattern_;
  std::string content_;
};

int byte_piece(const std::string& t) {  // "<0x41>" -> 65, else -1
  if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
  int v = 0;
  for (size_t i = 3; i < 5; ++i) {
    const char c = t[i];
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

class ByteFallback : public Decoder {
 public:
  Tokens decode_chain(Tokens tokens) const override {
    Tokens out;
    std::string bytes;
    const auto flush = [&] {
      if (bytes.empty()) return;
      if (is_valid_utf8(bytes)) out.push_back(bytes);
      else
        for (size_t i = 0; i < bytes.size(); ++i) out.push_back("\xEF\xBF\xBD");
      bytes.clear();
    };
    for (auto& t : tokens) {
      const int b = byte_piece(t);
      if (b >= 0) {
        bytes += static_cast<char>(b);
        continue;
      }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    return out;
  }
};

class Fuse : public Decoder {
 public:
  Tokens decode_chain(Tokens tokens) const override {
    std::string all;
    for (const auto& t : tokens) all += t;
    return {all};
  }
};

// Removes up to `start` leading and `stop` trailing copies of the character `content`.
class Strip : public Decoder {
 public:
  Strip(std::string content, size_t start, size_t stop) : content_(std::move(content)), start_(start), stop_(stop) {}
  Tokens decode_chain(Tokens tokens) const override {
    for (auto& t : tokens) {
      size_t b = 0, e = t.size();
      for (size_t i = 0; i < start_ && t.compare(b, content_.size(), content_) == 0 && b < e; ++i) b += content_.size();
      for (size_t i = 0;
           i < stop_ && e >= b + content_.size() && t.compare(e - content_.size(), content_.size(), content_) == 0; ++i)
        e -= content_.size();
      t = t.substr(b, e - b);
    }
    return tokens;
  }

 private:
  std::string content_;
  size_t start_, stop_;
};

class Sequence : public Decoder {
 public:
  explicit Sequence(const json& list) : steps_(make_parts<Decoder>(list, &make_decoder)) {}
  Tokens decode_chain(Tokens tokens) const override {
    for (const auto& s : steps_) tokens = s->decode_chain(std::move(tokens));
    return tokens;
  }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

}  // namespace

std::unique_ptr<Decoder> make_decoder(const json& j) {
  if (j.is_null()) return nullptr;
  const std::string type = j.at("type").get<std::string>();
  if (type == "Sequence") return std::make_unique<Sequence>(j.at("decoders"));
  if (type == "ByteLevel") return std::make_unique<ByteLevel>();
  if (type == "Metaspace") {
    std::string scheme = j.value("prepend_scheme", std::string());
    if (scheme.empty()) scheme = j.value("add_prefix_space", true) ? "always" : "never";
    return std::make_unique<Metaspace>(j.value("replacement", std::string("\xE2\x96\x81")), scheme != "never");
  }
  if (type == "Replace") return std::make_unique<Replace>(j);
  if (type == "ByteFallback") return std::make_unique<ByteFallback>();
  if (type == "Fuse") return std::make_unique<Fuse>();
  if (type == "Strip")
    return std::make_unique<Strip>(j.at("content").get<std::string>(), j.value("start", 0), j.value("stop", 0));
  throw std::invalid_argument("unsupported decoder type '" + type + "'");
}

}  // namespace cf::tokenize::hf
