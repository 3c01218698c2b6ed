// Command-line handling of `serve` and `check-config`.
#include "proxy/serve_command.hpp"

#include "config/config_loader.hpp"
#include "config/host_port.hpp"
#include "proxy/event_loop.hpp"
#include "proxy/server.hpp"
#include "router/classify_command.hpp"

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

namespace llmroute::proxy {

namespace {

constexpr const char* kServeUsage = R"(usage: llmroute serve [--config FILE] [--listen HOST:PORT] [--rules FILE]

Runs the routing proxy.
  --config FILE       config file (default: config/default.yaml, else /etc/llmroute/config.yaml)
  --listen HOST:PORT  overrides server.listen (port 0: any free port; the bound address is printed)
  --rules FILE        classifier rules (default: $LLMROUTE_RULES, router/rules.yaml, or next to the binary)
  --help              this text
SIGTERM or SIGINT stops accepting, lets running answers finish (server.timeouts.shutdown_grace), exits 0.
)";

/// Whether `host` (an address or "localhost") can only be reached from this machine.
bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

/// Streams need one descriptor each on both sides: lift the soft limit to the hard one.
void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

std::string default_config_path() {
  for (const char* candidate : {"config/default.yaml", "/etc/llmroute/config.yaml"})
    if (FILE* f = std::fopen(candidate, "r")) {
      std::fclose(f);
      return candidate;
    }
  return "config/default.yaml";
}

int run_serve_command(int argc, char** argv) {
  std::string config_path;
  std::string listen;
  std::string rules_path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kServeUsage, stdout);
      return 0;
    }
    if ((arg == "--config" || arg == "--listen" || arg == "--rules") && i + 1 < argc) {
      (arg == "--config" ? config_path : arg == "--listen" ? listen : rules_path) = argv[++i];
    } else if (arg == "--config" || arg == "--listen" || arg == "--rules") {
      std::fprintf(stderr, "llmroute serve: %s needs a value (see llmroute serve --help)\n", argv[i]);
      return 2;
    } else {
      std::fprintf(stderr, "llmroute serve: unexpected argument '%s'\n%s", argv[i], kServeUsage);
      return 2;
    }
  }
  if (config_path.empty()) config_path = default_config_path();

  config::ConfigPtr config;
  try {
    config = config::load_config_file(config_path);
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  std::string host = config->server.listen_host;
  std::uint16_t port = config->server.listen_port;
  if (!listen.empty()) {
    const auto address = config::parse_host_port(listen);
    if (!address) {
      std::fprintf(stderr, "llmroute serve: --listen expects HOST:PORT with a port from 0 to 65535, got '%s'\n",
                   listen.c_str());
      return 2;
    }
    host = address->host;
    port = address->port;
  }

  if (config->access.auth == config::AuthMode::none && !is_loopback_host(host)) {
    std::fprintf(stderr,
                 "llmroute serve: refusing to listen on %s with `auth: none`: anyone who can reach it would use the "
                 "co-op's backends and keys. Listen on 127.0.0.1, or set `auth: keys` with users (`llmroute keys new NAME`).\n",
                 host.c_str());
    return 2;
  }
  if (rules_path.empty()) rules_path = router::default_rules_path();
  if (rules_path.empty()) {
    std::fputs("llmroute serve: no classifier rules found (router/rules.yaml in the working directory or above the "
               "binary); pass --rules FILE or set LLMROUTE_RULES\n", stderr);
    return 2;
  }
  raise_file_limit();
  // A write past the file size limit (ulimit -f) is then an error the records writer reports and retries, not
  // a signal that kills the proxy with every request in flight.
  std::signal(SIGXFSZ, SIG_IGN);
  asio::io_context io(1);
  std::unique_ptr<Server> server_owner;
  tcp::endpoint bound;
  try {
    server_owner = std::make_unique<Server>(io, config, rules_path);
    bound = server_owner->listen(host, port);
  } catch (const config::ConfigError& e) {  // the rules file: file:line:col: key.path: what, as config errors
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "llmroute serve: %s\n", e.what());
    return 1;
  }
  Server& server = *server_owner;
  for (const auto& backend : config->backends)
    if (!backend.api_key_env.empty() && !std::getenv(backend.api_key_env.c_str()))
      std::fprintf(stderr, "llmroute: warning: backend '%s' needs %s, which is not set; its requests will fail\n",
                   backend.name.c_str(), backend.api_key_env.c_str());

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&server](const error_code& ec, int) {
    if (!ec) server.begin_shutdown();
  });
  asio::co_spawn(io, server.run(), [&signals](std::exception_ptr error) {
    error_code ignored;
    signals.cancel(ignored);
    if (error) std::rethrow_exception(error);
  });
  const std::string address = config::host_port_text(bound.address().to_string(), bound.port());
  std::printf("llmroute listening on %s (config %s)\n", address.c_str(), config_path.c_str());
  std::fflush(stdout);
  run_event_loop(io, server.state().busy_poll);
  return 0;
}

int run_check_config_command(int argc, char** argv) {
  const char* usage = "usage: llmroute check-config FILE\n\nLoads and validates FILE; prints errors as file:line:col: key.path: what is wrong.\n"
                      "  --help  this text\n"
                      "Exit status 0 when the file is valid, 2 when it is not.\n";
  const std::string_view first = argc >= 2 ? argv[1] : "";
  if (argc == 2 && (first == "--help" || first == "-h")) {
    std::fputs(usage, stdout);
    return 0;
  }
  if (argc != 2 || first.starts_with('-')) {
    const std::string problem = argc < 2 ? "FILE is missing"
                                : argc > 2 ? "expects one FILE, got " + std::to_string(argc - 1) + " arguments"
                                           : "unknown option '" + std::string(first) + "'";
    std::fprintf(stderr, "llmroute check-config: %s\n%s", problem.c_str(), usage);
    return 2;
  }
  try {
    const config::ConfigPtr config = config::load_config_file(argv[1]);
    std::size_t models = 0;
    for (const auto& b : config->backends) models += b.models.size();
    std::printf("%s: ok (%zu backends, %zu models)\n", argv[1], config->backends.size(), models);
    return 0;
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
}

}  // namespace llmroute::proxy
