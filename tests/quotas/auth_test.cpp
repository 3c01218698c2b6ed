// Keys through the real proxy: 401 in each wire format, 429 shapes, admin-only endpoints, `llmroute keys new`,
// and no keyless proxy on a non-loopback address.
#include <doctest/doctest.h>

#include <fstream>

#include "config/config_loader.hpp"
#include "quota_fixture.hpp"
#include "support/command_run.hpp"

using namespace llmroute::test;
namespace json = boost::json;

namespace {

QuotaSetupOptions three_users() {
  QuotaSetupOptions options;
  options.users = {{"ann", "lr-test-ann", "    role: admin\n"},
                   {"bob", "lr-test-bob", "    quotas: { requests_per_minute: 1 }\n"},
                   {"cem", "lr-test-cem", "    private: true\n"}};
  return options;
}

/// Runs `llmroute ARGS...` to completion and returns its exit status and stdout followed by stderr.
std::pair<int, std::string> run_llmroute(std::vector<std::string> args) {
  TempDir dir;
  const CommandResult result = llmroute::test::run_llmroute(dir.path(), std::move(args), milliseconds(20'000));
  return {result.exit_code, result.out + result.err};
}

}  // namespace

TEST_CASE("a request without a valid key gets 401 in the wire format of the endpoint it called, with OpenAI's own type and code on OpenAI's endpoints") {
  QuotaSetup setup(three_users());
  HttpClient client("127.0.0.1", setup.proxy.port());
  // OpenAI's own answers: a missing key is invalid_request_error without a code, a wrong one invalid_api_key.
  const HttpResponse openai = client.post_json("/v1/chat/completions", chat_body("local-model"));
  CHECK(openai.status == 401);
  CHECK(openai.header("www-authenticate") == "Bearer realm=\"llmroute\"");
  const json::value error = openai.json().at("error");
  CHECK(error.at("type") == "invalid_request_error");
  CHECK(error.at("code").is_null());
  CHECK(error.at("param").is_null());
  CHECK(std::string(error.at("message").as_string()).starts_with("no API key provided"));
  CHECK(std::string(error.at("message").as_string()).find("Authorization: Bearer KEY") != std::string::npos);
  const json::value wrong = client.post_json("/v1/chat/completions", chat_body("local-model"), bearer("lr-wrong")).json().at("error");
  CHECK(wrong.at("type") == "invalid_request_error");
  CHECK(wrong.at("code") == "invalid_api_key");

  const HttpResponse anthropic = client.post_json("/v1/messages", messages_body("local-model"), {{"x-api-key", "lr-wrong"}});
  CHECK(anthropic.status == 401);
  CHECK(anthropic.json().at("type") == "error");
  CHECK(anthropic.json().at("error").at("type") == "authentication_error");
  CHECK(anthropic.json().at("error").at("message") == "the API key is not one of this llmroute's users' keys");

  CHECK(client.get("/v1/usage").status == 401);
  CHECK(client.get("/v1/models").status == 401);
  CHECK(client.get("/healthz").status == 200);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 0);
  // The same requests with keys: Bearer for OpenAI's API, x-api-key for Anthropic's.
  CHECK(client.post_json("/v1/chat/completions", chat_body("local-model"), bearer("lr-test-bob")).status == 200);
  CHECK(client.post_json("/v1/messages", messages_body("local-model"), {{"x-api-key", "lr-test-ann"}}).status == 200);
}

TEST_CASE("a refused request gets 429 with Retry-After, naming the quota and its reset, in either wire format, with OpenAI's rate_limit_exceeded code") {
  QuotaSetup setup(three_users());
  HttpClient client("127.0.0.1", setup.proxy.port());
  REQUIRE(client.post_json("/v1/chat/completions", chat_body("local-model"), bearer("lr-test-bob")).status == 200);
  const HttpResponse openai = client.post_json("/v1/chat/completions", chat_body("local-model"), bearer("lr-test-bob"));
  CHECK(openai.status == 429);
  const int retry_after = std::stoi(openai.header("retry-after"));
  CHECK(retry_after >= 1);
  CHECK(retry_after <= 60);
  CHECK(openai.header("x-llmroute-quota") == "requests_per_minute");
  CHECK(openai.header("x-llmroute-quota-reset").ends_with("Z"));
  const json::value error = openai.json().at("error");
  CHECK(error.at("type") == "requests");  // OpenAI's type and code for a request rate limit
  CHECK(error.at("code") == "rate_limit_exceeded");
  const std::string message(error.at("message").as_string());
  CHECK(message.starts_with("quota requests_per_minute exceeded for user 'bob': 1 of 1 requests used in this minute; resets in "));
  CHECK(message.find(openai.header("x-llmroute-quota-reset")) != std::string::npos);

  const HttpResponse anthropic = client.post_json("/v1/messages", messages_body("local-model"), {{"x-api-key", "lr-test-bob"}});
  CHECK(anthropic.status == 429);
  CHECK_FALSE(anthropic.header("retry-after").empty());
  CHECK(anthropic.json().at("type") == "error");
  CHECK(anthropic.json().at("error").at("type") == "rate_limit_error");
  CHECK(std::string(anthropic.json().at("error").at("message").as_string()).starts_with("quota requests_per_minute exceeded"));
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 1);
}

