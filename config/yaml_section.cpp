// Strict YAML access with located errors.
#include "config/yaml_section.hpp"

#include <charconv>
#include <cmath>

namespace llmroute::config {

namespace {

std::string kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "an undefined value";
  }
}

void require_scalar(const NodeAt& at, std::string_view expected) {
  if (!at.node.IsScalar()) at.fail("expected " + std::string(expected) + ", found " + kind_name(at.node));
}

}  // namespace

void NodeAt::fail(std::string_view what) const {
  const YAML::Mark mark = node.Mark();
  // A node without a mark (the root of an empty file) is placed at the file's start.
  std::string where = *file + ":" + (mark.line >= 0 ? std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) : "1:1");
  throw ConfigError(where + ": " + (path.empty() ? std::string("(top level)") : path) + ": " + std::string(what));
}

NodeAt NodeAt::child(std::string_view key, const YAML::Node& value) const {
  return NodeAt{file, path.empty() ? std::string(key) : path + "." + std::string(key), value};
}

NodeAt NodeAt::item(std::size_t index, const YAML::Node& value) const {
  return NodeAt{file, path + "[" + std::to_string(index) + "]", value};
}

std::string NodeAt::as_string() const {
  require_scalar(*this, "a string");
  return node.Scalar();
}

bool NodeAt::as_bool() const {
  require_scalar(*this, "true or false");
  const std::string& s = node.Scalar();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail("expected true or false, found '" + s + "'");
}

std::int64_t NodeAt::as_int(std::int64_t min, std::int64_t max) const {
  require_scalar(*this, "a whole number");
  const std::string& s = node.Scalar();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) fail("expected a whole number, found '" + s + "'");
  if (value < min || value > max)
    fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", found " + s);
  return value;
}

double NodeAt::as_double(double min) const {
  require_scalar(*this, "a number");
  const std::string& s = node.Scalar();
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(value))
    fail("expected a number, found '" + s + "'");
  if (value < min) fail("must be at least " + std::to_string(min) + ", found " + s);
  return value;
}

std::chrono::milliseconds NodeAt::as_duration() const {
  require_scalar(*this, "a duration such as 500ms, 30s, 10m or 2h");
  const std::string& s = node.Scalar();
  double number = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  const std::string_view unit(end, s.data() + s.size() - end);
  double scale = 0;
  if (unit.empty() || unit == "ms") scale = 1;
  else if (unit == "s") scale = 1e3;
  else if (unit == "m" || unit == "min") scale = 60e3;
  else if (unit == "h") scale = 3600e3;
  else if (unit == "d") scale = 86400e3;
  if (ec != std::errc{} || scale == 0 || number < 0 || !std::isfinite(number))
    fail("expected a duration such as 500ms, 30s, 10m or 2h, found '" + s + "'");
  // Deadlines are added to clocks counting nanoseconds in 64 bits (292 years): a bound keeps every sum of them
  // representable, where a larger value would overflow (undefined behaviour) or become a negative duration.
  if (number * scale > static_cast<double>(kMaxDuration.count()))
    fail("must be at most 3650d (10 years), found '" + s + "'");
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(number * scale)));
}

std::uint64_t NodeAt::as_size() const {
  require_scalar(*this, "a size such as 512, 64KiB or 32MiB");
  const std::string& s = node.Scalar();
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  const std::string_view unit(end, s.data() + s.size() - end);
  std::uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB" || unit == "KB" || unit == "k") scale = 1ull << 10;
  else if (unit == "MiB" || unit == "MB" || unit == "M") scale = 1ull << 20;
  else if (unit == "GiB" || unit == "GB" || unit == "G") scale = 1ull << 30;
  if (ec != std::errc{} || scale == 0) fail("expected a size such as 512, 64KiB or 32MiB, found '" + s + "'");
  if (number > kMaxSize / scale) fail("must be at most 1TiB, found '" + s + "'");  // the product would wrap around
  return number * scale;
}

std::size_t NodeAt::as_choice(std::initializer_list<std::string_view> choices) const {
  const std::string s = as_string();
  std::size_t index = 0;
  std::string list;
  for (std::string_view c : choices) {
    if (c == s) return index;
    list += (index++ ? ", " : "") + std::string(c);
  }
  fail("expected one of " + list + ", found '" + s + "'");
}

Section::Section(NodeAt at) : at_(std::move(at)) {
  if (!at_.node.IsMap()) at_.fail("expected a mapping, found " + kind_name(at_.node));
  // YAML forbids a key twice in one mapping, and yaml-cpp would silently use the first: an operator who appends
  // a changed line to override one above would see the change ignored.
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : at_.node) {
    if (!entry.first.IsScalar() || seen.insert(entry.first.Scalar()).second) continue;
    const NodeAt key{at_.file, at_.child(entry.first.Scalar(), entry.first).path, entry.first};
    key.fail("this key is given twice in the same mapping (only one may stay)");
  }
}

std::optional<NodeAt> Section::optional(std::string_view key) {
  taken_.emplace(key);
  const YAML::Node value = at_.node[std::string(key)];
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  return at_.child(key, value);
}

NodeAt Section::required(std::string_view key) {
  if (auto value = optional(key)) return *value;
  at_.fail("missing required key '" + std::string(key) + "'");
}

void Section::finish() const {
  for (const auto& entry : at_.node) {
    const std::string key = entry.first.Scalar();
    if (!taken_.contains(key)) {
      std::string known;
      for (const auto& k : taken_) known += (known.empty() ? "" : ", ") + k;
      NodeAt{at_.file, at_.child(key, entry.first).path, entry.first}.fail("unknown key (known keys: " + known + ")");
    }
  }
}

std::vector<NodeAt> sequence_items(const NodeAt& at) {
  if (!at.node.IsSequence()) at.fail("expected a list, found " + kind_name(at.node));
  std::vector<NodeAt> items;
  std::size_t i = 0;
  for (const auto& value : at.node) items.push_back(at.item(i++, value));
  return items;
}

}  // namespace llmroute::config
