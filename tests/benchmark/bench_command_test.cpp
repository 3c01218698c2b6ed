// `llmroute bench` end to end against the simulator: a full run, truncation and thinking, kill and resume.
#include <doctest/doctest.h>

#include "benchmark/bench_store.hpp"
#include "router/classify_command.hpp"
#include "support/child_process.hpp"
#include "support/command_run.hpp"
#include "support/simulator_process.hpp"

#include <boost/json.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

using namespace llmroute;
using benchmark::BenchResult;
using benchmark::PairState;
using std::chrono::milliseconds;

namespace {

// Three small tasks in two category files; one has a functional check.
void write_suite(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "commit-message.yaml") << R"(- id: commit-one
  category: commit-message
  title: First commit message
  difficulty: 1
  max_tokens: 64
  tags: [git]
  prompt: Write a commit message for a one-line fix.
  expected_capabilities: [an imperative subject]
- id: commit-two
  category: commit-message
  title: Second commit message
  difficulty: 1
  max_tokens: 64
  tags: [git]
  prompt: Write a commit message for a typo fix in the README.
  expected_capabilities: [an imperative subject]
)";
  std::ofstream(dir / "simple-coding.yaml") << R"(- id: code-runs
  category: simple-coding
  title: A program that runs
  difficulty: 1
  max_tokens: 64
  tags: [python]
  prompt: Write a Python program that prints ok.
  expected_capabilities: [prints ok]
  check:
    language: python
    file: app.py
    timeout: 5s
    steps:
      - name: it prints ok
        stdout_has: [ok]
)";
}

// More tasks for the kill test, all of one category.
void write_long_suite(const std::filesystem::path& dir, int count) {
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / "documentation.yaml");
  for (int i = 0; i < count; ++i)
    out << "- id: doc-" << i << "\n  category: documentation\n  title: Doc " << i
        << "\n  difficulty: 1\n  max_tokens: 64\n  tags: []\n  prompt: Document function number " << i
        << ".\n  expected_capabilities: [a docstring]\n";
}

struct BenchSetup {
  test::TempDir dir;
  test::SimulatorProcess sim{{"--tokens-per-second", "200", "--ttft-ms", "5"}};
  std::filesystem::path suite = dir / "suite";
  std::filesystem::path config = dir / "config.yaml";
  std::filesystem::path db = dir / "records.db";

  /// `judging` is appended to the config as is (e.g. a judging: section).
  explicit BenchSetup(const std::string& judging = "") {
    // Per-model simulator knobs ride on the upstream name: length, thinking, first-token delay, quality.
    std::ofstream(config) << "backends:\n"
                             "  - name: sim\n    kind: openai\n    location: local\n    url: " << sim.base_url() << "/v1\n"
                             "    models:\n"
                             "      - name: short\n        upstream_name: sim-model+tokens=20\n"
                             "      - name: thinker\n        upstream_name: sim-model+tokens=20+think=30\n"
                             "      - name: slow\n        upstream_name: sim-model+tokens=5+ttft-ms=400\n"
                             "      - name: sloppy\n        upstream_name: sim-model+tokens=20+quality=poor\n"
                             "        family: qwen\n"
                             "      - name: judge-a\n        upstream_name: sim-model\n        family: gemma\n"
                             "      - name: judge-qwen\n        upstream_name: sim-model\n        family: qwen\n"
                             "  - name: cloud\n    kind: anthropic\n    location: cloud\n    url: " << sim.base_url() << "/v1\n"
                             "    models:\n"
                             "      - name: verbose\n        upstream_name: sim-model+tokens=500\n"
                             // Cache prices equal to the input price: the simulator caches repeated prompts.
                             "        price: { input: 3, output: 15, cache_read: 3, cache_write: 3 }\n"
                             "routing:\n  default: sim/short\n"
                             "records:\n  path: " << db.string() << "\n" << judging;
  }

  /// `env`: "NAME=value" entries for the bench's environment.
  test::ChildProcess start(std::vector<std::string> args, const std::string& name = "bench",
                           std::vector<std::string> env = {}) {
    test::ChildProcessOptions options;
    options.program = LLMROUTE_BINARY;
    options.extra_env = std::move(env);
    options.args = {"bench", "--config", config.string()};
    options.args.insert(options.args.end(), args.begin(), args.end());
    options.stdout_path = dir / (name + ".out");
    options.stderr_path = dir / (name + ".err");
    return test::ChildProcess(options);
  }

