// A backend that refuses llmroute's own key for it (401) or denies that key the model (403): a failure of the
// backend, never relayed as the client's own authentication error.
#include <doctest/doctest.h>

#include "proxy_fixture.hpp"

using namespace llmroute::test;

namespace {

/// Backends "keyed" (its key from CLOUD_TEST_KEY; the simulator answers 401), "denied" (no key; 403) and
/// "sim" (answers); debugging goes through all three in that order, `fallback` models through one each.
std::string key_config(const std::string& sim_url, const std::string& db) {
  return "server:\n  listen: 127.0.0.1:0\n"
         "backends:\n"
         "  - { name: keyed, location: cloud, url: '" + sim_url + "/v1', api_key_env: CLOUD_TEST_KEY,\n"
         "      models: [{ name: keyed-model, upstream_name: 'sim-upstream+fault=401' }] }\n"
         "  - { name: denied, url: '" + sim_url + "/v1', models: [{ name: denied-model, upstream_name: 'sim-upstream+fault=403' }] }\n"
         "  - { name: sim, url: '" + sim_url + "/v1', models: [{ name: good-model, upstream_name: sim-upstream }] }\n"
         "routing:\n"
         "  default: sim/good-model\n"
         "  tasks:\n"
         "    debugging: [keyed/keyed-model, denied/denied-model, sim/good-model]\n"
         "  health: { probe_interval: 0 }\n"
         "records: { path: '" + db + "' }\n";
}

/// Backend "shared" serves two models with one key: `refused-model` answers `status` (401: the key is rejected;
/// 403: the key has no access to that model), `open-model` answers. Debugging goes to shared/open-model, then
/// other/other-model. A circuit opens after two failures, for longer than the test runs.
std::string shared_backend_config(const std::string& sim_url, int status) {
  return "server:\n  listen: 127.0.0.1:0\n"
         "backends:\n"
         "  - { name: shared, url: '" + sim_url + "/v1', api_key_env: CLOUD_TEST_KEY,\n"
         "      models: [{ name: refused-model, upstream_name: 'sim-upstream+fault=" + std::to_string(status) + "' },\n"
         "               { name: open-model, upstream_name: sim-upstream }] }\n"
         "  - { name: other, url: '" + sim_url + "/v1', models: [{ name: other-model, upstream_name: sim-upstream }] }\n"
         "routing:\n"
         "  default: other/other-model\n"
         "  tasks:\n"
         "    debugging: [shared/open-model, other/other-model]\n"
         "  health: { probe_interval: 0, failures: 2, cooldown: 10m }\n"
         "records: { enabled: false }\n";
}

const char* kDebuggingPrompt =
    "Why does this crash?\nTraceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n"
    "    main()\nKeyError: 'user'";

/// The record of request `id`, polled from /admin/records until the writer thread committed it.
boost::json::object record_of(std::uint16_t port, const std::string& id) {
  HttpClient admin("127.0.0.1", port);
  boost::json::object found;
  poll_until(
      [&] {
        const HttpResponse answer = admin.get("/admin/records?limit=1000");
        if (answer.status != 200) return false;
        const boost::json::value records = answer.json();
        for (const auto& value : records.as_array())
          if (value.at("id").as_string() == id) found = value.as_object();
        return !found.empty();
      },
      milliseconds(5000));
  return found;
}

}  // namespace

TEST_CASE("a backend that refuses llmroute's key (401) or denies it the model (403) is fallen back from, and the reason says why") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  TempDir dir;
  ProxyProcess proxy(key_config(sim.base_url(), (dir / "records.db").string()), {"CLOUD_TEST_KEY=sk-cloud-wrong"});
  HttpClient client("127.0.0.1", proxy.port());

  const HttpResponse answer = client.post_json("/v1/messages",
                                               R"({"model":"claude-opus-4","max_tokens":100,"stream":true,"messages":[{"role":"user","content":)" +
                                                   boost::json::serialize(boost::json::value(kDebuggingPrompt)) + "}]}",
                                               {{"x-request-id", "fell-back"}});
  REQUIRE(answer.status == 200);
  CHECK(answer.header("x-llmroute-backend") == "sim");
  const std::string reason = answer.header("x-llmroute-reason");
  INFO(reason);
  CHECK(reason.find("fell back from keyed/keyed-model: backend 'keyed' answered 401") != std::string::npos);
  CHECK(reason.find("CLOUD_TEST_KEY") != std::string::npos);
  CHECK(reason.find("fell back from denied/denied-model: backend 'denied' answered 403") != std::string::npos);
  REQUIRE_FALSE(answer.events.empty());
  CHECK(answer.events.back().event == "message_stop");

  const auto record = record_of(proxy.port(), "fell-back");
  REQUIRE_FALSE(record.empty());
  CHECK(record.at("status").as_int64() == 200);
  CHECK(record.at("fallback_attempts").as_int64() == 2);
}

