// What clients can send that is not a well-formed request: each gets a well-formed HTTP answer with an
// error in the shape of the API it called, and the proxy keeps serving (found by fuzzing `llmroute serve`).
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "integration/proxy_fixture.hpp"

using namespace llmroute::test;
namespace json = boost::json;

namespace {

/// One response cut out of raw bytes: its status, headers and the body its Content-Length announces.
struct RawResponse {
  int status = 0;
  std::string head;
  std::string body;
};

/// The responses in `raw`, in order, framed by Content-Length (every error answer has one); `head_only`
/// marks answers to HEAD, which announce a length but carry no body.
std::vector<RawResponse> split_responses(const std::string& raw, std::vector<bool> head_only = {}) {
  std::vector<RawResponse> out;
  std::size_t at = 0;
  while (at < raw.size()) {
    const std::size_t end = raw.find("\r\n\r\n", at);
    if (end == std::string::npos) break;
    RawResponse r;
    r.head = raw.substr(at, end + 4 - at);
    r.status = std::atoi(r.head.substr(9, 3).c_str());
    const std::size_t length_at = r.head.find("Content-Length: ");
    const std::size_t length = length_at == std::string::npos ? 0 : std::stoul(r.head.substr(length_at + 16));
    const bool no_body = out.size() < head_only.size() && head_only[out.size()];
    at = end + 4;
    if (!no_body) {
      r.body = raw.substr(at, length);
      at += length;
    }
    out.push_back(std::move(r));
  }
  return out;
}

/// The message of an Anthropic error {"type":"error","error":{"type","message"}}; fails the test otherwise.
std::string anthropic_error_message(const std::string& body) {
  const json::value value = json::parse(body);
  REQUIRE(value.at("type") == "error");
  CHECK(value.at("error").at("type").is_string());
  return std::string(value.at("error").at("message").as_string());
}

std::string raw_post(const std::string& target, const std::string& extra_headers, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra_headers + "\r\n" + body;
}

}  // namespace

