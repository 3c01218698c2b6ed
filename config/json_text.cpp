// JSON string escaping.
#include "config/json_text.hpp"

#include "config/utf8.hpp"

#include <cstdio>

namespace llmroute::config {

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else if (static_cast<unsigned char>(c) < 0x80) {
          out.push_back(c);
        } else if (const std::size_t length = utf8_sequence_length(text.substr(i)); length > 0) {
          out.append(text.substr(i, length));
          i += length - 1;
        } else {
          // JSON is UTF-8: a stray byte (a client's raw path, a cut-off text) becomes U+FFFD.
          out += "\\ufffd";
        }
    }
  }
  return out;
}

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  out += json_escape(text);
  out += '"';
  return out;
}

}  // namespace llmroute::config
