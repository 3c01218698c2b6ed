// The shipped task suite loads, and a malformed task is rejected with its file and line.
#include <doctest/doctest.h>

#include "support/child_process.hpp"
#include "tasks/task_suite.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

using namespace llmroute::tasks;

namespace {

const std::string kSuiteDir = std::string(LLMROUTE_SOURCE_DIR) + "/tasks/suite";

// A valid debugging task; tests break one thing in it at a time.
const std::string kValid = R"(- id: debugging-example
  category: debugging
  title: An example
  difficulty: 2
  max_tokens: 2048
  tags: [python]
  prompt: |
    Fix this.
  expected_capabilities:
    - finds the bug
  check:
    language: python
    file: fix.py
    timeout: 2s
    files:
      check_fix.py: "import fix"
    steps:
      - name: it runs
        args: [one, "2"]
        stdout_has: [ok]
      - name: the harness passes
        run: check_fix.py
        exit: 0
        files_exist: [out.txt]
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

// The message parse_task_file throws for `text`, or "" when it is accepted.
std::string rejection(const std::string& text, const std::string& name = "suite/debugging.yaml") {
  try {
    parse_task_file(text, name);
  } catch (const TaskSuiteError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the shipped suite has at least 30 valid tasks across the seeds' categories") {
  const std::vector<Task> suite = load_task_suite(kSuiteDir);
  CHECK(suite.size() >= 30);
  std::set<std::string> categories;
  for (const Task& task : suite) categories.insert(task.category);
  for (const char* needed : {"simple-coding", "refactoring", "debugging", "architecture", "multi-file", "reasoning",
                             "non-coding", "commit-message", "status-report", "documentation"})
    CHECK_MESSAGE(categories.contains(needed), needed);
  CHECK(std::any_of(suite.begin(), suite.end(), [](const Task& t) {
    return std::find(t.tags.begin(), t.tags.end(), "extraction") != t.tags.end();
  }));
}

TEST_CASE("the todo app task runs the homelab seed's seven operations with a generous max_tokens") {
  const std::vector<Task> suite = load_task_suite(kSuiteDir);
  const auto todo = std::find_if(suite.begin(), suite.end(), [](const Task& t) { return t.id == "simple-coding-todo-cli"; });
  REQUIRE(todo != suite.end());
  CHECK(todo->max_tokens > 4096);
  REQUIRE(todo->check.has_value());
  CHECK(todo->check->file == "todo.py");
  REQUIRE(todo->check->steps.size() == 7);
  const std::vector<std::string> commands = {"add", "add", "list", "complete", "list", "delete", "list"};
  for (std::size_t i = 0; i < commands.size(); ++i) CHECK(todo->check->steps[i].args.at(0) == commands[i]);
  CHECK(todo->check->steps.back().stdout_lacks == std::vector<std::string>{"Walk the dog"});
}

TEST_CASE("a valid task file is read into every field") {
  const std::vector<Task> tasks = parse_task_file(kValid, "suite/debugging.yaml");
  REQUIRE(tasks.size() == 1);
  const Task& t = tasks[0];
  CHECK(t.id == "debugging-example");
  CHECK(t.difficulty == 2);
  CHECK(t.max_tokens == 2048);
  CHECK(t.prompt == "Fix this.\n");
  CHECK(t.source == "suite/debugging.yaml:1");
  REQUIRE(t.check.has_value());
  CHECK(t.check->timeout == std::chrono::seconds(2));
  CHECK(t.check->files.at("check_fix.py") == "import fix");
  REQUIRE(t.check->steps.size() == 2);
  CHECK(t.check->steps[0].run == "fix.py");
  CHECK(t.check->steps[0].args == std::vector<std::string>{"one", "2"});
  CHECK(t.check->steps[1].run == "check_fix.py");
  CHECK(t.check->steps[1].files_exist == std::vector<std::string>{"out.txt"});
}

TEST_CASE("a malformed task is rejected with the file, the line and what is wrong") {
  SUBCASE("a difficulty out of range") {
    CHECK(rejection(replace(kValid, "difficulty: 2", "difficulty: 7")) ==
          "suite/debugging.yaml:4:15: debugging-example.difficulty: must be between 1 and 5, found 7");
  }
  SUBCASE("a missing required key names the task's line") {
    CHECK(rejection(replace(kValid, "  max_tokens: 2048\n", "")) ==
          "suite/debugging.yaml:1:3: debugging-example: missing required key 'max_tokens'");
  }
  SUBCASE("an unknown key, e.g. a typo") {
    CHECK(rejection(replace(kValid, "  tags:", "  owner: me\n  tags:")) ==
          "suite/debugging.yaml:6:3: debugging-example.owner: unknown key (known keys: category, check, difficulty, "
          "expected_capabilities, id, max_tokens, prompt, tags, title)");
  }
  SUBCASE("a task in the file of another category") {
    CHECK(rejection(kValid, "suite/refactoring.yaml") ==
          "suite/refactoring.yaml:2:13: debugging-example.category: category 'debugging' in the file of category "
          "'refactoring' (one file per category)");
  }
  SUBCASE("a category that is not a task kind") {
    CHECK(rejection(replace(kValid, "category: debugging", "category: poetry"), "suite/poetry.yaml")
              .starts_with("suite/poetry.yaml:2:13: debugging-example.category: unknown category 'poetry' (one of: "));
  }
  SUBCASE("an id that is not lower-case words and hyphens, named by its position") {
    CHECK(rejection(replace(kValid, "id: debugging-example", "id: Debugging Example")) ==
          "suite/debugging.yaml:1:7: [0].id: must be lower-case letters, digits and hyphens, found 'Debugging Example'");
  }
  SUBCASE("an empty prompt") {
    CHECK(rejection(replace(kValid, "prompt: |\n    Fix this.\n", "prompt: \"  \"\n")) ==
          "suite/debugging.yaml:7:11: debugging-example.prompt: must not be empty");
  }
  SUBCASE("no expected capabilities") {
    CHECK(rejection(replace(kValid, "expected_capabilities:\n    - finds the bug\n", "expected_capabilities: []\n")) ==
          "suite/debugging.yaml:9:26: debugging-example.expected_capabilities: must list at least one capability");
  }
  SUBCASE("a check step running a script that does not exist") {
    CHECK(rejection(replace(kValid, "run: check_fix.py", "run: check_other.py")) ==
          "suite/debugging.yaml:22:14: debugging-example.check.steps[1].run: 'check_other.py' is neither the check's "
          "file nor one of its files");
  }
  SUBCASE("a check file name that could leave the sandbox directory") {
    CHECK(rejection(replace(kValid, "file: fix.py", "file: ../fix.py")) ==
          "suite/debugging.yaml:13:11: debugging-example.check.file: must be a plain file name such as todo.py, found "
          "'../fix.py'");
  }
  SUBCASE("a step that would run a file that is not a Python script") {
    CHECK(rejection(replace(replace(kValid, "file: fix.py", "file: answer.json"), "        run: check_fix.py\n", "")) ==
          "suite/debugging.yaml:18:9: debugging-example.check.steps[0]: runs 'answer.json', which is not a .py "
          "script (name a support script with run:)");
  }
  SUBCASE("a file to look for outside the check's directory") {
    CHECK(rejection(replace(kValid, "files_exist: [out.txt]", "files_exist: [/etc/passwd]")) ==
          "suite/debugging.yaml:24:23: debugging-example.check.steps[1].files_exist[0]: must be a plain file name such "
          "as todos.db");
  }
  SUBCASE("a check timeout beyond five minutes") {
    CHECK(rejection(replace(kValid, "timeout: 2s", "timeout: 1h")) ==
          "suite/debugging.yaml:14:14: debugging-example.check.timeout: must be between 100ms and 5m");
  }
  SUBCASE("broken YAML") {
    CHECK(rejection(replace(kValid, "tags: [python]", "tags: [python")).starts_with("suite/debugging.yaml:7:"));
  }
  SUBCASE("a file that is a mapping instead of a list of tasks") {
    CHECK(rejection("id: x\n") ==
          "suite/debugging.yaml:1:1: (top level): a task file is a list of tasks (- id: ...), found a mapping");
  }
}

TEST_CASE("an id used in two files is rejected, naming both definitions") {
  llmroute::test::TempDir dir;
  std::ofstream(dir / "debugging.yaml") << kValid;
  std::ofstream(dir / "refactoring.yaml") << replace(kValid, "category: debugging", "category: refactoring");
  try {
    load_task_suite(dir.path());
    FAIL("the duplicate id was accepted");
  } catch (const TaskSuiteError& e) {
    CHECK(std::string(e.what()) == (dir / "refactoring.yaml").string() + ":1: debugging-example: duplicate task id " +
                                       "(first defined at " + (dir / "debugging.yaml").string() + ":1)");
  }
}

TEST_CASE("a directory without task files is an error, not an empty benchmark") {
  llmroute::test::TempDir dir;
  CHECK_THROWS_WITH_AS(load_task_suite(dir.path()),
                       (dir.path().string() + ": no tasks (expected *.yaml files listing tasks)").c_str(), TaskSuiteError);
}
