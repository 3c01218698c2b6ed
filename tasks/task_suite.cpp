// Strict loading of task files: every key known, every value checked, each error located in its file.
#include "tasks/task_suite.hpp"

#include "config/config.hpp"
#include "config/yaml_section.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace llmroute::tasks {

namespace {

using config::NodeAt;
using config::Section;

bool is_id(const std::string& s) {
  return !s.empty() && s.front() != '-' &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// A name the check may create in its temporary directory: no separators, no hidden or parent entries.
bool is_plain_file_name(const std::string& s) {
  return !s.empty() && s.front() != '.' && s.size() <= 100 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  c == '.';
         });
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string non_empty_string(const NodeAt& at) {
  std::string s = at.as_string();
  if (s.find_first_not_of(" \t\r\n") == std::string::npos) at.fail("must not be empty");
  return s;
}

std::vector<std::string> string_list(const NodeAt& at) {
  std::vector<std::string> out;
  for (const NodeAt& item : config::sequence_items(at)) out.push_back(non_empty_string(item));
  return out;
}

// Task kinds a benchmark prompt can stand for; background calls and autocomplete are not chat tasks.
bool is_bench_category(std::string_view name) {
  if (name == "background" || name == "autocomplete") return false;
  return std::find(config::kTaskKindNames.begin(), config::kTaskKindNames.end(), name) != config::kTaskKindNames.end();
}

std::string bench_categories() {
  std::string list;
  for (std::string_view name : config::kTaskKindNames)
    if (is_bench_category(name)) list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

CheckStep parse_step(const NodeAt& at, const FunctionalCheck& check) {
  Section s(at);
  CheckStep step;
  step.name = non_empty_string(s.required("name"));
  const std::optional<NodeAt> run = s.optional("run");
  step.run = run ? run->as_string() : check.file;
  const NodeAt& run_at = run ? *run : at;
  if (step.run != check.file && !check.files.contains(step.run))
    run_at.fail("'" + step.run + "' is neither the check's file nor one of its files");
  if (!ends_with(step.run, ".py"))
    run_at.fail("runs '" + step.run + "', which is not a .py script (name a support script with run:)");
  if (auto args = s.optional("args"))
    for (const NodeAt& arg : config::sequence_items(*args)) step.args.push_back(arg.as_string());
  if (auto exit = s.optional("exit")) step.exit_status = static_cast<int>(exit->as_int(0, 255));
  if (auto has = s.optional("stdout_has")) step.stdout_has = string_list(*has);
  if (auto lacks = s.optional("stdout_lacks")) step.stdout_lacks = string_list(*lacks);
  if (auto exist = s.optional("files_exist"))
    for (const NodeAt& item : config::sequence_items(*exist)) {
      step.files_exist.push_back(item.as_string());
      if (!is_plain_file_name(step.files_exist.back())) item.fail("must be a plain file name such as todos.db");
    }
  s.finish();
  return step;
}

FunctionalCheck parse_check(const NodeAt& at) {
  Section s(at);
  FunctionalCheck check;
  s.required("language").as_choice({"python"});  // the one interpreter the sandbox runs today
  check.language = "python";
  const NodeAt file = s.required("file");
  check.file = file.as_string();
  if (!is_plain_file_name(check.file)) file.fail("must be a plain file name such as todo.py, found '" + check.file + "'");
  if (auto files = s.optional("files")) {
    Section f(*files);
    for (const auto& entry : files->node) {
      const std::string name = entry.first.Scalar();
      const NodeAt value = f.required(name);
      if (!is_plain_file_name(name)) value.fail("must be a plain file name such as check_todo.py");
      if (name == check.file) value.fail("is the name the answer's code is written to");
      check.files.emplace(name, value.as_string());
    }
    f.finish();
  }
  if (auto timeout = s.optional("timeout")) {
    check.timeout = timeout->as_duration();
    if (check.timeout < std::chrono::milliseconds(100) || check.timeout > std::chrono::minutes(5))
      timeout->fail("must be between 100ms and 5m");
  }
  const auto steps = config::sequence_items(s.required("steps"));
  if (steps.empty()) s.required("steps").fail("must list at least one step");
  for (const NodeAt& step : steps) check.steps.push_back(parse_step(step, check));
  s.finish();
  return check;
}

Task parse_task(const NodeAt& item, const std::string& category) {
  // Messages name the task by its id when it has a usable one, else by its position.
  NodeAt at = item;
  if (item.node.IsMap() && item.node["id"].IsScalar() && is_id(item.node["id"].Scalar())) at.path = item.node["id"].Scalar();
  Section s(at);
  Task task;
  task.source = *at.file + ":" + std::to_string(at.node.Mark().line + 1);
  const NodeAt id = s.required("id");
  task.id = id.as_string();
  if (!is_id(task.id)) id.fail("must be lower-case letters, digits and hyphens, found '" + task.id + "'");
  const NodeAt cat = s.required("category");
  task.category = cat.as_string();
  if (!is_bench_category(task.category))
    cat.fail("unknown category '" + task.category + "' (one of: " + bench_categories() + ")");
  if (task.category != category)
    cat.fail("category '" + task.category + "' in the file of category '" + category + "' (one file per category)");
  task.title = non_empty_string(s.required("title"));
  task.difficulty = static_cast<int>(s.required("difficulty").as_int(1, 5));
  task.max_tokens = static_cast<std::uint32_t>(s.required("max_tokens").as_int(1, 1'000'000));
  task.tags = string_list(s.required("tags"));
  task.prompt = non_empty_string(s.required("prompt"));
  const NodeAt capabilities = s.required("expected_capabilities");
  task.expected_capabilities = string_list(capabilities);
  if (task.expected_capabilities.empty()) capabilities.fail("must list at least one capability");
  if (auto check = s.optional("check")) task.check = parse_check(*check);
  s.finish();
  return task;
}

}  // namespace

std::vector<Task> parse_task_file(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw TaskSuiteError(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                         ": (yaml): " + e.msg);
  }
  const std::string category = std::filesystem::path(name).stem().string();
  std::vector<Task> tasks;
  try {
    const NodeAt top{&name, "", root};
    if (!root.IsSequence() || root.size() == 0) {
      if (root.IsSequence() || !root.IsDefined() || root.IsNull())
        throw TaskSuiteError(name + ":1: (top level): a task file is a list of tasks and this one has none");
      top.fail("a task file is a list of tasks (- id: ...), found a " +
               std::string(root.IsMap() ? "mapping" : "scalar"));
    }
    for (const NodeAt& item : config::sequence_items(top)) tasks.push_back(parse_task(item, category));
  } catch (const config::ConfigError& e) {
    throw TaskSuiteError(e.what());
  }
  return tasks;
}

std::vector<Task> load_task_suite(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw TaskSuiteError(dir.string() + ": not a directory of task files");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  if (ec) throw TaskSuiteError(dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());

  std::vector<Task> suite;
  std::map<std::string, std::string> first_seen;  // id -> source
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw TaskSuiteError(path.string() + ": cannot open the task file");
    std::ostringstream text;
    text << in.rdbuf();
    for (Task& task : parse_task_file(text.str(), path.string())) {
      if (auto [it, fresh] = first_seen.emplace(task.id, task.source); !fresh)
        throw TaskSuiteError(task.source + ": " + task.id + ": duplicate task id (first defined at " + it->second + ")");
      suite.push_back(std::move(task));
    }
  }
  if (suite.empty()) throw TaskSuiteError(dir.string() + ": no tasks (expected *.yaml files listing tasks)");
  return suite;
}

}  // namespace llmroute::tasks
