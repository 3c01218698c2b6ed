// `llmroute demo` end to end (simulators, proxy, real-shaped traffic, report), and its workload mix.
#include <doctest/doctest.h>

#include "demo/workload.hpp"
#include "support/child_process.hpp"
#include "support/command_run.hpp"

#include <map>
#include <regex>
#include <set>

using namespace llmroute;
using namespace llmroute::test;

namespace {

const std::filesystem::path kTasks = std::filesystem::path(LLMROUTE_SOURCE_DIR) / "tasks" / "classification";

}  // namespace

TEST_CASE("the demo's workload mixes the four clients by weight, deterministically, from endpoints llmroute serves") {
  const auto workload = demo::load_workload(kTasks, 400, 7);
  REQUIRE(workload.size() == 400);
  std::map<std::string, int> by_client;
  std::set<std::string> labels;
  for (const auto& request : workload) {
    ++by_client[request.client];
    labels.insert(request.label);
    CHECK(request.target.find("/compact") == std::string::npos);
  }
  CHECK(by_client.size() == 4);
  CHECK(by_client["claude-code"] > by_client["codex"]);  // weights 35 : 15
  CHECK(by_client["continue"] > 60);
  CHECK(labels.size() >= 10);
  CHECK(labels.contains("autocomplete"));

  const auto again = demo::load_workload(kTasks, 400, 7);
  for (std::size_t i = 0; i < workload.size(); ++i) CHECK(again[i].body == workload[i].body);
  CHECK_THROWS_WITH_AS(demo::load_workload("/nonexistent", 1, 1), doctest::Contains("cannot read"), std::runtime_error);
}

TEST_CASE("llmroute demo runs end to end: simulators and proxy start, traffic flows, shadows are judged, the reports are written") {
  TempDir dir;
  ChildProcessOptions options;
  options.program = LLMROUTE_BINARY;
  options.args = {"demo", "--requests", "30", "--seconds", "60", "--concurrency", "6", "--tasks", kTasks.string(),
                  "--dir", (dir / "work").string(), "--out", (dir / "report.html").string()};
  options.extra_env = {"LLMROUTE_RULES=" + std::string(LLMROUTE_SOURCE_DIR) + "/router/rules.yaml"};
  options.stdout_path = dir / "stdout";
  options.stderr_path = dir / "stderr";
  ChildProcess demo(options);
  const auto exit_code = demo.wait_for_exit(std::chrono::seconds(240));
  REQUIRE_MESSAGE(exit_code.has_value(), read_text_file(dir / "stderr"));
  const std::string out = read_text_file(dir / "stdout");
  const std::string err = read_text_file(dir / "stderr");
  REQUIRE_MESSAGE(*exit_code == 0, err);

  CHECK(err.find("answered 30 of 30 (status 30×200)") != std::string::npos);
  CHECK(err.find("30/30 requests") != std::string::npos);  // the progress bar's last line
  CHECK(out.find("\n30 requests (") != std::string::npos);
  for (const char* section : {"Per task kind: traffic and speed", "Per user", "Per model", "Shadow verdicts",
                              "Co-op economics", "ollama/qwen3-coder"})
    CHECK_MESSAGE(out.find(section) != std::string::npos, std::string(section));
  const std::string html = read_text_file(dir / "report.html");
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find("<svg data-chart=\"local-cloud-split\"") != std::string::npos);

  // Some requests were shadowed, and the demo waited until both simulated judges had scored every pair in both
  // orders; the report aggregates them per task kind and model pair.
  std::smatch progress;
  REQUIRE_MESSAGE(std::regex_search(err, progress, std::regex(R"(shadows: (\d+) started, 0 running; judges: (\d+) pairs scored, 0 waiting\n)")), err);
  const int started = std::stoi(progress[1]);
  const int scored = std::stoi(progress[2]);
  CHECK(started > 0);
  CHECK(scored == started);
  CHECK(out.find("shadow copies: " + std::to_string(started) + " (") != std::string::npos);
  CHECK(out.find("pairs judged " + std::to_string(scored) + ", waiting 0, invalid 0, failed 0") != std::string::npos);
  CHECK(out.find("judge calls " + std::to_string(4 * scored) + " (") != std::string::npos);
  CHECK(out.find("candidate vs baseline") != std::string::npos);
  CHECK(out.find("not enough data (n = ") != std::string::npos);  // 30 requests: no kind reaches the demo's min_n of 5
  CHECK(html.find("candidate vs baseline") != std::string::npos);
  CHECK(std::filesystem::exists(dir / "work" / "records.db"));
}
