// The files a command is pointed at on its command line (--rules, a request body, --jsonl): a wrong one is an
// operator's mistake, answered like a config mistake with `file: what is wrong` and exit 2, by every command.
#include <doctest/doctest.h>

#include "support/child_process.hpp"
#include "support/command_run.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace llmroute::test;

namespace {

/// Runs `llmroute ARGS...` to its end (30 s at most).
CommandResult run_llmroute(const TempDir& dir, std::vector<std::string> args) {
  return llmroute::test::run_llmroute(dir.path(), std::move(args), std::chrono::seconds(30));
}

/// A config whose one backend is never called: these commands stop before any request.
std::string write_config(const TempDir& dir) {
  const std::string path = (dir / "config.yaml").string();
  std::ofstream(path) << "server: { listen: 127.0.0.1:0 }\nbackends:\n  - { name: b, url: 'http://127.0.0.1:9/v1', models: [m] }\n"
                         "routing: { default: b/m, health: { probe_interval: 0 } }\nrecords: { path: '"
                      << (dir / "records.db").string() << "' }\n";
  return path;
}

/// Wrong rules files, each with what the message must say about it.
struct WrongRules {
  std::string path;
  std::string message;
};

std::vector<WrongRules> wrong_rules_files(const TempDir& dir) {
  std::filesystem::create_directory(dir / "a-directory");
  std::ofstream(dir / "empty.yaml").close();
  std::ofstream(dir / "unclosed.yaml") << "signals: {}\nrules: [\n";
  std::ofstream(dir / "stray.yaml") << "signals: {}\nmin_scor: 1\n";
  std::ofstream(dir / "list-key.yaml")
      << "signals: { title_generation: [], compaction: [], side_request: [], commit_instruction: [] }\n"
         "rules:\n  ? [debugging]\n  : []\n";
  std::ofstream(dir / "binary.yaml") << std::string("SQLite format 3\0", 16);  // a database given as the rules
  const std::string binary = (dir / "binary.yaml").string();
  const std::string missing = (dir / "missing.yaml").string();
  const std::string directory = (dir / "a-directory").string();
  const std::string empty = (dir / "empty.yaml").string();
  const std::string unclosed = (dir / "unclosed.yaml").string();
  const std::string stray = (dir / "stray.yaml").string();
  const std::string list_key = (dir / "list-key.yaml").string();
  return {
      {missing, missing + ":1:1: (document): cannot open the rules file: No such file or directory"},
      {directory, directory + ":1:1: (document): is a directory, not a rules file"},
      {empty, empty + ":1:1: (document): the rules file is empty"},
      {unclosed, unclosed + ":3:1: (document): "},
      {stray, stray + ":2:1: min_scor: unknown key"},
      {list_key, list_key + ":3:5: rules: expected a plain key, found a list or mapping"},
      {binary, binary + ":1:16: (document): the file contains the control character 0x00, which a config or rules file may not hold"},
  };
}

}  // namespace

TEST_CASE("serve with a missing, empty or broken rules file names the file and what is wrong, with exit 2 as for a config") {
  TempDir dir;
  const std::string config = write_config(dir);
  for (const auto& [rules, message] : wrong_rules_files(dir)) {
    CAPTURE(rules);
    const CommandResult outcome = run_llmroute(dir, {"serve", "--config", config, "--rules", rules});
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.err.rfind(message, 0) == 0);
  }
}

TEST_CASE("classify, route and bench answer a wrong rules file as serve does: the file, what is wrong, exit 2") {
  TempDir dir;
  const std::string config = write_config(dir);
  const std::string body = (dir / "body.json").string();
  std::ofstream(body) << R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";
  const std::string db = (dir / "bench.db").string();
  for (const auto& [rules, message] : wrong_rules_files(dir)) {
    CAPTURE(rules);
    const std::vector<std::vector<std::string>> commands = {
        {"classify", "--rules", rules, body},
        {"route", "--config", config, "--rules", rules, body},
        {"bench", "--config", config, "--rules", rules, "--models", "b/m", "--judges", "none", "--db", db},
    };
    for (const auto& args : commands) {
      CAPTURE(args.front());
      const CommandResult outcome = run_llmroute(dir, args);
      CHECK(outcome.exit_code == 2);
      CHECK(outcome.err.rfind(message, 0) == 0);
    }
  }
  // The bench stopped before storing a run it could not carry out.
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("classify and route say why they cannot read the request body or JSON Lines file they are given, with exit 2") {
  TempDir dir;
  const std::string config = write_config(dir);
  const std::string missing = (dir / "missing.json").string();
  const std::string directory = dir.path().string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"classify", missing}, "llmroute classify: " + missing + ": cannot open the request body file: No such file or directory"},
      {{"classify", directory}, "llmroute classify: " + directory + ": is a directory, not a request body file"},
      {{"classify", "--jsonl", directory}, "llmroute classify: " + directory + ": is a directory, not a JSON Lines file"},
      {{"classify", "--jsonl", missing}, "llmroute classify: " + missing + ": cannot open the JSON Lines file: No such file or directory"},
      {{"route", "--config", config, missing}, "llmroute route: " + missing + ": cannot open the request body file: No such file or directory"},
      {{"route", "--config", config, directory}, "llmroute route: " + directory + ": is a directory, not a request body file"},
  };
  for (const auto& [args, message] : cases) {
    CAPTURE(message);
    const CommandResult outcome = run_llmroute(dir, args);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.err.rfind(message, 0) == 0);
  }
}

TEST_CASE("report, bench, demo and simulate refuse an output file they could not write before doing any work, with exit 2") {
  TempDir dir;
  const std::string config = write_config(dir);
  const std::string nowhere = (dir / "missing" / "out").string();
  const std::string directory = dir.path().string();
  const std::string missing_dir = "the directory " + (dir / "missing").string() + " does not exist";
  const std::string db = (dir / "bench.db").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"report", "--config", config, "--out", nowhere}, "llmroute report: --out " + nowhere + ": " + missing_dir},
      {{"report", "--config", config, "--out", directory}, "llmroute report: --out " + directory + ": is a directory, not a file"},
      {{"bench", "--config", config, "--models", "b/m", "--judges", "none", "--db", db, "--out", nowhere},
       "llmroute bench: --out " + nowhere + ": " + missing_dir},
      {{"demo", "--out", directory}, "llmroute demo: --out " + directory + ": is a directory, not a file"},
      {{"demo", "--tasks", nowhere}, "llmroute demo: --tasks " + nowhere + ": not a directory"},
      {{"simulate", "--listen", "127.0.0.1:0", "--port-file", nowhere},
       "llmroute simulate: --port-file " + nowhere + ": cannot write it: No such file or directory"},
  };
  for (const auto& [args, message] : cases) {
    CAPTURE(message);
    const CommandResult outcome = run_llmroute(dir, args);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.err.rfind(message, 0) == 0);
  }
  CHECK_FALSE(std::filesystem::exists(db));  // the bench stored no run it could not report
}
