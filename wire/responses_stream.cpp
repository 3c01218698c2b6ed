// OpenAI Responses streams: decoding backend events and encoding client events.
#include <map>
#include <optional>
#include <vector>

#include "wire/format_mappings.hpp"
#include "wire/json_dom.hpp"
#include "wire/json_writer.hpp"
#include "wire/stream_hub.hpp"

namespace llmroute::wire {

namespace {

/// Reads `response.*` events. Function calls are keyed by output_index; arguments may arrive as
/// deltas, only in `.done`, or only in `output_item.done` — whichever comes first is used.
class ResponsesDecoder final : public StreamDecoder {
 public:
  void decode(const SseEvent& event, StreamHub& hub) override {
    if (event.data.empty() || event.data == "[DONE]") return;
    const auto document = json_.parse(event.data, error_);
    if (!document || !is_object(*document)) {
      hub.fail("the backend sent a malformed event (" + (document ? std::string("not an object") : error_) +
               "): " + excerpt(event.data));
      return;
    }
    auto type = string_field(*document, "type");
    if (type.empty()) type = event.event;
    if (const auto number = integer_field(*document, "sequence_number")) hub.sequence_number(*number);
    const auto output_index = integer_field(*document, "output_index").value_or(0);
    if (type == "response.created" || type == "response.in_progress") {
      if (const auto response = field(*document, "response")) {
        hub.start(string_field(*response, "id"), string_field(*response, "model"),
                  integer_field(*response, "created_at").value_or(0));
      }
    } else if (type == "response.output_text.delta" || type == "response.refusal.delta") {
      hub.text(string_field(*document, "delta"));
      reasoning_last_ = false;
    } else if (type == "response.reasoning_summary_text.delta" || type == "response.reasoning_text.delta") {
      const auto delta = string_field(*document, "delta");
      hub.reasoning(delta);
      reasoning_last_ = reasoning_last_ || !delta.empty();
    } else if (type == "response.reasoning_summary_part.added") {
      // Each summary part is a paragraph of its own ("**Title**\n\n…"): one thinking text keeps them apart.
      if (reasoning_last_) hub.reasoning("\n\n");
    } else if (type == "response.output_item.added") {
      if (const auto item = field(*document, "item")) begin_call(output_index, *item, hub);
    } else if (type == "response.function_call_arguments.delta") {
      if (auto* call = find(output_index)) {
        call->streamed = true;
        hub.tool_arguments(call->slot, string_field(*document, "delta"));
      }
    } else if (type == "response.function_call_arguments.done") {
      if (auto* call = find(output_index); call != nullptr && !call->streamed) {
        call->streamed = true;
        hub.tool_arguments(call->slot, string_field(*document, "arguments"));
      }
    } else if (type == "response.custom_tool_call_input.delta") {
      if (auto* call = find(output_index)) call->custom_input.append(string_field(*document, "delta"));
    } else if (type == "response.output_item.done") {
      if (const auto item = field(*document, "item")) finish_call(output_index, *item, hub);
    } else if (type == "response.completed" || type == "response.incomplete") {
      if (const auto response = field(*document, "response")) complete(*response, hub);
      hub.done();
    } else if (type == "response.failed") {
      std::string_view message;
      if (const auto response = field(*document, "response")) {
        if (const auto error = field(*response, "error")) message = string_field(*error, "message");
      }
      hub.backend_error("the backend reported an error: " + std::string(message.empty() ? excerpt(event.data) : message));
    } else if (type == "error") {
      const auto message = string_field(*document, "message");
      hub.backend_error("the backend reported an error: " + std::string(message.empty() ? excerpt(event.data) : message));
    }
  }

  void flush(StreamHub&) override {}

 private:
  struct Call {
    std::size_t slot = 0;
    bool custom = false;
    bool streamed = false;
    std::string custom_input;
  };

  Call* find(std::int64_t output_index) {
    const auto found = calls_.find(output_index);
    return found == calls_.end() ? nullptr : &found->second;
  }

  void begin_call(std::int64_t output_index, simdjson::dom::element item, StreamHub& hub) {
    const auto type = string_field(item, "type");
    if (type != "function_call" && type != "custom_tool_call") return;
    if (find(output_index) != nullptr) return;
    reasoning_last_ = false;
    Call call{.slot = next_slot_++, .custom = type == "custom_tool_call", .streamed = false, .custom_input = {}};
    calls_.emplace(output_index, call);
    hub.tool_begin(call.slot, string_field(item, "call_id"),
                   flatten_tool_name(string_field(item, "namespace"), string_field(item, "name")));
  }

