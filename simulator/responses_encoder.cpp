// OpenAI Responses: response.created … response.completed events and the response object.
#include "simulator/responses_encoder.hpp"

#include "simulator/json_text.hpp"

namespace llmroute::simulator {
namespace {

std::string_view delta_type(PieceKind kind) {
  switch (kind) {
    case PieceKind::content:
      return "response.output_text.delta";
    case PieceKind::reasoning:
      return "response.reasoning_text.delta";
    case PieceKind::tool_arguments:
      return "response.function_call_arguments.delta";
  }
  return "response.output_text.delta";
}

}  // namespace

ResponsesEncoder::ResponsesEncoder(const ResponseMeta& meta, const Answer& answer) : meta_(meta), answer_(answer) {}

std::string ResponsesEncoder::item_id(PieceKind kind) const {
  switch (kind) {
    case PieceKind::content:
      return "msg_" + meta_.id_suffix;
    case PieceKind::reasoning:
      return "rs_" + meta_.id_suffix;
    case PieceKind::tool_arguments:
      return "fc_" + meta_.id_suffix;
  }
  return {};
}

void ResponsesEncoder::event(std::string& out, std::string_view type) {
  out += "event: ";
  out += type;
  out += "\ndata: {\"type\":\"";
  out += type;
  out += R"(","sequence_number":)";
  append_number(out, std::int64_t{sequence_++});
}

void ResponsesEncoder::append_response(std::string& out, bool done) const {
  const bool incomplete = done && answer_.finish == FinishReason::length;
  out += R"({"id":"resp_)";
  out += meta_.id_suffix;
  out += R"(","object":"response","created_at":)";
  append_number(out, meta_.created);
  out += R"(,"status":")";
  out += !done ? "in_progress" : incomplete ? "incomplete" : "completed";
  out += R"(","error":null,"incomplete_details":)";
  out += incomplete ? R"({"reason":"max_output_tokens"})" : "null";
  out += R"(,"instructions":null,"max_output_tokens":)";
  if (meta_.max_tokens) {
    append_number(out, std::int64_t{*meta_.max_tokens});
  } else {
    out += "null";
  }
  out += R"(,"model":)";
  append_json_string(out, meta_.model);
  out += R"(,"output":[)";
  if (done) out += done_items_;
  out += R"(],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},)"
         R"("store":false,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],)"
         R"("top_p":1.0,"truncation":"disabled","usage":)";
  if (done && meta_.usage) {
    out += R"({"input_tokens":)";
    append_number(out, std::int64_t{meta_.prompt_tokens});
    out += R"(,"input_tokens_details":{"cached_tokens":)";
    append_number(out, std::int64_t{meta_.cache_read_tokens});
    out += R"(},"output_tokens":)";
    append_number(out, std::int64_t{answer_.completion_tokens});
    out += R"(,"output_tokens_details":{"reasoning_tokens":)";
    append_number(out, std::int64_t{answer_.reasoning_tokens});
    out += R"(},"total_tokens":)";
    append_number(out, std::int64_t{meta_.prompt_tokens} + answer_.completion_tokens);
    out += '}';
  } else {
    out += "null";
  }
  out += R"(,"user":null,"metadata":{}})";
}

/// The open item as JSON: empty and in progress, or with its text and final status.
void ResponsesEncoder::append_item(std::string& out, bool done) const {
  const std::string_view status = !done                                    ? "in_progress"
                                  : answer_.finish == FinishReason::length ? "incomplete"
                                                                           : "completed";
  out += R"({"id":")";
  out += item_id(item_kind_);
  switch (item_kind_) {
    case PieceKind::content:
      out += R"(","type":"message","status":")";
      out += status;
      out += R"(","content":[)";
      if (done) {
        out += R"({"type":"output_text","text":")";
        out += item_text_;
        out += R"(","annotations":[]})";
      }
      out += R"(],"role":"assistant"})";
      break;
    case PieceKind::reasoning:
      out += R"(","type":"reasoning","summary":[],"content":[)";
      if (done) {
        out += R"({"type":"reasoning_text","text":")";
        out += item_text_;
        out += "\"}";
      }
      out += "]}";
      break;
    case PieceKind::tool_arguments:
      out += R"(","type":"function_call","status":")";
      out += status;
      out += R"(","arguments":")";
      if (done) out += item_text_;
      out += R"(","call_id":"call_)";
      out += answer_.tool_call->id_suffix;
      out += R"(","name":)";
      append_json_string(out, answer_.tool_call->name);
      out += '}';
      break;
  }
}

