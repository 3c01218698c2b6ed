// The config loader accepts the shipped configs and rejects mistakes with file:line:col errors.
#include <doctest/doctest.h>

#include "config_error.hpp"

#include "config/config_loader.hpp"

using namespace llmroute::config;

namespace {

std::string error_of(const std::string& yaml) { return llmroute::test::config_error(yaml, "test.yaml"); }

const char* const kMinimal = llmroute::test::kMinimalConfig;

}  // namespace

TEST_CASE("the shipped default and example configs load") {
  auto def = load_config_file(LLMROUTE_SOURCE_DIR "/config/default.yaml");
  REQUIRE(def->backends.size() == 1);
  CHECK(def->backends[0].host == "127.0.0.1");
  CHECK(def->backends[0].port == 11434);
  CHECK(def->backends[0].base_path == "/v1");
  CHECK(def->server.listen_port == 8080);
  CHECK(def->model(def->default_model).upstream_name == "qwen3-coder:30b");
  auto example = load_config_file(LLMROUTE_SOURCE_DIR "/config/example.yaml");
  CHECK(example->backends.size() == 2);
  CHECK(example->backends[1].scheme == Scheme::https);
  CHECK(example->backends[1].port == 443);
}

TEST_CASE("a minimal config gets sensible defaults") {
  auto c = load_config_text(kMinimal, "test.yaml");
  CHECK(c->server.max_body_bytes == 32ull << 20);
  CHECK(c->server.timeouts.upstream_first_byte.count() == 600'000);
  CHECK(c->backends[0].kind == BackendKind::openai);
  CHECK(c->backends[0].location == Location::local);
  CHECK(c->model(c->default_model).name == "m1");
}

TEST_CASE("an unknown key is an error with its line, column and key path") {
  const std::string e = error_of(std::string(kMinimal) + "server:\n  listne: 1.2.3.4:80\n");
  CHECK(e.find("test.yaml:6:3: server.listne: unknown key") == 0);
}

TEST_CASE("a wrong type names the key and what was expected") {
  CHECK(error_of(std::string(kMinimal) + "server:\n  timeouts:\n    total: soon\n") ==
        "test.yaml:7:12: server.timeouts.total: expected a duration such as 500ms, 30s, 10m or 2h, found 'soon'");
  CHECK(error_of(std::string(kMinimal) + "server:\n  max_body_bytes: lots\n").find("server.max_body_bytes: expected a size") !=
        std::string::npos);
}

TEST_CASE("a dangling route reference is an error") {
  CHECK(error_of(std::string(kMinimal) + "routing:\n  default: local/nope\n") ==
        "test.yaml:6:12: routing.default: backend 'local' has no model 'nope'");
  CHECK(error_of(std::string(kMinimal) + "routing:\n  default: cloud/m1\n").find("no backend named 'cloud'") !=
        std::string::npos);
}

TEST_CASE("a bad backend URL or kind is rejected") {
  CHECK(error_of("backends:\n  - name: x\n    url: ftp://h/v1\n    models: [m]\n").find("backends[0].url: expected a URL") !=
        std::string::npos);
  CHECK(error_of("backends:\n  - name: x\n    kind: grpc\n    url: http://h\n    models: [m]\n")
            .find("backends[0].kind: expected one of openai, anthropic, openai-responses, found 'grpc'") != std::string::npos);
}

TEST_CASE("duplicate model names across backends are rejected") {
  const std::string e = error_of(std::string(kMinimal) + "  - name: other\n    url: http://h:1\n    models: [m1]\n");
  CHECK(e.find("model name 'm1' is used by two backends") != std::string::npos);
}

TEST_CASE("broken YAML is reported with its position") {
  CHECK(error_of("backends: [\n").find("test.yaml:2:1: (yaml):") == 0);
}

TEST_CASE("a backend URL with IPv6, a port and a trailing slash is split correctly") {
  BackendConfig b;
  b.url = "http://[::1]:8000/v1/";
  CHECK(parse_backend_url(b).empty());
  CHECK(b.host == "::1");
  CHECK(b.port == 8000);
  CHECK(b.base_path == "/v1");
  CHECK(b.host_header == "[::1]:8000");
}

TEST_CASE("a backend's Host header names its port unless it is the scheme's default") {
  BackendConfig local;
  local.url = "http://127.0.0.1:11434/v1";
  REQUIRE(parse_backend_url(local).empty());
  CHECK(local.host_header == "127.0.0.1:11434");
  BackendConfig cloud;
  cloud.url = "https://api.example.com/v1";
  REQUIRE(parse_backend_url(cloud).empty());
  CHECK(cloud.host_header == "api.example.com");
  BackendConfig plain;
  plain.url = "http://box.lan:80";
  REQUIRE(parse_backend_url(plain).empty());
  CHECK(plain.host_header == "box.lan");
}

TEST_CASE("busy polling defaults to a 250-microsecond window, can be turned off, and is bounded") {
  CHECK(load_config_text(kMinimal, "test.yaml")->server.busy_poll.count() == 250);
  const std::string off = std::string("server: { busy_poll_us: 0 }\n") + kMinimal;
  CHECK(load_config_text(off, "test.yaml")->server.busy_poll.count() == 0);
  CHECK(error_of(std::string("server:\n  busy_poll_us: 20000\n") + kMinimal) ==
        "test.yaml:2:17: server.busy_poll_us: must be between 0 and 10000, found 20000");
}
