// A backend's max_concurrency through a real proxy and simulator: requests wait their turn, a wait past
// max_queue_wait is answered in the endpoint's wire format, and clients that leave give their slots back.
#include <doctest/doctest.h>

#include "scheduling/scheduling_fixture.hpp"

#include <memory>

using namespace llmroute::test;

namespace {

const std::string kInUse = "llmroute_backend_slots_in_use";
const std::string kQueued = "llmroute_backend_queued_requests";

/// A request that holds box's only slot: the simulator waits a minute before it answers.
std::unique_ptr<OpenRequest> hold_the_slot(const ScheduledBackend& b) {
  auto holder = std::make_unique<OpenRequest>(b.proxy.port(), "/v1/chat/completions", chat_body("local-model"),
                                              Headers{{"x-request-id", "holder"}, {"x-sim-ttft-ms", "60000"}});
  REQUIRE(b.wait_for_gauge(kInUse, 1));
  return holder;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string anthropic_body() {
  return R"({"model":"local-model","max_tokens":64,"messages":[{"role":"user","content":"Write a haiku about routers"}]})";
}

}  // namespace

TEST_CASE("requests beyond max_concurrency wait their turn and are served one at a time in arrival order") {
  ScheduledBackend b;
  CHECK(b.gauge(kInUse) == 0);
  CHECK(b.gauge(kQueued) == 0);
  auto holder = hold_the_slot(b);
  std::vector<std::string> ids;
  std::vector<std::unique_ptr<OpenRequest>> waiting;
  for (int k = 1; k <= 4; ++k) {
    ids.push_back("waiting-" + std::to_string(k));
    waiting.push_back(std::make_unique<OpenRequest>(b.proxy.port(), "/v1/chat/completions", chat_body("local-model"),
                                                    Headers{{"x-request-id", ids.back()}, {"x-sim-ttft-ms", "30"}}));
    REQUIRE(b.wait_for_gauge(kQueued, k));
  }
  holder->close();  // the holder leaves before its first byte: its slot goes to the first in line
  for (auto& request : waiting) CHECK(request->read_until("\r\n\r\n").starts_with("HTTP/1.1 200"));

  ids.push_back("holder");
  auto records = b.records_of(ids);
  REQUIRE(records.size() == 5);
  CHECK(records["holder"].at("client_disconnected").as_bool());
  double previous_end = ended_at(records["holder"]);
  for (int k = 0; k < 4; ++k) {
    const auto& record = records[ids[k]];
    INFO(ids[k]);
    CHECK(record.at("status").to_number<int>() == 200);
    CHECK(number(record, "queue_wait_ms") > 0);
    // Each one reached the backend only after the one before it had ended (stamps are whole milliseconds).
    CHECK(first_byte_at(record) >= previous_end - 2);
    previous_end = ended_at(record);
  }
  CHECK(b.wait_for_gauge(kInUse, 0));
  CHECK(b.gauge(kQueued) == 0);
}

TEST_CASE("a request waiting longer than max_queue_wait gets a 503 (Anthropic: 529) in the wire format of the endpoint it called") {
  ScheduledBackend b({.max_queue_wait = "300ms"});
  auto holder = hold_the_slot(b);
  HttpClient client("127.0.0.1", b.proxy.port());

  const HttpResponse chat = client.post_json("/v1/chat/completions", chat_body("local-model"), {{"x-request-id", "late-chat"}});
  CHECK(chat.status == 503);
  const auto chat_error = chat.json().at("error").as_object();
  CHECK(contains(std::string(chat_error.at("message").as_string()),
                 "backend 'box' is busy: none of its 1 slots (max_concurrency) came free within 300 ms"));
  CHECK(contains(chat.header("x-llmroute-reason"), "backend 'box' is busy"));
  CHECK(chat.header("x-llmroute-backend") == "box");

  const HttpResponse messages = client.post_json("/v1/messages", anthropic_body(),
                                                 {{"x-request-id", "late-messages"}, {"anthropic-version", "2023-06-01"}});
  // Anthropic's own word for 503 is 529 overloaded_error, which its clients retry.
  CHECK(messages.status == 529);
  const auto messages_json = messages.json().as_object();
  CHECK(messages_json.at("type").as_string() == "error");
  CHECK(messages_json.at("error").at("type").as_string() == "overloaded_error");
  CHECK(contains(std::string(messages_json.at("error").at("message").as_string()), "backend 'box' is busy"));

  auto records = b.records_of({"late-chat", "late-messages"});
  REQUIRE(records.size() == 2);
  CHECK(records["late-chat"].at("status").to_number<int>() == 503);
  CHECK(records["late-messages"].at("status").to_number<int>() == 529);
  for (const auto& [id, record] : records) {
    INFO(id);
    CHECK(record.at("failure").as_string() == "unavailable");
    CHECK(number(record, "queue_wait_ms") >= 299);  // the wait's timer never fires before its deadline
  }
  CHECK(b.gauge(kQueued) == 0);
  CHECK(b.gauge(kInUse) == 1);
  holder->close();
  CHECK(b.wait_for_gauge(kInUse, 0));
}

TEST_CASE("with queue_timeout_status 429 a late request gets a 429, and one with another candidate falls back to it") {
  ScheduledBackend b({.max_queue_wait = "200ms", .queue_timeout_status = 429, .spare_backend = true});
  auto holder = hold_the_slot(b);
  HttpClient client("127.0.0.1", b.proxy.port());

  const HttpResponse named = client.post_json("/v1/chat/completions", chat_body("local-model"), {{"x-request-id", "named"}});
  CHECK(named.status == 429);
  CHECK(contains(std::string(named.json().at("error").at("message").as_string()), "backend 'box' is busy"));

  const HttpResponse routed = client.post_json("/v1/chat/completions", chat_body("auto"), {{"x-request-id", "routed"}});
  CHECK(routed.status == 200);
  CHECK(routed.header("x-llmroute-backend") == "spare");
  CHECK(contains(routed.header("x-llmroute-reason"), "fell back from box/local-model: backend 'box' is busy"));

  auto records = b.records_of({"named", "routed"});
  REQUIRE(records.size() == 2);
  CHECK(records["named"].at("failure").as_string() == "rate_limited");
  CHECK(records["routed"].at("fallback_attempts").to_number<int>() == 1);
  CHECK(number(records["routed"], "queue_wait_ms") >= 199);
  holder->close();
  CHECK(b.wait_for_gauge(kInUse, 0));
}

TEST_CASE("a request refused with 429 after waiting max_queue_wait gets OpenAI's rate_limit_exceeded code and Anthropic's rate_limit_error") {
  ScheduledBackend b({.max_queue_wait = "200ms", .queue_timeout_status = 429});
  auto holder = hold_the_slot(b);
  HttpClient client("127.0.0.1", b.proxy.port());

  const HttpResponse chat = client.post_json("/v1/chat/completions", chat_body("local-model"));
  CHECK(chat.status == 429);
  const auto chat_error = chat.json().at("error").as_object();
  CHECK(chat_error.at("code").as_string() == "rate_limit_exceeded");  // what OpenAI's SDKs retry on
  CHECK(chat_error.at("type").as_string() == "requests");
  CHECK(contains(std::string(chat_error.at("message").as_string()), "backend 'box' is busy"));

  const HttpResponse messages = client.post_json("/v1/messages", anthropic_body(), {{"anthropic-version", "2023-06-01"}});
  CHECK(messages.status == 429);  // 429 stays 429: only 503 becomes Anthropic's 529
  const auto messages_json = messages.json().as_object();
  CHECK(messages_json.at("type").as_string() == "error");
  CHECK(messages_json.at("error").at("type").as_string() == "rate_limit_error");
  CHECK(contains(std::string(messages_json.at("error").at("message").as_string()), "backend 'box' is busy"));
  holder->close();
  CHECK(b.wait_for_gauge(kInUse, 0));
}

TEST_CASE("clients that leave while queued or while streaming give their slots back") {
  ScheduledBackend b;
  OpenRequest streaming(b.proxy.port(), "/v1/chat/completions", stream_body("local-model"),
                        {{"x-request-id", "streaming"}, {"x-sim-tokens", "100000"}, {"x-sim-chunk-interval-ms", "20"}});
  REQUIRE(streaming.read_until("data: ").starts_with("HTTP/1.1 200"));
  REQUIRE(b.gauge(kInUse) == 1);
  std::vector<std::string> ids;
  std::vector<std::unique_ptr<OpenRequest>> waiting;
  for (int k = 1; k <= 3; ++k) {
    ids.push_back("leaves-" + std::to_string(k));
    waiting.push_back(std::make_unique<OpenRequest>(b.proxy.port(), "/v1/chat/completions", chat_body("local-model"),
                                                    Headers{{"x-request-id", ids.back()}}));
    REQUIRE(b.wait_for_gauge(kQueued, k));
  }
  waiting[1]->close();  // from the middle of the queue
  CHECK(b.wait_for_gauge(kQueued, 2));
  waiting[0]->close();
  waiting[2]->close();
  CHECK(b.wait_for_gauge(kQueued, 0));
  CHECK(b.gauge(kInUse) == 1);
  streaming.close();
  CHECK(b.wait_for_gauge(kInUse, 0));
  CHECK(wait_for_stat(b.sim, "active_streams", 0) == 0);

  // Nothing leaked: the next request gets the slot without waiting.
  HttpClient client("127.0.0.1", b.proxy.port());
  CHECK(client.post_json("/v1/chat/completions", chat_body("local-model"), {{"x-request-id", "after"}}).status == 200);
  ids.push_back("streaming");
  ids.push_back("after");
  auto records = b.records_of(ids);
  REQUIRE(records.size() == 5);
  for (int k = 0; k < 3; ++k) {
    const auto& record = records[ids[k]];
    INFO(ids[k]);
    CHECK(record.at("client_disconnected").as_bool());
    CHECK(record.at("failure").as_string() == "client_gone");
    CHECK(record.at("status").to_number<int>() == 0);
    CHECK(number(record, "queue_wait_ms") > 0);
  }
  CHECK(records["streaming"].at("client_disconnected").as_bool());
  CHECK(records["streaming"].at("status").to_number<int>() == 200);
  CHECK(number(records["after"], "queue_wait_ms") == 0);
  CHECK(b.gauge(kInUse) == 0);
}