void ResponsesEncoder::open_item(PieceKind kind, std::string* out) {
  ++output_index_;
  item_open_ = true;
  item_kind_ = kind;
  item_text_.clear();
  if (out == nullptr) return;
  event(*out, "response.output_item.added");
  *out += R"(,"output_index":)";
  append_number(*out, std::int64_t{output_index_});
  *out += R"(,"item":)";
  append_item(*out, false);
  *out += "}\n\n";
  if (kind != PieceKind::tool_arguments) {
    event(*out, "response.content_part.added");
    *out += R"(,"item_id":")";
    *out += item_id(kind);
    *out += R"(","output_index":)";
    append_number(*out, std::int64_t{output_index_});
    *out += kind == PieceKind::content
                ? R"(,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}})"
                : R"(,"content_index":0,"part":{"type":"reasoning_text","text":""}})";
    *out += "\n\n";
  }
  delta_tail_ = R"(,"item_id":")";
  delta_tail_ += item_id(kind);
  delta_tail_ += R"(","output_index":)";
  append_number(delta_tail_, std::int64_t{output_index_});
  if (kind != PieceKind::tool_arguments) delta_tail_ += R"(,"content_index":0)";
  delta_tail_ += R"(,"delta":")";
}

void ResponsesEncoder::close_item(std::string* out) {
  if (!item_open_) return;
  item_open_ = false;
  if (out != nullptr) {
    const auto head = [&](std::string_view type) {
      event(*out, type);
      *out += R"(,"item_id":")";
      *out += item_id(item_kind_);
      *out += R"(","output_index":)";
      append_number(*out, std::int64_t{output_index_});
    };
    switch (item_kind_) {
      case PieceKind::content:
        head("response.output_text.done");
        *out += R"(,"content_index":0,"text":")";
        *out += item_text_;
        *out += "\",\"logprobs\":[]}\n\n";
        head("response.content_part.done");
        *out += R"(,"content_index":0,"part":{"type":"output_text","text":")";
        *out += item_text_;
        *out += "\",\"annotations\":[]}}\n\n";
        break;
      case PieceKind::reasoning:
        head("response.reasoning_text.done");
        *out += R"(,"content_index":0,"text":")";
        *out += item_text_;
        *out += "\"}\n\n";
        head("response.content_part.done");
        *out += R"(,"content_index":0,"part":{"type":"reasoning_text","text":")";
        *out += item_text_;
        *out += "\"}}\n\n";
        break;
      case PieceKind::tool_arguments:
        head("response.function_call_arguments.done");
        *out += R"(,"name":)";
        append_json_string(*out, answer_.tool_call->name);
        *out += R"(,"arguments":")";
        *out += item_text_;
        *out += "\"}\n\n";
        break;
    }
    event(*out, "response.output_item.done");
    *out += R"(,"output_index":)";
    append_number(*out, std::int64_t{output_index_});
    *out += R"(,"item":)";
    append_item(*out, true);
    *out += "}\n\n";
  }
  if (!done_items_.empty()) done_items_ += ',';
  append_item(done_items_, true);
}

void ResponsesEncoder::begin_stream(std::string& out) {
  event(out, "response.created");
  out += R"(,"response":)";
  append_response(out, false);
  out += "}\n\n";
  event(out, "response.in_progress");
  out += R"(,"response":)";
  append_response(out, false);
  out += "}\n\n";
}

void ResponsesEncoder::piece(const Piece& piece, std::string& out) {
  if (!item_open_ || item_kind_ != piece.kind) {
    close_item(&out);
    open_item(piece.kind, &out);
  }
  item_text_ += piece.text;
  event(out, delta_type(piece.kind));
  out += delta_tail_;
  out += piece.text;
  out += piece.kind == PieceKind::content ? "\",\"logprobs\":[]}\n\n" : "\"}\n\n";
}

void ResponsesEncoder::end_stream(const Timings&, std::string& out) {
  close_item(&out);
  event(out, answer_.finish == FinishReason::length ? "response.incomplete" : "response.completed");
  out += R"(,"response":)";
  append_response(out, true);
  out += "}\n\n";
}

void ResponsesEncoder::malformed_event(std::string& out) {
  out += "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"tr";
  out += "\n\n";
}

std::string ResponsesEncoder::whole_body(const Timings&) {
  for (const auto& piece : answer_.pieces) {
    if (!item_open_ || item_kind_ != piece.kind) {
      close_item(nullptr);
      open_item(piece.kind, nullptr);
    }
    item_text_ += piece.text;
  }
  close_item(nullptr);
  std::string body;
  append_response(body, true);
  return body;
}

}  // namespace llmroute::simulator
