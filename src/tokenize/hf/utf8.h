// UTF-8 helpers and GPT-2's byte<->unicode table for HF tokenizers (torch-free).
//
// The byte-level alphabet maps each byte 0..255 to one printable code point: bytes 33..126,
// 161..172 and 174..255 map to themselves, the other 68 bytes to U+0100.. in byte order.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace cf::tokenize::hf {

// Byte length of the (assumed valid) UTF-8 character starting with `lead`.
size_t utf8_len(unsigned char lead);
// Code point `cp` appended as UTF-8.
void append_utf8(std::string& out, uint32_t cp);
// Length of the valid UTF-8 character at s[i], or 0 when the bytes there are not one.
size_t valid_char_len(const std::string& s, size_t i);
bool is_valid_utf8(const std::string& s);
// Rust's String::from_utf8_lossy: each maximal invalid subpart becomes one U+FFFD.
std::string utf8_lossy(const std::string& bytes);
// Number of code points of valid UTF-8 `s`.
size_t char_count(const std::string& s);

// Byte b -> its byte-level character (UTF-8 encoded).
const std::array<std::string, 256>& byte_to_char();
// Byte-level character (code point) -> byte, or -1 when cp is not in the alphabet.
int char_to_byte(uint32_t cp);
// Every byte of `s` replaced by its byte-level character.
std::string to_byte_level(const std::string& s);

}  // namespace cf::tokenize::hf
