// Names of client tools that had to change shape on the way to a backend, so answers can be restored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llmroute::wire {

/// How the client declared a tool. Responses `custom` tools take free-form text; a function-only
/// backend sees them as a function with one string parameter `input`.
enum class ToolShape { function, custom };

struct ToolAlias {
  std::string wire_name;       ///< the name the backend sees (flattened, at most 64 characters)
  std::string namespace_name;  ///< Responses namespace the tool belongs to; empty for top-level tools
  std::string name;            ///< the tool's own name inside its namespace
  ToolShape shape = ToolShape::function;
};

/// The aliases of one request. Empty for most requests (only Responses namespaces and custom
/// tools need one); small, so lookups are linear.
class ToolNameMap {
 public:
  /// Registers a tool and returns the name the backend sees: `namespace__name`, or, when that
  /// exceeds 64 characters, a prefix plus a stable hash so distinct tools keep distinct names.
  std::string add(std::string_view namespace_name, std::string_view name, ToolShape shape);

  /// The alias for a name the backend used, or nullptr for ordinary tools.
  const ToolAlias* find_wire_name(std::string_view wire_name) const;

  /// The backend name of a client tool (identity for unknown tools).
  std::string wire_name_for(std::string_view namespace_name, std::string_view name) const;

  bool empty() const { return aliases_.empty(); }
  const std::vector<ToolAlias>& aliases() const { return aliases_; }

 private:
  std::vector<ToolAlias> aliases_;
};

/// The flattened name of a namespaced tool, limited to 64 characters (OpenAI's limit).
std::string flatten_tool_name(std::string_view namespace_name, std::string_view name);

}  // namespace llmroute::wire
