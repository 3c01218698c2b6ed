// Every `llmroute` command as a new user meets it: --help on stdout with exit 0, a wrong flag
// named on stderr with a pointer to the usage and exit 2, and the shipped configs accepted.
#include <doctest/doctest.h>

#include "support/child_process.hpp"
#include "support/command_run.hpp"

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

using namespace llmroute::test;

namespace {

/// Runs `llmroute ARGS...` to completion (stdin inherited; none of these commands reads it).
CommandResult run_llmroute(std::vector<std::string> args) {
  TempDir dir;
  return llmroute::test::run_llmroute(dir.path(), std::move(args), std::chrono::seconds(20));
}

/// The commands main.cpp dispatches to, and the sub-forms whose arguments are parsed on their own.
const std::vector<std::vector<std::string>> kCommands = {
    {"serve"}, {"simulate"}, {"classify"}, {"route"},  {"report"},        {"demo"},          {"keys"},
    {"keys", "new"}, {"check-config"}, {"bench"}, {"review"}, {"review", "list"}, {"review", "decide"},
};

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

TEST_CASE("llmroute --help lists every command on stdout and exits 0; no command at all is a usage error") {
  const CommandResult help = run_llmroute({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.err.empty());
  for (const char* command : {"serve", "simulate", "classify", "route", "report", "check-config", "keys", "demo", "bench", "review"})
    CHECK_MESSAGE(help.out.find("\n  " + std::string(command) + " ") != std::string::npos, command);
  const CommandResult none = run_llmroute({});
  CHECK(none.exit_code == 2);
  CHECK(none.out.empty());
  CHECK(none.err.starts_with("usage: llmroute"));
}

TEST_CASE("every command prints its usage on stdout with --help and with -h, and exits 0") {
  for (const auto& command : kCommands) {
    for (const char* flag : {"--help", "-h"}) {
      std::vector<std::string> args = command;
      args.emplace_back(flag);
      CAPTURE(joined(args));
      const CommandResult result = run_llmroute(args);
      CHECK(result.exit_code == 0);
      CHECK(result.out.starts_with("usage: llmroute " + command.front()));
      CHECK(result.err.empty());
    }
  }
}

TEST_CASE("an unknown flag is named on stderr with a pointer to the usage, nothing on stdout, exit 2") {
  for (const auto& command : kCommands) {
    std::vector<std::string> args = command;
    args.emplace_back("--no-such-flag");
    CAPTURE(joined(args));
    const CommandResult result = run_llmroute(args);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find("--no-such-flag") != std::string::npos);
    CHECK(result.err.find("needs a value") == std::string::npos);
    CHECK((result.err.find("usage: llmroute") != std::string::npos || result.err.find("--help") != std::string::npos));
  }
}

TEST_CASE("llmroute keys new refuses a flag as the user's name and says what is missing") {
  const CommandResult flag_as_name = run_llmroute({"keys", "new", "--admin"});
  CHECK(flag_as_name.exit_code == 2);
  CHECK(flag_as_name.out.empty());
  CHECK(flag_as_name.err.starts_with("llmroute keys: unexpected argument '--admin'"));
  const CommandResult no_name = run_llmroute({"keys", "new", "--private"});
  CHECK(no_name.exit_code == 2);
  CHECK(no_name.err.starts_with("llmroute keys: NAME is missing"));
  const CommandResult bad_role = run_llmroute({"keys", "new", "dana", "--role", "owner"});
  CHECK(bad_role.exit_code == 2);
  CHECK(bad_role.err.starts_with("llmroute keys: --role takes member or admin"));
  const CommandResult options_first = run_llmroute({"keys", "new", "--role", "admin", "dana"});
  CHECK(options_first.exit_code == 0);
  CHECK(options_first.out.find("  - name: dana\n") != std::string::npos);
  CHECK(options_first.out.find("    role: admin\n") != std::string::npos);
}

TEST_CASE("llmroute check-config says what is wrong with its arguments, and accepts the shipped configs") {
  const CommandResult missing = run_llmroute({"check-config"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.starts_with("llmroute check-config: FILE is missing\nusage: llmroute check-config FILE"));
  const CommandResult two = run_llmroute({"check-config", "a.yaml", "b.yaml"});
  CHECK(two.exit_code == 2);
  CHECK(two.err.starts_with("llmroute check-config: expects one FILE, got 2 arguments"));
  for (const char* name : {"default.yaml", "example.yaml", "coop.yaml"}) {
    const std::string path = std::string(LLMROUTE_SOURCE_DIR) + "/config/" + name;
    CAPTURE(path);
    const CommandResult result = run_llmroute({"check-config", path});
    CHECK(result.exit_code == 0);
    CHECK(result.out.starts_with(path + ": ok ("));
    CHECK(result.err.empty());
  }
}

TEST_CASE("a flag given as the last word, without its value, is named as needing a value (exit 2)") {
  const std::vector<std::vector<std::string>> cases = {
      {"serve", "--config"},         {"serve", "--listen"},     {"serve", "--rules"},
      {"simulate", "--tokens"},      {"classify", "--path"},    {"classify", "--min-accuracy"},
      {"route", "--header"},         {"report", "--since"},     {"demo", "--requests"},
      {"bench", "--models"},
  };
  for (const auto& args : cases) {
    CAPTURE(joined(args));
    const CommandResult result = run_llmroute(args);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find(args.back() + " needs a value") != std::string::npos);
  }
}

TEST_CASE("llmroute serve refuses a --listen that is not HOST:PORT with a port from 0 to 65535, and does not start") {
  const std::string config = std::string(LLMROUTE_SOURCE_DIR) + "/config/default.yaml";
  for (const char* listen : {"127.0.0.1:abc", "127.0.0.1:99999", "127.0.0.1:", "localhost"}) {
    CAPTURE(listen);
    const CommandResult result = run_llmroute({"serve", "--config", config, "--listen", listen});
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err == "llmroute serve: --listen expects HOST:PORT with a port from 0 to 65535, got '" +
                            std::string(listen) + "'\n");
  }
}

