// Integration tests of the relay: events flow through as they are generated, bytes arrive unchanged,
// connections are reused on both sides, and a client that leaves closes its upstream.
#include <doctest/doctest.h>

#include "proxy_fixture.hpp"

using namespace llmroute::test;
namespace json = boost::json;

TEST_CASE("streamed events reach the client as they are generated, not all at the end") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", stream_body("local-model"),
                                         {{"x-sim-chunk-interval-ms", "50"}, {"x-sim-tokens", "10"}});
  REQUIRE(response.complete());
  CHECK(response.status == 200);
  const auto events = content_events(response);
  const auto n = static_cast<double>(events.size());
  REQUIRE(events.size() >= 8);
  const double spread = ms_between(events.front().arrived, events.back().arrived);
  INFO("first content event after " << ms_between(response.sent, events.front().arrived) << " ms; spread " << spread
                                    << " ms over " << n << " events");
  CHECK(spread >= (n - 2) * 40);
  // The first token was on the client's side while most of the answer was still being generated.
  CHECK(ms_between(response.sent, events.front().arrived) < spread / 2);
  CHECK(response.events.back().data == "[DONE]");
}

TEST_CASE("an answer relayed through the proxy is byte-for-byte the answer the backend gives directly") {
  // Two simulators with the same seed: each numbers its answers from one, so ids match too.
  const std::vector<std::string> sim_args{"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "40", "--seed", "7"};
  SimulatedBackend setup({}, sim_args);
  SimulatorProcess direct_sim(sim_args);
  HttpClient through_proxy("127.0.0.1", setup.proxy.port());
  HttpClient direct("127.0.0.1", direct_sim.port());

  SUBCASE("a non-streaming chat answer") {
    const auto relayed = through_proxy.post_json("/v1/chat/completions", chat_body("local-model"));
    const auto original = direct.post_json("/v1/chat/completions", chat_body("sim-upstream"));
    REQUIRE(relayed.complete());
    REQUIRE(original.complete());
    CHECK(relayed.status == 200);
    CHECK(relayed.header("content-type") == original.header("content-type"));
    CHECK(relayed.header("content-length") == original.header("content-length"));
    CHECK(without_timestamps(relayed.body) == without_timestamps(original.body));
  }
  SUBCASE("a streamed chat answer with usage") {
    const json::object extra{{"stream_options", json::object{{"include_usage", true}}}};
    const auto relayed = through_proxy.post_json("/v1/chat/completions", stream_body("local-model", extra));
    const auto original = direct.post_json("/v1/chat/completions", stream_body("sim-upstream", extra));
    REQUIRE(relayed.complete());
    REQUIRE(original.complete());
    CHECK(relayed.header("content-type") == original.header("content-type"));
    CHECK(relayed.events.size() > 10);
    CHECK(without_timestamps(relayed.body) == without_timestamps(original.body));
  }
  SUBCASE("a streamed legacy completion") {
    const std::string relayed_body = R"({"model":"local-model","prompt":"def add(a, b):","stream":true})";
    const std::string original_body = R"({"model":"sim-upstream","prompt":"def add(a, b):","stream":true})";
    const auto relayed = through_proxy.post_json("/v1/completions", relayed_body);
    const auto original = direct.post_json("/v1/completions", original_body);
    REQUIRE(relayed.complete());
    REQUIRE(original.complete());
    CHECK(relayed.status == 200);
    CHECK(without_timestamps(relayed.body) == without_timestamps(original.body));
  }
}

TEST_CASE("a client that did not ask for usage gets the backend's stream without the usage chunk the proxy asked for") {
  const std::vector<std::string> sim_args{"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "20", "--seed", "3"};
  SimulatedBackend setup({}, sim_args);
  SimulatorProcess direct_sim(sim_args);
  HttpClient through_proxy("127.0.0.1", setup.proxy.port());
  HttpClient direct("127.0.0.1", direct_sim.port());
  const auto relayed = through_proxy.post_json("/v1/chat/completions", stream_body("local-model"));
  const auto original = direct.post_json("/v1/chat/completions", stream_body("sim-upstream"));
  REQUIRE(relayed.complete());
  REQUIRE(original.complete());
  // The proxy measures every answer, so the backend was asked for usage...
  const auto sent = setup.sim.stats().at("last_request").at("body");
  CHECK(sent.at("stream_options").at("include_usage") == true);
  // ...but the client sees the same answer, and no usage report it did not ask for.
  CHECK(streamed_text(relayed) == streamed_text(original));
  CHECK(content_events(relayed).size() == content_events(original).size());
  CHECK(relayed.events.back().data == "[DONE]");
  for (const auto& event : relayed.events) {
    if (event.data == "[DONE]") continue;
    const auto value = event.json();
    const auto* usage = value.as_object().if_contains("usage");
    CHECK((usage == nullptr || usage->is_null()));
  }
}

TEST_CASE("sequential requests on one client connection reuse one upstream connection") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  for (int i = 0; i < 6; ++i) {
    const auto body = i % 2 == 0 ? stream_body("local-model") : chat_body("local-model");
    const auto response = client.post_json("/v1/chat/completions", body);
    REQUIRE(response.complete());
    CHECK(response.status == 200);
  }
  CHECK(client.connections_opened() == 1);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 6);
  CHECK(answer_connections(setup.sim) == 1);

  // A second client, later, is served on the same pooled upstream connection.
  HttpClient other("127.0.0.1", setup.proxy.port());
  REQUIRE(other.post_json("/v1/chat/completions", chat_body("local-model")).status == 200);
  CHECK(answer_connections(setup.sim) == 1);
}

TEST_CASE("a client that disconnects mid-stream makes the proxy close the upstream connection at once") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/chat/completions";
  request.body = stream_body("local-model");
  request.headers = {{"Content-Type", "application/json"}, {"x-sim-tokens", "1000"}, {"x-sim-chunk-interval-ms", "50"}};
  int seen = 0;
  request.on_event = [&seen](const SseEvent&) { return ++seen < 3; };
  const auto response = client.send(request);
  const auto closed_at = Clock::now();
  CHECK(response.status == 200);
  CHECK(seen == 3);
  CHECK_FALSE(client.connected());

  // The proxy should notice within a few ms; 100 ms is the budget, plus slack for polling the stats
  // over fresh connections on a loaded, sanitized build.
  const auto open = wait_for_stat(setup.sim, "open_connections", 0, milliseconds(2000));
  const double took = ms_between(closed_at, Clock::now());
  INFO("upstream closed " << took << " ms after the client left");
  CHECK(open == 0);
  CHECK(took < 100 + 250);
  CHECK(setup.sim.stats().at("active_streams").to_number<int>() == 0);
}