TEST_CASE("a request over tokens_per_day gets 429 with OpenAI's type tokens and code rate_limit_exceeded, and Anthropic's rate_limit_error") {
  QuotaSetupOptions options;
  options.users = {{"ann", "lr-test-ann", "    quotas: { tokens_per_day: 100 }\n"}};
  QuotaSetup setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  const HttpResponse openai =
      client.post_json("/v1/chat/completions", chat_body("local-model", {{"max_tokens", 500}}), bearer("lr-test-ann"));
  CHECK(openai.status == 429);
  CHECK(openai.header("x-llmroute-quota") == "tokens_per_day");
  CHECK_FALSE(openai.header("retry-after").empty());
  const json::value error = openai.json().at("error");
  CHECK(error.at("type") == "tokens");  // OpenAI's type for a token rate limit, as the README says
  CHECK(error.at("code") == "rate_limit_exceeded");
  CHECK(std::string(error.at("message").as_string()).starts_with("quota tokens_per_day exceeded for user 'ann'"));

  json::object over = json::parse(messages_body("local-model")).as_object();
  over["max_tokens"] = 500;
  const HttpResponse anthropic = client.post_json("/v1/messages", json::serialize(over), {{"x-api-key", "lr-test-ann"}});
  CHECK(anthropic.status == 429);
  CHECK(anthropic.header("x-llmroute-quota") == "tokens_per_day");
  CHECK(anthropic.json().at("type") == "error");
  CHECK(anthropic.json().at("error").at("type") == "rate_limit_error");
  CHECK(std::string(anthropic.json().at("error").at("message").as_string()).starts_with("quota tokens_per_day exceeded"));
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 0);
}

TEST_CASE("usage, metrics and records need an admin's key; every user sees its own usage") {
  QuotaSetup setup(three_users());
  HttpClient client("127.0.0.1", setup.proxy.port());
  client.post_json("/v1/chat/completions", chat_body("local-model"), bearer("lr-test-bob"));
  client.post_json("/v1/chat/completions", chat_body("local-model"), bearer("lr-test-bob"));  // refused

  const json::object bob = usage_of(setup.proxy.port(), "lr-test-bob");
  CHECK(bob.at("user") == "bob");
  CHECK(bob.at("role") == "member");
  CHECK(bob.at("quotas").at("requests_per_minute").at("limit") == 1);
  CHECK(bob.at("quotas").at("tokens_per_day").at("limit").is_null());
  CHECK(bob.at("quotas").at("tokens_per_day").at("remaining").is_null());

  CHECK(client.get("/admin/usage", bearer("lr-test-bob")).status == 403);
  CHECK(client.get("/metrics", bearer("lr-test-bob")).status == 403);
  CHECK(client.get("/admin/records", bearer("lr-test-cem")).status == 403);
  CHECK(client.get("/metrics").status == 401);
  const HttpResponse all = client.get("/admin/usage", bearer("lr-test-ann"));
  REQUIRE(all.status == 200);
  const json::array users = all.json().at("users").as_array();
  REQUIRE(users.size() == 3);
  CHECK(users[0].at("user") == "ann");
  CHECK(users[1].at("quotas").at("requests_per_minute").at("used") == 1);
  CHECK(users[2].at("private") == true);
  const HttpResponse metrics = client.get("/metrics", bearer("lr-test-ann"));
  CHECK(metrics.status == 200);
  CHECK(metrics.body.find("llmroute_quota_refusals_total{user=\"bob\",quota=\"requests_per_minute\"} 1") != std::string::npos);
}

