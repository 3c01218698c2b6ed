// Integration test of graceful shutdown: SIGTERM stops new connections while a live stream finishes.
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <thread>

#include "proxy_fixture.hpp"

using namespace llmroute::test;

TEST_CASE("on SIGTERM the proxy refuses new connections, lets a live stream finish, and exits 0") {
  SimulatedBackend setup;
  std::atomic<bool> streaming{false};
  HttpResponse response;
  std::jthread stream_client([&] {
    HttpClient client("127.0.0.1", setup.proxy.port());
    HttpRequest request;
    request.method = "POST";
    request.target = "/v1/chat/completions";
    request.body = stream_body("local-model");
    request.headers = {{"Content-Type", "application/json"}, {"x-sim-tokens", "30"}, {"x-sim-chunk-interval-ms", "40"}};
    request.on_event = [&streaming](const SseEvent&) {
      streaming = true;
      return true;
    };
    response = client.send(request);
  });
  // An idle keep-alive connection must not hold the shutdown up.
  HttpClient idle("127.0.0.1", setup.proxy.port());
  REQUIRE(idle.get("/healthz").status == 200);

  const auto started = Clock::now() + milliseconds(5000);
  while (!streaming && Clock::now() < started) std::this_thread::sleep_for(milliseconds(2));
  REQUIRE(streaming);
  setup.proxy.process().send_signal(SIGTERM);

  // New connections are refused once the signal has been handled.
  bool refused = false;
  const auto deadline = Clock::now() + milliseconds(3000);
  while (!refused && Clock::now() < deadline) {
    HttpClient late("127.0.0.1", setup.proxy.port());
    refused = late.get("/healthz").error.value() == ECONNREFUSED;
    if (!refused) std::this_thread::sleep_for(milliseconds(5));
  }
  CHECK(refused);

  stream_client.join();
  CHECK(response.status == 200);
  CHECK(response.complete());
  CHECK(content_events(response).size() == 30);
  CHECK(response.events.back().data == "[DONE]");
  CHECK_FALSE(trailing_error_event(response));
  CHECK(setup.proxy.process().wait_for_exit(milliseconds(5000)) == 0);
}

TEST_CASE("on SIGTERM a stream longer than shutdown_grace is cut at the grace period and the proxy exits 0") {
  ProxyConfigOptions options;
  options.shutdown_grace = "300ms";
  SimulatedBackend setup(options);
  std::atomic<bool> streaming{false};
  HttpResponse response;
  std::jthread stream_client([&] {
    HttpClient client("127.0.0.1", setup.proxy.port());
    HttpRequest request;
    request.method = "POST";
    request.target = "/v1/chat/completions";
    request.body = stream_body("local-model");
    request.headers = {{"Content-Type", "application/json"}, {"x-sim-tokens", "1000"}, {"x-sim-chunk-interval-ms", "20"}};
    request.on_event = [&streaming](const SseEvent&) {
      streaming = true;
      return true;
    };
    response = client.send(request);
  });
  REQUIRE(poll_until([&] { return streaming.load(); }, milliseconds(5000)));
  const auto signalled = Clock::now();
  setup.proxy.process().send_signal(SIGTERM);
  const auto code = setup.proxy.process().wait_for_exit(milliseconds(5000));
  const double took = ms_between(signalled, Clock::now());
  INFO("the proxy exited " << took << " ms after SIGTERM");
  CHECK(code == 0);
  CHECK(took >= 250);
  CHECK(took < 300 + 1500);
  stream_client.join();
  CHECK(response.status == 200);
  CHECK_FALSE(response.complete());
  CHECK(content_events(response).size() < 1000);
  // The upstream stream was closed too, not left running.
  CHECK(wait_for_stat(setup.sim, "open_connections", 0) == 0);
}
