// Per-event JSON parsing for stream decoders: one reusable simdjson parser and padded buffer.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::wire {

/// Parses one event's JSON at a time without allocating once warmed up. The parser and its padded
/// buffer are the thread's, not the stream's: a stream that needs the full parser only for its first and
/// last events would otherwise allocate a parser's buffers for each request.
class EventJson {
 public:
  /// The parsed document, or the parse error's message in `error`. Valid until the next parse on this
  /// thread (decoders read an event completely before they return).
  std::optional<simdjson::dom::element> parse(std::string_view json, std::string& error);
};

/// Field accessors that treat absent, null and mistyped fields alike as "not there".
std::optional<simdjson::dom::element> field(simdjson::dom::element object, std::string_view key);
std::string_view string_field(simdjson::dom::element object, std::string_view key);
std::optional<std::int64_t> integer_field(simdjson::dom::element object, std::string_view key);
/// A token count a backend reports: a whole number from 0 to kMaxTokenCount, else not there (see json_access.hpp).
std::optional<std::int64_t> count_field(simdjson::dom::element object, std::string_view key);
bool is_object(simdjson::dom::element element);

/// The first 200 bytes of an event, for error messages.
std::string excerpt(std::string_view data);

}  // namespace llmroute::wire