TEST_CASE("a backend's 401 or 403 with no candidate left reaches the client as 502 in its endpoint's shape, naming the backend, the key's variable and the backend's message") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  TempDir dir;
  ProxyProcess proxy(key_config(sim.base_url(), (dir / "records.db").string()), {"CLOUD_TEST_KEY=sk-cloud-wrong"});
  HttpClient client("127.0.0.1", proxy.port());

  const HttpResponse chat =
      client.post_json("/v1/chat/completions", stream_body("keyed-model"), {{"x-request-id", "chat-401"}});
  CHECK(chat.status == 502);
  CHECK(chat.header("content-type") == "application/json");
  CHECK(chat.header("x-llmroute-backend") == "keyed");
  const boost::json::value chat_body_json = chat.json();
  const auto& chat_error = chat_body_json.at("error").as_object();
  const std::string chat_message(chat_error.at("message").as_string());
  INFO(chat_message);
  CHECK(chat_message.find("backend 'keyed' answered 401") != std::string::npos);
  CHECK(chat_message.find("CLOUD_TEST_KEY") != std::string::npos);
  CHECK(chat_message.find("Incorrect API key provided (simulated)") != std::string::npos);
  CHECK(chat_error.at("type") == "server_error");

  // Claude Code: a 401 would make it tell its user to log in again.
  const HttpResponse messages = client.post_json(
      "/v1/messages", R"({"model":"denied-model","max_tokens":100,"messages":[{"role":"user","content":"hi"}]})",
      {{"x-request-id", "messages-403"}});
  CHECK(messages.status == 502);
  CHECK(messages.json().at("type") == "error");
  CHECK(messages.json().at("error").at("type") == "api_error");
  const std::string messages_message(messages.json().at("error").at("message").as_string());
  INFO(messages_message);
  CHECK(messages_message.find("backend 'denied' answered 403") != std::string::npos);
  CHECK(messages_message.find("no api_key_env") != std::string::npos);
  CHECK(messages_message.find("no access to this model (simulated)") != std::string::npos);

  // The connection serves the next request; the refused ones are recorded as the backend's failures.
  CHECK(client.post_json("/v1/chat/completions", chat_body("good-model")).status == 200);
  CHECK(client.connections_opened() == 1);
  const auto record = record_of(proxy.port(), "chat-401");
  REQUIRE_FALSE(record.empty());
  CHECK(record.at("status").as_int64() == 502);
  CHECK(record.at("failure").as_string() == "upstream_status");
  CHECK(record_of(proxy.port(), "messages-403").at("failure").as_string() == "upstream_status");
}

TEST_CASE("a backend's 403 for one model fails only that request: the backend's other models are still tried first and answer") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  ProxyProcess proxy(shared_backend_config(sim.base_url(), 403), {"CLOUD_TEST_KEY=sk-cloud-limited"});
  HttpClient client("127.0.0.1", proxy.port());
  const std::string debugging = chat_body("gpt-4o", {}, kDebuggingPrompt);

  for (int i = 0; i < 4; ++i) {
    const HttpResponse refused = client.post_json("/v1/chat/completions", chat_body("refused-model"));
    CHECK(refused.status == 502);
    CHECK(refused.header("x-llmroute-backend") == "shared");
  }
  const HttpResponse answer = client.post_json("/v1/chat/completions", debugging);
  CHECK(answer.status == 200);
  CHECK(answer.header("x-llmroute-backend") == "shared");
  CHECK(answer.header("x-llmroute-model") == "open-model");
  const std::string reason = answer.header("x-llmroute-reason");
  INFO(reason);
  CHECK(reason.find("unhealthy") == std::string::npos);
}

TEST_CASE("a backend's 401 counts against the whole backend: its key is rejected for every model, so its other models move last") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  ProxyProcess proxy(shared_backend_config(sim.base_url(), 401), {"CLOUD_TEST_KEY=sk-cloud-wrong"});
  HttpClient client("127.0.0.1", proxy.port());

  for (int i = 0; i < 2; ++i) CHECK(client.post_json("/v1/chat/completions", chat_body("refused-model")).status == 502);
  const HttpResponse answer = client.post_json("/v1/chat/completions", chat_body("gpt-4o", {}, kDebuggingPrompt));
  CHECK(answer.status == 200);
  CHECK(answer.header("x-llmroute-backend") == "other");
  const std::string reason = answer.header("x-llmroute-reason");
  INFO(reason);
  CHECK(reason.find("unhealthy last: shared/open-model") != std::string::npos);
}
