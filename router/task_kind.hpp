// The kinds of task a request can be, with their wire names (used in config, records and headers).
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace llmroute::router {

/// What a request asks a model to do; decides which backends may serve it.
enum class TaskKind {
  commit_message,
  documentation,
  status_report,
  refactoring,
  debugging,
  simple_coding,
  multi_file,
  architecture,
  code_review,
  reasoning,
  non_coding,
  background,
  long_context,
  autocomplete,
};

/// Every kind, in declaration order (for tables, loops and confusion matrices).
inline constexpr std::array kAllTaskKinds = {
    TaskKind::commit_message, TaskKind::documentation, TaskKind::status_report, TaskKind::refactoring,
    TaskKind::debugging,      TaskKind::simple_coding, TaskKind::multi_file,    TaskKind::architecture,
    TaskKind::code_review,    TaskKind::reasoning,     TaskKind::non_coding,    TaskKind::background,
    TaskKind::long_context,   TaskKind::autocomplete,
};

/// The wire name, e.g. "commit-message".
std::string_view to_string(TaskKind kind);

/// Parses a wire name; nullopt for anything else (case-sensitive, as written in configs).
std::optional<TaskKind> parse_task_kind(std::string_view name);

}  // namespace llmroute::router