  int run(std::vector<std::string> args, const std::string& name = "bench", std::vector<std::string> env = {}) {
    test::ChildProcess child = start(std::move(args), name, std::move(env));
    const std::optional<int> code = child.wait_for_exit(milliseconds(120'000));
    REQUIRE_MESSAGE(code.has_value(), "llmroute bench did not finish: " << test::read_text_file(dir / (name + ".err")));
    return *code;
  }

  std::string err(const std::string& name = "bench") { return test::read_text_file(dir / (name + ".err")); }
  std::string out(const std::string& name = "bench") { return test::read_text_file(dir / (name + ".out")); }

  std::map<std::pair<std::string, std::string>, BenchResult> results(const std::string& run) {
    return benchmark::BenchStore(db.string()).results(run);
  }
  std::int64_t sim_requests() const { return sim.stats().at("requests").to_number<std::int64_t>(); }
};

/// While it lives, a process this test starts (posix_spawn inherits both) fails every write into a file beyond
/// `bytes` (EFBIG), as on a full disk, instead of being killed by SIGXFSZ. The test's own writes meanwhile are few.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved_) == 0);
    rlimit limited = saved_;
    limited.rlim_cur = bytes;
    ::signal(SIGXFSZ, SIG_IGN);
    REQUIRE(setrlimit(RLIMIT_FSIZE, &limited) == 0);
  }
  ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &saved_); }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
};

}  // namespace

TEST_CASE("a full small run stores every pair with its timings, tokens, cost, truncation, thinking and checks") {
  BenchSetup setup;
  write_suite(setup.suite);
  const int code = setup.run({"--tasks", setup.suite.string(), "--models", "short,sim/thinker,cloud/verbose", "--run",
                              "r1", "--concurrency", "2", "--out", (setup.dir / "out.json").string()});
  INFO(setup.err());
  REQUIRE(code == 0);
  const auto results = setup.results("r1");
  REQUIRE(results.size() == 9);
  CHECK(setup.sim_requests() == 9);
  for (const auto& [key, r] : results) {
    CAPTURE(key.first);
    CAPTURE(key.second);
    CHECK(r.state == PairState::done);
    CHECK(r.http_status == 200);
    CHECK(r.failure.empty());
    CHECK(r.ttft_ms.has_value());
    CHECK(r.total_ms >= r.ttft_ms.value_or(0));
    CHECK(r.usage.output > 0);
    CHECK(r.usage_reported);
    CHECK(r.tokens_per_second.has_value());
    CHECK_FALSE(r.answer.empty());
    CHECK(r.checks_total.has_value() == (key.first == "code-runs"));
  }
  // The seed's 4,096 trap: an answer longer than the task's max_tokens is cut and marked.
  const BenchResult& verbose = results.at({"commit-one", "cloud/verbose"});
  CHECK(verbose.truncated);
  CHECK(verbose.finish_reason == "length");
  CHECK(verbose.usage.output == 64);
  CHECK(verbose.route == "cloud");
  CHECK(verbose.cost == doctest::Approx((verbose.usage.input * 3 + 64 * 15) / 1e6));
  CHECK_FALSE(results.at({"commit-one", "sim/short"}).truncated);
  CHECK(results.at({"commit-one", "sim/short"}).finish_reason == "stop");
  // The <think> tax: thinking tokens counted apart and kept out of the answer.
  const BenchResult& thinker = results.at({"commit-one", "sim/thinker"});
  CHECK(thinker.usage.reasoning > 0);
  CHECK(thinker.answer.find("<think>") == std::string::npos);
  CHECK_FALSE(thinker.reasoning.empty());
  CHECK(results.at({"commit-one", "sim/short"}).usage.reasoning == 0);
  // A simulated answer is no program that prints ok: the check ran and failed.
  CHECK(results.at({"code-runs", "sim/short"}).checks_passed == 0);
  CHECK(results.at({"code-runs", "sim/short"}).checks_total == 1);

  CHECK(setup.out().find("sim/thinker") != std::string::npos);
  const boost::json::value out = boost::json::parse(test::read_text_file(setup.dir / "out.json"));
  CHECK(out.at("run").at("id") == "r1");
  CHECK(out.at("models").as_array().size() == 3);
  CHECK(out.at("results").as_array().size() == 9);
  CHECK(out.at("models").at(2).at("truncated") == 3);
}

