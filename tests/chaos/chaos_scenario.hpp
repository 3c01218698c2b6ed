// The chaos test's random requests: which endpoint, model, fault and client behaviour, and their bytes on the wire.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace llmroute::test {

enum class Endpoint { chat, messages, responses, completions };

/// How the client ends its exchange. Every one sends the whole request first, so the proxy reads (and records)
/// every request whatever the client does next.
enum class ClientExit {
  reads_all,             ///< reads the whole answer (on a kept-alive connection)
  reads_some,            ///< reads the first `bytes_before_leaving` bytes, then closes
  leaves_after_sending,  ///< closes `leave_delay` after the request is sent, reading nothing
};

inline const char* path_of(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::chat: return "/v1/chat/completions";
    case Endpoint::messages: return "/v1/messages";
    case Endpoint::responses: return "/v1/responses";
    case Endpoint::completions: return "/v1/completions";
  }
  return "/";
}

inline const char* exit_name(ClientExit exit) {
  switch (exit) {
    case ClientExit::reads_all: return "reads the whole answer";
    case ClientExit::reads_some: return "reads some bytes and leaves";
    case ClientExit::leaves_after_sending: return "leaves after sending";
  }
  return "";
}

/// One random request and what its client does.
struct Scenario {
  std::string id;  ///< sent as x-request-id, so its record can be found
  Endpoint endpoint = Endpoint::chat;
  bool stream = false;
  std::string body;
  std::string fault = "none";  ///< the simulator's fault kind (`llmroute simulate --help`), also in sim_headers
  /// x-sim-* headers: the fault the simulator injects and the shape of its answer (forwarded by the proxy).
  std::vector<std::pair<std::string, std::string>> sim_headers;
  ClientExit exit = ClientExit::reads_all;
  std::size_t bytes_before_leaving = 0;
  /// 0-2 ms: the proxy is then between reading the request and answering (routing, taking or replacing a backend
  /// connection, sending upstream), the moments a client leaving must not find anything half done.
  std::chrono::microseconds leave_delay{0};

  std::vector<std::pair<std::string, std::string>> headers() const {
    auto all = sim_headers;
    all.emplace_back("Content-Type", "application/json");
    all.emplace_back("x-request-id", id);
    return all;
  }

  /// The request as raw HTTP/1.1 bytes, asking the proxy to close the connection after its answer (so a client
  /// that waits for more bytes than a short answer has sees the end of it).
  std::string wire_bytes() const {
    std::string out = std::string("POST ") + path_of(endpoint) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    out += "Connection: close\r\n";
    for (const auto& [name, value] : headers()) out += name + ": " + value + "\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return out;
  }

  /// Everything needed to replay it by hand.
  std::string describe() const {
    std::string out = id + ": POST " + path_of(endpoint) + (stream ? " (stream)" : "") + ", client " + exit_name(exit);
    if (exit == ClientExit::reads_some) out += " after " + std::to_string(bytes_before_leaving) + " bytes";
    if (exit == ClientExit::leaves_after_sending) out += " " + std::to_string(leave_delay.count()) + " us later";
    for (const auto& [name, value] : sim_headers) out += ", " + name + ": " + value;
    return out + ", body " + body;
  }
};

namespace chaos_detail {

template <typename T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& options) {
  return options[std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(rng)];
}

inline bool chance(std::mt19937_64& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

/// The parameters of the one tool the requests offer: read(path).
inline boost::json::object schema() {
  return {{"type", "object"},
          {"properties", boost::json::object{{"path", boost::json::object{{"type", "string"}}}}},
          {"required", boost::json::array{"path"}}};
}

}  // namespace chaos_detail

/// Models the chaos config serves (one per backend kind), one it lacks (routed by task) and none at all.
inline const std::vector<std::string>& chaos_models() {
  static const std::vector<std::string> models = {"m1", "m2", "claude-x", "gpt-x", "nope", ""};
  return models;
}

