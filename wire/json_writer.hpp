// Appends compact, deterministic JSON text to a string: the one place wire output is serialised.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace llmroute::wire {

/// Appends `text` as a JSON string literal (quotes included) to `out`.
void append_json_string(std::string& out, std::string_view text);

/// Appends `value` as compact JSON. Doubles use the shortest round-trip form ("0.7", not "7E-1")
/// because some OpenAI-compatible servers parse numbers with hand-written code.
void append_json(std::string& out, const boost::json::value& value);

/// Builds one JSON object or array by appending to a caller-owned string; commas are automatic.
/// Misuse (a value without a key inside an object) is a programming error, not checked at runtime.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  /// Forgets the comma state, to start a new top-level value in the same string.
  void restart() { need_comma_ = false; }

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  /// Starts a member inside an object; the next call writes its value.
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view text);
  JsonWriter& number(std::int64_t n);
  JsonWriter& number(double d);
  JsonWriter& boolean(bool b);
  JsonWriter& null();
  JsonWriter& value(const boost::json::value& v);
  /// Inserts already-serialised JSON text verbatim.
  JsonWriter& raw(std::string_view json);

  JsonWriter& member(std::string_view name, std::string_view text) { return key(name).string(text); }
  JsonWriter& member(std::string_view name, const char* text) { return key(name).string(text); }
  JsonWriter& member(std::string_view name, std::int64_t n) { return key(name).number(n); }
  JsonWriter& member(std::string_view name, int n) { return key(name).number(static_cast<std::int64_t>(n)); }
  JsonWriter& member(std::string_view name, std::uint64_t n) { return key(name).number(static_cast<std::int64_t>(n)); }
  JsonWriter& member_bool(std::string_view name, bool b) { return key(name).boolean(b); }

 private:
  void separate();

  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace llmroute::wire
