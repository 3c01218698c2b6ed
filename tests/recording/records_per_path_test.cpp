// Every way a request can end leaves exactly one record with what happened, and records outlive the proxy.
#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <poll.h>
#include <sys/socket.h>

#include <map>

#include "support/closed_port.hpp"
#include "integration/proxy_fixture.hpp"

using namespace llmroute::test;

namespace {

/// One backend per behaviour (so a failing one never opens the circuit of another), all served by one
/// simulator whose per-model suffixes inject the behaviour; records go to `db`.
std::string recording_config(const std::string& sim_url, const std::string& db) {
  const auto backend = [&](const std::string& name, const std::string& upstream) {
    return "  - { name: " + name + ", url: '" + sim_url + "/v1', models: [{ name: " + name + "-model, upstream_name: '" +
           upstream + "' }] }\n";
  };
  return "server:\n  listen: 127.0.0.1:0\n  timeouts: { upstream_first_byte: 700ms, upstream_connect: 1s }\n"
         "backends:\n" +
         backend("ok", "sim-upstream") + backend("die", "sim-upstream+fault=die-mid") +
         backend("stall", "sim-upstream+fault=stall-headers") +
         backend("slow", "sim-upstream+tokens=200+tokens-per-second=50") +
         backend("llama", "sim-upstream+usage=off+timings=on") +
         "  - { name: dead, url: 'http://127.0.0.1:" + std::to_string(closed_port()) +
         "/v1', models: [{ name: dead-model }] }\n"
         "routing:\n  default: ok/ok-model\n  health: { probe_interval: 0 }\n"
         "records: { path: '" + db + "' }\n";
}

/// The records the proxy has written, by id; polls /admin/records until `ids` are all there (the writer
/// thread commits in batches) or the deadline passes.
std::map<std::string, std::vector<boost::json::object>> records_by_id(std::uint16_t port,
                                                                     const std::vector<std::string>& ids) {
  HttpClient admin("127.0.0.1", port);
  std::map<std::string, std::vector<boost::json::object>> found;
  poll_until(
      [&] {
        found.clear();
        const HttpResponse answer = admin.get("/admin/records?limit=1000");
        if (answer.status != 200) return false;
        const boost::json::value list = answer.json();
        for (const auto& value : list.as_array()) {
          const auto& record = value.as_object();
          found[std::string(record.at("id").as_string())].push_back(record);
        }
        for (const auto& id : ids)
          if (!found.contains(id)) return false;
        return true;
      },
      milliseconds(5000));
  return found;
}

/// How a raw client ends after sending its bytes.
enum class Ending {
  close,       ///< closes the connection at once, reading nothing
  half_close,  ///< shuts down its sending side and reads the answer until the proxy closes
  silence,     ///< sends nothing more and reads the answer until the proxy closes
};

/// Sends `bytes` to 127.0.0.1:`port` on a fresh connection, ends as `ending` says, and returns what the proxy
/// answered (read for 10 s at most: a proxy that hangs fails the test instead of the suite).
std::string send_raw(std::uint16_t port, const std::string& bytes, Ending ending) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(bytes));
  if (ending == Ending::close) return {};
  if (ending == Ending::half_close) socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send);
  const int fd = socket.native_handle();
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
  }
  return received;
}

HttpResponse post(HttpClient& client, const std::string& id, std::string body) {
  return client.post_json("/v1/chat/completions", std::move(body), {{"x-request-id", id}});
}

}  // namespace

