// Loads the task suite: every *.yaml file of a directory, validated strictly, errors as `file:line:col: what`.
#pragma once

#include "tasks/task.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace llmroute::tasks {

/// A malformed task file, formatted as `file:line:col: task-id.key: what is wrong`.
class TaskSuiteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses one task file's text. `name` is the file's path as messages should show it; its stem is the
/// category every task in it must have. Throws TaskSuiteError.
std::vector<Task> parse_task_file(const std::string& text, const std::string& name);

/// Every task of every `*.yaml` file directly in `dir`, files in name order, tasks in file order. Rejects
/// an empty suite and ids used twice. Throws TaskSuiteError.
std::vector<Task> load_task_suite(const std::filesystem::path& dir);

}  // namespace llmroute::tasks
