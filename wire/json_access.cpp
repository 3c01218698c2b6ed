// Typed accessors over boost::json values with path-carrying errors.
#include "wire/json_access.hpp"

#include <boost/json/parse.hpp>
#include <cmath>

#include "wire/json_writer.hpp"

namespace llmroute::wire {

const boost::json::value* member(const boost::json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  if (found == nullptr || found->is_null()) return nullptr;
  return found;
}

std::string_view string_member(const boost::json::object& object, std::string_view key, std::string_view fallback) {
  const auto* found = member(object, key);
  if (found == nullptr || !found->is_string()) return fallback;
  return found->get_string();
}

std::optional<std::int64_t> integer_member(const boost::json::object& object, std::string_view key) {
  const auto* found = member(object, key);
  if (found == nullptr) return std::nullopt;
  if (found->is_int64()) return found->get_int64();
  if (found->is_uint64()) return static_cast<std::int64_t>(found->get_uint64());
  if (found->is_double()) {
    const double d = found->get_double();
    // Converting a double outside int64's range is undefined behaviour (a client may send 1e300).
    if (std::isfinite(d) && std::floor(d) == d && d >= -0x1p63 && d < 0x1p63) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::optional<std::int64_t> count_member(const boost::json::object& object, std::string_view key) {
  const auto count = integer_member(object, key);
  if (count && *count >= 0 && *count <= kMaxTokenCount) return count;
  return std::nullopt;
}

std::optional<double> number_member(const boost::json::object& object, std::string_view key) {
  const auto* found = member(object, key);
  if (found == nullptr) return std::nullopt;
  if (found->is_double()) return found->get_double();
  if (found->is_int64()) return static_cast<double>(found->get_int64());
  if (found->is_uint64()) return static_cast<double>(found->get_uint64());
  return std::nullopt;
}

std::optional<bool> bool_member(const boost::json::object& object, std::string_view key) {
  const auto* found = member(object, key);
  if (found == nullptr || !found->is_bool()) return std::nullopt;
  return found->get_bool();
}

std::string_view json_type_name(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "number";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "value";
}

TranslationError error_at(std::string_view path, std::string_view what) {
  std::string message(path);
  message.append(": ");
  message.append(what);
  return TranslationError{std::move(message)};
}

std::string path_index(std::string_view path, std::size_t index) {
  std::string result(path);
  result.push_back('[');
  result.append(std::to_string(index));
  result.push_back(']');
  return result;
}

std::string path_key(std::string_view path, std::string_view key) {
  std::string result(path);
  if (!result.empty()) result.push_back('.');
  result.append(key);
  return result;
}

Translated<boost::json::object> parse_json_object(std::string_view body) {
  boost::json::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 512;  // tool schemas and tool arguments nest deeper than the default 32
  boost::json::value parsed = boost::json::parse(body, ec, {}, options);
  if (ec) {
    return TranslationError{"body is not valid JSON: " + ec.message()};
  }
  if (!parsed.is_object()) {
    return TranslationError{"body must be a JSON object, not " + std::string(json_type_name(parsed))};
  }
  return std::move(parsed.get_object());
}

std::string to_json(const boost::json::value& value) {
  std::string out;
  append_json(out, value);
  return out;
}

}  // namespace llmroute::wire
