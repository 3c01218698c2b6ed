// Chat Completions streams: decoding backend chunks and encoding client chunks.
#include <vector>

#include "wire/chat_delta_scanner.hpp"
#include "wire/format_mappings.hpp"
#include "wire/json_dom.hpp"
#include "wire/json_writer.hpp"
#include "wire/openai_stream_end.hpp"
#include "wire/stream_hub.hpp"
#include "wire/think_splitter.hpp"

namespace llmroute::wire {

namespace {

/// Reads `data: {chat.completion.chunk}` events, including the loose variants local servers send:
/// tool calls without index or id, repeated ids, names arriving after ids, several calls sharing an
/// index, reasoning in `reasoning_content` or `reasoning`, or left in the content as <think> tags.
class ChatDecoder final : public StreamDecoder, private ThinkSink {
 public:
  explicit ChatDecoder(ThinkTags think_tags) : split_think_(think_tags == ThinkTags::split) {}

  void decode(const SseEvent& event, StreamHub& hub) override {
    hub_ = &hub;
    std::string_view data = event.data;
    while (!data.empty() && (data.back() == ' ' || data.back() == '\r')) data.remove_suffix(1);
    if (data.empty()) return;
    if (data == "[DONE]") {
      flush(hub);
      hub.done();
      return;
    }
    // Almost every event is a plain text delta: read it without the JSON parser when it provably is
    // one (the first event, which starts the stream, always takes the full path).
    if (started_) {
      if (const auto plain = plain_deltas_.scan(data)) {
        text_deltas(plain->reasoning, plain->content, hub);
        return;
      }
    }
    const auto document = json_.parse(data, error_);
    if (!document || !is_object(*document)) {
      hub.fail("the backend sent a malformed chunk (" + (document ? std::string("not an object") : error_) +
               "): " + excerpt(data));
      return;
    }
    if (const auto error = field(*document, "error")) {
      std::string_view message;
      if (error->get_string().get(message) != simdjson::SUCCESS) message = string_field(*error, "message");
      hub.backend_error("the backend reported an error: " + std::string(message.empty() ? excerpt(data) : message));
      return;
    }
    if (!started_) {
      started_ = true;
      hub.start(string_field(*document, "id"), string_field(*document, "model"));
    }
    if (const auto choices = field(*document, "choices")) {
      simdjson::dom::array array;
      if (choices->get_array().get(array) == simdjson::SUCCESS) {
        for (const auto choice : array) {
          if (integer_field(choice, "index").value_or(0) == 0) decode_choice(choice, hub);
        }
      }
    }
    if (const auto usage = field(*document, "usage"); usage && is_object(*usage)) {
      auto& counts = hub.usage();
      counts.input = count_field(*usage, "prompt_tokens").value_or(0);
      counts.output = count_field(*usage, "completion_tokens").value_or(0);
      if (const auto details = field(*usage, "prompt_tokens_details")) {
        counts.cache_read = count_field(*details, "cached_tokens").value_or(0);
      }
      if (const auto details = field(*usage, "completion_tokens_details")) {
        counts.reasoning = count_field(*details, "reasoning_tokens").value_or(0);
      }
      hub.usage_reported();
    }
    // llama.cpp's llama-server reports its own counts in `timings` (cache_n prompt tokens reused from its
    // cache, prompt_n processed, predicted_n generated); a standard usage object, when also sent, wins.
    if (const auto timings = field(*document, "timings"); timings && is_object(*timings) && !hub.summary().usage_reported) {
      auto& counts = hub.usage();
      counts.cache_read = count_field(*timings, "cache_n").value_or(0);
      counts.input = counts.cache_read + count_field(*timings, "prompt_n").value_or(0);
      counts.output = count_field(*timings, "predicted_n").value_or(0);
      hub.usage_reported();
    }
  }

