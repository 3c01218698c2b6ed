// Planning a run and resuming it, selecting tasks, the command line, and the <think> tax accounting.
#include <doctest/doctest.h>

#include "benchmark/bench_options.hpp"
#include "benchmark/bench_plan.hpp"
#include "benchmark/task_request.hpp"

#include <boost/json.hpp>

using namespace llmroute;
using benchmark::BenchResult;
using benchmark::PairState;

namespace {

tasks::Task task(const std::string& id, const std::string& category) {
  tasks::Task t;
  t.id = id;
  t.category = category;
  t.max_tokens = 100;
  t.prompt = "Do " + id;
  return t;
}

BenchResult stored(const std::string& task_id, const std::string& model, PairState state) {
  BenchResult r;
  r.task_id = task_id;
  r.model = model;
  r.state = state;
  return r;
}

}  // namespace

TEST_CASE("a new run plans every task for every model, task by task") {
  const std::vector<tasks::Task> suite = {task("a", "debugging"), task("b", "reasoning")};
  const benchmark::BenchPlan plan = benchmark::plan_pairs(suite, {"m1", "m2"}, {});
  REQUIRE(plan.pairs.size() == 4);
  CHECK(plan.already_done == 0);
  CHECK(plan.pairs[0].task->id == "a");
  CHECK(plan.pairs[0].model == "m1");
  CHECK(plan.pairs[1].model == "m2");
  CHECK(plan.pairs[2].task->id == "b");
  for (const auto& pair : plan.pairs) CHECK(pair.needs_call);
}

TEST_CASE("a resumed run skips finished pairs, reuses stored answers and asks again only after a failure") {
  const std::vector<tasks::Task> suite = {task("a", "debugging"), task("b", "reasoning"), task("c", "reasoning")};
  std::map<std::pair<std::string, std::string>, BenchResult> rows;
  rows[{"a", "m"}] = stored("a", "m", PairState::done);
  rows[{"b", "m"}] = stored("b", "m", PairState::answered);
  rows[{"c", "m"}] = stored("c", "m", PairState::failed);
  const benchmark::BenchPlan plan = benchmark::plan_pairs(suite, {"m"}, rows);
  CHECK(plan.already_done == 1);
  REQUIRE(plan.pairs.size() == 2);
  CHECK(plan.pairs[0].task->id == "b");
  CHECK_FALSE(plan.pairs[0].needs_call);
  CHECK(plan.pairs[0].stored.has_value());
  CHECK(plan.pairs[1].task->id == "c");
  CHECK(plan.pairs[1].needs_call);
}

TEST_CASE("--only keeps tasks by id or category and reports names that match nothing") {
  const std::vector<tasks::Task> suite = {task("a", "debugging"), task("b", "reasoning"), task("c", "reasoning")};
  std::vector<std::string> unknown;
  const auto selected = benchmark::select_tasks(suite, {"a", "reasoning", "poetry"}, unknown);
  CHECK(selected.size() == 3);
  CHECK(unknown == std::vector<std::string>{"poetry"});
  unknown.clear();
  CHECK(benchmark::select_tasks(suite, {"b"}, unknown).size() == 1);
  CHECK(benchmark::select_tasks(suite, {}, unknown).size() == 3);
}

TEST_CASE("the command line is parsed strictly") {
  std::string error;
  const char* full[] = {"bench", "--models", "a,b/c", "--tasks", "t", "--only", "x,y", "--concurrency", "3",
                        "--run", "r", "--config", "c.yaml", "--db", "d.db", "--out", "o.json", "--resume"};
  const auto options = benchmark::parse_bench_options(std::size(full), full, error);
  REQUIRE_MESSAGE(options.has_value(), error);
  CHECK(options->models == std::vector<std::string>{"a", "b/c"});
  CHECK(options->only == std::vector<std::string>{"x", "y"});
  CHECK(options->concurrency == 3);
  CHECK(options->resume);
  CHECK(options->run_id == "r");
  CHECK(options->db_path == "d.db");
  CHECK(options->out_path == "o.json");

  const char* no_models[] = {"bench", "--tasks", "t"};
  CHECK_FALSE(benchmark::parse_bench_options(3, no_models, error));
  CHECK(error == "a new run needs --models (or --resume to continue the last run)");
  const char* bad_concurrency[] = {"bench", "--models", "a", "--concurrency", "0"};
  CHECK_FALSE(benchmark::parse_bench_options(5, bad_concurrency, error));
  CHECK(error == "--concurrency expects a number from 1 to 64, got '0'");
  const char* unknown[] = {"bench", "--model", "a"};
  CHECK_FALSE(benchmark::parse_bench_options(3, unknown, error));
  CHECK(error == "unexpected argument '--model'");
  const char* missing_value[] = {"bench", "--models"};
  CHECK_FALSE(benchmark::parse_bench_options(2, missing_value, error));
  CHECK(error == "--models needs a value");
}

TEST_CASE("a task is sent as one user message with its max_tokens") {
  const boost::json::value body = boost::json::parse(benchmark::task_request_body(task("a", "debugging")));
  CHECK(body.at("max_tokens") == 100);
  CHECK(body.at("messages").at(0).at("role") == "user");
  CHECK(body.at("messages").at(0).at("content") == "Do a");
}

TEST_CASE("inline <think> blocks leave the answer and count as reasoning tokens by their share of the output") {
  records::Usage usage;
  usage.output = 100;
  const auto parts = benchmark::split_answer("<think>" + std::string(300, 'x') + "</think>" + std::string(100, 'y'), "", usage);
  CHECK(parts.answer == std::string(100, 'y'));
  CHECK(parts.reasoning == std::string(300, 'x'));
  CHECK(parts.reasoning_tokens == 75);
  CHECK(parts.reasoning_estimated);

  usage.reasoning = 40;  // counted by the backend: taken as is
  const auto reported = benchmark::split_answer("answer", "thinking sent apart", usage);
  CHECK(reported.reasoning_tokens == 40);
  CHECK(reported.reasoning == "thinking sent apart");
  CHECK_FALSE(reported.reasoning_estimated);

  usage.reasoning = 0;
  CHECK(benchmark::split_answer("plain answer", "", usage).reasoning_tokens == 0);
}
