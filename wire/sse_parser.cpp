// Incremental Server-Sent Events parsing and writing.
#include "wire/sse_parser.hpp"

#include <algorithm>
#include <cstring>

namespace llmroute::wire {

namespace {

/// Offset of the first '\r' or '\n' at or after `from`, or npos. Two memchr passes: find_first_of
/// with a two-byte set compares every byte against the set one call at a time, and lines are long
/// (a Chat chunk is a few hundred bytes on one `data:` line).
std::size_t line_end(std::string_view text, std::size_t from) {
  const char* begin = text.data() + from;
  const std::size_t size = text.size() - from;
  const void* lf = std::memchr(begin, '\n', size);
  const std::size_t limit = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - begin) : size;
  const void* cr = std::memchr(begin, '\r', limit);
  if (cr) return from + static_cast<std::size_t>(static_cast<const char*>(cr) - begin);
  return lf ? from + limit : std::string::npos;
}

}  // namespace

void SseParser::append(std::string_view bytes) {
  keep_rest();
  if (failed_ || finished_) return;
  // Compact only when the consumed prefix dominates, so appends stay amortised linear.
  if (position_ > 0 && position_ * 2 >= buffer_.size()) {
    buffer_.erase(0, position_);
    position_ = 0;
  }
  buffer_.append(bytes);
}

void SseParser::append_view(std::string_view bytes) {
  keep_rest();
  if (failed_ || finished_) return;
  if (position_ < buffer_.size()) {
    append(bytes);  // held-back bytes come first: the new ones join them
    return;
  }
  buffer_.clear();
  position_ = 0;
  view_ = bytes;
  reading_view_ = true;
}

void SseParser::keep_rest() {
  // An event's data read in place points into the text, which is about to change or go away.
  if (data_is_view_) {
    data_.assign(data_view_);
    data_is_view_ = false;
  }
  if (!reading_view_) return;
  reading_view_ = false;
  buffer_.assign(view_.substr(position_));
  position_ = 0;
}

std::optional<SseEvent> SseParser::next() {
  if (failed_) return std::nullopt;
  const std::string_view text = this->text();
  while (position_ < text.size()) {
    if (skip_line_feed_) {
      skip_line_feed_ = false;
      if (text[position_] == '\n') {
        ++position_;
        continue;
      }
    }
    if (at_stream_start_) {
      if (text.size() - position_ < 3 &&
          text.substr(position_) == std::string_view("\xEF\xBB\xBF").substr(0, text.size() - position_)) {
        keep_rest();
        return std::nullopt;  // might still be a BOM; wait for more bytes
      }
      if (text.substr(position_, 3) == "\xEF\xBB\xBF") position_ += 3;
      at_stream_start_ = false;
      continue;
    }
    const auto end = line_end(text, position_);
    if (end == std::string::npos) {
      if (text.size() - position_ > max_event_bytes_) failed_ = true;
      keep_rest();
      return std::nullopt;
    }
    const std::string_view line(text.data() + position_, end - position_);
    position_ = end + 1;
    if (text[end] == '\r') skip_line_feed_ = true;
    if (process_line(line)) return dispatch();
    if (failed_) return std::nullopt;
  }
  keep_rest();
  return std::nullopt;
}

std::optional<SseEvent> SseParser::finish() {
  if (failed_ || finished_) return std::nullopt;
  keep_rest();
  finished_ = true;
  if (position_ < buffer_.size()) {
    const std::string_view line(buffer_.data() + position_, buffer_.size() - position_);
    position_ = buffer_.size();
    if (!(at_stream_start_ && line == "\xEF\xBB\xBF") && process_line(line)) return dispatch();
  }
  if (has_data_) return dispatch();
  return std::nullopt;
}

bool SseParser::process_line(std::string_view line) {
  if (line.empty()) {
    if (has_data_) return true;
    event_.clear();
    return false;
  }
  if (line.front() == ':') return false;
  const auto colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (!has_data_) {
      data_view_ = value;  // nearly every event has one data line: read it where it is
      data_is_view_ = true;
    } else {
      if (data_is_view_) {
        data_.assign(data_view_);
        data_is_view_ = false;
      }
      data_.push_back('\n');
      data_.append(value);
    }
    has_data_ = true;
    if (data_size() > max_event_bytes_) failed_ = true;
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_.assign(value);
  }
  return false;
}

std::optional<SseEvent> SseParser::dispatch() {
  // Swapping keeps the dispatched views stable while the working buffers are reused.
  std::string_view data = data_view_;
  if (!data_is_view_) {
    dispatched_data_.swap(data_);
    data = dispatched_data_;
  }
  dispatched_event_.swap(event_);
  data_.clear();
  event_.clear();
  data_is_view_ = false;
  has_data_ = false;
  return SseEvent{dispatched_event_, data, id_};
}

void append_sse_event(std::string& out, std::string_view name, std::string_view data) {
  if (!name.empty()) {
    out.append("event: ");
    out.append(name);
    out.push_back('\n');
  }
  std::size_t start = 0;
  while (true) {
    const auto end = data.find('\n', start);
    out.append("data: ");
    out.append(data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    out.push_back('\n');
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  out.push_back('\n');
}

}  // namespace llmroute::wire
