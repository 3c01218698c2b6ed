// Anthropic Messages: message_start … message_stop events and the message body.
#include "simulator/messages_encoder.hpp"

#include "simulator/json_text.hpp"

namespace llmroute::simulator {
namespace {

std::string_view stop_reason(FinishReason reason) {
  switch (reason) {
    case FinishReason::stop:
      return "end_turn";
    case FinishReason::length:
      return "max_tokens";
    case FinishReason::tool_calls:
      return "tool_use";
  }
  return "end_turn";
}

void append_index(std::string& out, int index) { append_number(out, std::int64_t{index}); }

constexpr std::string_view kDeltaEnd = "\"}}\n\n";

}  // namespace

MessagesEncoder::MessagesEncoder(const ResponseMeta& meta, const Answer& answer) : meta_(meta), answer_(answer) {}

std::string MessagesEncoder::signature() const {
  // Opaque, like the real one; clients only hand it back.
  return "c2ltdWxhdGVkLXRoaW5raW5n" + meta_.id_suffix;
}

void MessagesEncoder::append_usage(std::string& out, int output_tokens) const {
  out += R"({"input_tokens":)";
  append_number(out, std::int64_t{meta_.prompt_tokens - meta_.cache_read_tokens - meta_.cache_creation_tokens});
  out += R"(,"cache_creation_input_tokens":)";
  append_number(out, std::int64_t{meta_.cache_creation_tokens});
  out += R"(,"cache_read_input_tokens":)";
  append_number(out, std::int64_t{meta_.cache_read_tokens});
  out += R"(,"output_tokens":)";
  append_number(out, std::int64_t{output_tokens});
  out += '}';
}

void MessagesEncoder::begin_stream(std::string& out) {
  out += "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_";
  out += meta_.id_suffix;
  out += R"(","type":"message","role":"assistant","model":)";
  append_json_string(out, meta_.model);
  out += R"(,"content":[],"stop_reason":null,"stop_sequence":null)";
  if (meta_.usage) {
    out += R"(,"usage":)";
    append_usage(out, 1);
  }
  out += "}}\n\n";
}

void MessagesEncoder::open_block(PieceKind kind, std::string& out) {
  ++block_index_;
  block_open_ = true;
  block_kind_ = kind;
  out += "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":";
  append_index(out, block_index_);
  out += R"(,"content_block":)";
  switch (kind) {
    case PieceKind::content:
      out += R"({"type":"text","text":""})";
      break;
    case PieceKind::reasoning:
      out += R"({"type":"thinking","thinking":"","signature":""})";
      break;
    case PieceKind::tool_arguments:
      out += R"({"type":"tool_use","id":"toolu_)";
      out += answer_.tool_call->id_suffix;
      out += R"(","name":)";
      append_json_string(out, answer_.tool_call->name);
      out += R"(,"input":{}})";
      break;
  }
  out += "}\n\n";
  if (!ping_sent_) {
    out += "event: ping\ndata: {\"type\":\"ping\"}\n\n";
    ping_sent_ = true;
  }
  std::string& prefix = kind == PieceKind::content     ? text_prefix_
                        : kind == PieceKind::reasoning ? thinking_prefix_
                                                       : json_prefix_;
  prefix = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":";
  append_index(prefix, block_index_);
  prefix += kind == PieceKind::content     ? R"(,"delta":{"type":"text_delta","text":")"
            : kind == PieceKind::reasoning ? R"(,"delta":{"type":"thinking_delta","thinking":")"
                                           : R"(,"delta":{"type":"input_json_delta","partial_json":")";
  if (kind == PieceKind::tool_arguments) {
    // The real API opens every tool_use block with an empty fragment.
    out += json_prefix_;
    out += kDeltaEnd;
  }
}

void MessagesEncoder::close_block(std::string& out) {
  if (!block_open_) return;
  if (block_kind_ == PieceKind::reasoning) {
    out += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":";
    append_index(out, block_index_);
    out += R"(,"delta":{"type":"signature_delta","signature":")";
    out += signature();
    out += kDeltaEnd;
  }
  out += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":";
  append_index(out, block_index_);
  out += "}\n\n";
  block_open_ = false;
}

void MessagesEncoder::piece(const Piece& piece, std::string& out) {
  if (!block_open_ || block_kind_ != piece.kind) {
    close_block(out);
    open_block(piece.kind, out);
  }
  switch (piece.kind) {
    case PieceKind::content:
      out += text_prefix_;
      break;
    case PieceKind::reasoning:
      out += thinking_prefix_;
      break;
    case PieceKind::tool_arguments:
      out += json_prefix_;
      break;
  }
  out += piece.text;
  out += kDeltaEnd;
}

void MessagesEncoder::end_stream(const Timings&, std::string& out) {
  close_block(out);
  out += "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"";
  out += stop_reason(answer_.finish);
  out += R"(","stop_sequence":null})";
  if (meta_.usage) {
    out += R"(,"usage":{"output_tokens":)";
    append_number(out, std::int64_t{answer_.completion_tokens});
    out += '}';
  }
  out += "}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
}

void MessagesEncoder::malformed_event(std::string& out) {
  out += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"tr";
  out += "\n\n";
}

std::string MessagesEncoder::whole_body(const Timings&) {
  std::string body = R"({"id":"msg_)";
  body += meta_.id_suffix;
  body += R"(","type":"message","role":"assistant","model":)";
  append_json_string(body, meta_.model);
  body += R"(,"content":[)";
  bool first = true;
  const auto separator = [&] {
    if (!first) body += ',';
    first = false;
  };
  if (answer_.reasoning_tokens > 0) {
    separator();
    body += R"({"type":"thinking","thinking":")";
    body += answer_.joined(PieceKind::reasoning);
    body += R"(","signature":")";
    body += signature();
    body += "\"}";
  }
  const std::string text = answer_.joined(PieceKind::content);
  if (!text.empty() || !answer_.tool_call) {
    separator();
    body += R"({"type":"text","text":")";
    body += text;
    body += "\"}";
  }
  if (answer_.tool_call) {
    separator();
    body += R"({"type":"tool_use","id":"toolu_)";
    body += answer_.tool_call->id_suffix;
    body += R"(","name":)";
    append_json_string(body, answer_.tool_call->name);
    body += R"(,"input":)";
    body += answer_.tool_call->arguments_json;
    body += '}';
  }
  body += R"(],"stop_reason":")";
  body += stop_reason(answer_.finish);
  body += R"(","stop_sequence":null)";
  if (meta_.usage) {
    body += R"(,"usage":)";
    append_usage(body, answer_.completion_tokens);
  }
  body += '}';
  return body;
}

}  // namespace llmroute::simulator