TEST_CASE("every way a request ends leaves exactly one record saying what happened") {
  TempDir dir;
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"});
  ProxyProcess proxy(recording_config(sim.base_url(), (dir / "records.db").string()));
  HttpClient client("127.0.0.1", proxy.port());

  CHECK(post(client, "streamed", stream_body("ok-model")).status == 200);
  CHECK(post(client, "whole", chat_body("ok-model")).status == 200);
  CHECK(post(client, "bad-json", "{\"model\": \"ok-model\", \"messages\": [").status == 400);
  CHECK(post(client, "refused", chat_body("dead-model")).status == 502);
  CHECK(post(client, "stalled", stream_body("stall-model")).status == 504);
  const HttpResponse died = post(client, "died", stream_body("die-model"));
  CHECK(died.status == 200);
  CHECK(trailing_error_event(died).has_value());
  CHECK(post(client, "truncated", chat_body("ok-model", {{"max_tokens", 3}})).status == 200);
  CHECK(post(client, "llama", chat_body("llama-model")).status == 200);

  HttpRequest leaving;
  leaving.method = "POST";
  leaving.target = "/v1/chat/completions";
  leaving.body = stream_body("slow-model");
  leaving.headers = {{"content-type", "application/json"}, {"x-request-id", "gone"}};
  leaving.on_event = [](const SseEvent&) { return false; };
  HttpClient leaver("127.0.0.1", proxy.port());
  leaver.send(leaving);

  const auto records = records_by_id(
      proxy.port(), {"streamed", "whole", "bad-json", "refused", "stalled", "died", "truncated", "llama", "gone"});
  for (const char* id : {"streamed", "whole", "bad-json", "refused", "stalled", "died", "truncated", "llama", "gone"}) {
    INFO("request " << id);
    REQUIRE(records.contains(id));
    CHECK(records.at(id).size() == 1);
  }
  const auto field = [&](const char* id, const char* name) { return records.at(id).front().at(name); };

  CHECK(field("streamed", "status") == 200);
  CHECK(field("streamed", "failure") == "");
  CHECK(field("streamed", "output_tokens") == 12);
  CHECK(field("streamed", "usage_reported") == true);
  CHECK(field("streamed", "ttft_ms").to_number<double>() > 0);
  CHECK(field("whole", "status") == 200);
  CHECK(field("whole", "output_tokens") == 12);
  CHECK(field("bad-json", "status") == 400);
  CHECK(field("bad-json", "failure") == "bad_request");
  CHECK(field("refused", "status") == 502);
  CHECK(field("refused", "failure") == "upstream_refused");
  CHECK(field("refused", "backend") == "dead");
  CHECK(field("stalled", "status") == 504);
  CHECK(field("stalled", "failure") == "timeout");
  CHECK(field("died", "status") == 200);
  CHECK(field("died", "failure") == "upstream_error");
  CHECK(field("truncated", "finish_reason") == "length");
  CHECK(field("truncated", "truncated") == true);
  CHECK(field("llama", "usage_reported") == true);
  CHECK(field("llama", "output_tokens") == 12);
  CHECK(field("llama", "input_tokens").to_number<std::int64_t>() > 0);
  CHECK(field("gone", "client_disconnected") == true);
  CHECK(field("gone", "failure") == "client_gone");
}

TEST_CASE("a model request whose body never arrives whole leaves a record too: client gone silent, closing early, or over the limit") {
  TempDir dir;
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  std::string yaml = recording_config(sim.base_url(), (dir / "records.db").string());
  yaml.replace(yaml.find("  timeouts: {"), 13, "  max_body_bytes: 1KiB\n  timeouts: { client_read: 500ms,");
  ProxyProcess proxy(yaml);
  // 25 bytes of a body announced as 100, from claude-cli, on Anthropic's endpoint.
  const auto cut = [](const std::string& id, std::size_t announced) {
    return "POST /v1/messages HTTP/1.1\r\nHost: x\r\nUser-Agent: claude-cli/2.0.14 (external, cli)\r\nx-request-id: " + id +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(announced) +
           "\r\n\r\n{\"model\":\"x\",\"messages\":[";
  };
  const auto started = std::chrono::steady_clock::now();
  const std::string silent = send_raw(proxy.port(), cut("silent", 100), Ending::silence);
  CHECK(silent.starts_with("HTTP/1.1 408 "));
  CHECK(silent.find("x-request-id: silent\r\n") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));  // the client_read deadline, not a hang
  const std::string half = send_raw(proxy.port(), cut("half-closed", 100), Ending::half_close);
  CHECK(half.starts_with("HTTP/1.1 400 "));
  CHECK(half.find("the request body ended after 25 of the 100 bytes its Content-Length announced") != std::string::npos);
  send_raw(proxy.port(), cut("closed", 100), Ending::close);
  const std::string large = send_raw(proxy.port(), cut("too-large", 5000), Ending::silence);
  CHECK(large.starts_with("HTTP/1.1 413 "));

  const auto records = records_by_id(proxy.port(), {"silent", "half-closed", "closed", "too-large"});
  for (const char* id : {"silent", "half-closed", "closed", "too-large"}) {
    INFO("request " << id);
    REQUIRE(records.contains(id));
    CHECK(records.at(id).size() == 1);
    const auto& record = records.at(id).front();
    CHECK(record.at("endpoint") == "/v1/messages");
    CHECK(record.at("wire_format") == "anthropic");
    CHECK(record.at("client_tool") == "claude-cli");
  }
  const auto field = [&](const char* id, const char* name) { return records.at(id).front().at(name); };
  CHECK(field("silent", "status") == 408);
  CHECK(field("silent", "failure") == "client_timeout");
  CHECK(field("silent", "bytes_in") == 25);
  CHECK(field("half-closed", "status") == 400);
  CHECK(field("half-closed", "failure") == "bad_request");
  // A closed connection reads as the end of the body, as a half-close does: the 400 is sent to no one.
  CHECK(field("closed", "status") == 400);
  CHECK(field("too-large", "status") == 413);
  CHECK(field("too-large", "failure") == "payload_too_large");
  // The proxy is still serving.
  HttpClient client("127.0.0.1", proxy.port());
  CHECK(post(client, "after", chat_body("ok-model")).status == 200);
}

