// What an operator sees when `llmroute serve` cannot start as asked: a message naming what to fix and an exit
// status, never a crash (found by trying wrong options, paths and configs on `llmroute serve`).
#include <doctest/doctest.h>

#include "router/classify_command.hpp"
#include "support/child_process.hpp"
#include "support/command_run.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace llmroute::test;

namespace {

/// Runs `program ARGS...` in `dir` to its end (20 s at most).
CommandResult run_in(const TempDir& dir, const std::filesystem::path& program, std::vector<std::string> args) {
  return run_to_end(dir.path(), program, std::move(args), std::chrono::seconds(20));
}

/// A config with one backend and records at `records_path`.
std::string config_with_records(const std::string& records_path) {
  return "server: { listen: 127.0.0.1:0 }\nbackends:\n  - { name: b, url: 'http://127.0.0.1:9/v1', models: [m] }\n"
         "routing: { default: b/m, health: { probe_interval: 0 } }\nrecords: { path: '" + records_path + "' }\n";
}

std::string write_config(const TempDir& dir, const std::string& yaml) {
  const std::string path = (dir / "config.yaml").string();
  std::ofstream(path) << yaml;
  return path;
}

}  // namespace

TEST_CASE("serve without classifier rules to find says where it looked and how to give them, with exit 2") {
  TempDir dir;
  const std::string config = write_config(dir, config_with_records((dir / "records.db").string()));
  // A link to the binary outside the source tree, run from a directory without router/rules.yaml: no rules file
  // is found next to it either. (It said "llmroute serve: : cannot read the rules file".)
  const std::filesystem::path binary = dir / "llmroute";
  std::error_code ec;
  std::filesystem::create_hard_link(LLMROUTE_BINARY, binary, ec);
  if (ec) std::filesystem::copy_file(LLMROUTE_BINARY, binary, ec);
  REQUIRE_FALSE(ec);
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  ::unsetenv("LLMROUTE_RULES");
  const CommandResult outcome = run_in(dir, binary, {"serve", "--config", config});
  std::filesystem::current_path(previous);
  CHECK(outcome.exit_code == 2);
  CHECK(outcome.err.find("llmroute serve: no classifier rules found") != std::string::npos);
  CHECK(outcome.err.find("pass --rules FILE or set LLMROUTE_RULES") != std::string::npos);
}

TEST_CASE("serve with records.path in a missing directory, under a file or at a directory names the problem, exit 1") {
  TempDir dir;
  std::ofstream(dir / "plain-file") << "x";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {(dir / "missing" / "records.db").string(),
       "(No such file or directory): the directory " + (dir / "missing").string() + " does not exist; create it or change records.path"},
      {(dir / "plain-file" / "records.db").string(),
       "(Not a directory): " + (dir / "plain-file").string() + " is not a directory; change records.path"},
      {dir.path().string(), "(Is a directory): the path is a directory; records.path names the database file"},
  };
  for (const auto& [records_path, reason] : cases) {
    CAPTURE(records_path);
    const std::string config = write_config(dir, config_with_records(records_path));
    const CommandResult outcome = run_in(dir, LLMROUTE_BINARY, {"serve", "--config", config});
    CHECK(outcome.exit_code == 1);
    CHECK(outcome.err.find("llmroute serve: " + records_path + ": cannot open the records database") != std::string::npos);
    CHECK(outcome.err.find(reason) != std::string::npos);
  }
}

TEST_CASE("serve with a read-only records database file says the file is read-only, exit 1") {
  TempDir dir;
  const std::string db = (dir / "records.db").string();
  std::ofstream(db).close();  // an empty file is a database SQLite would create tables in
  std::filesystem::permissions(db, std::filesystem::perms::owner_read | std::filesystem::perms::group_read |
                                       std::filesystem::perms::others_read);
  const std::string config = write_config(dir, config_with_records(db));
  std::filesystem::permissions(config, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  // The directory stays writable: only the file is read-only. Root writes read-only files, so as root the
  // proxy runs as nobody (setpriv, util-linux), for whom the file is what it is for an operator's service user.
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);
  // The rules go along in the directory: nobody may not reach the checkout's (under /root on a fresh machine).
  const std::filesystem::path rules = dir / "rules.yaml";
  std::filesystem::copy_file(llmroute::router::default_rules_path(), rules);
  std::filesystem::permissions(rules, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  std::vector<std::string> args{"serve", "--config", config, "--rules", rules.string()};
  std::filesystem::path program = LLMROUTE_BINARY;
  if (::geteuid() == 0) {
    args.insert(args.begin(), {"--reuid=65534", "--regid=65534", "--clear-groups", LLMROUTE_BINARY});
    program = "/usr/bin/setpriv";
  }
  const CommandResult outcome = run_in(dir, program, args);
  CHECK(outcome.exit_code == 1);
  CHECK(outcome.err.find("llmroute serve: " + db + ": ") != std::string::npos);
  CHECK(outcome.err.find("(Permission denied): " + db + " is read-only for llmroute; make it writable or change records.path") !=
        std::string::npos);
}
