#include "tokenize/hf/normalizer.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <stdexcept>
#include <vector>

#include "tokenize/hf/parts.h"
#include "tokenize/hf/regex.h"
#include "tokenize/hf/split.h"

namespace cf::tokenize::hf {
namespace {

using json = nlohmann::json;

std::u16string to_utf16(const std::string& s) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = 0;
  u_strFromUTF8(nullptr, 0, &n, s.data(), static_cast<int32_t>(s.size()), &err);
  std::u16string out(static_cast<size_t>(n), u'\0');
  err = U_ZERO_ERROR;
  u_strFromUTF8(reinterpret_cast<UChar*>(out.data()), n, &n, s.data(), static_cast<int32_t>(s.size()), &err);
  if (U_FAILURE(err)) throw std::runtime_error("normalizer: input is not valid UTF-8");
  return out;
}

std::string to_utf8(const std::u16string& s) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = 0;
  const auto* src = reinterpret_cast<const UChar*>(s.data());
  u_strToUTF8(nullptr, 0, &n, src, static_cast<int32_t>(s.size()), &err);
  std::string out(static_cast<size_t>(n), '\0');
  err = U_ZERO_ERROR;
  u_strToUTF8(out.data(), n, &n, src, static_cast<int32_t>(s.size()), &err);
  if (U_FAILURE(err)) throw std::runtime_error("normalizer: UTF-16 conversion failed");
  return out;
}

// Runs an ICU UTF-16 transform that reports the needed capacity on overflow.
template <typename F>
std::string icu_transform(const std::string& text, F&& f) {
  const std::u16string in = to_utf16(text);
  std::u16string out(in.size() * 3 + 8, u'\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    UErrorCode err = U_ZERO_ERROR;
    const int32_t n = f(reinterpret_cast<const UChar*>(in.data()), static_cast<int32_t>(in.size()),
                        reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()), err);
    if (err == U_BUFFER_OVERFLOW_ERROR) {
      out.assign(static_cast<size_t>(n), u'\0');
      continue;
    }
    if (U_FAILURE(err)) throw std::runtime_error(std::string("ICU: ") + u_errorName(err));
    out.resize(static_cast<size_t>(n));
    return to_utf8(out);
  }
  throw std::runtime_error("ICU: output kept growing");
}

class Unicode : public Normalizer {
 public:
  explicit Unicode(const std::string& form) {
    UErrorCode err = U_ZERO_ERROR;
    norm_ = form == "NFC"    ? unorm2_getNFCInstance(&err)
            : form == "NFD"  ? unorm2_getNFDInstance(&err)
            : form == "NFKC" ? unorm2_getNFKCInstance(&err)
                             : unorm2_getNFKDInstance(&err);
    if (U_FAILURE(err)) throw std::runtime_error("ICU has no " + form + " normalizer");
  }
  void normalize(std::string& text) const override {
    text = icu_transform(text, [&](const UChar* in, int32_t n, UChar* out, int32_t cap, UErrorCode& err) {
      return unorm2_normalize(norm_, in, n, out, cap, &err);
    });
  }

 private:
  const UNormalizer2* norm_ = nullptr;
};

class Lowercase : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    text = icu_transform(text, [](const UChar* in, int32_t n, UChar* out, int32_t cap, UErrorCode& err) {
      return u_strToLower(out, cap, in, n, "", &err);
    });
  }
};

class Prepend : public Normalizer {
 public:
  explicit Prepend(std::string s) : prefix_(std::move(s)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text = prefix_ + text;
  }

 private:
  std::string prefix_;
};

class Replace : public Normalizer {
 public:
  explicit Replace(const json& j) : pattern_(j.at("pattern")), content_(j.at("content").get<std::string>()) {}
  void normalize(std::string& text) const override { text = pattern_.replace_all(text, content_); }

 private:
  Pattern pattern_;
  std::string content_;
};

class Strip : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& text) const override {
    static const Regex lead("^\\s+"), trail("\\s+\\z");
    if (right_) {
      const Span m = trail.find(text);
      if (m.first != std::string::npos) text.erase(m.first);
    }
    if (left_) {
      const Span m = lead.find(text);
      if (m.first != std::string::npos) text.erase(0, m.second);
    }
  }

 private:
  bool left_, right_;
};

class Sequence : public Normalizer {
 public:
  explicit Sequence(const json& list) : steps_(make_parts<Normalizer>(list, &make_normalizer)) {}
  void normalize(std::string& text) const override {
    for (const auto& s : steps_) s->normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const json& j) {
  if (j.is_null()) return nullptr;
  const std::string type = j.at("type").get<std::string>();
  if (type == "Sequence") return std::make_unique<Sequence>(j.at("normalizers"));
  if (type == "Prepend") return std::make_unique<Prepend>(j.at("prepend").get<std::string>());
  if (type == "Replace") return std::make_unique<Replace>(j);
  if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD") return std::make_unique<Unicode>(type);
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "Strip") return std::make_unique<Strip>(j.value("strip_left", false), j.value("strip_right", false));
  throw std::invalid_argument("unsupported normalizer type '" + type + "'");
}

}  // namespace cf::tokenize::hf
