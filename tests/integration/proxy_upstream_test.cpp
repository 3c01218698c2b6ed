// Integration tests of the proxy's upstream side: pooled connections the backend closed, backends that
// hang up without answering, clients that leave before the first byte, HTTP/1.0 clients, and clients that
// close after one answer.
#include <doctest/doctest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <random>

#include "proxy_fixture.hpp"

using namespace llmroute::test;
namespace json = boost::json;

TEST_CASE("a pooled connection the backend closed while idle is replaced, and the request still succeeds") {
  SimulatedBackend setup({}, {"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5", "--idle-timeout-ms", "100"});
  HttpClient client("127.0.0.1", setup.proxy.port());
  REQUIRE(client.post_json("/v1/chat/completions", chat_body("local-model")).status == 200);
  // The simulator drops the idle kept-alive connection after 100 ms.
  REQUIRE(wait_for_stat(setup.sim, "open_connections", 0) == 0);
  const auto again = client.post_json("/v1/chat/completions", stream_body("local-model"));
  CHECK(again.status == 200);
  CHECK(again.complete());
  CHECK_FALSE(streamed_text(again).empty());
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 2);
  CHECK(answer_connections(setup.sim) == 2);
}

TEST_CASE("clients that leave while the proxy replaces a pooled connection the backend closed leave it serving") {
  SimulatedBackend setup;
  HttpClient kept("127.0.0.1", setup.proxy.port());
  const std::string body = chat_body("local-model");
  const std::string refused = "POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nx-sim-fault: refuse\r\n"
                              "Content-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  boost::asio::io_context io;
  std::mt19937 random(7);
  std::uniform_int_distribution<int> leave_after_us(0, 1500);
  for (int i = 0; i < 60; ++i) {
    // Leaves one connection in the proxy's pool.
    REQUIRE(kept.post_json("/v1/chat/completions", body).status == 200);
    // The backend closes that pooled connection on reading this request, so the proxy connects afresh and
    // tries again; the client leaves at some moment of it.
    boost::asio::ip::tcp::socket client(io);
    client.connect({boost::asio::ip::make_address("127.0.0.1"), setup.proxy.port()});
    boost::asio::write(client, boost::asio::buffer(refused));
    const auto leave_at = Clock::now() + std::chrono::microseconds(leave_after_us(random));
    while (Clock::now() < leave_at) {
    }
    client.close();
  }
  CHECK(setup.proxy.process().running());
  CHECK(kept.post_json("/v1/chat/completions", body).status == 200);
}

TEST_CASE("a backend at localhost, or at a name under .localhost, is reached on loopback without asking the resolver") {
  // A minimal container or chroot has no /etc/hosts, and no resolver knows *.localhost names.
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  for (const std::string host : {"localhost", "llmroute-test.localhost"}) {
    CAPTURE(host);
    ProxyProcess proxy(proxy_config("http://" + host + ":" + std::to_string(sim.port()) + "/v1"));
    HttpClient client("127.0.0.1", proxy.port());
    const auto answer = client.post_json("/v1/chat/completions", stream_body("local-model"));
    INFO(answer.body.substr(0, 300));
    CHECK(answer.status == 200);
    CHECK_FALSE(streamed_text(answer).empty());
  }
}

TEST_CASE("a backend that closes the connection without answering gets 502 naming the backend") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto response = client.post_json("/v1/chat/completions", chat_body("local-model"), {{"x-sim-fault", "refuse"}});
  CHECK(response.status == 502);
  const auto message = std::string(response.json().at("error").at("message").as_string());
  INFO(message);
  CHECK(message.find("'sim'") != std::string::npos);
  // The client's connection is still good for the next request.
  CHECK(client.post_json("/v1/chat/completions", chat_body("local-model")).status == 200);
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("a client that leaves before the first byte makes the proxy close the upstream connection") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/chat/completions";
  request.body = stream_body("local-model");
  request.headers = {{"Content-Type", "application/json"}, {"x-sim-fault", "stall-headers"}};
  request.timeout = milliseconds(300);  // the client gives up long before the proxy's first-byte timeout
  const auto response = client.send(request);
  CHECK(response.status == 0);
  const auto gave_up = Clock::now();
  REQUIRE(poll_until([&] { return requests_to(setup.sim, "/v1/chat/completions") == 1; }));
  const auto open = wait_for_stat(setup.sim, "open_connections", 0, milliseconds(2000));
  INFO("upstream closed " << ms_between(gave_up, Clock::now()) << " ms after the client left");
  CHECK(open == 0);
  CHECK(ms_between(gave_up, Clock::now()) < 100 + 250);
}

