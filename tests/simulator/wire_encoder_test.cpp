// Tests of the OpenAI encoders: every event is valid JSON of the documented shape.
#include "simulator/wire_encoder.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

using namespace llmroute::simulator;
namespace json = boost::json;

namespace {

ResponseMeta meta_for_test() {
  ResponseMeta meta;
  meta.id_suffix = "abc";
  meta.created = 1700000000;
  meta.model = "sim\"model";
  meta.prompt_tokens = 12;
  return meta;
}

/// Runs a whole stream through the encoder and returns the data lines, in order.
std::vector<std::string> stream_data(WireEncoder& encoder, const Answer& answer) {
  std::string out;
  encoder.begin_stream(out);
  for (const auto& piece : answer.pieces) encoder.piece(piece, out);
  encoder.end_stream(Timings{12, 50, 3, 60}, out);
  std::vector<std::string> data;
  std::size_t at = 0;
  while (at < out.size()) {
    const auto end = out.find("\n\n", at);
    REQUIRE(end != std::string::npos);
    const std::string event = out.substr(at, end - at);
    REQUIRE(event.starts_with("data: "));
    data.push_back(event.substr(6));
    at = end + 2;
  }
  return data;
}

Answer short_answer() {
  AnswerSpec spec;
  spec.tokens = 3;
  return build_text_answer(spec);
}

}  // namespace

TEST_CASE("a chat stream is a role chunk, one chunk per token, a finish chunk and [DONE]") {
  const auto answer = short_answer();
  const auto meta = meta_for_test();
  const auto encoder = make_encoder(Endpoint::chat_completions, meta, answer);
  const auto data = stream_data(*encoder, answer);
  REQUIRE(data.size() == 1 + 3 + 1 + 1);
  CHECK(data.back() == "[DONE]");
  const auto role = json::parse(data[0]);
  CHECK(role.at("object") == "chat.completion.chunk");
  CHECK(role.at("id") == "chatcmpl-abc");
  CHECK(role.at("model") == "sim\"model");
  CHECK(role.at("choices").at(0).at("delta").at("role") == "assistant");
  std::string text;
  for (int i = 1; i <= 3; ++i) text += json::parse(data[i]).at("choices").at(0).at("delta").at("content").as_string();
  CHECK(text == "Here is a");
  const auto finish = json::parse(data[4]);
  CHECK(finish.at("choices").at(0).at("finish_reason") == "stop");
  CHECK_FALSE(finish.as_object().contains("timings"));
  CHECK_FALSE(finish.as_object().contains("usage"));
}

TEST_CASE("the usage chunk is streamed only when the client asked for it") {
  const auto answer = short_answer();
  auto meta = meta_for_test();
  meta.stream_usage = true;
  const auto data = stream_data(*make_encoder(Endpoint::chat_completions, meta, answer), answer);
  REQUIRE(data.size() == 7);
  CHECK(json::parse(data[1]).at("usage").is_null());
  const auto usage = json::parse(data[5]);
  CHECK(usage.at("choices").as_array().empty());
  CHECK(usage.at("usage").at("prompt_tokens") == 12);
  CHECK(usage.at("usage").at("completion_tokens") == 3);
  CHECK(usage.at("usage").at("total_tokens") == 15);

  meta.usage = false;
  CHECK(stream_data(*make_encoder(Endpoint::chat_completions, meta, answer), answer).size() == 6);
}

TEST_CASE("llama.cpp timings ride on the finish chunk when asked for") {
  const auto answer = short_answer();
  auto meta = meta_for_test();
  meta.timings = true;
  const auto data = stream_data(*make_encoder(Endpoint::chat_completions, meta, answer), answer);
  const auto timings = json::parse(data[4]).at("timings");
  CHECK(timings.at("prompt_n") == 12);
  CHECK(timings.at("predicted_n") == 3);
  CHECK(timings.at("predicted_ms").to_number<double>() == doctest::Approx(60));
  CHECK(timings.at("predicted_per_second").to_number<double>() == doctest::Approx(50));
}