  void finish_call(std::int64_t output_index, simdjson::dom::element item, StreamHub& hub) {
    const auto type = string_field(item, "type");
    if (type != "function_call" && type != "custom_tool_call") return;
    begin_call(output_index, item, hub);
    auto* call = find(output_index);
    if (call == nullptr || call->streamed) return;
    call->streamed = true;
    if (!call->custom) {
      hub.tool_arguments(call->slot, string_field(item, "arguments"));
      return;
    }
    std::string input(string_field(item, "input"));
    if (input.empty()) input = call->custom_input;
    std::string arguments = R"({"input":)";
    append_json_string(arguments, input);
    arguments.push_back('}');
    hub.tool_arguments(call->slot, arguments);
  }

  void complete(simdjson::dom::element response, StreamHub& hub) {
    std::string_view incomplete_reason;
    if (const auto details = field(response, "incomplete_details"))
      incomplete_reason = string_field(*details, "reason");
    hub.finish_reason(finish_from_responses(string_field(response, "status"), incomplete_reason, !calls_.empty()));
    if (const auto usage = field(response, "usage"); usage && is_object(*usage)) {
      auto& counts = hub.usage();
      counts.input = count_field(*usage, "input_tokens").value_or(0);
      counts.output = count_field(*usage, "output_tokens").value_or(0);
      if (const auto details = field(*usage, "input_tokens_details")) {
        counts.cache_read = count_field(*details, "cached_tokens").value_or(0);
      }
      if (const auto details = field(*usage, "output_tokens_details")) {
        counts.reasoning = count_field(*details, "reasoning_tokens").value_or(0);
      }
      hub.usage_reported();
    }
  }

  EventJson json_;
  std::string error_;
  std::map<std::int64_t, Call> calls_;
  std::size_t next_slot_ = 0;
  bool reasoning_last_ = false;  // the last content relayed was reasoning
};

/// Writes `response.*` events with sequence numbers, the shape Codex and the OpenAI SDKs read:
/// items are opened and closed with their added/done events, and the stream always ends with
/// response.completed (status "incomplete" when the token limit cut the answer) or
/// response.failed. Tool names get their namespace and custom-tool shape back.
class ResponsesEncoder final : public StreamEncoder {
 public:
  explicit ResponsesEncoder(TranslationContext context) : context_(std::move(context)) {}

  void start(const StreamSummary& summary, std::string& out) override {
    id_ = client_id("resp_", context_, summary.upstream_id);
    model_ = context_.model.empty() ? summary.model : context_.model;
    created_ = context_.created != 0 ? context_.created : summary.created;
    emit_response(out, "response.created", "in_progress", nullptr);
    emit_response(out, "response.in_progress", "in_progress", nullptr);
  }

  void text(std::string_view delta, std::string& out) override {
    auto& item = open_item(ItemKind::text, out);
    item.data.text.append(delta);
    event_begin("response.output_text.delta");
    w_.member("item_id", item.id).member("output_index", item.output_index).member("content_index", 0);
    w_.member("delta", delta).key("logprobs").raw("[]");
    event_end(out);
  }

  void reasoning(std::string_view delta, std::string& out) override {
    auto& item = open_item(ItemKind::reasoning, out);
    item.data.text.append(delta);
    event_begin("response.reasoning_summary_text.delta");
    w_.member("item_id", item.id).member("output_index", item.output_index).member("summary_index", 0);
    w_.member("delta", delta);
    event_end(out);
  }

  void tool_begin(std::size_t slot, std::string_view id, std::string_view name, std::string& out) override {
    close_content_item(out);
    Item item;
    item.data = make_item(ItemKind::tool_call);
    item.data.call_id = id;
    item.data.name = name;
    item.custom = is_custom_tool(context_.tool_names, name);
    item.output_index = items_.size();
    item.id = std::string(item.custom ? "ctc_" : "fc_") + id_.substr(5) + "_" + std::to_string(item.output_index);
    if (slot >= item_of_slot_.size()) item_of_slot_.resize(slot + 1, 0);
    item_of_slot_[slot] = items_.size();
    items_.push_back(std::move(item));
    const auto& added = items_.back();
    event_begin("response.output_item.added");
    w_.member("output_index", added.output_index).key("item");
    write_in_progress_call(added);
    event_end(out);
  }

