// Anthropic Messages streams: decoding backend events and encoding client events.
#include <map>
#include <vector>

#include "wire/format_mappings.hpp"
#include "wire/json_dom.hpp"
#include "wire/json_writer.hpp"
#include "wire/stream_hub.hpp"

namespace llmroute::wire {

namespace {

/// Reads `event: message_start` … `event: message_stop`.
class MessagesDecoder final : public StreamDecoder {
 public:
  void decode(const SseEvent& event, StreamHub& hub) override {
    if (event.data.empty()) return;
    const auto document = json_.parse(event.data, error_);
    if (!document || !is_object(*document)) {
      hub.fail("the backend sent a malformed event (" + (document ? std::string("not an object") : error_) +
               "): " + excerpt(event.data));
      return;
    }
    auto type = string_field(*document, "type");
    if (type.empty()) type = event.event;
    if (type == "message_start") {
      const auto message = field(*document, "message");
      if (!message) return;
      hub.start(string_field(*message, "id"), string_field(*message, "model"));
      if (const auto usage = field(*message, "usage")) read_usage(*usage, hub);
    } else if (type == "content_block_start") {
      const auto index = integer_field(*document, "index").value_or(0);
      const auto block = field(*document, "content_block");
      if (!block) return;
      const auto block_type = string_field(*block, "type");
      if (block_type == "text") {
        hub.text(string_field(*block, "text"));
      } else if (block_type == "thinking") {
        hub.reasoning(string_field(*block, "thinking"));
      } else if (block_type == "tool_use") {
        const auto slot = slots_.size();
        slots_.emplace(index, slot);
        hub.tool_begin(slot, string_field(*block, "id"), string_field(*block, "name"));
        if (const auto input = field(*block, "input"); input && is_object(*input)) {
          const auto json = simdjson::minify(*input);
          if (json != "{}") hub.tool_arguments(slot, json);
        }
      }
    } else if (type == "content_block_delta") {
      const auto delta = field(*document, "delta");
      if (!delta) return;
      const auto delta_type = string_field(*delta, "type");
      if (delta_type == "text_delta") {
        hub.text(string_field(*delta, "text"));
      } else if (delta_type == "thinking_delta") {
        hub.reasoning(string_field(*delta, "thinking"));
      } else if (delta_type == "input_json_delta") {
        const auto found = slots_.find(integer_field(*document, "index").value_or(0));
        if (found != slots_.end()) hub.tool_arguments(found->second, string_field(*delta, "partial_json"));
      }
    } else if (type == "message_delta") {
      if (const auto delta = field(*document, "delta")) {
        const auto reason = string_field(*delta, "stop_reason");
        if (!reason.empty()) hub.finish_reason(finish_from_messages(reason), string_field(*delta, "stop_sequence"));
      }
      if (const auto usage = field(*document, "usage")) read_usage(*usage, hub);
    } else if (type == "message_stop") {
      hub.done();
    } else if (type == "error") {
      std::string_view message;
      if (const auto error = field(*document, "error")) message = string_field(*error, "message");
      hub.backend_error("the backend reported an error: " + std::string(message.empty() ? excerpt(event.data) : message));
    }
  }

  void flush(StreamHub&) override {}

 private:
  /// message_start carries the input side, message_delta the (cumulative) output side; newer
  /// API versions repeat the input side in message_delta.
  void read_usage(simdjson::dom::element usage, StreamHub& hub) {
    auto& counts = hub.usage();
    const auto input = count_field(usage, "input_tokens");
    const auto cache_read = count_field(usage, "cache_read_input_tokens");
    const auto cache_write = count_field(usage, "cache_creation_input_tokens");
    if (input || cache_read || cache_write) {
      if (cache_read) cache_read_ = *cache_read;
      if (cache_write) cache_write_ = *cache_write;
      if (input) input_ = *input;
      counts.cache_read = cache_read_;
      counts.cache_write = cache_write_;
      counts.input = input_ + cache_read_ + cache_write_;
    }
    if (const auto output = count_field(usage, "output_tokens")) counts.output = *output;
    hub.usage_reported();
  }

  EventJson json_;
  std::string error_;
  std::map<std::int64_t, std::size_t> slots_;  // content block index → tool slot
  std::int64_t input_ = 0;
  std::int64_t cache_read_ = 0;
  std::int64_t cache_write_ = 0;
};

/// The start of a thinking block: its text and signature follow as deltas.
constexpr std::string_view kThinkingBlock = R"({"type":"thinking","thinking":"","signature":""})";

/// Writes Anthropic events. Content blocks are strictly sequential on this wire, so a tool call
/// that begins while another tool block is open is held and emitted whole at the end: a chat
/// model that interleaves argument deltas of several calls still yields valid blocks.
class MessagesEncoder final : public StreamEncoder {
 public:
  explicit MessagesEncoder(TranslationContext context) : context_(std::move(context)) {}

  void start(const StreamSummary& summary, std::string& out) override {
    scratch_.clear();
    JsonWriter w(scratch_);
    w.begin_object().member("type", "message_start").key("message").begin_object();
    w.member("id", client_id("msg_", context_, summary.upstream_id)).member("type", "message");
    w.member("role", "assistant").member("model", context_.model.empty() ? summary.model : context_.model);
    w.key("content").raw("[]").key("stop_reason").null().key("stop_sequence").null().key("usage");
    Usage usage = summary.usage;
    if (!summary.usage_reported) usage.input = context_.input_tokens_hint;
    usage.output = 0;
    write_messages_usage(w, usage);
    w.end_object().end_object();
    append_sse_event(out, "message_start", scratch_);
    append_sse_event(out, "ping", R"({"type":"ping"})");
  }