TEST_CASE("GET /report needs an admin's key and shows every user's quota use against its limits") {
  TempDir dir;
  QuotaSetupOptions options = three_users();
  options.users[1].extra = "    quotas: { tokens_per_day: 50000 }\n";
  options.records_path = (dir / "records.db").string();
  QuotaSetup setup(options);
  HttpClient client("127.0.0.1", setup.proxy.port());
  REQUIRE(client.post_json("/v1/chat/completions", chat_body("local-model"), bearer("lr-test-bob")).status == 200);
  CHECK(client.get("/report").status == 401);
  const HttpResponse member = client.get("/report", bearer("lr-test-bob"));
  CHECK(member.status == 403);
  CHECK(std::string(member.json().at("error").at("message").as_string()) == "/report needs an admin's key; user 'bob' is a member");
  HttpResponse report;
  // The record reaches the database through the writer thread: poll for bob's row.
  CHECK(poll_until([&] {
    report = client.get("/report", bearer("lr-test-ann"));
    return report.status == 200 && report.body.find("<td class=\"left\">bob</td><td>1</td>") != std::string::npos;
  }));
  CHECK(report.header("content-type").starts_with("text/html"));
  CHECK(report.body.find("<th>tokens today</th><th>cloud this month</th>") != std::string::npos);
  CHECK(report.body.find(" / 50,000 (") != std::string::npos);
  CHECK(report.body.find("<td class=\"left\">cem</td>") != std::string::npos);  // configured, no traffic yet
}

TEST_CASE("llmroute keys new prints a key once and the users: entry holding its SHA-256") {
  const auto [status, output] = run_llmroute({"keys", "new", "dana", "--role", "admin"});
  CHECK(status == 0);
  const auto key_at = output.find("#   lr-");
  REQUIRE(key_at != std::string::npos);
  const std::string key = output.substr(key_at + 4, output.find('\n', key_at) - key_at - 4);
  CHECK(key.size() == 46);
  const auto entry_at = output.find("  - name: dana\n");
  REQUIRE(entry_at != std::string::npos);
  const std::string entry = output.substr(entry_at);
  CHECK(entry.find("key_sha256: " + key_sha256(key) + "\n") != std::string::npos);
  CHECK(entry.find("role: admin") != std::string::npos);
  CHECK(output.find(key, key_at + 4 + key.size()) == std::string::npos);  // the key appears once

  // The printed entry is a valid config entry, and the key opens the proxy.
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "4"});
  QuotaSetupOptions none;
  const std::string yaml = quota_config(sim.base_url() + "/v1", "", none) + "auth: keys\nusers:\n" + entry;
  const auto config = llmroute::config::load_config_text(yaml, "keys.yaml");
  REQUIRE(config->access.users.size() == 1);
  CHECK(config->access.users[0].role == llmroute::config::Role::admin);
  ProxyProcess proxy(yaml);
  HttpClient client("127.0.0.1", proxy.port());
  CHECK(client.post_json("/v1/chat/completions", chat_body("local-model"), bearer(key)).status == 200);
  CHECK(client.get("/admin/usage", {{"x-api-key", key}}).status == 200);

  const auto [help_status, help] = run_llmroute({"keys", "--help"});
  CHECK(help_status == 0);
  CHECK(help.find("usage: llmroute keys new NAME") != std::string::npos);
  CHECK(run_llmroute({"keys", "new", "anonymous"}).first == 2);
}

TEST_CASE("without keys, serve refuses to listen anywhere but loopback") {
  SimulatorProcess sim;
  TempDir dir;
  std::ofstream(dir / "config.yaml") << quota_config(sim.base_url() + "/v1", "", QuotaSetupOptions{});
  const auto [status, output] = run_llmroute({"serve", "--config", (dir / "config.yaml").string(), "--listen", "0.0.0.0:0"});
  CHECK(status == 2);
  CHECK(output.find("refusing to listen on 0.0.0.0 with `auth: none`") != std::string::npos);
}
