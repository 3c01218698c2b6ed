// A stand-in tokenizer for llama.cpp's /tokenize: about four bytes per token, stable ids.
#include "simulator/tokenizer.hpp"

#include <algorithm>
#include <cstdint>

#include "simulator/json_text.hpp"

namespace llmroute::simulator {
namespace {

constexpr std::uint64_t kVocabularySize = 32000;

std::int64_t token_id(std::string_view piece) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : piece) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return static_cast<std::int64_t>(hash % kVocabularySize);
}

}  // namespace

std::string tokenize_json(std::string_view content, TokenPieces pieces) {
  std::string out = R"({"tokens":[)";
  std::size_t at = 0;
  bool first = true;
  while (at < content.size()) {
    std::size_t end = std::min(at + 4, content.size());
    while (end < content.size() && (static_cast<unsigned char>(content[end]) & 0xC0) == 0x80) ++end;
    const auto piece = content.substr(at, end - at);
    if (!first) out += ',';
    first = false;
    if (pieces == TokenPieces::include) {
      out += R"({"id":)";
      append_number(out, token_id(piece));
      out += R"(,"piece":)";
      append_json_string(out, piece);
      out += '}';
    } else {
      append_number(out, token_id(piece));
    }
    at = end;
  }
  out += "]}";
  return out;
}

}  // namespace llmroute::simulator