TEST_CASE("records written before a restart are still there after it") {
  TempDir dir;
  const std::string db = (dir / "records.db").string();
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  {
    ProxyProcess first(recording_config(sim.base_url(), db));
    HttpClient client("127.0.0.1", first.port());
    for (const char* id : {"before-1", "before-2", "before-3"}) CHECK(post(client, id, stream_body("ok-model")).status == 200);
    // SIGTERM drains the writer's queue before exit; nothing is polled first, so the drain is what is tested.
    CHECK(first.process().stop() == 0);
  }
  ProxyProcess second(recording_config(sim.base_url(), db));
  HttpClient client("127.0.0.1", second.port());
  CHECK(post(client, "after", chat_body("ok-model")).status == 200);
  const auto records = records_by_id(second.port(), {"before-1", "before-2", "before-3", "after"});
  for (const char* id : {"before-1", "before-2", "before-3", "after"}) {
    INFO("request " << id);
    REQUIRE(records.contains(id));
    CHECK(records.at(id).size() == 1);
    CHECK(records.at(id).front().at("status") == 200);
  }
}

TEST_CASE("legacy completions (IDE autocomplete) are measured like chat, streamed or not") {
  TempDir dir;
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "9"});
  ProxyProcess proxy(recording_config(sim.base_url(), (dir / "records.db").string()));
  HttpClient client("127.0.0.1", proxy.port());
  const auto completion = [&](const char* id, bool stream) {
    const std::string body = std::string(R"({"model":"ok-model","prompt":"def add(a, b):","max_tokens":50,"stream":)") +
                             (stream ? "true" : "false") + "}";
    return client.post_json("/v1/completions", body, {{"x-request-id", id}});
  };
  const HttpResponse streamed = completion("legacy-streamed", true);
  CHECK(streamed.status == 200);
  // The usage chunk the proxy asked for on the client's behalf never reaches the client.
  CHECK(streamed.body.find("\"usage\":{") == std::string::npos);
  CHECK(completion("legacy-whole", false).status == 200);

  const auto records = records_by_id(proxy.port(), {"legacy-streamed", "legacy-whole"});
  for (const char* id : {"legacy-streamed", "legacy-whole"}) {
    INFO("request " << id);
    REQUIRE(records.contains(id));
    const auto& record = records.at(id).front();
    CHECK(record.at("endpoint") == "/v1/completions");
    CHECK(record.at("output_tokens") == 9);
    CHECK(record.at("input_tokens").to_number<std::int64_t>() > 0);
    CHECK(record.at("usage_reported") == true);
    CHECK(record.at("finish_reason") == "stop");
  }
  CHECK(records.at("legacy-streamed").front().at("ttft_ms").to_number<double>() > 0);
}

TEST_CASE("a request naming its model is classified all the same: in its record and its x-llmroute-task header") {
  // Such a request is sent before it is classified (its task cannot change where it goes); the verdict
  // must still reach the answer's head, an error's head and the record.
  const std::string debugging =
      "Why does this crash?\nTraceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n"
      "    main()\nKeyError: 'user'";
  TempDir dir;
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"});
  ProxyProcess proxy(recording_config(sim.base_url(), (dir / "records.db").string()));
  HttpClient client("127.0.0.1", proxy.port());

  const HttpResponse streamed = post(client, "named-streamed", chat_body("ok-model", {{"stream", true}}, debugging));
  CHECK(streamed.status == 200);
  CHECK(streamed.header("x-llmroute-task") == "debugging");
  const HttpResponse whole = post(client, "named-whole", chat_body("ok-model", {}, debugging));
  CHECK(whole.status == 200);
  CHECK(whole.header("x-llmroute-task") == "debugging");
  const HttpResponse refused = post(client, "named-refused", chat_body("dead-model", {}, debugging));
  CHECK(refused.status == 502);
  CHECK(refused.header("x-llmroute-task") == "debugging");
  const HttpResponse stalled = post(client, "named-stalled", chat_body("stall-model", {{"stream", true}}, debugging));
  CHECK(stalled.status == 504);
  CHECK(stalled.header("x-llmroute-task") == "debugging");

  const auto records = records_by_id(proxy.port(), {"named-streamed", "named-whole", "named-refused", "named-stalled"});
  for (const char* id : {"named-streamed", "named-whole", "named-refused", "named-stalled"}) {
    CAPTURE(id);
    REQUIRE(records.contains(id));
    REQUIRE(records.at(id).size() == 1);
    const auto& record = records.at(id).front();
    CHECK(record.at("task").as_string() == "debugging");
    CHECK_FALSE(record.at("task_rule").as_string().empty());
    CHECK(record.at("reason").as_string() == "model named in request");
  }
}
