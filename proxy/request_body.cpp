// simdjson scan of the top-level request fields; a precise error position comes from Boost.JSON on failure only.
#include "proxy/request_body.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/stream_parser.hpp>
#include <simdjson.h>

#include <algorithm>

namespace llmroute::proxy {

namespace {

/// Line and column of byte `offset`, for "malformed JSON at line L column C".
std::string position_of(std::string_view bytes, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + " column " + std::to_string(column) + " (byte " + std::to_string(offset) + ")";
}

/// Explains why `bytes` is not valid JSON, with its position (slow path: only for bad requests).
std::string explain_invalid(std::string_view bytes) {
  // Nesting is refused where simdjson refuses it, not at Boost's default of 32 levels.
  boost::json::parse_options options;
  options.max_depth = simdjson::DEFAULT_MAX_DEPTH;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(bytes.data(), bytes.size(), ec);
  if (!ec) parser.finish(ec);
  if (!ec) return "the body is not a JSON object";
  // A body cut short is wrong where it stops: its end is the position the client needs to find.
  if (used >= bytes.size())
    return "malformed JSON at " + position_of(bytes, bytes.size()) + ": the body ends before its JSON does (" + ec.message() + ")";
  return "malformed JSON at " + position_of(bytes, used) + ": " + ec.message();
}

ByteSpan span_of(std::string_view bytes, std::string_view raw) {
  // raw_json_token() points into the source buffer, so the offset is pointer arithmetic.
  std::size_t length = raw.size();
  while (length > 0 && (raw[length - 1] == ' ' || raw[length - 1] == '\n' || raw[length - 1] == '\r' ||
                        raw[length - 1] == '\t' || raw[length - 1] == ','))
    --length;
  return ByteSpan{static_cast<std::size_t>(raw.data() - bytes.data()), length};
}

}  // namespace

std::size_t json_padding() { return simdjson::SIMDJSON_PADDING; }

ScanResult scan_request_body(std::string_view bytes, std::size_t capacity, simdjson::ondemand::document& doc) {
  thread_local simdjson::dom::parser validator;
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string copy;
  simdjson::padded_string_view view;
  const bool in_place = capacity >= bytes.size() + simdjson::SIMDJSON_PADDING;
  if (in_place) {
    view = simdjson::padded_string_view(bytes.data(), bytes.size(), capacity);
  } else {
    copy = simdjson::padded_string(bytes);
    view = copy;
    bytes = std::string_view(copy.data(), copy.size());
  }
  // On-demand skipping does not validate what it skips, so a full validating pass comes first
  // (a few tens of µs for a 100 KB body); the on-demand pass then reads only the top level.
  simdjson::dom::element root;
  if (validator.parse(view.data(), view.size(), false).get(root)) return {std::nullopt, explain_invalid(bytes)};
  simdjson::ondemand::object object;
  if (parser.iterate(view).get(doc) || doc.get_object().get(object)) return {std::nullopt, explain_invalid(bytes)};

  RequestBody body;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return {std::nullopt, explain_invalid(bytes)};
    simdjson::ondemand::value value;
    if (field.value().get(value)) return {std::nullopt, explain_invalid(bytes)};
    if (key == "model") {
      std::string_view model;
      if (value.get_string().get(model)) return {std::nullopt, "\"model\" must be a string"};
      body.model = std::string(model);
      body.model_span = span_of(bytes, value.raw_json_token());
    } else if (key == "stream") {
      bool stream = false;
      if (value.get_bool().get(stream)) return {std::nullopt, "\"stream\" must be true or false"};
      body.stream = stream;
    } else if (key == "stream_options") {
      simdjson::ondemand::object options;
      std::string_view raw;
      if (value.get_object().get(options) || options.raw_json().get(raw))
        return {std::nullopt, "\"stream_options\" must be an object"};
      body.stream_options_span = span_of(bytes, raw);
      // The object is tiny; a DOM look at it is simpler than a second on-demand cursor.
      simdjson::dom::element element;
      bool include = false;
      if (validator.parse(raw).get(element) == simdjson::SUCCESS && element["include_usage"].get_bool().get(include) == simdjson::SUCCESS)
        body.include_usage = include;
    }
  }
  const std::size_t end = bytes.find_last_of('}');
  if (end != std::string_view::npos) body.closing_brace = end;
  return {std::move(body), {}, in_place};
}

void SplicedBody::replace(ByteSpan span, std::string replacement) {
  const auto at = std::find_if(edits_.begin(), edits_.end(), [&](const Edit& e) { return e.span.offset > span.offset; });
  edits_.insert(at, Edit{span, std::move(replacement)});
}

std::size_t SplicedBody::size() const {
  std::size_t n = original_.size();
  for (const Edit& e : edits_) n = n - e.span.length + e.text.size();
  return n;
}

std::string SplicedBody::joined() const {
  std::string out;
  out.reserve(size());
  for_each_piece([&out](std::string_view piece) { out.append(piece); });
  return out;
}

void append_member(SplicedBody& body, std::string_view original, std::size_t closing_brace, std::string_view member) {
  // An empty object gets no leading comma.
  std::size_t before = closing_brace;
  while (before > 0 && (original[before - 1] == ' ' || original[before - 1] == '\n' || original[before - 1] == '\r' ||
                        original[before - 1] == '\t'))
    --before;
  const bool empty = before > 0 && original[before - 1] == '{';
  // Built step by step: GCC 12 warns falsely (-Wrestrict) on `const char* + std::string` here.
  std::string text(empty ? "" : ",");
  text += member;
  body.insert(closing_brace, std::move(text));
}

}  // namespace llmroute::proxy