  void text(std::string_view delta, std::string& out) override {
    if (open_ != Block::text) open_block(Block::text, R"({"type":"text","text":""})", out);
    delta_event(out, "text_delta", "text", delta);
  }

  void reasoning(std::string_view delta, std::string& out) override {
    if (open_ != Block::thinking) open_block(Block::thinking, kThinkingBlock, out);
    delta_event(out, "thinking_delta", "thinking", delta);
  }

  void reasoning_signature(std::string_view signature, std::string& out) override {
    if (open_ != Block::thinking) open_block(Block::thinking, kThinkingBlock, out);  // signed thinking without text
    delta_event(out, "signature_delta", "signature", signature);
    // As Anthropic streams it, the signature is the block's last delta; later reasoning is a block of its own.
    close_block(out);
  }

  void redacted_reasoning(std::string_view data, std::string& out) override {
    std::string block = R"({"type":"redacted_thinking","data":)";
    append_json_string(block, data);
    block.push_back('}');
    open_block(Block::redacted_thinking, block, out);  // its data comes whole in the start; no deltas
    close_block(out);
  }

  void tool_begin(std::size_t slot, std::string_view id, std::string_view name, std::string& out) override {
    if (slot >= tools_.size()) tools_.resize(slot + 1);
    auto& tool = tools_[slot];
    tool.id = anthropic_tool_id(id);
    tool.name = name;
    if (open_ == Block::tool) {
      tool.state = ToolState::held;
      return;
    }
    tool.state = ToolState::live;
    live_slot_ = slot;
    open_block(Block::tool, tool_block(tool), out);
  }

  void tool_arguments(std::size_t slot, std::string_view delta, std::string& out) override {
    auto& tool = tools_[slot];
    if (tool.state == ToolState::held) {
      tool.arguments.append(delta);
    } else if (open_ == Block::tool && live_slot_ == slot) {
      delta_event(out, "input_json_delta", "partial_json", delta);
    }
    // Otherwise the block was closed by later text; its arguments cannot be placed any more.
  }

  void end(const StreamSummary& summary, const Usage& usage, std::string& out) override {
    close_block(out);
    for (auto& tool : tools_) {
      if (tool.state != ToolState::held) continue;
      open_block(Block::tool, tool_block(tool), out);
      if (!tool.arguments.empty()) delta_event(out, "input_json_delta", "partial_json", tool.arguments);
      close_block(out);
    }
    const auto finish = effective_finish(summary.finish_reason, summary.tool_calls > 0);
    scratch_.clear();
    JsonWriter w(scratch_);
    w.begin_object().member("type", "message_delta").key("delta").begin_object();
    w.member("stop_reason", messages_stop_reason(finish)).key("stop_sequence");
    if (finish == FinishReason::stop_sequence && !summary.stop_sequence.empty()) {
      w.string(summary.stop_sequence);
    } else {
      w.null();
    }
    w.end_object().key("usage");
    write_messages_usage(w, usage);
    w.end_object();
    append_sse_event(out, "message_delta", scratch_);
    append_sse_event(out, "message_stop", R"({"type":"message_stop"})");
  }

  void error(std::string_view message, std::string& out) override {
    scratch_.clear();
    JsonWriter w(scratch_);
    w.begin_object().member("type", "error").key("error").begin_object().member("type", "api_error");
    w.member("message", message).end_object().end_object();
    append_sse_event(out, "error", scratch_);
  }

 private:
  enum class Block { none, text, thinking, redacted_thinking, tool };
  enum class ToolState { live, held };
  struct Tool {
    std::string id;
    std::string name;
    std::string arguments;
    ToolState state = ToolState::live;
  };

  std::string tool_block(const Tool& tool) {
    std::string block;
    JsonWriter w(block);
    w.begin_object().member("type", "tool_use").member("id", tool.id).member("name", tool.name);
    w.key("input").raw("{}").end_object();
    return block;
  }

  void open_block(Block block, std::string_view content_block, std::string& out) {
    close_block(out);
    open_ = block;
    scratch_.assign(R"({"type":"content_block_start","index":)");
    scratch_.append(std::to_string(next_index_));
    scratch_.append(R"(,"content_block":)");
    scratch_.append(content_block);
    scratch_.push_back('}');
    append_sse_event(out, "content_block_start", scratch_);
  }

  void close_block(std::string& out) {
    if (open_ == Block::none) return;
    scratch_.assign(R"({"type":"content_block_stop","index":)");
    scratch_.append(std::to_string(next_index_));
    scratch_.push_back('}');
    append_sse_event(out, "content_block_stop", scratch_);
    open_ = Block::none;
    ++next_index_;
  }

  void delta_event(std::string& out, std::string_view delta_type, std::string_view key, std::string_view delta) {
    scratch_.assign(R"({"type":"content_block_delta","index":)");
    scratch_.append(std::to_string(next_index_));
    scratch_.append(R"(,"delta":{"type":")");
    scratch_.append(delta_type);
    scratch_.append("\",");
    append_json_string(scratch_, key);
    scratch_.push_back(':');
    append_json_string(scratch_, delta);
    scratch_.append("}}");
    append_sse_event(out, "content_block_delta", scratch_);
  }

  TranslationContext context_;
  std::string scratch_;
  Block open_ = Block::none;
  std::size_t next_index_ = 0;
  std::vector<Tool> tools_;
  std::size_t live_slot_ = 0;
};

}  // namespace

std::unique_ptr<StreamDecoder> make_messages_decoder() { return std::make_unique<MessagesDecoder>(); }

std::unique_ptr<StreamEncoder> make_messages_encoder(const TranslationContext& context) {
  return std::make_unique<MessagesEncoder>(context);
}

}  // namespace llmroute::wire
