// Small typed accessors over boost::json values used by the request and response parsers.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wire/wire_format.hpp"

namespace llmroute::wire {

/// Empty when a parsing step succeeded; the reason otherwise.
using Problem = std::optional<TranslationError>;

/// The member `key`, or nullptr when it is absent or JSON null.
const boost::json::value* member(const boost::json::object& object, std::string_view key);

/// The string member `key`, or `fallback` when absent, null or not a string.
std::string_view string_member(const boost::json::object& object, std::string_view key, std::string_view fallback = {});

/// An integer member (JSON integers, or doubles with an integral value).
std::optional<std::int64_t> integer_member(const boost::json::object& object, std::string_view key);

/// Far above any model's output or context (2^40 tokens), far below where sums of a few counts overflow int64.
inline constexpr std::int64_t kMaxTokenCount = std::int64_t{1} << 40;

/// A token count a backend reports: a whole number from 0 to kMaxTokenCount. A negative or absurd count
/// (2^63 - 1 from a broken server) is not there, so the sums made of counts (input = uncached + cache reads +
/// cache writes, a user's daily tokens) cannot overflow.
std::optional<std::int64_t> count_member(const boost::json::object& object, std::string_view key);

std::optional<double> number_member(const boost::json::object& object, std::string_view key);
std::optional<bool> bool_member(const boost::json::object& object, std::string_view key);

/// "string", "array", "object", "number", "boolean" or "null", for error messages.
std::string_view json_type_name(const boost::json::value& value);

/// `path: what`.
TranslationError error_at(std::string_view path, std::string_view what);

/// `path[index]` and `path.key`, for building error paths.
std::string path_index(std::string_view path, std::size_t index);
std::string path_key(std::string_view path, std::string_view key);

/// Parses a whole request or response body; the error names the byte offset.
Translated<boost::json::object> parse_json_object(std::string_view body);

/// Serialises a value compactly (shortest doubles).
std::string to_json(const boost::json::value& value);

}  // namespace llmroute::wire
