// `llmroute keys new`: prints a new key once, and the users: entry holding only its SHA-256.
#include "policies/keys_command.hpp"

#include "policies/api_key.hpp"

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

namespace llmroute::policies {

namespace {

constexpr const char* kUsage = R"(usage: llmroute keys new NAME [--role member|admin] [--private]

Prints a fresh random API key for the user NAME, and the entry to add under `users:` in the config
(which needs `auth: keys`). The key is shown only this once: the config keeps its SHA-256, so a lost
key is replaced, never recovered.
  --role ROLE   member (default): its own usage only; admin: every user's usage, /metrics, /admin/*
  --private     the user's requests are never routed to a cloud backend
  --help        this text
Clients send the key as `Authorization: Bearer KEY` or `x-api-key: KEY`.
)";

/// Prints `problem` and where to look to stderr; the exit status of a usage error.
int usage_error(const std::string& problem) {
  std::fprintf(stderr, "llmroute keys: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

}  // namespace

int run_keys_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  if (argc < 2) return usage_error("a subcommand is missing");
  if (std::string_view(argv[1]) != "new") return usage_error("unknown subcommand '" + std::string(argv[1]) + "'");
  std::string name;
  std::string role = "member";
  bool private_user = false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--role") {
      if (i + 1 >= argc || (std::string_view(argv[i + 1]) != "member" && std::string_view(argv[i + 1]) != "admin"))
        return usage_error("--role takes member or admin");
      role = argv[++i];
    } else if (arg == "--private") {
      private_user = true;
    } else if (name.empty() && !arg.starts_with('-')) {
      name = arg;
    } else {
      return usage_error("unexpected argument '" + std::string(arg) + "'");
    }
  }
  if (name.empty()) return usage_error("NAME is missing");
  if (const auto problem = config::user_name_problem(name)) {
    std::fprintf(stderr, "llmroute keys: %s\n", problem->c_str());
    return 2;
  }
  std::string key;
  try {
    key = new_key();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "llmroute keys: %s\n", e.what());
    return 1;
  }
  std::printf("# API key for %s, shown only this once (the config keeps its SHA-256). Give it to %s:\n#   %s\n"
              "# Add this entry under `users:` in the config (with `auth: keys`):\n"
              "  - name: %s\n    key_sha256: %s\n    role: %s\n",
              name.c_str(), name.c_str(), key.c_str(), name.c_str(), to_hex(hash_key(key)).c_str(), role.c_str());
  if (private_user) std::printf("    private: true\n");
  return 0;
}

}  // namespace llmroute::policies