TEST_CASE("a bench killed half way resumes without running, billing or storing a finished pair twice") {
  BenchSetup setup;
  write_long_suite(setup.suite, 6);
  test::ChildProcess first = setup.start({"--tasks", setup.suite.string(), "--models", "slow", "--run", "r2"}, "first");
  // Wait (with a deadline) until two pairs are stored, then kill the bench without warning.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::size_t stored = 0;
  while (stored < 2 && std::chrono::steady_clock::now() < deadline && first.running()) {
    std::this_thread::sleep_for(milliseconds(20));
    stored = std::filesystem::exists(setup.db) ? setup.results("r2").size() : 0;
  }
  REQUIRE_MESSAGE(stored >= 2, setup.err("first"));
  first.send_signal(SIGKILL);
  REQUIRE(first.wait_for_exit(milliseconds(10'000)).has_value());

  const auto before = setup.results("r2");
  REQUIRE(before.size() < 6);
  std::size_t done_before = 0;
  for (const auto& [key, r] : before) done_before += r.state == PairState::done ? 1 : 0;
  const std::int64_t calls_before = setup.sim_requests();
  CHECK(calls_before >= static_cast<std::int64_t>(before.size()));

  const int code = setup.run({"--resume"}, "resumed");
  INFO(setup.err("resumed"));
  REQUIRE(code == 0);
  CHECK(setup.err("resumed").find("(" + std::to_string(done_before) + " finished earlier)") != std::string::npos);
  const auto after = setup.results("r2");
  CHECK(after.size() == 6);
  for (const auto& [key, r] : after) CHECK(r.state == PairState::done);
  // Pairs stored before the kill kept their row (same start time), and the model was asked only for the rest.
  for (const auto& [key, r] : before) CHECK(after.at(key).start_ms == r.start_ms);
  CHECK(setup.sim_requests() - calls_before == static_cast<std::int64_t>(6 - before.size()));
}

TEST_CASE("a stored answer that was never checked is checked on resume without asking the model again") {
  BenchSetup setup;
  write_suite(setup.suite);
  REQUIRE(setup.run({"--tasks", setup.suite.string(), "--models", "short", "--run", "r3", "--only", "commit-one"}) == 0);
  {
    benchmark::BenchStore store(setup.db.string());
    BenchResult answered;
    answered.run_id = "r3";
    answered.task_id = "code-runs";
    answered.model = "sim/short";
    answered.state = PairState::answered;
    answered.category = "simple-coding";
    answered.route = "local";
    answered.backend = "sim";
    answered.max_tokens = 64;
    answered.http_status = 200;
    answered.answer = "```python\nprint('ok')\n```\n";
    REQUIRE(store.save(answered).empty());
  }
  setup.sim.reset_stats();
  REQUIRE(setup.run({"--resume", "--run", "r3", "--only", "commit-one,code-runs"}, "resumed") == 0);
  CHECK(setup.sim_requests() == 0);
  const BenchResult checked = setup.results("r3").at({"code-runs", "sim/short"});
  CHECK(checked.state == PairState::done);
  CHECK(checked.checks_passed == 1);
  CHECK(checked.checks_total == 1);
}

TEST_CASE("a failed model call is stored as failed, exits 1, and is retried by --resume") {
  BenchSetup setup;
  write_suite(setup.suite);
  // The simulator answers 500 to this model through a per-model fault.
  const std::string healthy = test::read_text_file(setup.config);
  std::string faulty = healthy;
  const std::string from = "upstream_name: sim-model+tokens=20\n";
  faulty.replace(faulty.find(from), from.size(), "upstream_name: sim-model+tokens=20+fault=500\n");
  std::ofstream(setup.config) << faulty;
  CHECK(setup.run({"--tasks", setup.suite.string(), "--models", "short", "--run", "r4", "--only", "commit-one"}) == 1);
  const BenchResult failed = setup.results("r4").at({"commit-one", "sim/short"});
  CHECK(failed.state == PairState::failed);
  CHECK(failed.http_status == 500);
  CHECK(failed.failure.starts_with("upstream_status: backend 'sim' answered 500"));
  CHECK(setup.err().find("--resume --run r4") != std::string::npos);

  std::ofstream(setup.config) << healthy;
  CHECK(setup.run({"--resume"}, "resumed") == 0);
  CHECK(setup.results("r4").at({"commit-one", "sim/short"}).state == PairState::done);
}

TEST_CASE("a model or judge whose backend refuses llmroute's key fails saying where that key comes from") {
  BenchSetup setup("judging:\n  judges: [sim/judge-a, sim/judge-qwen]\n");
  write_suite(setup.suite);
  std::string config = test::read_text_file(setup.config);
  const auto replace = [&config](const std::string& from, const std::string& to) {
    REQUIRE(config.find(from) != std::string::npos);
    config.replace(config.find(from), from.size(), to);
  };
  // The cloud backend's key comes from the environment and is rejected (401); the judge's backend has none (403).
  replace("  - name: cloud\n", "  - name: cloud\n    api_key_env: LLMROUTE_TEST_BENCH_CLOUD_KEY\n");
  replace("upstream_name: sim-model+tokens=500\n", "upstream_name: sim-model+tokens=500+fault=401\n");
  replace("name: judge-a\n        upstream_name: sim-model\n", "name: judge-a\n        upstream_name: sim-model+fault=403\n");
  std::ofstream(setup.config) << config;
  ::setenv("LLMROUTE_TEST_BENCH_CLOUD_KEY", "sk-wrong", 1);

  CHECK(setup.run({"--tasks", setup.suite.string(), "--models", "short,cloud/verbose", "--run", "k1", "--only", "commit-one"}) == 1);
  const std::string rejected =
      "upstream_status: backend 'cloud' answered 401: it rejected llmroute's API key for it (the key in the environment "
      "variable LLMROUTE_TEST_BENCH_CLOUD_KEY): Incorrect API key provided (simulated)";
  const BenchResult failed = setup.results("k1").at({"commit-one", "cloud/verbose"});
  CHECK(failed.state == PairState::failed);
  CHECK(failed.http_status == 401);
  CHECK(failed.failure == rejected);
  CHECK(setup.err().find("commit-one × cloud/verbose: failed (" + rejected + ")") != std::string::npos);
  CHECK(setup.err().find("commit-one × sim/short: answered, but not judged (judge sim/judge-a failed: backend 'sim' "
                         "answered 403: llmroute's API key for it lacks permission for this request (no api_key_env is "
                         "configured for it, so llmroute sent none): The API key has no access to this model (simulated))") !=
        std::string::npos);
}

TEST_CASE("setup errors exit 2 with a message naming what is wrong") {
  BenchSetup setup;
  write_suite(setup.suite);
  CHECK(setup.run({"--tasks", setup.suite.string(), "--models", "nope"}) == 2);
  CHECK(setup.err().find("--models 'nope' is not a configured model (configured: sim/short, sim/thinker, sim/slow, "
                         "sim/sloppy, sim/judge-a, sim/judge-qwen, cloud/verbose)") != std::string::npos);
  CHECK(setup.run({"--resume"}) == 2);
  CHECK(setup.err().find("no bench run to resume in " + setup.db.string()) != std::string::npos);
  CHECK(setup.run({"--tasks", setup.suite.string()}) == 2);
  CHECK(setup.err().find("a new run needs --models") != std::string::npos);
  std::ofstream(setup.suite / "debugging.yaml") << "- id: broken\n  category: debugging\n  difficulty: 9\n";
  CHECK(setup.run({"--tasks", setup.suite.string(), "--models", "short"}) == 2);
  CHECK(setup.err().starts_with((setup.suite / "debugging.yaml").string() + ":1:3: broken: missing required key"));
}

TEST_CASE("a new run that fails a setup check creates no database file, and leaves an existing one as it was") {
  BenchSetup setup;
  write_suite(setup.suite);
  const std::filesystem::path fresh = setup.dir / "new.db";
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--models", "nope"}, {}, "llmroute bench: --models 'nope' is not a configured model"},
      {{"--models", "short", "--judges", "nope"}, {}, "llmroute bench: --judges 'nope' is not a configured model"},
      {{"--models", "short", "--only", "nothing-such"}, {}, "llmroute bench: --only names no task id or category 'nothing-such'"},
      // code-runs has a functional check, and no python3 can be found.
      {{"--models", "short"}, {"PATH=" + (setup.dir / "empty").string()}, "llmroute bench: no python3 on PATH"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.message);
    for (const std::vector<std::string>& where : {std::vector<std::string>{}, std::vector<std::string>{"--db", fresh.string()}}) {
      std::vector<std::string> args = {"--tasks", setup.suite.string()};
      args.insert(args.end(), c.args.begin(), c.args.end());
      args.insert(args.end(), where.begin(), where.end());
      CHECK(setup.run(args, "bench", c.env) == 2);
      CHECK(setup.err().starts_with(c.message));
    }
    for (const auto& entry : std::filesystem::directory_iterator(setup.dir.path()))  // no -wal or -shm either
      CHECK_MESSAGE(entry.path().filename().string().find(".db") == std::string::npos, entry.path());
  }
  // A database that was there before keeps its runs.
  REQUIRE(setup.run({"--tasks", setup.suite.string(), "--models", "short", "--only", "commit-one", "--run", "kept"}) == 0);
  CHECK(setup.run({"--tasks", setup.suite.string(), "--models", "nope"}) == 2);
  CHECK(setup.run({"--tasks", setup.suite.string(), "--models", "short", "--only", "commit-one", "--run", "kept"}) == 2);
  CHECK(setup.err() == "llmroute bench: bench run 'kept' exists already; continue it with --resume\n");
  CHECK(setup.results("kept").size() == 1);
  CHECK(setup.sim_requests() == 1);
}

TEST_CASE("--resume on a database file that does not exist creates none and says there is no run to resume in it") {
  BenchSetup setup;
  write_suite(setup.suite);
  const std::filesystem::path fresh = setup.dir / "new.db";
  CHECK(setup.run({"--resume", "--db", fresh.string()}) == 2);
  CHECK(setup.err() == "llmroute bench: no bench run to resume in " + fresh.string() + ": the file does not exist\n");
  CHECK(setup.run({"--resume", "--run", "r9", "--db", fresh.string()}) == 2);
  CHECK(setup.err() == "llmroute bench: no bench run 'r9' to resume in " + fresh.string() + ": the file does not exist\n");
  CHECK_FALSE(std::filesystem::exists(fresh));
  // Nor the config's records.path.
  CHECK(setup.run({"--resume"}) == 2);
  CHECK(setup.err() == "llmroute bench: no bench run to resume in " + setup.db.string() + ": the file does not exist\n");
  CHECK_FALSE(std::filesystem::exists(setup.db));
  for (const auto& entry : std::filesystem::directory_iterator(setup.dir.path()))  // no -wal or -shm either
    CHECK_MESSAGE(entry.path().filename().string().find(".db") == std::string::npos, entry.path());
  CHECK(setup.sim_requests() == 0);
}

TEST_CASE("a --db file the bench cannot open is named as that option with what is wrong, as --out is, and exits 1 as "
          "any failure of the database does") {
  BenchSetup setup;
  write_suite(setup.suite);
  const std::string missing_dir = (setup.dir / "missing").string();
  const std::string not_a_database = (setup.dir / "notes.txt").string();
  std::ofstream(not_a_database) << "these are notes, not a database\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {missing_dir + "/bench.db", "llmroute bench: --db " + missing_dir + "/bench.db: the directory " + missing_dir +
                                      " does not exist"},
      {setup.dir.path().string(), "llmroute bench: --db " + setup.dir.path().string() + ": is a directory, not a file"},
      {not_a_database, "llmroute bench: --db " + not_a_database + ": cannot switch the records database to WAL: file is not a database"},
  };
  for (const auto& [db, message] : cases) {
    CAPTURE(db);
    CHECK(setup.run({"--tasks", setup.suite.string(), "--models", "short", "--db", db}) == 1);
    CHECK(setup.err().starts_with(message));
    // The serve's key is not what this user typed.
    CHECK(setup.err().find("records.path") == std::string::npos);
  }
  CHECK(setup.sim_requests() == 0);
}

