// What the format tests share: one simulator behind one backend per kind, and a request body per client API.
#pragma once

#include <boost/json.hpp>

#include <string>

namespace llmroute::test {

/// Backends `chat` (openai, also `busy-model`, which answers 503), `anthropic` and `responses`, all served by
/// the simulator at `sim_url`; `name-model` goes to backend `name`, and a model that is not configured to
/// `default_backend`'s model.
inline std::string kinds_config(const std::string& sim_url, const std::string& default_backend = "chat") {
  return "server:\n  listen: 127.0.0.1:0\n"
         "backends:\n"
         "  - { name: chat, kind: openai, url: '" + sim_url + "/v1', models: [{ name: chat-model, upstream_name: sim-upstream },"
         " { name: busy-model, upstream_name: 'sim-upstream+fault=503' }] }\n"
         "  - { name: anthropic, kind: anthropic, location: local, url: '" + sim_url + "/v1', models: [{ name: anthropic-model }] }\n"
         "  - { name: responses, kind: openai-responses, location: local, url: '" + sim_url + "/v1', models: [{ name: responses-model }] }\n"
         "routing:\n  default: " + default_backend + "/" + default_backend + "-model\n  health: { probe_interval: 0 }\n"
         "records: { enabled: false }\n";
}

/// The client APIs a request can come in by.
enum class Api { chat, messages, responses };

inline const char* path_of(Api api) {
  switch (api) {
    case Api::chat: return "/v1/chat/completions";
    case Api::messages: return "/v1/messages";
    case Api::responses: return "/v1/responses";
  }
  return "";
}

/// A one-line "hello" request of `api` for `model`, with `extra` top-level members.
inline std::string body_for(Api api, const std::string& model, bool stream, boost::json::object extra = {}) {
  boost::json::object body{{"model", model}, {"stream", stream}};
  const boost::json::array messages{boost::json::object{{"role", "user"}, {"content", "Say hello to the router"}}};
  switch (api) {
    case Api::chat: body["messages"] = messages; break;
    case Api::messages:
      body["messages"] = messages;
      body["max_tokens"] = 256;
      break;
    case Api::responses: body["input"] = "Say hello to the router"; break;
  }
  for (const auto& [key, value] : extra) body[key] = value;
  return boost::json::serialize(body);
}

}  // namespace llmroute::test
