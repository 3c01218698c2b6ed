// Well-formed UTF-8 (RFC 3629), for the JSON writers that must never emit bytes a strict parser rejects.
// Header-only, so the wire module uses it without linking the config module.
#pragma once

#include <cstddef>
#include <string_view>

namespace llmroute::config {

/// Length of the well-formed UTF-8 sequence that starts `text` with a byte >= 0x80, 0 if it is not one.
inline std::size_t utf8_sequence_length(std::string_view text) {
  const auto byte = [text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  if (lead < 0xC2 || lead > 0xF4 || text.size() < length) return 0;
  // The second byte's range rules out overlong forms, surrogates and code points above U+10FFFF.
  const unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
  const unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if ((byte(i) & 0xC0) != 0x80) return 0;
  return length;
}

}  // namespace llmroute::config
