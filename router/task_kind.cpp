// Wire names of the task kinds.
#include "router/task_kind.hpp"

namespace llmroute::router {

std::string_view to_string(TaskKind kind) {
  switch (kind) {
    case TaskKind::commit_message: return "commit-message";
    case TaskKind::documentation: return "documentation";
    case TaskKind::status_report: return "status-report";
    case TaskKind::refactoring: return "refactoring";
    case TaskKind::debugging: return "debugging";
    case TaskKind::simple_coding: return "simple-coding";
    case TaskKind::multi_file: return "multi-file";
    case TaskKind::architecture: return "architecture";
    case TaskKind::code_review: return "code-review";
    case TaskKind::reasoning: return "reasoning";
    case TaskKind::non_coding: return "non-coding";
    case TaskKind::background: return "background";
    case TaskKind::long_context: return "long-context";
    case TaskKind::autocomplete: return "autocomplete";
  }
  return "simple-coding";
}

std::optional<TaskKind> parse_task_kind(std::string_view name) {
  for (TaskKind kind : kAllTaskKinds) {
    if (to_string(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace llmroute::router
