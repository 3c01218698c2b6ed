// One benchmark task of the offline suite (tasks/suite/*.yaml): the prompt, what a good answer shows, and
// an optional functional check that runs the answer's code.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::tasks {

/// One run of the checked program: `python3 <run> <args...>` in the check's directory, stdin /dev/null.
struct CheckStep {
  std::string name;                      ///< what the step shows, e.g. "list shows both todos"
  std::string run;                       ///< the script to run: the answer's file or one of the support files
  std::vector<std::string> args;
  int exit_status = 0;                   ///< the exit status the step expects
  std::vector<std::string> stdout_has;   ///< each must appear in stdout (case-sensitive)
  std::vector<std::string> stdout_lacks; ///< none may appear in stdout
  std::vector<std::string> files_exist;  ///< files the step must leave in the directory (e.g. todos.db)

  bool operator==(const CheckStep&) const = default;
};

/// Runs the code block of an answer: it is written to `file` beside the support `files`, then the steps
/// run in order in that one directory (state such as a SQLite file carries from step to step).
struct FunctionalCheck {
  std::string language = "python";
  std::string file;                          ///< where the answer's code block is written, e.g. "todo.py"
  std::map<std::string, std::string> files;  ///< support files (test harnesses, inputs) by name
  std::chrono::milliseconds timeout{10'000}; ///< per step
  std::vector<CheckStep> steps;

  bool operator==(const FunctionalCheck&) const = default;
};

struct Task {
  std::string id;        ///< unique across the suite, [a-z0-9-]
  std::string category;  ///< a router task kind (commit-message, debugging, ...): the file's name
  std::string title;
  int difficulty = 1;    ///< 1 (trivial) to 5 (hard)
  std::uint32_t max_tokens = 0;
  std::vector<std::string> tags;
  std::string prompt;
  std::vector<std::string> expected_capabilities;  ///< what the judges look for
  std::optional<FunctionalCheck> check;
  std::string source;    ///< "file:line" of the task's definition, for messages

  bool operator==(const Task&) const = default;
};

}  // namespace llmroute::tasks