TEST_CASE("llmroute classify refuses a --min-accuracy that is not a share and a --bench count that is not a whole number") {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"classify", "--min-accuracy", "abc"}, {"classify", "--min-accuracy", "-0.5"},
           {"classify", "--bench", "-1"}, {"classify", "--bench", "ten"}}) {
    CAPTURE(joined(args));
    const CommandResult result = run_llmroute(args);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.starts_with("llmroute classify: " + args[1] + " expects a"));
    CHECK(result.err.find(args[2]) != std::string::npos);
  }
}

TEST_CASE("llmroute classify --config judges long context by the config's routing.long_context_tokens, as serve does") {
  TempDir dir;
  std::ofstream(dir / "config.yaml") << "backends:\n"
                                        "  - name: local\n"
                                        "    kind: openai\n"
                                        "    location: local\n"
                                        "    url: http://127.0.0.1:9/v1\n"
                                        "    models:\n"
                                        "      - m\n"
                                        "routing:\n"
                                        "  default: local/m\n"
                                        "  long_context_tokens: 50\n";
  std::string prompt = "Rename the variable total to sum in this function.";
  for (int i = 0; i < 20; ++i) prompt += " def add(a, b): total = a + b; return total";
  std::ofstream(dir / "body.json") << R"({"model":"auto","messages":[{"role":"user","content":")" << prompt << R"("}]})";
  const std::string body = (dir / "body.json").string();
  const CommandResult rules_only = run_llmroute({"classify", body});
  CHECK(rules_only.exit_code == 0);
  CHECK(rules_only.out.find(R"("task":"long-context")") == std::string::npos);
  const CommandResult with_config = run_llmroute({"classify", "--config", (dir / "config.yaml").string(), body});
  CHECK(with_config.exit_code == 0);
  CHECK(with_config.out.starts_with(R"({"task":"long-context")"));
  const CommandResult broken = run_llmroute({"classify", "--config", (dir / "missing.yaml").string(), body});
  CHECK(broken.exit_code == 2);
  CHECK(broken.err.find("cannot open the config file") != std::string::npos);
}

TEST_CASE("llmroute classify and route take one request body: a second FILE is a usage error naming both") {
  for (const char* command : {"classify", "route"}) {
    CAPTURE(command);
    const CommandResult result = run_llmroute({command, "first.json", "second.json"});
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err == "llmroute " + std::string(command) + ": one request body at a time, got 'first.json' and 'second.json'\n");
  }
}
