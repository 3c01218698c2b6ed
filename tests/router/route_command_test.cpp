// `llmroute route`: the decision as JSON, the --explain trace, and exit codes for refusals and usage errors.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/command_run.hpp"

using namespace llmroute::test;
using namespace std::chrono_literals;

namespace {

CommandResult route(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"route", "--config", LLMROUTE_SOURCE_DIR "/config/coop.yaml", "--rules",
                             LLMROUTE_SOURCE_DIR "/router/rules.yaml"});
  return run_llmroute(dir.path(), std::move(args), 60s);
}

void write(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("the route command prints the decision and, with --explain, every step") {
  TempDir dir;
  write(dir / "body.json",
        R"({"model":"claude-opus-4-1-20250805","max_tokens":32000,"messages":[{"role":"user","content":)"
        R"("Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\nZeroDivisionError: division by zero\nwhy does this crash?"}]})");
  const std::string body = (dir / "body.json").string();

  CommandResult plain = route(dir, {"--path", "/v1/messages", body});
  CHECK(plain.exit_code == 0);
  CHECK(plain.out.find(R"("task":"debugging")") != std::string::npos);
  CHECK(plain.out.find(R"("candidates":["ollama/qwen3-coder","anthropic/sonnet"])") != std::string::npos);

  CommandResult explained = route(dir, {"--path", "/v1/messages", "--header", "x-llmroute-route: cloud", "--explain", body});
  CAPTURE(explained.out);
  CHECK(explained.exit_code == 0);
  CHECK(explained.out.find(R"("candidates":["anthropic/sonnet"])") != std::string::npos);
  CHECK(explained.out.find("features:") != std::string::npos);
  CHECK(explained.out.find("classification: debugging") != std::string::npos);
  CHECK(explained.out.find("header x-llmroute-route: 'cloud'") != std::string::npos);
  CHECK(explained.out.find("cloud candidates of the task: anthropic/sonnet") != std::string::npos);
  CHECK(explained.out.find("result: anthropic/sonnet") != std::string::npos);
}

TEST_CASE("the route command exits 1 when a private user's request fits no local model") {
  TempDir dir;
  std::string content;
  for (int i = 0; i < 3000; ++i) content += "2024-01-01 12:00:00 INFO request handled in 12ms path=/api/items\\n";
  write(dir / "long.json", R"({"model":"auto","messages":[{"role":"user","content":"Summarise this log:\n)" + content + R"("}]})");
  CommandResult run = route(dir, {"--private", (dir / "long.json").string()});
  CHECK(run.exit_code == 1);
  CHECK(run.out.find(R"("refusal":"private user: no local backend can serve this request")") != std::string::npos);
}

TEST_CASE("the route command rejects unknown options and unknown backends") {
  TempDir dir;
  CHECK(route(dir, {"--no-such-option"}).exit_code == 2);
  CHECK(route(dir, {"--unhealthy", "nowhere", "-"}).exit_code == 2);
  CHECK(route(dir, {"--pinned", "nowhere/model", "-"}).exit_code == 2);
}
