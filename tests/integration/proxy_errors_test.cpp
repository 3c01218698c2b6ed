// Integration tests of the proxy's error answers: bad requests, unreachable or slow backends, broken
// streams, and backend errors relayed as they were sent.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/http/error.hpp>

#include "proxy_fixture.hpp"

using namespace llmroute::test;
namespace json = boost::json;

namespace {

/// Checks the OpenAI error shape {"error":{"message","type","param","code"}} and returns the message.
std::string openai_error_message(const HttpResponse& response) {
  const auto body = response.json();
  const auto& error = body.at("error").as_object();
  CHECK(error.contains("type"));
  CHECK(error.contains("param"));
  CHECK(error.contains("code"));
  return std::string(error.at("message").as_string());
}

/// A loopback port nothing listens on: bound, read, and released again.
std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string status_line(const std::string& raw) { return raw.substr(0, raw.find("\r\n")); }

}  // namespace

TEST_CASE("a malformed JSON body gets 400 saying where the JSON breaks") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", "{\n  \"model\": \"local-model\",\n  \"messages\": [\n}");
  CHECK(response.status == 400);
  const auto message = openai_error_message(response);
  CHECK(message.find("malformed JSON at line 4 column 1") != std::string::npos);
  CHECK(response.json().at("error").at("type") == "invalid_request_error");
  CHECK_FALSE(response.header("x-request-id").empty());
  // The connection stays usable and the backend never saw the request.
  CHECK(client.post_json("/v1/chat/completions", chat_body("local-model")).status == 200);
  CHECK(client.connections_opened() == 1);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 1);
}

TEST_CASE("an unknown path gets 404 and a known path with the wrong method gets 405, as OpenAI error JSON") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto missing = client.get("/v1/nothing-here");
  CHECK(missing.status == 404);
  CHECK(openai_error_message(missing).find("/v1/nothing-here") != std::string::npos);

  const auto wrong_method = client.get("/v1/chat/completions");
  CHECK(wrong_method.status == 405);
  CHECK(openai_error_message(wrong_method).find("GET") != std::string::npos);

  HttpRequest remove;
  remove.method = "DELETE";
  remove.target = "/v1/models";
  CHECK(client.send(remove).status == 405);
  CHECK(client.connections_opened() == 1);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 0);
}

TEST_CASE("a body over max_body_bytes gets 413, whether its length is declared or it comes chunked") {
  SimulatedBackend setup;
  const std::string padding(2 << 20, 'a');
  const std::string big = chat_body("local-model", {}, padding);

  SUBCASE("with Content-Length") {
    HttpClient client("127.0.0.1", setup.proxy.port());
    const auto response = client.post_json("/v1/chat/completions", big);
    CHECK(response.status == 413);
    CHECK(openai_error_message(response).find("1 MiB") != std::string::npos);
  }
  SUBCASE("with chunked transfer encoding") {
    std::string request =
        "POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    for (std::size_t at = 0; at < big.size(); at += 64 * 1024) {
      const std::string piece = big.substr(at, 64 * 1024);
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      request += size + piece + "\r\n";
    }
    request += "0\r\n\r\n";
    const auto exchange = raw_exchange(setup.proxy.port(), request, milliseconds(10'000));
    REQUIRE(exchange.connected);
    CHECK(exchange.closed);
    CHECK(status_line(exchange.received) == "HTTP/1.1 413 Payload Too Large");
    CHECK(exchange.received.find("max_body_bytes") != std::string::npos);
  }
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 0);
}

TEST_CASE("an unreachable backend gets 502 naming the backend, its URL and how to start it") {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  ProxyProcess proxy(proxy_config(url));
  HttpClient client("127.0.0.1", proxy.port());
  const auto response = client.post_json("/v1/chat/completions", chat_body("local-model"));
  CHECK(response.status == 502);
  const auto message = openai_error_message(response);
  INFO(message);
  CHECK(message.find("'sim'") != std::string::npos);
  CHECK(message.find(url) != std::string::npos);
  CHECK(message.find("llmroute simulate --listen") != std::string::npos);
  CHECK(response.header("x-llmroute-backend") == "sim");
}

TEST_CASE("a backend that sends no headers within upstream_first_byte gets 504 before anything was sent") {
  ProxyConfigOptions options;
  options.first_byte_timeout = "300ms";
  SimulatedBackend setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response =
      client.post_json("/v1/chat/completions", stream_body("local-model"), {{"x-sim-fault", "stall-headers"}});
  CHECK(response.status == 504);
  CHECK(response.header("content-type") == "application/json");
  const auto message = openai_error_message(response);
  CHECK(message.find("upstream_first_byte") != std::string::npos);
  CHECK(response.json().at("error").at("code") == "timeout");
  const double took = ms_between(response.sent, response.finished);
  CHECK(took >= 290);
  CHECK(took < 3000);
  // The stalled upstream connection was dropped, not returned to the pool.
  CHECK(wait_for_stat(setup.sim, "open_connections", 0) == 0);
  CHECK(client.post_json("/v1/chat/completions", chat_body("local-model")).status == 200);
}

TEST_CASE("the wait for the first token is bounded by upstream_first_byte, not upstream_idle") {
  // Servers such as vLLM send the response headers at once and the first token after the prompt is
  // processed (or a slot frees): that wait is the first byte's, not silence in the middle of an answer.
  ProxyConfigOptions options;
  options.first_byte_timeout = "5s";
  options.idle_timeout = "300ms";
  SimulatedBackend setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", stream_body("local-model"), {{"x-sim-ttft-ms", "800"}});
  INFO(response.body);
  CHECK(response.status == 200);
  CHECK(response.complete());
  CHECK_FALSE(trailing_error_event(response));
  REQUIRE_FALSE(response.events.empty());
  CHECK(response.events.back().data == "[DONE]");
}

