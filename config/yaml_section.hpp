// Strict reading of one YAML mapping: typed getters, every key must be known, errors carry file:line:col.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::config {

/// A configuration error, already formatted as `file:line:col: key.path: what is wrong`.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where a node sits: the file, its key path, and the node (for its line and column).
struct NodeAt {
  const std::string* file;
  std::string path;
  YAML::Node node;

  [[noreturn]] void fail(std::string_view what) const;
  NodeAt child(std::string_view key, const YAML::Node& value) const;
  NodeAt item(std::size_t index, const YAML::Node& value) const;

  std::string as_string() const;
  bool as_bool() const;
  std::int64_t as_int(std::int64_t min, std::int64_t max) const;
  double as_double(double min) const;
  /// The longest duration and the largest size a config may give.
  static constexpr std::chrono::milliseconds kMaxDuration{3650LL * 24 * 3600 * 1000};
  static constexpr std::uint64_t kMaxSize = 1ull << 40;

  /// "250ms", "30s", "10m", "2h", "90d" or a bare number of milliseconds; at most kMaxDuration (10 years).
  std::chrono::milliseconds as_duration() const;
  /// "512", "64KiB", "32MiB", "1GiB"; at most kMaxSize (1 TiB).
  std::uint64_t as_size() const;
  /// One of `choices`, returned as its index.
  std::size_t as_choice(std::initializer_list<std::string_view> choices) const;
};

/// A mapping whose keys are taken one by one; `finish()` rejects any key nobody took.
class Section {
 public:
  explicit Section(NodeAt at);

  /// The value under `key`, or nullopt when absent.
  std::optional<NodeAt> optional(std::string_view key);
  /// The value under `key`; an error naming the key when absent.
  NodeAt required(std::string_view key);
  /// Rejects keys that were never asked for, naming the first one and where it is.
  void finish() const;
  const NodeAt& at() const { return at_; }

 private:
  NodeAt at_;
  std::set<std::string, std::less<>> taken_;
};

/// The items of a sequence (an error when the node is not a sequence).
std::vector<NodeAt> sequence_items(const NodeAt& at);

}  // namespace llmroute::config
