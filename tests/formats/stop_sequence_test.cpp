// An Anthropic client's stop_sequences through the proxy to an OpenAI-compatible backend that says which stop string
// matched (vLLM's stop_reason, as the simulator sends it): the client gets stop_reason "stop_sequence" and the string.
#include <doctest/doctest.h>

#include "formats/format_fixture.hpp"
#include "integration/proxy_fixture.hpp"

using namespace llmroute::test;

namespace {

/// The stop_reason and stop_sequence of a Messages answer: the whole body's, or the stream's message_delta's.
std::pair<boost::json::value, boost::json::value> stop_of(const HttpResponse& response, bool stream) {
  if (!stream) {
    const boost::json::value body = response.json();
    return {body.at("stop_reason"), body.at("stop_sequence")};
  }
  for (const auto& event : response.events) {
    const boost::json::value data = event.json();
    if (data.at("type") == "message_delta") return {data.at("delta").at("stop_reason"), data.at("delta").at("stop_sequence")};
  }
  FAIL("no message_delta event");
  return {};
}

/// The text a Messages client assembles.
std::string text_of(const HttpResponse& response, bool stream) {
  std::string text;
  if (!stream) {
    const boost::json::value body = response.json();
    for (const auto& block : body.at("content").as_array())
      if (block.at("type") == "text") text += block.at("text").as_string();
    return text;
  }
  for (const auto& event : response.events) {
    const boost::json::value data = event.json();
    if (data.at("type") == "content_block_delta" && data.at("delta").at("type") == "text_delta")
      text += data.at("delta").at("text").as_string();
  }
  return text;
}

}  // namespace

TEST_CASE("an Anthropic client's stop sequence that a Chat backend names comes back as stop_sequence, whole and streamed") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "24"});
  ProxyProcess proxy(kinds_config(sim.base_url()));
  HttpClient client("127.0.0.1", proxy.port());
  for (const bool stream : {false, true}) {
    CAPTURE(stream);
    const HttpResponse met = client.post_json(
        "/v1/messages", body_for(Api::messages, "chat-model", stream, {{"stop_sequences", boost::json::array{"zzz", " answer"}}}),
        {{"anthropic-version", "2023-06-01"}});
    REQUIRE(met.status == 200);
    CHECK(met.header("x-llmroute-backend") == "chat");
    CHECK(text_of(met, stream) == "Here is a simulated");
    const auto [reason, sequence] = stop_of(met, stream);
    CHECK(reason == "stop_sequence");
    CHECK(sequence == " answer");

    // A stop sequence the answer never contains: the backend names none, and the turn simply ends.
    const HttpResponse unmet = client.post_json(
        "/v1/messages", body_for(Api::messages, "chat-model", stream, {{"stop_sequences", boost::json::array{"zzz"}}}),
        {{"anthropic-version", "2023-06-01"}});
    REQUIRE(unmet.status == 200);
    const auto [unmet_reason, unmet_sequence] = stop_of(unmet, stream);
    CHECK(unmet_reason == "end_turn");
    CHECK(unmet_sequence.is_null());
  }
  // The backend got the client's stop sequences as Chat's stop.
  CHECK(sim.stats().at("last_request").at("body").at("stop") == boost::json::array{"zzz"});
}
