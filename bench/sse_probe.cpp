// Line scanner behind SseProbe: finds content-bearing data: lines and the end-of-stream markers.
#include "bench/sse_probe.hpp"

#include <cstring>

namespace llmroute::bench {
namespace {

constexpr std::size_t kLineReserve = 4096;

/// True when some `"content":` key in the line holds a non-empty string.
bool has_text_content(std::string_view line) {
  constexpr std::string_view kKey = "\"content\":";
  for (auto at = line.find(kKey); at != std::string_view::npos; at = line.find(kKey, at + kKey.size())) {
    auto value = line.find_first_not_of(' ', at + kKey.size());
    if (value != std::string_view::npos && value + 1 < line.size() && line[value] == '"' && line[value + 1] != '"') {
      return true;
    }
  }
  return line.find("\"text_delta\"") != std::string_view::npos;
}

}  // namespace

SseProbe::SseProbe() { partial_.reserve(kLineReserve); }

void SseProbe::reset() {
  partial_.clear();
  content_seen_ = false;
  finished_ = false;
}

bool SseProbe::feed(std::string_view bytes) {
  bool first_content = false;
  while (!bytes.empty()) {
    const void* newline = std::memchr(bytes.data(), '\n', bytes.size());
    if (newline == nullptr) {
      partial_.append(bytes);
      break;
    }
    auto length = static_cast<std::size_t>(static_cast<const char*>(newline) - bytes.data());
    if (partial_.empty()) {
      // The common case: the whole line is in this piece, so scan it in place without copying.
      first_content |= on_line(bytes.substr(0, length));
    } else {
      partial_.append(bytes.substr(0, length));
      first_content |= on_line(partial_);
      partial_.clear();
    }
    bytes.remove_prefix(length + 1);
  }
  return first_content;
}

bool SseProbe::on_line(std::string_view line) {
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  if (line.starts_with("event:")) {
    if (line.find("message_stop") != std::string_view::npos) {
      finished_ = true;
    }
    return false;
  }
  if (!line.starts_with("data:")) {
    return false;
  }
  line.remove_prefix(5);
  if (line.starts_with(' ')) {
    line.remove_prefix(1);
  }
  if (line == "[DONE]") {
    finished_ = true;
    return false;
  }
  if (content_seen_ || !has_text_content(line)) {
    return false;
  }
  content_seen_ = true;
  return true;
}

}  // namespace llmroute::bench
