// Functional checks in the sandbox: reference answers pass, the seed's traps fail without hanging the bench.
#include <doctest/doctest.h>

#include "benchmark/sandbox.hpp"
#include "tasks/task_suite.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace llmroute;
using benchmark::CheckOutcome;
using benchmark::Sandbox;

namespace {

const std::string kSource = LLMROUTE_SOURCE_DIR;

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const Sandbox& sandbox() {
  static const Sandbox box = [] {
    std::string error;
    std::optional<Sandbox> found = Sandbox::detect(error);
    if (!found) FAIL(error);
    MESSAGE(found->describe());
    return *found;
  }();
  return box;
}

tasks::Task suite_task(const std::string& id) {
  const std::vector<tasks::Task> suite = tasks::load_task_suite(kSource + "/tasks/suite");
  const auto it = std::find_if(suite.begin(), suite.end(), [&](const tasks::Task& t) { return t.id == id; });
  REQUIRE(it != suite.end());
  return *it;
}

std::string trap(const std::string& name) { return read(kSource + "/tests/benchmark/traps/" + name); }

double seconds_to_run(const tasks::FunctionalCheck& check, const std::string& answer, CheckOutcome& outcome) {
  const auto start = std::chrono::steady_clock::now();
  outcome = sandbox().run(check, answer);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string details(const CheckOutcome& outcome) {
  std::string out = outcome.problem;
  for (const auto& step : outcome.steps) out += "\n" + step.name + ": " + (step.passed ? "ok" : step.detail);
  return out;
}

}  // namespace

TEST_CASE("every functional check of the suite passes on its reference answer") {
  std::size_t checked = 0;
  for (const tasks::Task& task : tasks::load_task_suite(kSource + "/tasks/suite")) {
    if (!task.check) continue;
    CAPTURE(task.id);
    const std::string answer = read(kSource + "/tests/benchmark/answers/" + task.id + ".md");
    const CheckOutcome outcome = sandbox().run(*task.check, answer);
    CHECK_MESSAGE(outcome.passed == outcome.total, details(outcome));
    CHECK(outcome.total == static_cast<int>(task.check->steps.size()));
    ++checked;
  }
  CHECK(checked >= 10);
}

TEST_CASE("the todo check runs the seed's correct program through all seven operations") {
  const tasks::Task todo = suite_task("simple-coding-todo-cli");
  const CheckOutcome outcome = sandbox().run(*todo.check, read(kSource + "/tests/benchmark/answers/simple-coding-todo-cli.md"));
  CHECK(outcome.passed == 7);
  CHECK(outcome.total == 7);
  CHECK(outcome.problem.empty());
}

TEST_CASE("the seed's interactive-menu answer fails every step at once: input() meets end of file") {
  const tasks::Task todo = suite_task("simple-coding-todo-cli");
  CheckOutcome outcome;
  const double took = seconds_to_run(*todo.check, trap("todo-interactive-menu.md"), outcome);
  CHECK(outcome.passed == 0);
  CHECK(outcome.total == 7);
  REQUIRE(outcome.steps.size() == 7);
  CHECK_MESSAGE(outcome.steps[0].detail.find("EOFError") != std::string::npos, outcome.steps[0].detail);
  CHECK(took < 7 * 5.0);  // no step waited for its timeout
}

TEST_CASE("a menu that swallows end of file times out once, and the remaining steps are not run") {
  tasks::FunctionalCheck check = *suite_task("simple-coding-todo-cli").check;
  check.timeout = std::chrono::milliseconds(1500);  // the suite's 5 s, shortened to keep the test quick
  CheckOutcome outcome;
  const double took = seconds_to_run(check, trap("todo-menu-ignores-eof.md"), outcome);
  CHECK(outcome.passed == 0);
  REQUIRE(outcome.steps.size() == 7);
  CHECK_MESSAGE(outcome.steps[0].detail.starts_with("no exit within 1.5 s"), outcome.steps[0].detail);
  for (std::size_t i = 1; i < 7; ++i) CHECK(outcome.steps[i].detail == "not run: an earlier step timed out");
  CHECK(took >= 1.5);
  CHECK(took < 1.5 + 10);  // one timeout, not seven, and no hang
}

TEST_CASE("code cut off by max_tokens fails the check with Python's syntax error") {
  const tasks::Task todo = suite_task("simple-coding-todo-cli");
  const CheckOutcome outcome = sandbox().run(*todo.check, trap("todo-truncated.md"));
  CHECK(outcome.passed == 0);
  CHECK_MESSAGE(outcome.steps[0].detail.find("SyntaxError") != std::string::npos, outcome.steps[0].detail);
}

TEST_CASE("a program that runs but does nothing fails every operation of the todo check") {
  const tasks::Task todo = suite_task("simple-coding-todo-cli");
  const CheckOutcome outcome = sandbox().run(*todo.check, "```python\ndef load(path):\n    return open(path).read()\n```\n");
  CHECK(outcome.passed == 0);
  CHECK(outcome.steps.at(0).detail == "no file todos.db afterwards");
  CHECK(outcome.steps.at(2).detail == "stdout lacks 'Buy groceries'");
}

TEST_CASE("an answer without code fails every step with the reason") {
  const tasks::Task todo = suite_task("simple-coding-todo-cli");
  const CheckOutcome outcome = sandbox().run(*todo.check, "```bash\nls\n```\nI cannot write that program.");
  CHECK(outcome.passed == 0);
  CHECK(outcome.problem == "no code block for todo.py in the answer");
  CHECK(outcome.steps.size() == 7);
  CHECK(benchmark::to_json(outcome).starts_with(R"({"passed":0,"total":7,"problem":"no code block for todo.py in the answer","steps":[{"name":"add the first todo","passed":false,)"));
}

TEST_CASE("a checked program cannot reach the network, and never sees the bench's proxy variables") {
  // A server the program would reach over loopback if it shared the bench's network.
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 4) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  ::setenv("HTTPS_PROXY", "http://proxy.invalid:3128", 1);

  tasks::FunctionalCheck check;
  check.file = "probe.py";
  check.timeout = std::chrono::seconds(10);
  check.steps.push_back({"connect to the loopback server", "probe.py", {"connect", port}, 0, {"refused"}, {}, {}});
  check.steps.push_back({"no proxy variables", "probe.py", {"env"}, 0, {"clean"}, {}, {}});
  const std::string probe = R"(```python
import os, socket, sys
if sys.argv[1] == "connect":
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=2).close()
        print("connected")
    except OSError as e:
        print("refused", e)
else:
    print("clean" if not any(k.lower().endswith("_proxy") for k in os.environ) else "leaked")
```)";
  const CheckOutcome outcome = sandbox().run(check, probe);
  ::unsetenv("HTTPS_PROXY");
  ::close(listener);
  if (sandbox().isolation() == benchmark::NetworkIsolation::network_namespace)
    CHECK_MESSAGE(outcome.steps.at(0).passed, outcome.steps.at(0).detail);
  else
    MESSAGE("no network namespace here: " << sandbox().describe());
  CHECK_MESSAGE(outcome.steps.at(1).passed, outcome.steps.at(1).detail);
}
