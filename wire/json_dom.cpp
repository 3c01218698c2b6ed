// Reusable simdjson DOM parsing and forgiving field access for stream events.
#include "wire/json_dom.hpp"

#include "wire/json_access.hpp"

#include <cmath>

namespace llmroute::wire {

namespace {

/// Buffers a thread keeps between events; one larger event's buffers are given back at the next smaller one.
constexpr std::size_t kKeptCapacity = 1u << 20;

}  // namespace

std::optional<simdjson::dom::element> EventJson::parse(std::string_view json, std::string& error) {
  thread_local simdjson::dom::parser parser;
  thread_local std::string padded;
  if (json.size() <= kKeptCapacity) {
    if (parser.capacity() > kKeptCapacity) parser = simdjson::dom::parser();
    if (padded.capacity() > kKeptCapacity + simdjson::SIMDJSON_PADDING) std::string().swap(padded);
  }
  padded.assign(json);
  padded.resize(json.size() + simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element document;
  const auto code = parser.parse(padded.data(), json.size(), false).get(document);
  if (code != simdjson::SUCCESS) {
    error = simdjson::error_message(code);
    return std::nullopt;
  }
  return document;
}

std::optional<simdjson::dom::element> field(simdjson::dom::element object, std::string_view key) {
  simdjson::dom::object members;
  if (object.get_object().get(members) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::element value;
  if (members.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) return std::nullopt;
  return value;
}

std::string_view string_field(simdjson::dom::element object, std::string_view key) {
  const auto value = field(object, key);
  std::string_view text;
  if (!value || value->get_string().get(text) != simdjson::SUCCESS) return {};
  return text;
}

std::optional<std::int64_t> integer_field(simdjson::dom::element object, std::string_view key) {
  const auto value = field(object, key);
  if (!value) return std::nullopt;
  std::int64_t n = 0;
  if (value->get_int64().get(n) == simdjson::SUCCESS) return n;
  double d = 0;
  // Converting a double outside int64's range is undefined behaviour (a backend may send 1e36): not a count.
  if (value->get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && d >= -0x1p63 && d < 0x1p63)
    return static_cast<std::int64_t>(d);
  return std::nullopt;
}

std::optional<std::int64_t> count_field(simdjson::dom::element object, std::string_view key) {
  const auto count = integer_field(object, key);
  if (count && *count >= 0 && *count <= kMaxTokenCount) return count;
  return std::nullopt;
}

bool is_object(simdjson::dom::element element) { return element.type() == simdjson::dom::element_type::OBJECT; }

std::string excerpt(std::string_view data) {
  constexpr std::size_t kMax = 200;
  if (data.size() <= kMax) return std::string(data);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(data[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return std::string(data.substr(0, cut)) + "...";
}

}  // namespace llmroute::wire
