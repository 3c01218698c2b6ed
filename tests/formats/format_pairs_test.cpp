// Every client API through the real proxy to every backend kind, streamed and whole: the client gets a
// well-formed answer in its own format; an overloaded backend reaches Anthropic clients as 529.
#include <doctest/doctest.h>

#include "formats/format_fixture.hpp"
#include "integration/proxy_fixture.hpp"

using namespace llmroute::test;

namespace {

/// The answer text a client of `api` assembles from a whole body or from its stream's events.
std::string answer_text(Api api, const HttpResponse& response, bool stream) {
  std::string text;
  if (!stream) {
    const auto body = response.json();
    switch (api) {
      case Api::chat: return std::string(body.at("choices").at(0).at("message").at("content").as_string());
      case Api::messages:
        for (const auto& block : body.at("content").as_array())
          if (block.at("type") == "text") text += block.at("text").as_string();
        return text;
      case Api::responses:
        for (const auto& item : body.at("output").as_array())
          if (item.at("type") == "message")
            for (const auto& part : item.at("content").as_array()) text += part.at("text").as_string();
        return text;
    }
  }
  if (api == Api::chat) return streamed_text(response);
  for (const auto& event : response.events) {
    if (event.data == "[DONE]") continue;
    const auto data = event.json();
    if (api == Api::messages && data.at("type") == "content_block_delta" && data.at("delta").at("type") == "text_delta")
      text += data.at("delta").at("text").as_string();
    if (api == Api::responses && data.at("type") == "response.output_text.delta") text += data.at("delta").as_string();
  }
  return text;
}

/// The last event a client of `api` expects at the end of a complete stream.
bool ends_properly(Api api, const HttpResponse& response) {
  if (response.events.empty()) return false;
  const auto& last = response.events.back();
  switch (api) {
    case Api::chat: return last.data == "[DONE]";
    case Api::messages: return last.json().at("type") == "message_stop";
    case Api::responses: return last.json().at("type") == "response.completed";
  }
  return false;
}

}  // namespace

TEST_CASE("chat, Messages and Responses clients get whole and streamed answers from every backend kind") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"});
  ProxyProcess proxy(kinds_config(sim.base_url()));
  HttpClient client("127.0.0.1", proxy.port());

  for (const Api api : {Api::chat, Api::messages, Api::responses}) {
    for (const char* backend : {"chat", "anthropic", "responses"}) {
      for (const bool stream : {false, true}) {
        INFO("client " << path_of(api) << ", backend " << backend << (stream ? ", streamed" : ", whole"));
        const HttpResponse response = client.post_json(path_of(api), body_for(api, std::string(backend) + "-model", stream),
                                                       {{"anthropic-version", "2023-06-01"}});
        REQUIRE(response.status == 200);
        CHECK(response.header("x-llmroute-backend") == backend);
        CHECK(answer_text(api, response, stream).size() > 8);
        if (stream) CHECK(ends_properly(api, response));
      }
    }
  }
}

TEST_CASE("an overloaded backend reaches an Anthropic client as 529 overloaded_error and a chat client as 503") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"});
  ProxyProcess proxy(kinds_config(sim.base_url()));
  HttpClient client("127.0.0.1", proxy.port());

  for (const bool stream : {false, true}) {
    INFO((stream ? "streamed" : "whole"));
    const HttpResponse messages = client.post_json("/v1/messages", body_for(Api::messages, "busy-model", stream));
    CHECK(messages.status == 529);
    CHECK(messages.json().at("type") == "error");
    CHECK(messages.json().at("error").at("type") == "overloaded_error");

    const HttpResponse chat = client.post_json("/v1/chat/completions", body_for(Api::chat, "busy-model", stream));
    CHECK(chat.status == 503);
    CHECK(chat.json().as_object().contains("error"));
  }
}