  void tool_arguments(std::size_t slot, std::string_view delta, std::string& out) override {
    auto& item = items_[item_of_slot_[slot]];
    item.data.arguments.append(delta);
    if (item.custom) return;  // free-form input is only known once its JSON wrapper is complete
    event_begin("response.function_call_arguments.delta");
    w_.member("item_id", item.id).member("output_index", item.output_index).member("delta", delta);
    event_end(out);
  }

  void end(const StreamSummary& summary, const Usage& usage, std::string& out) override {
    close_content_item(out);
    for (auto& item : items_) {
      if (item.data.kind == ItemKind::tool_call && !item.closed) close_call(item, out);
    }
    const auto finish = effective_finish(summary.finish_reason, summary.tool_calls > 0);
    const bool incomplete = finish == FinishReason::length || finish == FinishReason::content_filter;
    finish_ = finish;
    emit_response(out, "response.completed", incomplete ? "incomplete" : "completed", &usage);
  }

  void resume(const StreamSummary& summary) override {
    std::string relayed;
    start(summary, relayed);
    // The SDKs and Codex expect sequence numbers to grow through the whole stream, relayed events included.
    sequence_ = static_cast<std::size_t>(summary.last_sequence_number + 1);
  }

  void error(std::string_view message, std::string& out) override {
    // The SDKs build the response from response.created and reject a stream that starts otherwise, which
    // would hide the message of a backend that failed before its first event.
    if (id_.empty()) start(StreamSummary{}, out);
    error_ = message;
    emit_response(out, "response.failed", "failed", nullptr);
  }

 private:
  struct Item {
    OutputItem data;
    std::string id;
    std::size_t output_index = 0;
    bool custom = false;
    bool closed = false;
  };

  void event_begin(std::string_view type) {
    scratch_.clear();
    w_.restart();
    type_ = type;
    w_.begin_object().member("type", type).member("sequence_number", static_cast<std::int64_t>(sequence_++));
  }

  void event_end(std::string& out) {
    w_.end_object();
    append_sse_event(out, type_, scratch_);
  }

  Item& open_item(ItemKind kind, std::string& out) {
    if (open_ && items_[*open_].data.kind == kind) return items_[*open_];
    close_content_item(out);
    Item item;
    item.data = make_item(kind);
    item.output_index = items_.size();
    item.id =
        std::string(kind == ItemKind::text ? "msg_" : "rs_") + id_.substr(5) + "_" + std::to_string(item.output_index);
    items_.push_back(std::move(item));
    open_ = items_.size() - 1;
    const auto& opened = items_.back();
    event_begin("response.output_item.added");
    w_.member("output_index", opened.output_index).key("item").begin_object().member("id", opened.id);
    if (kind == ItemKind::text) {
      w_.member("type", "message").member("status", "in_progress").member("role", "assistant").key("content").raw("[]");
    } else {
      w_.member("type", "reasoning").key("summary").raw("[]");
    }
    w_.end_object();
    event_end(out);
    if (kind == ItemKind::text) {
      event_begin("response.content_part.added");
      w_.member("item_id", opened.id).member("output_index", opened.output_index).member("content_index", 0);
      w_.key("part").raw(R"({"type":"output_text","annotations":[],"text":""})");
    } else {
      event_begin("response.reasoning_summary_part.added");
      w_.member("item_id", opened.id).member("output_index", opened.output_index).member("summary_index", 0);
      w_.key("part").raw(R"({"type":"summary_text","text":""})");
    }
    event_end(out);
    return items_.back();
  }

  void close_content_item(std::string& out) {
    if (!open_) return;
    auto& item = items_[*open_];
    open_.reset();
    item.closed = true;
    if (item.data.kind == ItemKind::text) {
      event_begin("response.output_text.done");
      w_.member("item_id", item.id).member("output_index", item.output_index).member("content_index", 0);
      w_.member("text", item.data.text).key("logprobs").raw("[]");
      event_end(out);
      event_begin("response.content_part.done");
      w_.member("item_id", item.id).member("output_index", item.output_index).member("content_index", 0);
      w_.key("part").begin_object().member("type", "output_text").key("annotations").raw("[]");
      w_.member("text", item.data.text).end_object();
      event_end(out);
    } else {
      event_begin("response.reasoning_summary_text.done");
      w_.member("item_id", item.id).member("output_index", item.output_index).member("summary_index", 0);
      w_.member("text", item.data.text);
      event_end(out);
      event_begin("response.reasoning_summary_part.done");
      w_.member("item_id", item.id).member("output_index", item.output_index).member("summary_index", 0);
      w_.key("part").begin_object().member("type", "summary_text").member("text", item.data.text).end_object();
      event_end(out);
    }
    item_done(item, out);
  }