TEST_CASE("a database in a directory the bench may not write exits 1 and names the directory, at --db and at "
          "records.path alike, as `llmroute serve` does") {
  namespace fs = std::filesystem;
  BenchSetup setup;
  write_suite(setup.suite);
  // Root writes into any directory: as root the bench runs as nobody (setpriv, util-linux), for whom the locked
  // directory is what it is for an operator's user. All it reads is in the test's directory, with the rules (nobody
  // may not reach the checkout's, under /root on a fresh machine).
  fs::permissions(setup.dir.path(), fs::perms::all);
  const fs::path locked = setup.dir / "locked";
  fs::create_directory(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  const fs::path rules = setup.dir / "rules.yaml";
  fs::copy_file(router::default_rules_path(), rules);
  std::string locked_config = test::read_text_file(setup.config);
  locked_config.replace(locked_config.find(setup.db.string()), setup.db.string().size(), (locked / "records.db").string());
  const fs::path locked_config_path = setup.dir / "locked.yaml";
  std::ofstream(locked_config_path) << locked_config;
  for (const fs::path& file : {rules, setup.config, locked_config_path})
    fs::permissions(file, fs::perms::others_read, fs::perm_options::add);

  const std::string directory_problem = "the directory " + locked.string() + " is not writable: Permission denied";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--config", setup.config.string(), "--db", (locked / "bench.db").string()},
       "llmroute bench: --db " + (locked / "bench.db").string() + ": " + directory_problem},
      {{"--config", locked_config_path.string()},
       "llmroute bench: " + (locked / "records.db").string() + ": cannot open the records database: "},
  };
  for (const auto& [where, message] : cases) {
    CAPTURE(message);
    std::vector<std::string> args = {"bench", "--rules", rules.string(), "--tasks", setup.suite.string(), "--models",
                                     "short", "--only", "commit-one"};
    args.insert(args.end(), where.begin(), where.end());
    fs::path program = LLMROUTE_BINARY;
    if (::geteuid() == 0) {
      args.insert(args.begin(), {"--reuid=65534", "--regid=65534", "--clear-groups", LLMROUTE_BINARY});
      program = "/usr/bin/setpriv";
    }
    const test::CommandResult outcome = test::run_to_end(setup.dir.path(), program, args, milliseconds(60'000));
    INFO(outcome.err);
    CHECK(outcome.exit_code == 1);
    CHECK(outcome.err.starts_with(message));
  }
  CHECK(fs::is_empty(locked));
  CHECK(setup.sim_requests() == 0);
}

TEST_CASE("a bench with --db leaves the config's records.path alone, even with judges and shadows configured") {
  BenchSetup setup("judging:\n  judges: [sim/judge-a, sim/judge-qwen]\nshadow:\n  rate: 0.5\n  monthly_budget: 1\n");
  write_suite(setup.suite);
  const std::filesystem::path other = setup.dir / "bench.db";
  const int code = setup.run({"--tasks", setup.suite.string(), "--models", "short", "--run", "d1", "--only", "commit-one",
                              "--judges", "none", "--db", other.string()});
  INFO(setup.err());
  REQUIRE(code == 0);
  CHECK(benchmark::BenchStore(other.string()).results("d1").size() == 1);
  // Neither the records store, nor the judge queue, nor the shadows' spend opened (or created) it.
  CHECK_FALSE(std::filesystem::exists(setup.db));
  CHECK_FALSE(std::filesystem::exists(setup.db.string() + "-wal"));
}

TEST_CASE("an --out file that cannot be written after the run exits 1, says why and how to write it again") {
  BenchSetup setup;
  write_suite(setup.suite);
  // Passes the check at startup (a writable file); every write into it fails with ENOSPC, as on a full disk.
  const int code = setup.run({"--tasks", setup.suite.string(), "--models", "short", "--only", "commit-one,commit-two",
                              "--run", "o1", "--out", "/dev/full"});
  INFO(setup.err());
  CHECK(code == 1);
  CHECK(setup.err().find("bench: cannot write /dev/full: No space left on device; run o1's results are still in the "
                         "database " + setup.db.string() + ", and `llmroute bench --resume --run o1 --only "
                         "commit-one,commit-two --out /dev/full` writes them to the file again") != std::string::npos);
  CHECK(setup.results("o1").size() == 2);
  CHECK(setup.out().find("bench run o1") != std::string::npos);

  // What it says works: the file is written, and no model is asked again.
  const std::filesystem::path out = setup.dir / "out.json";
  REQUIRE(setup.run({"--resume", "--run", "o1", "--only", "commit-one,commit-two", "--out", out.string()}, "again") == 0);
  CHECK(boost::json::parse(test::read_text_file(out)).at("results").as_array().size() == 2);
  CHECK(setup.sim_requests() == 2);
}

TEST_CASE("a bench whose database file is deleted while it runs stops, exits 1 and says its results went with the file") {
  BenchSetup setup;
  write_long_suite(setup.suite, 6);
  test::ChildProcess bench = setup.start({"--tasks", setup.suite.string(), "--models", "slow", "--run", "r5"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::size_t stored = 0;
  while (stored < 1 && std::chrono::steady_clock::now() < deadline && bench.running()) {
    std::this_thread::sleep_for(milliseconds(20));
    stored = std::filesystem::exists(setup.db) ? setup.results("r5").size() : 0;
  }
  REQUIRE_MESSAGE(stored >= 1, setup.err());
  // As an operator's `rm`: the -wal and -shm files stay.
  std::filesystem::remove(setup.db);

  const std::optional<int> code = bench.wait_for_exit(milliseconds(60'000));
  INFO(setup.err());
  REQUIRE(code.has_value());
  CHECK(*code == 1);
  CHECK(setup.err().find("bench: run r5 stopped: " + setup.db.string() + " was deleted or replaced while the bench ran, "
                         "and the run's results went with it") != std::string::npos);
  // The bench took no further pair once a result could not be kept, and made no new file of a part of the run.
  CHECK(setup.sim_requests() < 6);
  CHECK_FALSE(std::filesystem::exists(setup.db));
}

TEST_CASE("a bench whose database refuses a write (a full disk) stops, exits 1, names the file and keeps what it stored") {
  BenchSetup setup;
  write_long_suite(setup.suite, 12);
  // The schema is written now: only the run's own writes meet the limit.
  { benchmark::BenchStore schema(setup.db.string()); }
  std::optional<test::ChildProcess> bench;
  {
    // 64 KiB of write-ahead log hold about 15 pages: fewer than the run and its 24 saves write.
    FileSizeLimit full_disk(64 * 1024);
    bench.emplace(setup.start({"--tasks", setup.suite.string(), "--models", "short", "--run", "f1", "--concurrency", "2"}));
  }
  const std::optional<int> code = bench->wait_for_exit(milliseconds(120'000));
  INFO(setup.err());
  REQUIRE(code.has_value());
  CHECK(*code == 1);
  CHECK(setup.err().find("bench: cannot store doc-") != std::string::npos);
  CHECK(setup.err().find("bench: run f1 stopped: cannot store its results in " + setup.db.string() + " (") !=
        std::string::npos);
  CHECK(setup.err().find("`llmroute bench --resume --run f1` continues the run") != std::string::npos);
  // No pair was taken once a write had failed: the models were not asked for results that could not be kept.
  const std::int64_t asked = setup.sim_requests();
  CHECK(asked < 12);

  CHECK(setup.err().find(", but not stored") != std::string::npos);

  // What was stored before the failure stays; --resume does the rest without asking for a stored answer again.
  const auto kept = setup.results("f1");
  std::size_t done = 0;
  for (const auto& [key, r] : kept) done += r.state == PairState::done ? 1 : 0;
  CHECK(done >= 1);
  setup.sim.reset_stats();
  REQUIRE(setup.run({"--resume"}, "resumed") == 0);
  CHECK(setup.results("f1").size() == 12);
  CHECK(setup.sim_requests() == static_cast<std::int64_t>(12 - kept.size()));
}

TEST_CASE("a new run whose first database write fails (a full disk) exits 1, as a later one does, and leaves no database "
          "file, and an existing one as it was") {
  BenchSetup setup;
  write_suite(setup.suite);
  // How far the schema alone fills the write-ahead log of a new database: the run's own first write comes after it.
  std::uintmax_t schema_wal = 0;
  {
    const std::string scratch = (setup.dir / "scratch" / "schema.db").string();
    std::filesystem::create_directories(setup.dir / "scratch");
    benchmark::BenchStore schema(scratch);
    schema_wal = std::filesystem::file_size(scratch + "-wal");
  }
  std::filesystem::remove_all(setup.dir / "scratch");
  REQUIRE(schema_wal > 8192);
  struct Case {
    std::string what;
    rlim_t limit;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"switching to WAL", 1024, "cannot switch the records database to WAL"},
      {"the schema", schema_wal - 4096, "the schema migration: disk I/O error"},
      {"the run's record", schema_wal + 1024, "cannot record the run in "},
  };
  const std::filesystem::path fresh = setup.dir / "new.db";
  for (const Case& c : cases) {
    CAPTURE(c.what);
    for (const std::filesystem::path& db : {fresh, setup.db}) {
      CAPTURE(db);
      std::vector<std::string> args = {"--tasks", setup.suite.string(), "--models", "short", "--only", "commit-one"};
      if (db == fresh) args.insert(args.end(), {"--db", fresh.string()});
      std::optional<test::ChildProcess> bench;
      {
        FileSizeLimit full_disk(c.limit);
        bench.emplace(setup.start(args));
      }
      const std::optional<int> code = bench->wait_for_exit(milliseconds(60'000));
      INFO(setup.err());
      REQUIRE(code.has_value());
      CHECK(*code == 1);
      CHECK(setup.err().starts_with("llmroute bench: "));
      CHECK(setup.err().find(c.message) != std::string::npos);
      for (const auto& entry : std::filesystem::directory_iterator(setup.dir.path()))  // no -wal or -shm either
        CHECK_MESSAGE(entry.path().filename().string().find(".db") == std::string::npos, entry.path());
    }
  }
  CHECK(setup.sim_requests() == 0);

  // A database that was there before stays, with its runs, whichever write fails.
  REQUIRE(setup.run({"--tasks", setup.suite.string(), "--models", "short", "--only", "commit-one", "--run", "kept"}) == 0);
  for (const rlim_t limit : {rlim_t{1024}, rlim_t{0}}) {
    CAPTURE(limit);
    std::optional<test::ChildProcess> bench;
    {
      FileSizeLimit full_disk(limit);
      bench.emplace(setup.start({"--tasks", setup.suite.string(), "--models", "short", "--only", "commit-two"}));
    }
    const std::optional<int> code = bench->wait_for_exit(milliseconds(60'000));
    REQUIRE(code.has_value());
    CHECK(*code == 1);
    REQUIRE(std::filesystem::exists(setup.db));
    CHECK(setup.results("kept").size() == 1);
  }
  CHECK(setup.sim_requests() == 1);
}

TEST_CASE("the configured judges score every answer 0/1/2 against the task's expected capabilities") {
  BenchSetup setup("judging:\n  judges: [sim/judge-a, sim/judge-qwen]\n");
  write_suite(setup.suite);
  const int code = setup.run({"--tasks", setup.suite.string(), "--models", "short,sloppy", "--run", "j1", "--only",
                              "commit-one,code-runs"});
  INFO(setup.err());
  REQUIRE(code == 0);
  CHECK(setup.err().find("bench: judges: sim/judge-a, sim/judge-qwen") != std::string::npos);
  const auto results = setup.results("j1");
  REQUIRE(results.size() == 4);
  // 2 models × 2 tasks answered, and each answer scored by both judges.
  CHECK(setup.sim_requests() == 4 + 4 * 2);
  const BenchResult good = results.at({"commit-one", "sim/short"});
  CHECK(good.judges == 2);
  CHECK(good.correctness == 2.0);
  CHECK(good.quality == doctest::Approx(2.0));
  // A poor answer carries the simulator's [sim-mistake] marker: correctness 0, completeness and clarity 1.
  const BenchResult poor = results.at({"commit-one", "sim/sloppy"});
  CHECK(poor.judges == 2);
  CHECK(poor.correctness == 0.0);
  CHECK(poor.quality == doctest::Approx(0.35 + 0.25));
  const boost::json::value detail = boost::json::parse(poor.judge_detail);
  CHECK(detail.at("judges").as_array().size() == 2);
  CHECK(detail.at("judges").at(0).at("judge") == "sim/judge-a");
  CHECK(detail.at("judges").at(1).at("same_family") == true);  // qwen judging qwen: flagged
  CHECK(detail.at("same_family_judge") == true);
  CHECK(setup.out().find("0.60") != std::string::npos);
}

TEST_CASE("a judge that fails leaves the answer stored; --resume judges it without asking the model again") {
  BenchSetup setup("judging:\n  judges: [sim/judge-a, sim/judge-qwen]\n");
  write_suite(setup.suite);
  const std::string healthy = test::read_text_file(setup.config);
  std::string broken = healthy;
  const std::string from = "name: judge-a\n        upstream_name: sim-model\n";
  broken.replace(broken.find(from), from.size(), "name: judge-a\n        upstream_name: sim-model+fault=503\n");
  std::ofstream(setup.config) << broken;
  CHECK(setup.run({"--tasks", setup.suite.string(), "--models", "short", "--run", "j2", "--only", "commit-one"}) == 1);
  CHECK(setup.err().find("answered, but not judged (judge sim/judge-a failed") != std::string::npos);
  CHECK(setup.results("j2").at({"commit-one", "sim/short"}).state == PairState::answered);

  std::ofstream(setup.config) << healthy;
  setup.sim.reset_stats();
  CHECK(setup.run({"--resume", "--only", "commit-one"}, "resumed") == 0);
  CHECK(setup.sim_requests() == 2);  // the two judges, not the model
  const BenchResult judged = setup.results("j2").at({"commit-one", "sim/short"});
  CHECK(judged.state == PairState::done);
  CHECK(judged.judges == 2);
}

TEST_CASE("--judges none skips judging even when the config names judges") {
  BenchSetup setup("judging:\n  judges: [sim/judge-a, sim/judge-qwen]\n");
  write_suite(setup.suite);
  REQUIRE(setup.run({"--tasks", setup.suite.string(), "--models", "short", "--run", "j3", "--only", "commit-one",
                     "--judges", "none"}) == 0);
  CHECK(setup.sim_requests() == 1);
  const BenchResult r = setup.results("j3").at({"commit-one", "sim/short"});
  CHECK(r.judges == 0);
  CHECK_FALSE(r.quality.has_value());
}