TEST_CASE("a stream that breaks after it started ends with an SSE error event and a properly ended body") {
  ProxyConfigOptions options;
  options.idle_timeout = "300ms";
  SimulatedBackend setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());

  SUBCASE("the backend goes silent mid-stream (upstream_idle)") {
    const auto response =
        client.post_json("/v1/chat/completions", stream_body("local-model"), {{"x-sim-fault", "stall-mid"}});
    CHECK(response.status == 200);
    CHECK(response.complete());
    CHECK_FALSE(content_events(response).empty());
    const auto error = trailing_error_event(response);
    REQUIRE(error);
    CHECK(std::string(error->at("message").as_string()).find("upstream_idle") != std::string::npos);
    CHECK(ms_between(response.sent, response.finished) >= 290);
  }
  SUBCASE("the backend closes the connection mid-stream") {
    const auto response = client.post_json("/v1/chat/completions", stream_body("local-model"), {{"x-sim-fault", "die-mid"}});
    CHECK(response.status == 200);
    CHECK(response.complete());
    CHECK_FALSE(content_events(response).empty());
    const auto error = trailing_error_event(response);
    REQUIRE(error);
    CHECK(std::string(error->at("message").as_string()).find("'sim'") != std::string::npos);
  }
  CHECK(wait_for_stat(setup.sim, "open_connections", 0) == 0);
}

TEST_CASE("after a stream that broke mid-way the client's connection serves its next request") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto broken = client.post_json("/v1/chat/completions", stream_body("local-model"), {{"x-sim-fault", "die-mid"}});
  CHECK(broken.complete());
  REQUIRE(trailing_error_event(broken));
  // The error event ended a well-formed chunked body: closing the connection anyway would race the
  // client's next request on it (which then fails with no answer at all).
  CHECK(client.post_json("/v1/chat/completions", chat_body("local-model")).status == 200);
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("a non-streamed answer cut off by the backend ends in a closed connection, not a hang") {
  ProxyConfigOptions options;
  options.idle_timeout = "300ms";
  SimulatedBackend setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  for (const char* fault : {"stall-mid", "die-mid"}) {
    const std::string fault_name = fault;
    CAPTURE(fault_name);
    HttpRequest request;
    request.method = "POST";
    request.target = "/v1/chat/completions";
    request.body = chat_body("local-model");
    request.headers = {{"Content-Type", "application/json"}, {"x-sim-fault", fault}};
    request.timeout = milliseconds(5000);
    const auto response = client.send(request);
    CHECK(response.status == 200);
    CHECK(response.error == boost::beast::http::error::partial_message);
    CHECK(ms_between(response.sent, response.finished) < 4000);
  }
}

TEST_CASE("429 and 500 from the backend reach the client with their status, headers and body") {
  SimulatedBackend setup;
  SimulatorProcess direct_sim({"--ttft-ms", "0", "--tokens-per-second", "0"});
  HttpClient client("127.0.0.1", setup.proxy.port());
  HttpClient direct("127.0.0.1", direct_sim.port());
  for (const auto& [fault, status] : {std::pair{"429", 429u}, std::pair{"500", 500u}}) {
    const std::string fault_name = fault;
    CAPTURE(fault_name);
    const Headers headers{{"x-sim-fault", fault}};
    const auto relayed = client.post_json("/v1/chat/completions", stream_body("local-model"), headers);
    const auto original = direct.post_json("/v1/chat/completions", stream_body("sim-upstream"), headers);
    CHECK(relayed.status == status);
    CHECK(relayed.body == original.body);
    CHECK(relayed.header("content-type") == "application/json");
    CHECK(relayed.header("retry-after") == original.header("retry-after"));
    CHECK(relayed.header("x-llmroute-backend") == "sim");
  }
  // Error answers do not cost the connection.
  CHECK(client.post_json("/v1/chat/completions", chat_body("local-model")).status == 200);
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("a Responses stream relayed as it is that breaks mid-way ends with response.failed on that response, numbered after its last event") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"});
  ProxyProcess proxy("server:\n  listen: 127.0.0.1:0\n  timeouts: { upstream_idle: 300ms }\nbackends:\n"
                     "  - { name: sim, kind: openai-responses, url: '" + sim.base_url() +
                     "/v1', models: [{ name: local-model, upstream_name: sim-upstream }] }\n"
                     "routing: { default: sim/local-model, health: { probe_interval: 0 } }\nrecords: { enabled: false }\n");
  HttpClient client("127.0.0.1", proxy.port());
  for (const char* fault : {"die-mid", "stall-mid"}) {
    const std::string fault_name = fault;
    CAPTURE(fault_name);
    const auto response = client.post_json(
        "/v1/responses", R"({"model":"local-model","input":"Write a haiku about routers","stream":true})", {{"x-sim-fault", fault}});
    CHECK(response.status == 200);
    REQUIRE(response.complete());
    REQUIRE(response.events.size() >= 3);
    CHECK(response.events.front().event == "response.created");
    const auto& last = response.events.back();
    REQUIRE(last.event == "response.failed");
    const json::value failed = last.json();
    const json::value before = response.events[response.events.size() - 2].json();
    const json::value created = response.events.front().json();
    CHECK(failed.at("type") == "response.failed");
    CHECK(failed.at("sequence_number").as_int64() == before.at("sequence_number").as_int64() + 1);
    CHECK(failed.at("response").at("id") == created.at("response").at("id"));
    CHECK(created.at("response").at("created_at").as_int64() > 0);
    CHECK(failed.at("response").at("created_at") == created.at("response").at("created_at"));
    CHECK(std::string(failed.at("response").at("error").at("message").as_string()).find("backend 'sim'") != std::string::npos);
  }
}
