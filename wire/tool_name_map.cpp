// Stable flattened names for namespaced and custom tools, and their reverse lookup.
#include "wire/tool_name_map.hpp"

#include <cstdint>

namespace llmroute::wire {

namespace {

constexpr std::size_t kMaxToolName = 64;

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

std::string flatten_tool_name(std::string_view namespace_name, std::string_view name) {
  std::string flat;
  if (namespace_name.empty()) {
    flat.assign(name);
  } else {
    flat.reserve(namespace_name.size() + 2 + name.size());
    flat.append(namespace_name);
    if (!flat.ends_with("__")) flat.append("__");
    flat.append(name);
  }
  if (flat.size() <= kMaxToolName) return flat;
  static constexpr char kHex[] = "0123456789abcdef";
  auto hash = fnv1a(flat);
  std::string suffix = "__";
  for (int i = 0; i < 8; ++i) {
    suffix.push_back(kHex[hash & 0xf]);
    hash >>= 4;
  }
  flat.resize(kMaxToolName - suffix.size());
  flat.append(suffix);
  return flat;
}

std::string ToolNameMap::add(std::string_view namespace_name, std::string_view name, ToolShape shape) {
  std::string wire = flatten_tool_name(namespace_name, name);
  if (find_wire_name(wire) == nullptr) {
    aliases_.push_back(ToolAlias{wire, std::string(namespace_name), std::string(name), shape});
  }
  return wire;
}

const ToolAlias* ToolNameMap::find_wire_name(std::string_view wire_name) const {
  for (const auto& alias : aliases_) {
    if (alias.wire_name == wire_name) return &alias;
  }
  return nullptr;
}

std::string ToolNameMap::wire_name_for(std::string_view namespace_name, std::string_view name) const {
  if (namespace_name.empty()) return std::string(name);
  for (const auto& alias : aliases_) {
    if (alias.namespace_name == namespace_name && alias.name == name) return alias.wire_name;
  }
  return flatten_tool_name(namespace_name, name);
}

}  // namespace llmroute::wire