TEST_CASE("an Anthropic client's unreadable request gets its error in Anthropic's shape, not OpenAI's") {
  SimulatedBackend setup;
  const std::string too_many_headers = "X-Padding: " + std::string(70 * 1024, 'a') + "\r\n";
  const std::vector<std::pair<std::string, int>> cases = {
      {raw_post("/v1/messages?beta=true", too_many_headers, "{}"), 431},                     // headers over the limit
      {raw_post("/v1/messages", "Content-Length: 3\r\n", "{}"), 400},                        // two Content-Lengths
      {"POST /v1/messages/count_tokens HTTP/1.7\r\nHost: x\r\n\r\n", 400},                  // a bad request line
      {raw_post("/v1/messages", "", "").replace(0, 4, "P@ST"), 400},                         // a bad method
  };
  for (const auto& [request, status] : cases) {
    CAPTURE(request.substr(0, 60));
    const auto exchange = raw_exchange(setup.proxy.port(), request, milliseconds(10'000));
    const auto responses = split_responses(exchange.received);
    REQUIRE(responses.size() == 1);
    CHECK(responses[0].status == status);
    CHECK_FALSE(anthropic_error_message(responses[0].body).empty());
    CHECK(exchange.closed);
  }
  // An OpenAI client's gets OpenAI's.
  const auto openai = raw_exchange(setup.proxy.port(), raw_post("/v1/chat/completions", too_many_headers, "{}"), milliseconds(10'000));
  const auto responses = split_responses(openai.received);
  REQUIRE(responses.size() == 1);
  CHECK(responses[0].status == 431);
  CHECK(json::parse(responses[0].body).at("error").at("message").is_string());
}

TEST_CASE("an Anthropic client asking for a path under /v1/messages/ that llmroute lacks gets Anthropic's not_found_error") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const HttpResponse batches = client.post_json("/v1/messages/batches", "{}");
  CHECK(batches.status == 404);
  CHECK(json::parse(batches.body).at("error").at("type") == "not_found_error");
  CHECK(anthropic_error_message(batches.body) == "no such endpoint: POST /v1/messages/batches");
  const HttpResponse other = client.post_json("/v1/nothing", "{}");
  CHECK(other.status == 404);
  CHECK(json::parse(other.body).at("error").at("type") == "invalid_request_error");  // OpenAI's shape elsewhere
}

TEST_CASE("a HEAD request gets headers without a body, so the next request on the connection is answered right") {
  SimulatedBackend setup;
  const std::string request = "HEAD /no-such-path HTTP/1.1\r\nHost: x\r\n\r\n"
                              "HEAD /v1/models HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const auto exchange = raw_exchange(setup.proxy.port(), request, milliseconds(10'000));
  const auto responses = split_responses(exchange.received, {true, true, false});
  REQUIRE(responses.size() == 3);
  CHECK(responses[0].status == 404);
  CHECK(responses[1].status == 200);  // HEAD /v1/models is answered like GET, without the list
  CHECK(responses[1].head.find("Content-Length: 0\r\n") == std::string::npos);
  CHECK(responses[2].status == 200);
  CHECK(responses[2].body == R"({"status":"ok"})");
}

TEST_CASE("a request body in a transfer coding other than chunked gets 400 and the connection closes") {
  SimulatedBackend setup;
  // Read as an empty body, `{}{}` would otherwise be taken for the start of a next request.
  const std::string request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n{}{}";
  const auto exchange = raw_exchange(setup.proxy.port(), request, milliseconds(10'000));
  const auto responses = split_responses(exchange.received);
  REQUIRE(responses.size() == 1);
  CHECK(responses[0].status == 400);
  CHECK(std::string(json::parse(responses[0].body).at("error").at("message").as_string()).find("Transfer-Encoding") != std::string::npos);
  CHECK(exchange.closed);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 0);
}

TEST_CASE("an unknown path with bytes that are not UTF-8 gets a 404 whose JSON is valid UTF-8") {
  SimulatedBackend setup;
  const auto exchange = raw_exchange(setup.proxy.port(), "GET /\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", milliseconds(10'000));
  const auto responses = split_responses(exchange.received);
  REQUIRE(responses.size() == 1);
  CHECK(responses[0].status == 404);
  CHECK(responses[0].body.find('\xff') == std::string::npos);
  CHECK(std::string(json::parse(responses[0].body).at("error").at("message").as_string()) == "no such endpoint: GET /\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("a request whose field has the wrong type gets 400 naming the field and where, not 'malformed JSON'") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto chat = client.post_json("/v1/chat/completions", R"({"model":"local-model","messages":[{"role":"user","content":"x"},0.5]})");
  CHECK(chat.status == 400);
  CHECK(chat.json().at("error").at("message") == "\"messages\" has a value of the wrong type at byte 65");
  const auto messages = client.post_json("/v1/messages", R"({"model":"local-model","max_tokens":5,"system":[{"type":{}}],"messages":[]})");
  CHECK(messages.status == 400);
  CHECK(anthropic_error_message(messages.body).find("\"system\" has a value of the wrong type") == 0);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 0);
}

TEST_CASE("an operator asking for records or a report since an absurd duration ago gets an answer and the proxy keeps running") {
  TempDir dir;
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"});
  std::string yaml = proxy_config(sim.base_url() + "/v1");
  yaml.replace(yaml.find("records: { enabled: false }"), 27, "records: { path: '" + (dir / "records.db").string() + "' }");
  ProxyProcess proxy(yaml);
  HttpClient client("127.0.0.1", proxy.port());
  // 9999999999999 days in milliseconds does not fit in 64 bits.
  CHECK(client.get("/admin/records?since=9999999999999d").status == 200);
  CHECK(client.get("/report?since=9999999999999d").status == 200);
  CHECK(client.get("/healthz").status == 200);
}

TEST_CASE("a body nested deeper than 1024 levels gets 400 'too deep' where the nesting passes the limit, not at level 33") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const auto nested = [](std::size_t depth) {
    return R"({"model":"local-model","messages":[{"role":"user","content":"hi"}],"x":)" + std::string(depth, '[') +
           std::string(depth, ']') + "}";
  };
  CHECK(client.post_json("/v1/chat/completions", nested(1000)).status == 200);
  const auto deep = client.post_json("/v1/chat/completions", nested(2000));
  CHECK(deep.status == 400);
  const std::string message(deep.json().at("error").at("message").as_string());
  CHECK(message.find("too deep") != std::string::npos);
  CHECK(message.find("(byte 1094)") != std::string::npos);  // 70 bytes of members, then 1024 levels of arrays
}

TEST_CASE("an operator or usage path called with another method than GET gets 405, not 404") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  for (const char* path : {"/metrics", "/report", "/admin/records", "/admin/usage", "/v1/usage"}) {
    CAPTURE(path);
    const auto answer = client.post_json(path, "{}");
    CHECK(answer.status == 405);
    CHECK(answer.json().at("error").at("message").is_string());
  }
  CHECK(client.post_json("/admin/nothing-here", "{}").status == 404);
}

TEST_CASE("a 405 says in its Allow header which methods the path does answer") {
  SimulatedBackend setup;
  const std::string request = "GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\n"
                              "DELETE /v1/models HTTP/1.1\r\nHost: x\r\n\r\n"
                              "PUT /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
                              "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  const auto exchange = raw_exchange(setup.proxy.port(), request, milliseconds(10'000));
  const auto responses = split_responses(exchange.received);
  REQUIRE(responses.size() == 4);
  const char* allowed[] = {"Allow: POST\r\n", "Allow: GET, HEAD\r\n", "Allow: GET, HEAD\r\n", "Allow: GET\r\n"};
  for (std::size_t i = 0; i < responses.size(); ++i) {
    CAPTURE(responses[i].head);
    CHECK(responses[i].status == 405);
    CHECK(responses[i].head.find(allowed[i]) != std::string::npos);
  }
}

TEST_CASE("a HEAD request that cannot be read gets its error status and headers without a body") {
  SimulatedBackend setup;
  const std::string too_many_headers = "X-Padding: " + std::string(70 * 1024, 'a') + "\r\n";
  const std::vector<std::pair<std::string, int>> cases = {
      {"HEAD /\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400},                                  // a bad target
      {"HEAD /v1/models HTTP/1.7\r\nHost: x\r\n\r\n", 400},                             // a bad version
      {"HEAD / HTTP/1.1\r\nHost: x\r\n" + too_many_headers + "\r\n", 431},              // headers over the limit
      {"HEAD / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},  // a bad header
      {"HEAD / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400},          // an unknown transfer coding
  };
  for (const auto& [request, status] : cases) {
    CAPTURE(request.substr(0, 40));
    const auto exchange = raw_exchange(setup.proxy.port(), request, milliseconds(10'000));
    const auto responses = split_responses(exchange.received, {true});
    REQUIRE(responses.size() == 1);
    CHECK(responses[0].status == status);
    // Nothing after the head: a client reading the answer to its HEAD would take a body for the next answer.
    CHECK(exchange.received.size() == responses[0].head.size());
    CHECK(exchange.closed);
  }
  // The same unreadable request line as a GET gets its error body.
  const auto get = raw_exchange(setup.proxy.port(), "GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n", milliseconds(10'000));
  const auto responses = split_responses(get.received);
  REQUIRE(responses.size() == 1);
  CHECK(responses[0].status == 400);
  CHECK(json::parse(responses[0].body).at("error").at("message").is_string());
}

TEST_CASE("a request body cut short gets 400 saying at which line, column and byte it ends, in each API's error shape") {
  SimulatedBackend setup;
  HttpClient client("127.0.0.1", setup.proxy.port());
  const std::string expected = "malformed JSON at line 2 column 13 (byte 26): the body ends before its JSON does (incomplete JSON)";
  for (const char* path : {"/v1/chat/completions", "/v1/completions", "/v1/responses"}) {
    CAPTURE(path);
    const HttpResponse cut = client.post_json(path, "{\"model\":\"x\",\n\"messages\":[");
    CHECK(cut.status == 400);
    CHECK(std::string(cut.json().at("error").at("message").as_string()) == expected);
    CHECK(cut.json().at("error").at("type") == "invalid_request_error");
  }
  const HttpResponse messages = client.post_json("/v1/messages", "{\"model\":\"x\",\n\"messages\":[");
  CHECK(messages.status == 400);
  CHECK(anthropic_error_message(messages.body) == expected);
  CHECK(json::parse(messages.body).at("error").at("type") == "invalid_request_error");
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 0);
}