TEST_CASE("a streamed tool call names the function once and streams its arguments") {
  ToolSpec tool;
  tool.name = "read_file";
  tool.argument = "path";
  const auto answer = build_tool_call_answer(tool, AnswerSpec{});
  const auto meta = meta_for_test();
  const auto data = stream_data(*make_encoder(Endpoint::chat_completions, meta, answer), answer);
  // role, tool header, three argument pieces, finish, [DONE]
  REQUIRE(data.size() == 7);
  const auto header = json::parse(data[1]).at("choices").at(0).at("delta").at("tool_calls").at(0);
  CHECK(header.at("id").as_string().starts_with("call_"));
  CHECK(header.at("function").at("name") == "read_file");
  std::string arguments;
  for (int i = 2; i <= 4; ++i) {
    arguments += json::parse(data[i])
                     .at("choices")
                     .at(0)
                     .at("delta")
                     .at("tool_calls")
                     .at(0)
                     .at("function")
                     .at("arguments")
                     .as_string();
  }
  CHECK(json::parse(arguments).at("path") == "README.md");
  CHECK(json::parse(data[5]).at("choices").at(0).at("finish_reason") == "tool_calls");
}

TEST_CASE("a non-streaming chat answer carries the message, reasoning and usage") {
  AnswerSpec spec;
  spec.tokens = 4;
  spec.think_tokens = 2;
  spec.think_style = ThinkStyle::field;
  const auto answer = build_text_answer(spec);
  const auto meta = meta_for_test();
  const auto body = json::parse(make_encoder(Endpoint::chat_completions, meta, answer)->whole_body(Timings{}));
  CHECK(body.at("object") == "chat.completion");
  const auto& message = body.at("choices").at(0).at("message");
  CHECK(message.at("content") == "Here is a simulated");
  CHECK(message.at("reasoning_content") == "Let me");
  CHECK(body.at("usage").at("completion_tokens_details").at("reasoning_tokens") == 2);
  CHECK(body.at("usage").at("completion_tokens") == 6);
}

TEST_CASE("a legacy completion streams text_completion chunks and ends with [DONE]") {
  const auto answer = short_answer();
  auto meta = meta_for_test();
  meta.stream_usage = true;
  const auto encoder = make_encoder(Endpoint::completions, meta, answer);
  const auto data = stream_data(*encoder, answer);
  REQUIRE(data.size() == 3 + 1 + 1 + 1);
  CHECK(json::parse(data[0]).at("object") == "text_completion");
  CHECK(json::parse(data[0]).at("choices").at(0).at("text") == "Here");
  CHECK(json::parse(data[3]).at("choices").at(0).at("finish_reason") == "stop");
  CHECK(json::parse(data[4]).at("usage").at("completion_tokens") == 3);
  const auto body = json::parse(encoder->whole_body(Timings{}));
  CHECK(body.at("choices").at(0).at("text") == "Here is a");
}

TEST_CASE("the malformed event is an SSE event whose data is not JSON") {
  const auto answer = short_answer();
  const auto meta = meta_for_test();
  std::string out;
  make_encoder(Endpoint::chat_completions, meta, answer)->malformed_event(out);
  REQUIRE(out.starts_with("data: "));
  REQUIRE(out.ends_with("\n\n"));
  boost::system::error_code ec;
  json::parse(out.substr(6), ec);
  CHECK(ec);
}

TEST_CASE("error bodies follow the OpenAI and Anthropic shapes") {
  const auto openai = json::parse(error_body(ErrorShape::openai, 429, "slow down"));
  CHECK(openai.at("error").at("message") == "slow down");
  CHECK(openai.at("error").at("code") == "rate_limit_exceeded");
  const auto anthropic = json::parse(error_body(ErrorShape::anthropic, 529, "busy"));
  CHECK(anthropic.at("type") == "error");
  CHECK(anthropic.at("error").at("type") == "overloaded_error");
}
