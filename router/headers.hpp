// HTTP request headers as the router sees them: an ordered list with case-insensitive lookup.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmroute::router {

/// The headers of one request. Names keep their original spelling; lookups ignore case.
class Headers {
 public:
  Headers() = default;
  Headers(std::initializer_list<std::pair<std::string, std::string>> entries) : entries_(entries) {}

  void add(std::string name, std::string value) { entries_.emplace_back(std::move(name), std::move(value)); }

  /// The value of the first header with this name (case-insensitive), if any.
  std::optional<std::string_view> find(std::string_view name) const;

  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

/// ASCII case-insensitive equality (header names and client markers are ASCII).
bool iequals(std::string_view a, std::string_view b);

}  // namespace llmroute::router
