// Measurement of relayed answers, streamed or whole.
#include "proxy/answer_meter.hpp"

#include "wire/response_translation.hpp"

#include <cstring>

namespace llmroute::proxy {

namespace {

/// Non-streamed bodies above this are relayed but not parsed for usage (the usage is then estimated).
constexpr std::size_t kWholeBodyCap = 8u << 20;
/// Most bytes of an unfinished event held back while looking for the usage chunk, which is a few hundred.
constexpr std::size_t kMaxHeldBack = 16 * 1024;

records::Usage to_record_usage(const wire::Usage& u) {
  auto n = [](std::int64_t v) { return static_cast<std::uint64_t>(v < 0 ? 0 : v); };
  return records::Usage{n(u.input), n(u.output), n(u.reasoning), n(u.cache_read), n(u.cache_write)};
}

/// Whether `text` may carry a usage object: a `usage"` key whose value is not `null` (servers asked for
/// include_usage, such as OpenAI, vLLM and the simulator, put `"usage":null` in every chunk).
bool may_hold_usage(std::string_view text) {
  constexpr std::string_view kKey = "usage\"";
  const auto skip_space = [](std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    return first == std::string_view::npos ? std::string_view() : s.substr(first);
  };
  // memmem, not string_view::find: that one restarts at every 'u' (each `null` has one).
  const auto find = [text, kKey](std::size_t from) {
    const void* hit = ::memmem(text.data() + from, text.size() - from, kKey.data(), kKey.size());
    return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - text.data()) : std::string_view::npos;
  };
  for (auto at = find(0); at != std::string_view::npos; at = find(at + kKey.size())) {
    std::string_view rest = skip_space(text.substr(at + kKey.size()));
    if (!rest.starts_with(':')) return true;
    if (!skip_space(rest.substr(1)).starts_with("null")) return true;
  }
  return false;
}

/// Whether `text` has `"choices":[]` (or `"choices": []`). Cheap enough for every piece: memchr stops at
/// each ']', about one per event.
bool has_empty_choices(std::string_view text) {
  const char* const end = text.data() + text.size();
  for (const char* p = text.data(); (p = static_cast<const char*>(std::memchr(p, ']', static_cast<std::size_t>(end - p)))); ++p) {
    const std::string_view before(text.data(), static_cast<std::size_t>(p - text.data()) + 1);
    if (before.ends_with("\"choices\":[]") || before.ends_with("\"choices\": []")) return true;
  }
  return false;
}

/// The usage-only chunk a Chat stream ends with when `include_usage` was asked: empty choices, a usage object.
bool is_usage_chunk(std::string_view event) { return has_empty_choices(event) && may_hold_usage(event); }

/// Just past the blank line that ends the first event starting at or after `from`, or npos. A blank
/// line is "\n\n" or "\r\n\r\n" (any "\n" followed by an empty line).
std::size_t next_event_end(std::string_view text, std::size_t from) {
  for (std::size_t lf = text.find('\n', from); lf != std::string_view::npos; lf = text.find('\n', lf + 1)) {
    if (lf + 1 < text.size() && text[lf + 1] == '\n') return lf + 2;
    if (lf + 2 < text.size() && text[lf + 1] == '\r' && text[lf + 2] == '\n') return lf + 3;
  }
  return std::string_view::npos;
}

/// Just past the last blank line in `text`; 0 when it holds none.
std::size_t end_of_last_event(std::string_view text) {
  std::size_t size = text.size();
  while (const void* found = size > 1 ? ::memrchr(text.data() + 1, '\n', size - 1) : nullptr) {
    const std::size_t lf = static_cast<std::size_t>(static_cast<const char*>(found) - text.data());
    if (text[lf - 1] == '\n' || (lf >= 2 && text[lf - 1] == '\r' && text[lf - 2] == '\n')) return lf + 1;
    size = lf;
  }
  return 0;
}

}  // namespace

AnswerMeter::AnswerMeter(wire::WireFormat backend, wire::WireFormat client, AnswerFraming framing, UsageChunk usage_chunk,
                         wire::TranslationContext context)
    : framing_(framing), usage_chunk_(usage_chunk), backend_(backend), translating_(backend != client) {
  if (framing_ == AnswerFraming::streamed) translator_ = wire::make_stream_translator(backend, client, std::move(context));
}

