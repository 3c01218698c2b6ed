// Routing through the real proxy: task classification, header override, and fallback to the next
// candidate before the first byte (refused connection, 503, first-byte stall), said in x-llmroute-reason.
#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>

#include "support/closed_port.hpp"
#include "proxy_fixture.hpp"

using namespace llmroute::test;

namespace {

/// Backends "dead" (refuses), "busy" (answers 503), "slow" (never sends headers) and "sim" (answers),
/// with debugging routed through all four in that order.
std::string routing_config(const std::string& sim_url) {
  return "server:\n  listen: 127.0.0.1:0\n  timeouts: { upstream_first_byte: 700ms, upstream_connect: 1s }\n"
         "backends:\n"
         "  - { name: dead, url: 'http://127.0.0.1:" + std::to_string(closed_port()) + "/v1', models: [{ name: dead-model }] }\n"
         "  - { name: busy, url: '" + sim_url + "/v1', models: [{ name: busy-model, upstream_name: 'sim-upstream+fault=503' }] }\n"
         "  - { name: slow, url: '" + sim_url + "/v1', models: [{ name: slow-model, upstream_name: 'sim-upstream+fault=stall-headers' }] }\n"
         "  - { name: sim, url: '" + sim_url + "/v1', models: [{ name: good-model, upstream_name: sim-upstream }] }\n"
         "routing:\n"
         "  default: sim/good-model\n"
         "  tasks:\n"
         "    debugging: [dead/dead-model, busy/busy-model, slow/slow-model, sim/good-model]\n"
         "  health: { probe_interval: 0 }\n"
         "records: { enabled: false }\n";
}

const char* kDebuggingPrompt =
    "Why does this crash?\nTraceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n"
    "    main()\nKeyError: 'user'";

}  // namespace

TEST_CASE("a request falls back past a refusing, an overloaded and a stalled backend, and the reason says why") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  ProxyProcess proxy(routing_config(sim.base_url()));
  HttpClient client("127.0.0.1", proxy.port());

  const HttpResponse answer =
      client.post_json("/v1/chat/completions", chat_body("claude-opus-4", {{"stream", true}}, kDebuggingPrompt));
  REQUIRE(answer.status == 200);
  CHECK(answer.header("x-llmroute-task") == "debugging");
  CHECK(answer.header("x-llmroute-backend") == "sim");
  CHECK(answer.header("x-llmroute-model") == "good-model");
  const std::string reason = answer.header("x-llmroute-reason");
  CHECK(reason.find("fell back from dead/dead-model") != std::string::npos);
  CHECK(reason.find("unreachable") != std::string::npos);
  CHECK(reason.find("fell back from busy/busy-model") != std::string::npos);
  CHECK(reason.find("503") != std::string::npos);
  CHECK(reason.find("fell back from slow/slow-model") != std::string::npos);
  CHECK_FALSE(streamed_text(answer).empty());
}

TEST_CASE("a model named in the x-llmroute-route header is used as is, without fallback") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  ProxyProcess proxy(routing_config(sim.base_url()));
  HttpClient client("127.0.0.1", proxy.port());

  const HttpResponse good = client.post_json("/v1/chat/completions", chat_body("auto", {}, kDebuggingPrompt),
                                             {{"x-llmroute-route", "sim/good-model"}});
  CHECK(good.status == 200);
  CHECK(good.header("x-llmroute-backend") == "sim");
  CHECK(good.header("x-llmroute-reason").find("x-llmroute-route") != std::string::npos);

  const HttpResponse dead = client.post_json("/v1/chat/completions", chat_body("dead-model"));
  CHECK(dead.status == 502);
  CHECK(dead.body.find("backend 'dead'") != std::string::npos);
  CHECK(dead.header("x-llmroute-backend") == "dead");
}

TEST_CASE("a backend whose health path answers 404 is still tried first: only what fails a request fails the check") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  ProxyProcess proxy("server:\n  listen: 127.0.0.1:0\nbackends:\n"
                     "  - { name: probed, url: '" + sim.base_url() + "/v1', health_path: /no-such-path, "
                     "models: [{ name: first-model, upstream_name: sim-upstream }] }\n"
                     "  - { name: other, url: '" + sim.base_url() + "/v1', models: [{ name: second-model, upstream_name: sim-upstream }] }\n"
                     "routing:\n  default: other/second-model\n  tasks:\n    debugging: [probed/first-model, other/second-model]\n"
                     "  health: { probe_interval: 50ms, failures: 2 }\nrecords: { enabled: false }\n");
  // Ten probes or more, each answered 404 (the simulator has no such path).
  std::this_thread::sleep_for(milliseconds(600));
  HttpClient client("127.0.0.1", proxy.port());
  const HttpResponse answer = client.post_json("/v1/chat/completions", chat_body("auto", {}, kDebuggingPrompt));
  REQUIRE(answer.status == 200);
  INFO(answer.header("x-llmroute-reason"));
  CHECK(answer.header("x-llmroute-backend") == "probed");
  CHECK(answer.header("x-llmroute-reason").find("unhealthy") == std::string::npos);
}