  void flush(StreamHub& hub) override {
    hub_ = &hub;
    splitter_.flush(*this);
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i].begun) begin(i, hub);
    }
  }

 private:
  struct Slot {
    std::int64_t index = 0;
    std::string id;
    std::string name;
    std::string pending_arguments;
    bool begun = false;
  };

  void on_text(std::string_view text) override { hub_->text(text); }
  void on_reasoning(std::string_view text) override { hub_->reasoning(text); }

  void text_deltas(std::string_view reasoning, std::string_view content, StreamHub& hub) {
    hub.reasoning(reasoning);
    if (content.empty()) return;
    if (split_think_) {
      splitter_.feed(content, *this);
    } else {
      hub.text(content);
    }
  }

  void decode_choice(simdjson::dom::element choice, StreamHub& hub) {
    // A legacy completions chunk (/v1/completions, IDE autocomplete) carries its text in `text`, not a delta.
    if (const auto text = field(choice, "text"); text && !field(choice, "delta")) text_deltas({}, string_field(choice, "text"), hub);
    if (const auto delta = field(choice, "delta"); delta && is_object(*delta)) {
      auto reasoning = string_field(*delta, "reasoning_content");
      if (reasoning.empty()) reasoning = string_field(*delta, "reasoning");
      text_deltas(reasoning, string_field(*delta, "content"), hub);
      if (const auto calls = field(*delta, "tool_calls")) {
        simdjson::dom::array array;
        if (calls->get_array().get(array) == simdjson::SUCCESS) {
          for (const auto call : array) decode_tool_call(call, hub);
        }
      }
    }
    if (const auto reason = string_field(choice, "finish_reason"); !reason.empty()) {
      auto finish = finish_from_chat(reason);
      const auto stop = string_field(choice, "stop_reason");  // vLLM: the stop string that matched
      if (finish == FinishReason::stop && !stop.empty()) finish = FinishReason::stop_sequence;
      hub.finish_reason(finish, stop);
    }
  }

  std::size_t slot_for(std::optional<std::int64_t> index, std::string_view id) {
    if (!id.empty()) {
      for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i].id == id) return i;
      }
      for (std::size_t i = slots_.size(); i-- > 0;) {
        if (slots_[i].id.empty() && index && slots_[i].index == *index) {
          slots_[i].id = id;
          return i;
        }
      }
    } else if (!slots_.empty()) {
      if (!index) return slots_.size() - 1;
      for (std::size_t i = slots_.size(); i-- > 0;) {
        if (slots_[i].index == *index) return i;
      }
    }
    slots_.push_back(Slot{index.value_or(static_cast<std::int64_t>(slots_.size())), std::string(id), {}, {}, false});
    return slots_.size() - 1;
  }

  void decode_tool_call(simdjson::dom::element call, StreamHub& hub) {
    const auto slot_number = slot_for(integer_field(call, "index"), string_field(call, "id"));
    auto& slot = slots_[slot_number];
    std::string_view name;
    std::string arguments;
    if (const auto function = field(call, "function")) {
      name = string_field(*function, "name");
      if (const auto args = field(*function, "arguments")) {
        std::string_view text;
        if (args->get_string().get(text) == simdjson::SUCCESS) {
          arguments = text;
        } else {
          arguments = simdjson::minify(*args);  // a server that sends an object instead of JSON text
        }
      }
    }
    if (!slot.begun) {
      if (slot.name.empty()) slot.name = name;
      slot.pending_arguments.append(arguments);
      if (!slot.name.empty()) begin(slot_number, hub);
      return;
    }
    hub.tool_arguments(slot_number, arguments);
  }

  void begin(std::size_t slot_number, StreamHub& hub) {
    auto& slot = slots_[slot_number];
    slot.begun = true;
    hub.tool_begin(slot_number, slot.id, slot.name);
    hub.tool_arguments(slot_number, slot.pending_arguments);
    slot.pending_arguments.clear();
  }

  bool split_think_;
  EventJson json_;
  std::string error_;
  ChatDeltaScanner plain_deltas_;
  ThinkSplitter splitter_;
  StreamHub* hub_ = nullptr;
  std::vector<Slot> slots_;
  bool started_ = false;
};