/// Request number `index` of client thread `thread`: a function of (seed, thread, index) alone, so a failing
/// request can be replayed from its description or by running the same seed again.
inline Scenario make_scenario(std::uint64_t seed, unsigned thread, unsigned index) {
  using namespace chaos_detail;
  namespace json = boost::json;
  std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32), thread, index};
  std::mt19937_64 rng(sequence);

  Scenario s;
  s.id = "chaos-" + std::to_string(thread) + "-" + std::to_string(index);
  s.endpoint = pick(rng, std::vector<Endpoint>{Endpoint::chat, Endpoint::messages, Endpoint::responses,
                                               Endpoint::completions});
  s.stream = chance(rng, 0.6);
  const std::string model = pick(rng, chaos_models());
  // Prompts of three routed task kinds (debugging, commit-message, architecture) and one for the default route.
  const std::string prompt = pick(rng, std::vector<std::string>{"fix this bug: traceback in foo() when the list is empty",
                                                                "write a commit message for this diff",
                                                                "design the architecture of a distributed cache",
                                                                "Write a haiku about routers"});
  const bool tools = chance(rng, 0.5);

  json::object body;
  if (!model.empty()) body["model"] = model;
  body["stream"] = s.stream;
  switch (s.endpoint) {
    case Endpoint::chat:
      body["messages"] = json::array{json::object{{"role", "user"}, {"content", prompt}}};
      if (tools) {
        const json::object function{{"name", "read"}, {"parameters", schema()}};
        body["tools"] = json::array{json::object{{"type", "function"}, {"function", function}}};
      }
      if (s.stream && chance(rng, 0.5)) body["stream_options"] = json::object{{"include_usage", true}};
      if (chance(rng, 0.2)) body["max_tokens"] = 4;
      break;
    case Endpoint::messages:
      body["max_tokens"] = pick(rng, std::vector<int>{5, 100, 1000});
      body["messages"] = json::array{json::object{{"role", "user"}, {"content", prompt}}};
      if (tools) body["tools"] = json::array{json::object{{"name", "read"}, {"input_schema", schema()}}};
      break;
    case Endpoint::responses:
      body["input"] = prompt;
      if (tools) {
        body["tools"] = json::array{json::object{{"type", "function"}, {"name", "read"}, {"parameters", schema()}}};
      }
      if (chance(rng, 0.2)) body["max_output_tokens"] = 4;
      break;
    case Endpoint::completions:
      body["prompt"] = "def add(a, b):";
      body["max_tokens"] = 8;
      break;
  }
  s.body = json::serialize(body);
  // Now and then a body cut short: the proxy answers 400 without calling a backend.
  if (chance(rng, 0.03)) s.body.resize(s.body.size() / 2);

  s.fault = pick(rng, std::vector<std::string>{"none", "none", "none", "none", "none", "none", "refuse", "401", "403",
                                               "429", "500", "503", "overloaded", "stall-headers", "stall-mid",
                                               "die-mid", "malformed"});
  if (s.fault != "none") s.sim_headers.emplace_back("x-sim-fault", s.fault);
  if (chance(rng, 0.15)) s.sim_headers.emplace_back("x-sim-ignore-stream", "1");
  if (tools && chance(rng, 0.3)) s.sim_headers.emplace_back("x-sim-script", "tool");
  if (chance(rng, 0.15)) {
    s.sim_headers.emplace_back("x-sim-think", "5");
    s.sim_headers.emplace_back("x-sim-reasoning-field", chance(rng, 0.5) ? "1" : "0");
  }
  if (chance(rng, 0.1)) s.sim_headers.emplace_back("x-sim-usage", "off");

  // A quarter leave right after sending: between reading a request and answering it the proxy routes, takes or
  // replaces backend connections and falls back, where a client's leaving once made it touch a freed socket.
  const double exit = std::uniform_real_distribution<double>(0, 1)(rng);
  s.exit = exit < 0.6 ? ClientExit::reads_all : exit < 0.75 ? ClientExit::reads_some : ClientExit::leaves_after_sending;
  s.bytes_before_leaving = std::uniform_int_distribution<std::size_t>(1, 600)(rng);
  s.leave_delay = std::chrono::microseconds(std::uniform_int_distribution<int>(0, 2000)(rng));
  return s;
}

}  // namespace llmroute::test
