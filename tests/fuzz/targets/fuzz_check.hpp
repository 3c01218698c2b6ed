// What the harnesses use to check invariants and to read control bytes from a fuzz input.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace llmroute::fuzz {

/// A broken invariant. Thrown, not aborted on: the CI suite reports it as a failed test with the input, and
/// under libFuzzer the uncaught exception aborts, which libFuzzer reports as a crash with the input saved.
class InvariantFailure : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

inline void require(bool holds, std::string_view what) {
  if (!holds) throw InvariantFailure(std::string(what));
}

/// `text` parsed as JSON, without boost's default depth limit of 32 (tool schemas nest deeper); null on error.
inline boost::json::value parse_json(std::string_view text, bool& ok) {
  boost::json::parse_options options;
  options.max_depth = 100000;
  boost::json::error_code ec;
  boost::json::value value = boost::json::parse(text, ec, {}, options);
  ok = !ec;
  return value;
}

inline bool is_json(std::string_view text) {
  bool ok = false;
  parse_json(text, ok);
  return ok;
}

inline bool is_json_object(std::string_view text) {
  bool ok = false;
  const auto value = parse_json(text, ok);
  return ok && value.is_object();
}

/// Takes control bytes off the front of an input (0 when it is shorter).
class ControlBytes {
 public:
  explicit ControlBytes(std::string_view& bytes) : bytes_(bytes) {}
  std::uint8_t take() {
    if (bytes_.empty()) return 0;
    const auto byte = static_cast<std::uint8_t>(bytes_.front());
    bytes_.remove_prefix(1);
    return byte;
  }
  std::uint32_t take32() {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = value << 8 | take();
    return value;
  }

 private:
  std::string_view& bytes_;
};

/// Piece lengths (1..max) from a seed: how an input is split between feeds, reproducibly.
class Splits {
 public:
  Splits(std::uint32_t seed, std::size_t max) : state_(seed | 1), max_(max) {}
  std::size_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return 1 + state_ % max_;
  }

 private:
  std::uint32_t state_;
  std::size_t max_;
};

}  // namespace llmroute::fuzz