TEST_CASE("an HTTP/1.0 client gets the stream delimited by the connection closing") {
  SimulatedBackend setup;
  const std::string body = stream_body("local-model");
  const std::string request = "POST /v1/chat/completions HTTP/1.0\r\nHost: test\r\nContent-Type: application/json\r\n"
                              "Content-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  const auto exchange = raw_exchange(setup.proxy.port(), request, milliseconds(10'000));
  REQUIRE(exchange.closed);
  CHECK_FALSE(exchange.reset);
  const auto head_end = exchange.received.find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  const std::string head = exchange.received.substr(0, head_end);
  CHECK(head.starts_with("HTTP/1.1 200"));
  CHECK(head.find("chunked") == std::string::npos);
  std::vector<SseEvent> events;
  parse_sse_events(std::string_view(exchange.received).substr(head_end + 4), Clock::now(), events);
  REQUIRE(events.size() > 3);
  CHECK(events.back().data == "[DONE]");
}

TEST_CASE("a client that sends Connection: close is told in the answer's head that the connection closes") {
  SimulatedBackend setup;
  for (const std::string& body : {chat_body("local-model"), stream_body("local-model")}) {
    const std::string request = "POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                                "Content-Type: application/json\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body;
    const auto exchange = raw_exchange(setup.proxy.port(), request, milliseconds(10'000));
    INFO(exchange.received.substr(0, 300));
    CHECK(exchange.closed);
    const std::string head = exchange.received.substr(0, exchange.received.find("\r\n\r\n"));
    CHECK(head.starts_with("HTTP/1.1 200"));
    CHECK(head.find("Connection: close") != std::string::npos);
    CHECK(head.find("keep-alive") == std::string::npos);
  }
}

TEST_CASE("a large request body reaches the backend intact, with only the model replaced") {
  SimulatedBackend setup;
  std::string long_text;
  for (int i = 0; long_text.size() < 200'000; ++i) long_text += "line " + std::to_string(i) + ": \"quoted\" \\ and \u00e9\n";
  json::object extra{{"temperature", 0.5}, {"tools", json::array{}}};
  const std::string body = chat_body("local-model", extra, long_text);
  HttpClient client("127.0.0.1", setup.proxy.port());
  REQUIRE(client.post_json("/v1/chat/completions", body).status == 200);
  auto expected = json::parse(body);
  expected.as_object()["model"] = "sim-upstream";
  CHECK(setup.sim.stats().at("last_request").at("body") == expected);
}

TEST_CASE("pipelined requests on one connection are answered in order") {
  SimulatedBackend setup;
  const std::string body = chat_body("local-model");
  const std::string head = "POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n";
  // Both requests in one write: the second arrives while the first is being answered.
  const std::string request = head + "x-request-id: first\r\n\r\n" + body + head +
                              "x-request-id: second\r\nConnection: close\r\n\r\n" + body;
  const auto exchange = raw_exchange(setup.proxy.port(), request, milliseconds(10'000));
  CHECK(exchange.closed);
  const auto first = exchange.received.find("x-request-id: first");
  const auto second = exchange.received.find("x-request-id: second");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < second);
  CHECK(exchange.received.starts_with("HTTP/1.1 200"));
  CHECK(exchange.received.find("HTTP/1.1 200", first) < second);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 2);
}

TEST_CASE("a client that sends Connection: close gets its answer and then the connection closes") {
  SimulatedBackend setup;
  const std::string body = stream_body("local-model");
  const std::string request = "POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                              "Content-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  const auto exchange = raw_exchange(setup.proxy.port(), request, milliseconds(10'000));
  CHECK(exchange.closed);
  CHECK_FALSE(exchange.reset);
  CHECK(exchange.received.starts_with("HTTP/1.1 200"));
  CHECK(exchange.received.find("data: [DONE]") != std::string::npos);
  CHECK(exchange.received.ends_with("0\r\n\r\n"));
}
