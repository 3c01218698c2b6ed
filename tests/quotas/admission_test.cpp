// Quotas through the real proxy: exact request limits under concurrency, token settlement and refunds, and
// concurrency slots that always come back (client gone, timeouts).
#include <doctest/doctest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "quota_fixture.hpp"

using namespace llmroute::test;
namespace json = boost::json;

TEST_CASE("300 concurrent requests from one user with requests_per_minute 50: exactly 50 are admitted") {
  QuotaSetupOptions options;
  options.users = {{"ann", "lr-test-ann", "    quotas: { requests_per_minute: 50 }\n"}};
  QuotaSetup setup(options);
  constexpr int kRequests = 300;
  std::latch start(kRequests);
  std::vector<HttpResponse> responses(kRequests);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&, i] {
      HttpClient client("127.0.0.1", setup.proxy.port());
      HttpRequest request;
      request.method = "POST";
      request.target = "/v1/chat/completions";
      request.body = chat_body("local-model");
      request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer lr-test-ann"}};
      request.timeout = milliseconds(60'000);
      start.arrive_and_wait();
      responses[static_cast<std::size_t>(i)] = client.send(request);
    });
  }
  for (auto& thread : clients) thread.join();
  int admitted = 0, refused = 0;
  for (const HttpResponse& response : responses) {
    if (response.status == 200) ++admitted;
    if (response.status != 429) continue;
    ++refused;
    CHECK(response.json().at("error").at("code") == "rate_limit_exceeded");
    CHECK(response.header("x-llmroute-quota") == "requests_per_minute");
    const int retry_after = std::stoi(response.header("retry-after"));
    CHECK(retry_after >= 1);
    CHECK(retry_after <= 60);
  }
  CHECK(admitted == 50);
  CHECK(refused == 250);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 50);
  const json::object usage = usage_of(setup.proxy.port(), "lr-test-ann");
  CHECK(quota_used(usage, "requests_per_minute") == 50);
  CHECK(usage.at("quotas").at("requests_per_minute").at("remaining").to_number<double>() == 0);
  CHECK(poll_until([&] { return in_flight(setup.proxy.port(), "lr-test-ann") == 0; }));
}

TEST_CASE("tokens are settled with the backend's reported usage, and refunded when the backend fails") {
  QuotaSetupOptions options;
  options.users = {{"ann", "lr-test-ann", ""}};
  options.quotas = "{ tokens_per_day: 100000 }";
  QuotaSetup setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  const HttpResponse ok = client.post_json("/v1/chat/completions", chat_body("local-model"), bearer("lr-test-ann"));
  REQUIRE(ok.status == 200);
  const json::value usage = ok.json().at("usage");
  const double reported = usage.at("prompt_tokens").to_number<double>() + usage.at("completion_tokens").to_number<double>();
  CHECK(reported > 12);
  // Settlement follows the last byte of the answer: poll for it.
  CHECK(poll_until([&] { return quota_used(usage_of(setup.proxy.port(), "lr-test-ann"), "tokens_per_day") == reported; }));
  json::object after = usage_of(setup.proxy.port(), "lr-test-ann");
  CHECK(after.at("quotas").at("tokens_per_day").at("remaining").to_number<double>() == 100000 - reported);
  CHECK(after.at("quotas").at("tokens_per_day").at("limit") == 100000);
  CHECK(after.at("quotas").at("tokens_per_day").at("resets_at").as_string().ends_with("T00:00:00Z"));

  Headers failing = bearer("lr-test-ann");
  failing.emplace_back("x-sim-fault", "500");
  const HttpResponse failed = client.post_json("/v1/chat/completions", chat_body("local-model"), failing);
  CHECK(failed.status == 500);
  CHECK(poll_until([&] { return in_flight(setup.proxy.port(), "lr-test-ann") == 0; }));
  after = usage_of(setup.proxy.port(), "lr-test-ann");
  CHECK(quota_used(after, "tokens_per_day") == reported);  // refunded
  CHECK(quota_used(after, "requests_per_minute") == 2);    // the request itself still counts
}

TEST_CASE("a request beyond tokens_per_day is refused before it reaches the backend") {
  QuotaSetupOptions options;
  options.users = {{"ann", "lr-test-ann", "    quotas: { tokens_per_day: 100 }\n"}};
  QuotaSetup setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  const HttpResponse refused =
      client.post_json("/v1/chat/completions", chat_body("local-model", {{"max_tokens", 500}}), bearer("lr-test-ann"));
  CHECK(refused.status == 429);
  CHECK(refused.header("x-llmroute-quota") == "tokens_per_day");
  const std::string message(refused.json().at("error").at("message").as_string());
  CHECK(message.find("quota tokens_per_day exceeded for user 'ann': 0 of 100 tokens used today") != std::string::npos);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 0);
  CHECK(client.post_json("/v1/chat/completions", chat_body("local-model", {{"max_tokens", 20}}), bearer("lr-test-ann")).status == 200);
}

