// One scan of a JSON request body for the few top-level fields the proxy needs, and byte splicing.
#pragma once

#include "config/json_text.hpp"

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::proxy {

/// Where a JSON value sits in the original bytes (including quotes for strings).
struct ByteSpan {
  std::size_t offset = 0;
  std::size_t length = 0;
};

/// The top-level fields of a model request, as views into the body they were scanned from.
struct RequestBody {
  std::string model;
  std::optional<ByteSpan> model_span;
  bool stream = false;
  bool include_usage = false;          ///< stream_options.include_usage was true
  std::optional<ByteSpan> stream_options_span;
  std::optional<std::size_t> closing_brace;  ///< offset of the object's final '}'
};

/// Result of scanning: the fields, or a message saying what is malformed and where.
struct ScanResult {
  std::optional<RequestBody> body;
  std::string error;
  bool indexed = false;  ///< the caller's document indexes `bytes` (not when they had to be copied for padding)
};

/// Validates `bytes` as one JSON object and extracts the top-level fields. `bytes` should be followed
/// by json_padding() readable bytes (`capacity` says how many there are; with fewer, they are copied).
/// `document` is left indexing `bytes`, so the router can read the body without indexing it again; it
/// stays valid until the next scan on this thread.
ScanResult scan_request_body(std::string_view bytes, std::size_t capacity, simdjson::ondemand::document& document);

/// Bytes a body buffer must have beyond its size so it can be scanned without a copy.
std::size_t json_padding();

/// The original body with a few edits, kept as pieces that are written as a gather, never joined.
class SplicedBody {
 public:
  SplicedBody() = default;
  explicit SplicedBody(std::string_view original) : original_(original) {}

  /// Replaces `span` (edits must not overlap) with already-encoded JSON.
  void replace(ByteSpan span, std::string replacement);
  /// Inserts text at `offset`.
  void insert(std::size_t offset, std::string text) { replace(ByteSpan{offset, 0}, std::move(text)); }
  /// Calls `visit` with each piece in order: views into the original and the replacements (no allocation:
  /// it runs once per forwarded request).
  template <typename Visit>
  void for_each_piece(Visit&& visit) const {
    std::size_t position = 0;
    for (const Edit& e : edits_) {
      visit(original_.substr(position, e.span.offset - position));
      visit(std::string_view(e.text));
      position = e.span.offset + e.span.length;
    }
    visit(original_.substr(position));
  }
  std::size_t size() const;
  std::string joined() const;

 private:
  struct Edit {
    ByteSpan span;
    std::string text;
  };
  std::string_view original_;
  std::vector<Edit> edits_;
};

/// Inserts `member` (`"key":value`) as the last member of the top-level object.
void append_member(SplicedBody& body, std::string_view original, std::size_t closing_brace, std::string_view member);

/// JSON string literals for spliced values come from the one shared escaper.
using config::json_quote;

}  // namespace llmroute::proxy
