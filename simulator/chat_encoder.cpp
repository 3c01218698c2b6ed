// OpenAI Chat Completions: chat.completion.chunk events and the chat.completion body.
#include "simulator/chat_encoder.hpp"

#include "simulator/encoder_parts.hpp"
#include "simulator/json_text.hpp"

namespace llmroute::simulator {
namespace {

constexpr std::string_view kDeltaSuffix = R"("},"logprobs":null,"finish_reason":null})";
constexpr std::string_view kToolDeltaSuffix = R"("}}]},"logprobs":null,"finish_reason":null})";

}  // namespace

ChatEncoder::ChatEncoder(const ResponseMeta& meta, const Answer& answer) : meta_(meta), answer_(answer) {
  head_ = R"(data: {"id":"chatcmpl-)";
  head_ += meta.id_suffix;
  head_ += R"(","object":"chat.completion.chunk","created":)";
  append_number(head_, meta.created);
  head_ += R"(,"model":)";
  append_json_string(head_, meta.model);
  head_ += R"(,"system_fingerprint":"fp_sim","choices":[)";
  tail_ = meta.usage && meta.stream_usage ? R"(],"usage":null})"
                                            "\n\n"
                                          : "]}\n\n";
  content_prefix_ = head_ + R"({"index":0,"delta":{"content":")";
  reasoning_prefix_ = head_ + R"({"index":0,"delta":{"reasoning_content":")";
  tool_prefix_ = head_ + R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":")";
}

std::string ChatEncoder::tool_call_id() const {
  const ToolCall& call = *answer_.tool_call;
  return call.mistral_id ? call.id_suffix.substr(0, 9) : "call_" + call.id_suffix;
}

void ChatEncoder::begin_stream(std::string& out) {
  out += head_;
  out += R"({"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null})";
  out += tail_;
}

void ChatEncoder::append_tool_header(std::string& out) {
  out += head_;
  out += R"({"index":0,"delta":{"tool_calls":[{"index":0,"id":")";
  out += tool_call_id();
  out += R"(","type":"function","function":{"name":)";
  append_json_string(out, answer_.tool_call->name);
  out += R"(,"arguments":""}}]},"logprobs":null,"finish_reason":null})";
  out += tail_;
  tool_header_sent_ = true;
}

void ChatEncoder::piece(const Piece& piece, std::string& out) {
  switch (piece.kind) {
    case PieceKind::content:
      out += content_prefix_;
      out += piece.text;
      out += kDeltaSuffix;
      break;
    case PieceKind::reasoning:
      out += reasoning_prefix_;
      out += piece.text;
      out += kDeltaSuffix;
      break;
    case PieceKind::tool_arguments:
      if (!tool_header_sent_) append_tool_header(out);
      out += tool_prefix_;
      out += piece.text;
      out += kToolDeltaSuffix;
      break;
  }
  out += tail_;
}

void ChatEncoder::end_stream(const Timings& timings, std::string& out) {
  // Every chunk carries "usage": null while the usage chunk is still to come, as OpenAI's do.
  append_openai_stream_end(out, head_, R"({"index":0,"delta":{},"logprobs":null,"finish_reason":")",
                           meta_.usage && meta_.stream_usage ? R"(,"usage":null)" : "", meta_, answer_, timings);
}

void ChatEncoder::malformed_event(std::string& out) {
  out += R"(data: {"id":"chatcmpl-)";
  out += meta_.id_suffix;
  out += R"(","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"tr)";
  out += "\n\n";
}

std::string ChatEncoder::whole_body(const Timings& timings) {
  std::string body;
  body.reserve(512 + answer_.pieces.size() * 8);
  body += R"({"id":"chatcmpl-)";
  body += meta_.id_suffix;
  body += R"(","object":"chat.completion","created":)";
  append_number(body, meta_.created);
  body += R"(,"model":)";
  append_json_string(body, meta_.model);
  body += R"(,"system_fingerprint":"fp_sim","choices":[{"index":0,"message":{"role":"assistant","content":)";
  const std::string content = answer_.joined(PieceKind::content);
  if (answer_.tool_call && content.empty()) {
    body += "null";
  } else {
    body += '"';
    body += content;
    body += '"';
  }
  if (answer_.reasoning_tokens > 0) {
    body += R"(,"reasoning_content":")";
    body += answer_.joined(PieceKind::reasoning);
    body += '"';
  }
  if (answer_.tool_call) {
    body += R"(,"tool_calls":[{"id":")";
    body += tool_call_id();
    body += R"(","type":"function","function":{"name":)";
    append_json_string(body, answer_.tool_call->name);
    body += R"(,"arguments":)";
    append_json_string(body, answer_.tool_call->arguments_json);
    body += "}}]";
  }
  body += R"(,"refusal":null},"logprobs":null,"finish_reason":")";
  body += openai_finish_reason(answer_.finish);
  body += '"';
  append_stop_reason(body, answer_);
  body += "}]";
  if (meta_.usage) {
    body += R"(,"usage":)";
    append_openai_usage(body, meta_, answer_);
  }
  if (meta_.timings) {
    body += R"(,"timings":)";
    append_timings(body, timings);
  }
  body += '}';
  return body;
}

}  // namespace llmroute::simulator
