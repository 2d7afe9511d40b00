#include "tokenize/vocab.h"

#include <fstream>
#include <stdexcept>

#include "core/error.h"

namespace cf::tokenize {
namespace {

constexpr const char* kSpaceSymbol = "\xE2\x96\x81";       // ▁ U+2581
constexpr const char* kUnknownSurface = " \xE2\x81\x87 ";  // " ⁇ "
constexpr const char* kReplacement = "\xEF\xBF\xBD";       // U+FFFD

// Length of the valid UTF-8 character at s[i], or 0 when the bytes there are not one.
size_t utf8_char_length(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Raw bytes of consecutive <0xNN> pieces, as sentencepiece emits them: valid UTF-8 as is,
// every byte that does not start a valid character replaced by U+FFFD.
void flush_bytes(std::string& bytes, std::string& out) {
  for (size_t i = 0; i < bytes.size();) {
    const size_t n = utf8_char_length(bytes, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(bytes, i, n);
      i += n;
    }
  }
  bytes.clear();
}

std::string replace_space_symbol(const std::string& piece) {
  std::string out;
  for (size_t i = 0; i < piece.size();) {
    if (piece.compare(i, 3, kSpaceSymbol) == 0) {
      out += ' ';
      i += 3;
    } else {
      out += piece[i++];
    }
  }
  return out;
}

int byte_value(const std::string& piece) {  // "<0x41>" -> 65, else -1
  if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>') return -1;
  try {
    return std::stoi(piece.substr(3, 2), nullptr, 16);
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

const char* to_string(PieceType t) {
  switch (t) {
    case PieceType::Normal: return "normal";
    case PieceType::Unknown: return "unknown";
    case PieceType::Control: return "control";
    case PieceType::UserDefined: return "user_defined";
    case PieceType::Byte: return "byte";
    case PieceType::Unused: return "unused";
  }
  return "?";
}

PieceType piece_type_from_string(const std::string& s) {
  for (PieceType t : {PieceType::Normal, PieceType::Unknown, PieceType::Control, PieceType::UserDefined,
                      PieceType::Byte, PieceType::Unused})
    if (s == to_string(t)) return t;
  throw std::invalid_argument("unknown piece type '" + s + "'");
}

Vocab::Vocab(std::vector<std::string> pieces, std::vector<PieceType> types, SpecialIds special)
    : pieces_(std::move(pieces)), types_(std::move(types)), special_(special) {
  if (pieces_.size() != types_.size())
    throw std::invalid_argument("vocab: " + std::to_string(pieces_.size()) + " pieces but " +
                                std::to_string(types_.size()) + " types");
  for (int32_t id : {special_.pad, special_.unk, special_.bos, special_.eos, special_.image})
    if (id >= static_cast<int32_t>(pieces_.size()))
      throw std::invalid_argument("vocab: special id " + std::to_string(id) + " >= size " +
                                  std::to_string(pieces_.size()));
  for (size_t i = 0; i < pieces_.size(); ++i)
    if (types_[i] == PieceType::Byte && byte_value(pieces_[i]) < 0)
      throw std::invalid_argument("vocab: byte piece " + std::to_string(i) + " '" + pieces_[i] +
                                  "' is not of the form <0xNN>");
}

const std::string& Vocab::piece(int32_t id) const {
  if (id < 0 || id >= static_cast<int32_t>(pieces_.size()))
    throw std::out_of_range("token id " + std::to_string(id) + " is outside the vocabulary [0, " +
                            std::to_string(pieces_.size()) + ")");
  return pieces_[static_cast<size_t>(id)];
}

PieceType Vocab::type(int32_t id) const {
  piece(id);  // range check
  return types_[static_cast<size_t>(id)];
}

std::string Vocab::decode(const std::vector<int32_t>& ids) const {
  std::string out, bytes;
  bool at_start = true;  // sentencepiece strips "▁" from the first piece only
  for (int32_t id : ids) {
    const std::string& p = piece(id);
    const PieceType t = types_[static_cast<size_t>(id)];
    if (t == PieceType::Control) continue;
    if (t == PieceType::Byte) {
      bytes += static_cast<char>(byte_value(p));
      at_start = false;
      continue;
    }
    flush_bytes(bytes, out);
    if (t == PieceType::Unknown) {
      out += kUnknownSurface;
    } else if (at_start && strip_leading_space && p.compare(0, 3, kSpaceSymbol) == 0) {
      out += replace_space_symbol(p.substr(3));
    } else {
      out += replace_space_symbol(p);
    }
    at_start = false;
  }
  flush_bytes(bytes, out);
  return out;
}

nlohmann::json Vocab::to_json() const {
  nlohmann::json types = nlohmann::json::array();
  for (PieceType t : types_) types.push_back(to_string(t));
  nlohmann::json special = nlohmann::json::object();
  const std::pair<const char*, int32_t> named[] = {{"pad", special_.pad},
                                                   {"unk", special_.unk},
                                                   {"bos", special_.bos},
                                                   {"eos", special_.eos},
                                                   {"image", special_.image}};
  for (const auto& [name, id] : named)
    if (id >= 0) special[name] = id;
  return {{"format", "cornerforge-vocab-1"},
          {"pieces", pieces_},
          {"types", types},
          {"special", special},
          {"image_tokens_per_image", image_tokens_per_image},
          {"strip_leading_space", strip_leading_space},
          {"template", template_text},
          {"info", info}};
}

Vocab Vocab::from_json(const nlohmann::json& j) {
  if (j.value("format", "") != "cornerforge-vocab-1")
    throw std::invalid_argument("not a cornerforge-vocab-1 document (key 'format')");
  std::vector<PieceType> types;
  for (const auto& t : j.at("types")) types.push_back(piece_type_from_string(t.get<std::string>()));
  const auto& s = j.at("special");
  SpecialIds special{s.value("pad", -1), s.value("unk", -1), s.value("bos", -1), s.value("eos", -1),
                     s.value("image", -1)};
  Vocab v(j.at("pieces").get<std::vector<std::string>>(), std::move(types), special);
  v.image_tokens_per_image = j.at("image_tokens_per_image").get<int64_t>();
  v.strip_leading_space = j.value("strip_leading_space", false);
  v.template_text = j.value("template", "");
  v.info = j.value("info", nlohmann::json::object());
  return v;
}

Vocab Vocab::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DataError(path + ": cannot open vocab file");
  try {
    return from_json(nlohmann::json::parse(in));
  } catch (const std::exception& e) {
    throw DataError(path + ": bad vocab file: " + e.what());
  }
}

}  // namespace cf::tokenize