TEST_CASE("max_concurrent refuses the request beyond it without using up a request of the minute") {
  QuotaSetupOptions options;
  options.users = {{"ann", "lr-test-ann", "    quotas: { max_concurrent: 1, requests_per_minute: 10 }\n"}};
  QuotaSetup setup(options, {"--ttft-ms", "0", "--tokens-per-second", "20", "--tokens", "40"});
  std::atomic<bool> second_done = false;
  HttpResponse second;
  double used_after_refusal = -1;
  HttpClient streaming("127.0.0.1", setup.proxy.port());
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/chat/completions";
  request.body = chat_body("local-model", {{"stream", true}});
  request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer lr-test-ann"}};
  request.on_event = [&](const SseEvent&) {
    if (!second_done) {
      HttpClient other("127.0.0.1", setup.proxy.port());
      second = other.post_json("/v1/chat/completions", chat_body("local-model"), bearer("lr-test-ann"));
      second_done = true;
      CHECK(in_flight(setup.proxy.port(), "lr-test-ann") == 1);
      // Read now, within the minute of the first admission: on a loaded machine the whole test may outlast it.
      used_after_refusal = quota_used(usage_of(setup.proxy.port(), "lr-test-ann"), "requests_per_minute");
    }
    return true;
  };
  const HttpResponse first = streaming.send(request);
  CHECK(first.status == 200);
  REQUIRE(second_done);
  CHECK(second.status == 429);
  CHECK(second.header("retry-after") == "1");
  CHECK(second.json().at("error").at("type") == "requests");
  CHECK(second.json().at("error").at("code") == "rate_limit_exceeded");
  CHECK(second.header("x-llmroute-quota") == "max_concurrent");
  CHECK(std::string(second.json().at("error").at("message").as_string()).find("1 of 1 requests already in flight") != std::string::npos);
  CHECK(used_after_refusal == 1);
  CHECK(poll_until([&] { return in_flight(setup.proxy.port(), "lr-test-ann") == 0; }));
}

TEST_CASE("every slot comes back when clients go away, in the middle of a stream or queued for the backend") {
  QuotaSetupOptions options;
  options.users = {{"ann", "lr-test-ann", "    role: admin\n    quotas: { max_concurrent: 2 }\n"}};
  options.local_max_concurrency = 1;
  QuotaSetup setup(options, {"--ttft-ms", "0", "--tokens-per-second", "10", "--tokens", "200"});
  const std::uint16_t port = setup.proxy.port();
  const auto gauge = [port](const std::string& name) {
    HttpClient client("127.0.0.1", port);
    const HttpResponse metrics = client.get("/metrics", bearer("lr-test-ann"));
    REQUIRE(metrics.status == 200);
    const std::string line = name + "{backend=\"sim\"} ";
    const auto at = metrics.body.find(line);
    REQUIRE(at != std::string::npos);
    return std::stod(metrics.body.substr(at + line.size(), metrics.body.find('\n', at) - at - line.size()));
  };
  HttpClient client("127.0.0.1", port);
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/chat/completions";
  request.body = chat_body("local-model", {{"stream", true}});
  request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer lr-test-ann"}};
  int events = 0;
  HttpResponse queued;
  request.on_event = [&](const SseEvent&) {
    if (++events > 1) return events < 3;  // the third event: hang up
    // The backend's one slot is taken: a second request of the same user is admitted and waits for it,
    // until its client gives up.
    {
      HttpClient impatient("127.0.0.1", port);
      HttpRequest second = request;
      second.on_event = nullptr;
      second.timeout = milliseconds(500);
      queued = impatient.send(second);
    }
    CHECK(poll_until([&] { return in_flight(port, "lr-test-ann") == 1 && gauge("llmroute_backend_queued_requests") == 0; }));
    CHECK(gauge("llmroute_backend_slots_in_use") == 1);
    return true;
  };
  const HttpResponse abandoned = client.send(request);
  CHECK(abandoned.status == 200);
  CHECK(events == 3);
  CHECK(queued.status == 0);  // it never got an answer
  CHECK(poll_until([&] { return in_flight(port, "lr-test-ann") == 0 && gauge("llmroute_backend_slots_in_use") == 0; }));
  CHECK(quota_used(usage_of(port, "lr-test-ann"), "requests_per_minute") == 2);
  HttpClient next("127.0.0.1", port);
  CHECK(next.post_json("/v1/chat/completions", chat_body("local-model", {{"max_tokens", 2}}), bearer("lr-test-ann")).status == 200);
}

TEST_CASE("the concurrency slot comes back after a first-byte timeout and after an idle timeout mid-stream") {
  QuotaSetupOptions options;
  options.users = {{"ann", "lr-test-ann", "    quotas: { max_concurrent: 1 }\n"}};
  options.first_byte_timeout = "300ms";
  options.idle_timeout = "300ms";
  QuotaSetup setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  Headers stalled = bearer("lr-test-ann");
  stalled.emplace_back("x-sim-fault", "stall-headers");
  const HttpResponse no_answer = client.post_json("/v1/chat/completions", chat_body("local-model", {{"stream", true}}), stalled);
  CHECK(no_answer.status == 504);
  CHECK(poll_until([&] { return in_flight(setup.proxy.port(), "lr-test-ann") == 0; }));
  CHECK(quota_used(usage_of(setup.proxy.port(), "lr-test-ann"), "tokens_per_day") == 0);

  stalled.back().second = "stall-mid";
  HttpClient again("127.0.0.1", setup.proxy.port());
  const HttpResponse cut = again.post_json("/v1/chat/completions", chat_body("local-model", {{"stream", true}}), stalled);
  CHECK(cut.status == 200);
  CHECK_FALSE(cut.events.empty());
  CHECK(poll_until([&] { return in_flight(setup.proxy.port(), "lr-test-ann") == 0; }));
}