/// Writes `data: {chat.completion.chunk}` events. The chunk prefix (id, created, model) is built
/// once; every chunk carries finish_reason, and the stream always ends with a finish chunk and
/// `data: [DONE]` (Qwen Code and others wait for both).
class ChatEncoder final : public StreamEncoder {
 public:
  explicit ChatEncoder(TranslationContext context) : context_(std::move(context)) {}

  void start(const StreamSummary& summary, std::string& out) override {
    id_ = client_id("chatcmpl-", context_, summary.upstream_id);
    model_ = context_.model.empty() ? summary.model : context_.model;
    JsonWriter w(header_);
    w.begin_object().member("id", id_).member("object", "chat.completion.chunk").member("created", context_.created);
    w.member("model", model_).key("choices");
    chunk(out, R"({"role":"assistant","content":""})");
  }

  void text(std::string_view delta, std::string& out) override { delta_chunk(out, "content", delta); }

  void reasoning(std::string_view delta, std::string& out) override { delta_chunk(out, "reasoning_content", delta); }

  void tool_begin(std::size_t slot, std::string_view id, std::string_view name, std::string& out) override {
    if (slot >= index_of_slot_.size()) index_of_slot_.resize(slot + 1, 0);
    index_of_slot_[slot] = next_index_++;
    scratch_.clear();
    JsonWriter w(scratch_);
    w.begin_object().key("tool_calls").begin_array().begin_object().member("index", index_of_slot_[slot]);
    w.member("id", id).member("type", "function").key("function").begin_object().member("name", name);
    w.member("arguments", "").end_object().end_object().end_array().end_object();
    chunk(out, scratch_);
  }

  void tool_arguments(std::size_t slot, std::string_view delta, std::string& out) override {
    scratch_.clear();
    JsonWriter w(scratch_);
    w.begin_object().key("tool_calls").begin_array().begin_object().member("index", index_of_slot_[slot]);
    w.key("function").begin_object().member("arguments", delta).end_object().end_object().end_array().end_object();
    chunk(out, scratch_);
  }

  void end(const StreamSummary& summary, const Usage& usage, std::string& out) override {
    const auto finish = chat_finish_reason(effective_finish(summary.finish_reason, summary.tool_calls > 0));
    std::string quoted;
    append_json_string(quoted, finish);
    chunk(out, "{}", quoted);
    append_usage_and_done(out, header_, context_.include_usage ? &usage : nullptr);
  }

  void error(std::string_view message, std::string& out) override { append_error_and_done(out, message); }

 private:
  void delta_chunk(std::string& out, std::string_view key, std::string_view delta) {
    scratch_.clear();
    JsonWriter w(scratch_);
    w.begin_object().member(key, delta).end_object();
    chunk(out, scratch_);
  }

  void chunk(std::string& out, std::string_view delta, std::string_view finish_reason = "null") {
    out.append("data: ");
    out.append(header_);
    out.append(R"([{"index":0,"delta":)");
    out.append(delta);
    out.append(R"(,"logprobs":null,"finish_reason":)");
    out.append(finish_reason);
    out.append("}]}\n\n");
  }

  TranslationContext context_;
  std::string id_;
  std::string model_;
  std::string header_;
  std::string scratch_;
  std::vector<std::size_t> index_of_slot_;
  std::size_t next_index_ = 0;
};

}  // namespace

std::unique_ptr<StreamDecoder> make_chat_decoder(const TranslationContext& context) {
  return std::make_unique<ChatDecoder>(context.think_tags);
}

std::unique_ptr<StreamEncoder> make_chat_encoder(const TranslationContext& context) {
  return std::make_unique<ChatEncoder>(context);
}

}  // namespace llmroute::wire