  void close_call(Item& item, std::string& out) {
    item.closed = true;
    if (item.custom) {
      const auto input = custom_tool_input(item.data.arguments);
      event_begin("response.custom_tool_call_input.delta");
      w_.member("item_id", item.id).member("output_index", item.output_index).member("delta", input);
      event_end(out);
      event_begin("response.custom_tool_call_input.done");
      w_.member("item_id", item.id).member("output_index", item.output_index).member("input", input);
      event_end(out);
    } else {
      event_begin("response.function_call_arguments.done");
      w_.member("item_id", item.id).member("output_index", item.output_index);
      w_.member("arguments", item.data.arguments);
      event_end(out);
    }
    item_done(item, out);
  }

  void item_done(const Item& item, std::string& out) {
    event_begin("response.output_item.done");
    w_.member("output_index", item.output_index).key("item");
    write_responses_item(w_, item.data, item.id, context_.tool_names);
    event_end(out);
  }

  void write_in_progress_call(const Item& item) {
    const auto* alias = context_.tool_names.find_wire_name(item.data.name);
    const std::string_view name = alias != nullptr ? std::string_view(alias->name) : std::string_view(item.data.name);
    w_.begin_object().member("id", item.id);
    if (item.custom) {
      w_.member("type", "custom_tool_call").member("status", "in_progress").member("call_id", item.data.call_id);
      w_.member("name", name).member("input", "");
    } else {
      w_.member("type", "function_call").member("status", "in_progress").member("arguments", "");
      w_.member("call_id", item.data.call_id).member("name", name);
    }
    if (alias != nullptr && !alias->namespace_name.empty()) w_.member("namespace", alias->namespace_name);
    w_.end_object();
  }

  void emit_response(std::string& out, std::string_view type, std::string_view status, const Usage* usage) {
    event_begin(type);
    w_.key("response").begin_object().member("id", id_).member("object", "response");
    w_.member("created_at", created_).member("status", status);
    w_.key("error");
    if (status == "failed") {
      w_.begin_object().member("code", "server_error").member("message", error_).end_object();
    } else {
      w_.null();
    }
    w_.key("incomplete_details");
    if (status == "incomplete") {
      w_.begin_object().member("reason", finish_ == FinishReason::length ? "max_output_tokens" : "content_filter");
      w_.end_object();
    } else {
      w_.null();
    }
    w_.member("model", model_).key("output").begin_array();
    if (status != "in_progress") {
      for (const auto& item : items_) {
        if (item.closed) write_responses_item(w_, item.data, item.id, context_.tool_names);
      }
    }
    w_.end_array();
    w_.member_bool("parallel_tool_calls", true).member("tool_choice", "auto").key("tools").raw("[]");
    w_.key("usage");
    if (usage != nullptr) {
      write_responses_usage(w_, *usage);
    } else {
      w_.null();
    }
    w_.end_object();
    event_end(out);
  }

  TranslationContext context_;
  std::string id_;
  std::string model_;
  std::int64_t created_ = 0;  // the context's, else (a relayed stream resumed) the backend's created_at
  std::string scratch_;
  JsonWriter w_{scratch_};
  std::string_view type_;
  std::size_t sequence_ = 0;
  std::vector<Item> items_;
  std::optional<std::size_t> open_;  // the message or reasoning item receiving deltas
  std::vector<std::size_t> item_of_slot_;
  FinishReason finish_ = FinishReason::none;
  std::string error_;
};

}  // namespace

std::unique_ptr<StreamDecoder> make_responses_decoder() { return std::make_unique<ResponsesDecoder>(); }

std::unique_ptr<StreamEncoder> make_responses_encoder(const TranslationContext& context) {
  return std::make_unique<ResponsesEncoder>(context);
}

}  // namespace llmroute::wire