std::string_view AnswerMeter::filter_usage_chunks(std::string_view piece) {
  if (pending_.empty() && !has_empty_choices(piece)) {
    // Nearly every piece: no usage chunk, so its whole events go out as they are (a view, no copy).
    const std::size_t complete = end_of_last_event(piece);
    if (complete == piece.size()) return piece;
    // An unfinished last event is held back: it may yet turn out to be the usage chunk.
    pending_.assign(piece.substr(complete));
    return piece.substr(0, complete);
  }
  pending_.append(piece);
  out_.clear();
  out_.reserve(pending_.size());
  std::size_t start = 0;
  for (std::size_t end; (end = next_event_end(pending_, start)) != std::string_view::npos; start = end) {
    const std::string_view event(pending_.data() + start, end - start);
    if (!is_usage_chunk(event)) out_.append(event);
  }
  pending_.erase(0, start);
  // An unfinished event this long is no usage chunk: it goes out as it is, so that a stream whose event ends
  // this scan cannot see (CR line ends, no blank lines) is neither held back nor kept whole in memory.
  if (pending_.size() > kMaxHeldBack) {
    out_.append(pending_);
    pending_.clear();
  }
  return out_;
}

std::string_view AnswerMeter::on_piece(std::string_view piece) {
  const std::string_view out = relay(piece);
  measure(piece);
  return out;
}

std::string_view AnswerMeter::relay(std::string_view piece) {
  if (framing_ == AnswerFraming::whole) {
    if (whole_.size() + piece.size() <= kWholeBodyCap) whole_.append(piece);
    return piece;
  }
  if (!translating_) return usage_chunk_ == UsageChunk::strip ? filter_usage_chunks(piece) : piece;
  scratch_.clear();
  translator_->feed(piece, scratch_);
  return scratch_;  // the translator already hides chunks the client did not ask for
}

void AnswerMeter::measure(std::string_view piece) {
  if (framing_ == AnswerFraming::streamed && !translating_) translator_->observe(piece);
}

std::string_view AnswerMeter::on_end(wire::StreamEnd end, std::string_view detail) {
  if (framing_ == AnswerFraming::whole) {
    if (!parsed_) {
      parsed_ = true;
      if (auto parsed = wire::parse_completion(backend_, whole_); parsed) completion_ = std::move(*parsed);
      whole_.clear();
      if (keep_answer_bytes_ > 0) whole_answer_ = wire::collect_items(completion_.items, keep_answer_bytes_);
    }
    return {};
  }
  scratch_.clear();
  translator_->finish(scratch_, end, detail);
  if (translating_) return scratch_;
  out_ = std::move(pending_);
  pending_.clear();
  if (tells_failure()) out_ += scratch_;  // the relayed response's response.failed
  return out_;
}

bool AnswerMeter::tells_failure() const {
  return framing_ == AnswerFraming::streamed && (translating_ || backend_ == wire::WireFormat::responses);
}

bool AnswerMeter::ending_adds_bytes() const {
  if (framing_ == AnswerFraming::whole) return false;
  // A translator whose stream already ended (its terminal event arrived) has nothing left to say.
  return translating_ ? !translator_->summary().ended : !pending_.empty();
}

void AnswerMeter::keep_answer(std::size_t max_bytes) {
  keep_answer_bytes_ = max_bytes;
  if (framing_ == AnswerFraming::streamed) translator_->keep_answer(max_bytes);
}

const wire::AnswerCollector* AnswerMeter::kept_answer() const {
  if (framing_ == AnswerFraming::streamed) return translator_->answer();
  return whole_answer_ ? &*whole_answer_ : nullptr;
}

bool AnswerMeter::stream_ended() const {
  if (framing_ == AnswerFraming::whole) return true;
  const wire::StreamSummary& summary = translator_->summary();
  // Relayed as they are, the backend's events reached the client, its own error event included, but not an
  // error found while reading them.
  return summary.ended && (translating_ || summary.error.empty() || summary.error_reported);
}

bool AnswerMeter::first_content_seen() const {
  return framing_ == AnswerFraming::streamed ? translator_->first_content_seen() : !whole_.empty() || parsed_;
}

records::Usage AnswerMeter::usage() const {
  if (framing_ == AnswerFraming::whole) return to_record_usage(completion_.usage);
  records::Usage usage = to_record_usage(translator_->summary().usage);
  if (!translator_->summary().usage_reported)
    usage.output = static_cast<std::uint64_t>(std::max<std::int64_t>(0, translator_->summary().output_tokens()));
  return usage;
}

bool AnswerMeter::usage_reported() const {
  return framing_ == AnswerFraming::whole ? completion_.usage_reported : translator_->summary().usage_reported;
}

std::string AnswerMeter::finish_reason() const {
  const wire::FinishReason reason = framing_ == AnswerFraming::whole ? completion_.finish : translator_->summary().finish_reason;
  return reason == wire::FinishReason::none ? std::string() : std::string(wire::to_string(reason));
}

bool AnswerMeter::truncated() const {
  if (framing_ == AnswerFraming::whole) return completion_.finish == wire::FinishReason::length;
  return translator_->summary().truncated;
}

}  // namespace llmroute::proxy
