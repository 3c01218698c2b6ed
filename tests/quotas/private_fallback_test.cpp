// Private users and fallback through real processes: when the local backend of a request fails before its first
// byte, a member's request falls back to the cloud, a private user's gets a clear 503 and the cloud never sees it.
#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>

#include "support/closed_port.hpp"
#include "quota_fixture.hpp"

using namespace llmroute::test;

namespace {

/// Local backend "box" (at `local_url`, model id `local_upstream`) first and cloud backend "cloud" second for
/// simple-coding; users "cem" (private) and "dan" (a member).
std::string fallback_config(const std::string& local_url, const std::string& local_upstream, const std::string& cloud_url) {
  return "server:\n  listen: 127.0.0.1:0\n  timeouts: { upstream_connect: 1s, upstream_first_byte: 1s }\n"
         "backends:\n"
         "  - { name: box, location: local, url: '" + local_url + "', models: [{ name: local-model, upstream_name: '" +
         local_upstream + "' }] }\n"
         "  - { name: cloud, location: cloud, url: '" + cloud_url + "', models: [{ name: cloud-model, upstream_name: sim-cloud }] }\n"
         "routing:\n"
         "  default: box/local-model\n"
         "  tasks: { simple-coding: [box/local-model, cloud/cloud-model] }\n"
         "  health: { probe_interval: 0 }\n"
         "records: { enabled: false }\n"
         "auth: keys\n"
         "users:\n"
         "  - { name: cem, key_sha256: " + key_sha256("lr-test-cem") + ", private: true }\n"
         "  - { name: dan, key_sha256: " + key_sha256("lr-test-dan") + " }\n";
}

const char* kSimpleCodingPrompt = "Explain this regex: ^[a-z]+@[a-z]+\\.com$";

std::string simple_chat() {
  return boost::json::serialize(boost::json::object{
      {"model", "auto"},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", kSimpleCodingPrompt}}}}});
}

std::string simple_messages() {
  return boost::json::serialize(boost::json::object{
      {"model", "auto"},
      {"max_tokens", 64},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", kSimpleCodingPrompt}}}}});
}

/// A private user's request for a local model that cannot answer: 503 on Chat Completions and 529
/// overloaded_error on Messages, each saying the cloud was not tried because the user is private; then a member's
/// request of the same kind falls back to the cloud. The cloud sees only the member's request.
void check_private_user_is_refused_and_member_falls_back(const std::string& local_url, const std::string& local_upstream,
                                                         const std::string& local_failure) {
  const std::vector<std::string> fast = {"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"};
  SimulatorProcess cloud(fast);
  ProxyProcess proxy(fallback_config(local_url, local_upstream, cloud.base_url() + "/v1"));
  HttpClient client("127.0.0.1", proxy.port());

  const HttpResponse chat = client.post_json("/v1/chat/completions", simple_chat(), bearer("lr-test-cem"));
  CHECK(chat.status == 503);
  CHECK(chat.header("x-llmroute-task") == "simple-coding");
  CHECK(chat.header("x-llmroute-backend") == "box");
  CHECK(chat.header("x-llmroute-reason").find("skipped cloud/cloud-model (private)") != std::string::npos);
  const boost::json::value body = chat.json();
  const boost::json::object& error = body.at("error").as_object();
  CHECK(error.at("type") == "service_unavailable");
  const std::string message(error.at("message").as_string());
  CAPTURE(message);
  CHECK(message.find("backend 'box'") != std::string::npos);
  CHECK(message.find(local_failure) != std::string::npos);
  CHECK(message.find("a private user's requests never go to a cloud backend") != std::string::npos);

  Headers anthropic{{"x-api-key", "lr-test-cem"}, {"anthropic-version", "2023-06-01"}};
  const HttpResponse messages = client.post_json("/v1/messages", simple_messages(), anthropic);
  CHECK(messages.status == 529);
  CHECK(messages.json().at("type") == "error");
  CHECK(messages.json().at("error").at("type") == "overloaded_error");
  CHECK(std::string(messages.json().at("error").at("message").as_string()).find("private user") != std::string::npos);
  CHECK(cloud.stats().at("requests").to_number<std::int64_t>() == 0);

  // The refused requests were refunded and hold no slot (settled once their answer went out).
  CHECK(poll_until([&] {
    const boost::json::object usage = usage_of(proxy.port(), "lr-test-cem");
    return quota_used(usage, "tokens_per_day") == 0 && usage.at("in_flight") == 0;
  }));

  const HttpResponse member = client.post_json("/v1/chat/completions", simple_chat(), bearer("lr-test-dan"));
  CHECK(member.status == 200);
  CHECK(member.header("x-llmroute-route") == "cloud");
  CHECK(member.header("x-llmroute-backend") == "cloud");
  CHECK(member.header("x-llmroute-reason").find("fell back from box/local-model") != std::string::npos);
  CHECK(requests_to(cloud, "/v1/chat/completions") == 1);
  CHECK(cloud.stats().at("requests").to_number<std::int64_t>() == 1);
}

}  // namespace

TEST_CASE("a private user's request is refused with 503 when the local backend refuses connections, while a member's falls back to the cloud") {
  check_private_user_is_refused_and_member_falls_back("http://127.0.0.1:" + std::to_string(closed_port()) + "/v1",
                                                      "sim-upstream", "is unreachable");
}

TEST_CASE("a private user's request is refused with 503 when the local backend closes the connection before answering, while a member's falls back") {
  SimulatorProcess box({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"});
  check_private_user_is_refused_and_member_falls_back(box.base_url() + "/v1", "sim-upstream+fault=refuse",
                                                      "closed the connection without answering");
}

TEST_CASE("a private user's request is refused with 503 when the local backend answers 500, while a member's falls back") {
  SimulatorProcess box({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"});
  check_private_user_is_refused_and_member_falls_back(box.base_url() + "/v1", "sim-upstream+fault=500", "answered 500");
}

TEST_CASE("a private user's request is refused with 503 when the local backend sends no headers in time, while a member's falls back") {
  SimulatorProcess box({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"});
  check_private_user_is_refused_and_member_falls_back(box.base_url() + "/v1", "sim-upstream+fault=stall-headers",
                                                      "sent no answer within 1000 ms");
}
