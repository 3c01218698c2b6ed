// Non-streamed answers: parsing each format's response object and rendering each format's.
#include "wire/response_translation.hpp"

#include <boost/json/parse.hpp>

#include "wire/format_mappings.hpp"
#include "wire/json_access.hpp"
#include "wire/json_writer.hpp"
#include "wire/think_splitter.hpp"

namespace llmroute::wire {

namespace {

namespace json = boost::json;

/// Collects the pieces a ThinkSplitter separates into output items.
class ItemCollector final : public ThinkSink {
 public:
  explicit ItemCollector(std::vector<OutputItem>& items) : items_(items) {}
  void on_text(std::string_view text) override { append(ItemKind::text, text); }
  void on_reasoning(std::string_view text) override { append(ItemKind::reasoning, text); }

 private:
  void append(ItemKind kind, std::string_view text) {
    if (items_.empty() || items_.back().kind != kind) items_.push_back(make_item(kind));
    items_.back().text.append(text);
  }
  std::vector<OutputItem>& items_;
};

std::int64_t nested_count(const json::object& object, std::string_view outer, std::string_view inner) {
  const auto* found = member(object, outer);
  if (found == nullptr || !found->is_object()) return 0;
  return count_member(found->get_object(), inner).value_or(0);
}

/// The usage of a Chat or legacy completion answer; llama.cpp's `timings` when it reports no usage.
void read_chat_usage(const json::object& body, Completion& completion) {
  if (const auto* usage = member(body, "usage"); usage != nullptr && usage->is_object()) {
    const auto& u = usage->get_object();
    completion.usage.input = count_member(u, "prompt_tokens").value_or(0);
    completion.usage.output = count_member(u, "completion_tokens").value_or(0);
    completion.usage.cache_read = nested_count(u, "prompt_tokens_details", "cached_tokens");
    completion.usage.reasoning = nested_count(u, "completion_tokens_details", "reasoning_tokens");
    completion.usage_reported = true;
  } else if (const auto* timings = member(body, "timings"); timings != nullptr && timings->is_object()) {
    // llama.cpp's own counts (see chat_stream.cpp): prompt tokens reused from its cache, processed, generated.
    const auto& t = timings->get_object();
    completion.usage.cache_read = count_member(t, "cache_n").value_or(0);
    completion.usage.input = completion.usage.cache_read + count_member(t, "prompt_n").value_or(0);
    completion.usage.output = count_member(t, "predicted_n").value_or(0);
    completion.usage_reported = true;
  }
}

Translated<Completion> parse_chat(const json::object& body, ThinkTags think_tags) {
  Completion completion;
  completion.id = string_member(body, "id");
  completion.model = string_member(body, "model");
  completion.created = integer_member(body, "created").value_or(0);
  const auto* choices = member(body, "choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty() ||
      !choices->get_array()[0].is_object()) {
    return error_at("choices", "the answer has no choice");
  }
  const auto& choice = choices->get_array()[0].get_object();
  const auto* message_value = member(choice, "message");
  if (const auto* text = member(choice, "text"); message_value == nullptr && text != nullptr && text->is_string()) {
    // A legacy completion (/v1/completions): plain text in the choice, usage as in Chat.
    if (!text->get_string().empty()) completion.items.push_back(make_item(ItemKind::text, text->get_string()));
    completion.finish = finish_from_chat(string_member(choice, "finish_reason"));
    read_chat_usage(body, completion);
    return completion;
  }
  if (message_value == nullptr || !message_value->is_object()) return error_at("choices[0].message", "missing");
  const auto& message = message_value->get_object();
  auto reasoning = string_member(message, "reasoning_content");
  if (reasoning.empty()) reasoning = string_member(message, "reasoning");
  if (!reasoning.empty()) completion.items.push_back(make_item(ItemKind::reasoning, reasoning));
  if (const auto content = string_member(message, "content"); !content.empty()) {
    ItemCollector collector(completion.items);
    if (think_tags == ThinkTags::split && reasoning.empty()) {
      ThinkSplitter splitter;
      splitter.feed(content, collector);
      splitter.flush(collector);
    } else {
      collector.on_text(content);
    }
  }
  bool has_calls = false;
  if (const auto* calls = member(message, "tool_calls"); calls != nullptr && calls->is_array()) {
    for (const auto& call_value : calls->get_array()) {
      if (!call_value.is_object()) continue;
      const auto& call = call_value.get_object();
      const auto* function = member(call, "function");
      if (function == nullptr || !function->is_object()) continue;
      OutputItem item = make_item(ItemKind::tool_call);
      item.call_id = string_member(call, "id");
      item.name = string_member(function->get_object(), "name");
      const auto* arguments = member(function->get_object(), "arguments");
      item.arguments = arguments == nullptr     ? "{}"
                       : arguments->is_string() ? std::string(arguments->get_string())
                                                : to_json(*arguments);
      if (item.arguments.empty()) item.arguments = "{}";  // "" is not JSON; clients parse the arguments
      completion.items.push_back(std::move(item));
      has_calls = true;
    }
  }
  completion.finish = finish_from_chat(string_member(choice, "finish_reason"));
  if (const auto stop = string_member(choice, "stop_reason");
      !stop.empty() && completion.finish == FinishReason::stop) {
    completion.finish = FinishReason::stop_sequence;  // vLLM names the stop string that matched
    completion.stop_sequence = stop;
  }
  completion.finish = effective_finish(completion.finish, has_calls);
  read_chat_usage(body, completion);
  return completion;
}

Translated<Completion> parse_messages(const json::object& body) {
  Completion completion;
  completion.id = string_member(body, "id");
  completion.model = string_member(body, "model");
  const auto* content = member(body, "content");
  if (content == nullptr || !content->is_array()) return error_at("content", "must be an array");
  bool has_calls = false;
  for (const auto& block_value : content->get_array()) {
    if (!block_value.is_object()) continue;
    const auto& block = block_value.get_object();
    const auto type = string_member(block, "type");
    if (type == "text") {
      completion.items.push_back(make_item(ItemKind::text, string_member(block, "text")));
    } else if (type == "thinking") {
      OutputItem item = make_item(ItemKind::reasoning, string_member(block, "thinking"));
      item.signature = string_member(block, "signature");
      completion.items.push_back(std::move(item));
    } else if (type == "redacted_thinking") {
      OutputItem item = make_item(ItemKind::reasoning);
      item.redacted = string_member(block, "data");
      completion.items.push_back(std::move(item));
    } else if (type == "tool_use") {
      OutputItem item = make_item(ItemKind::tool_call);
      item.call_id = string_member(block, "id");
      item.name = string_member(block, "name");
      const auto* input = member(block, "input");
      item.arguments = input == nullptr ? "{}" : to_json(*input);
      completion.items.push_back(std::move(item));
      has_calls = true;
    }
  }
  completion.finish = effective_finish(finish_from_messages(string_member(body, "stop_reason")), has_calls);
  completion.stop_sequence = string_member(body, "stop_sequence");
  if (const auto* usage = member(body, "usage"); usage != nullptr && usage->is_object()) {
    const auto& u = usage->get_object();
    completion.usage.cache_read = count_member(u, "cache_read_input_tokens").value_or(0);
    completion.usage.cache_write = count_member(u, "cache_creation_input_tokens").value_or(0);
    completion.usage.input =
        count_member(u, "input_tokens").value_or(0) + completion.usage.cache_read + completion.usage.cache_write;
    completion.usage.output = count_member(u, "output_tokens").value_or(0);
    completion.usage_reported = true;
  }
  return completion;
}

/// The texts of `parts`, each summary part a paragraph of its own.
void append_text_parts(const json::value* parts, std::string& out) {
  if (parts == nullptr || !parts->is_array()) return;
  for (const auto& part : parts->get_array()) {
    if (!part.is_object()) continue;
    const auto text = string_member(part.get_object(), "text");
    if (text.empty()) continue;
    if (!out.empty()) out.append("\n\n");
    out.append(text);
  }
}

Translated<Completion> parse_responses(const json::object& body) {
  Completion completion;
  completion.id = string_member(body, "id");
  completion.model = string_member(body, "model");
  completion.created = integer_member(body, "created_at").value_or(0);
  const auto* output = member(body, "output");
  if (output == nullptr || !output->is_array()) return error_at("output", "must be an array");
  bool has_calls = false;
  for (const auto& item_value : output->get_array()) {
    if (!item_value.is_object()) continue;
    const auto& item = item_value.get_object();
    const auto type = string_member(item, "type");
    if (type == "message") {
      OutputItem out = make_item(ItemKind::text);
      if (const auto* content = member(item, "content"); content != nullptr && content->is_array()) {
        for (const auto& part : content->get_array()) {
          if (!part.is_object()) continue;
          const auto part_type = string_member(part.get_object(), "type");
          out.text.append(string_member(part.get_object(), part_type == "refusal" ? "refusal" : "text"));
        }
      }
      completion.items.push_back(std::move(out));
    } else if (type == "reasoning") {
      OutputItem out = make_item(ItemKind::reasoning);
      append_text_parts(member(item, "summary"), out.text);
      if (out.text.empty()) append_text_parts(member(item, "content"), out.text);
      if (!out.text.empty()) completion.items.push_back(std::move(out));
    } else if (type == "function_call" || type == "custom_tool_call") {
      OutputItem out = make_item(ItemKind::tool_call);
      out.call_id = string_member(item, "call_id");
      out.name = flatten_tool_name(string_member(item, "namespace"), string_member(item, "name"));
      if (type == "function_call") {
        out.arguments = string_member(item, "arguments");
        if (out.arguments.empty()) out.arguments = "{}";
      } else {
        out.arguments = R"({"input":)";
        append_json_string(out.arguments, string_member(item, "input"));
        out.arguments.push_back('}');
      }
      completion.items.push_back(std::move(out));
      has_calls = true;
    }
  }
  std::string_view incomplete_reason;
  if (const auto* details = member(body, "incomplete_details"); details != nullptr && details->is_object()) {
    incomplete_reason = string_member(details->get_object(), "reason");
  }
  completion.finish = finish_from_responses(string_member(body, "status"), incomplete_reason, has_calls);
  if (const auto* usage = member(body, "usage"); usage != nullptr && usage->is_object()) {
    const auto& u = usage->get_object();
    completion.usage.input = count_member(u, "input_tokens").value_or(0);
    completion.usage.output = count_member(u, "output_tokens").value_or(0);
    completion.usage.cache_read = nested_count(u, "input_tokens_details", "cached_tokens");
    completion.usage.reasoning = nested_count(u, "output_tokens_details", "reasoning_tokens");
    completion.usage_reported = true;
  }
  return completion;
}

bool has_tool_calls(const Completion& completion) {
  for (const auto& item : completion.items) {
    if (item.kind == ItemKind::tool_call) return true;
  }
  return false;
}

std::string model_of(const Completion& completion, const TranslationContext& context) {
  return context.model.empty() ? completion.model : context.model;
}

std::int64_t created_of(const Completion& completion, const TranslationContext& context) {
  return context.created != 0 ? context.created : completion.created;
}

void render_chat(JsonWriter& w, const Completion& completion, const TranslationContext& context) {
  std::string text;
  std::string reasoning;
  for (const auto& item : completion.items) {
    if (item.kind == ItemKind::text) text.append(item.text);
    if (item.kind == ItemKind::reasoning) reasoning.append(item.text);
  }
  const bool calls = has_tool_calls(completion);
  w.begin_object().member("id", client_id("chatcmpl-", context, completion.id)).member("object", "chat.completion");
  w.member("created", created_of(completion, context)).member("model", model_of(completion, context));
  w.key("choices").begin_array().begin_object().member("index", 0).key("message").begin_object();
  w.member("role", "assistant").key("content");
  if (text.empty() && calls) {
    w.null();
  } else {
    w.string(text);
  }
  if (!reasoning.empty()) w.member("reasoning_content", reasoning);
  if (calls) {
    w.key("tool_calls").begin_array();
    for (const auto& item : completion.items) {
      if (item.kind != ItemKind::tool_call) continue;
      w.begin_object().member("id", item.call_id).member("type", "function").key("function").begin_object();
      w.member("name", item.name).member("arguments", item.arguments).end_object().end_object();
    }
    w.end_array();
  }
  w.end_object().key("logprobs").null();
  w.member("finish_reason", chat_finish_reason(effective_finish(completion.finish, calls)));
  w.end_object().end_array();
  w.key("usage");
  write_chat_usage(w, completion.usage);
  w.end_object();
}

void render_messages(JsonWriter& w, const Completion& completion, const TranslationContext& context) {
  const bool calls = has_tool_calls(completion);
  w.begin_object().member("id", client_id("msg_", context, completion.id)).member("type", "message");
  w.member("role", "assistant").member("model", model_of(completion, context));
  w.key("content").begin_array();
  for (const auto& item : completion.items) {
    switch (item.kind) {
      case ItemKind::text:
        if (!item.text.empty()) w.begin_object().member("type", "text").member("text", item.text).end_object();
        break;
      case ItemKind::reasoning:
        if (!item.redacted.empty()) {
          w.begin_object().member("type", "redacted_thinking").member("data", item.redacted).end_object();
          break;
        }
        w.begin_object().member("type", "thinking").member("thinking", item.text);
        w.member("signature", item.signature).end_object();
        break;
      case ItemKind::tool_call: {
        w.begin_object()
            .member("type", "tool_use")
            .member("id", anthropic_tool_id(item.call_id))
            .member("name", item.name);
        w.key("input");
        json::error_code ec;
        const auto input = json::parse(item.arguments, ec);
        if (!ec && input.is_object()) {
          w.value(input);
        } else {
          w.raw("{}");
        }
        w.end_object();
        break;
      }
    }
  }
  w.end_array();
  const auto finish = effective_finish(completion.finish, calls);
  w.member("stop_reason", messages_stop_reason(finish)).key("stop_sequence");
  if (finish == FinishReason::stop_sequence && !completion.stop_sequence.empty()) {
    w.string(completion.stop_sequence);
  } else {
    w.null();
  }
  w.key("usage");
  write_messages_usage(w, completion.usage);
  w.end_object();
}

void render_responses(JsonWriter& w, const Completion& completion, const TranslationContext& context) {
  const auto id = client_id("resp_", context, completion.id);
  const auto finish = effective_finish(completion.finish, has_tool_calls(completion));
  const bool incomplete = finish == FinishReason::length || finish == FinishReason::content_filter;
  w.begin_object().member("id", id).member("object", "response");
  w.member("created_at", created_of(completion, context)).member("status", incomplete ? "incomplete" : "completed");
  w.key("error").null().key("incomplete_details");
  if (incomplete) {
    w.begin_object().member("reason", finish == FinishReason::length ? "max_output_tokens" : "content_filter");
    w.end_object();
  } else {
    w.null();
  }
  w.member("model", model_of(completion, context)).key("output").begin_array();
  std::size_t index = 0;
  for (const auto& item : completion.items) {
    if (item.kind == ItemKind::text && item.text.empty()) continue;
    if (!item.redacted.empty()) continue;  // encrypted Anthropic reasoning: nothing a Responses client can read
    const std::string_view prefix = item.kind == ItemKind::text        ? "msg_"
                                    : item.kind == ItemKind::reasoning ? "rs_"
                                                                       : "fc_";
    write_responses_item(w, item, std::string(prefix) + id.substr(5) + "_" + std::to_string(index++),
                         context.tool_names);
  }
  w.end_array();
  w.member_bool("parallel_tool_calls", true).member("tool_choice", "auto").key("tools").raw("[]");
  w.key("usage");
  write_responses_usage(w, completion.usage);
  w.end_object();
}

}  // namespace

Translated<Completion> parse_completion(WireFormat backend, std::string_view body, ThinkTags think_tags) {
  auto parsed = parse_json_object(body);
  if (!parsed) return parsed.error();
  switch (backend) {
    case WireFormat::chat:
      return parse_chat(*parsed, think_tags);
    case WireFormat::messages:
      return parse_messages(*parsed);
    case WireFormat::responses:
      return parse_responses(*parsed);
  }
  return TranslationError{"unknown wire format"};
}

std::string render_completion(WireFormat client, const Completion& completion, const TranslationContext& context) {
  std::string out;
  out.reserve(1024);
  JsonWriter w(out);
  switch (client) {
    case WireFormat::chat:
      render_chat(w, completion, context);
      break;
    case WireFormat::messages:
      render_messages(w, completion, context);
      break;
    case WireFormat::responses:
      render_responses(w, completion, context);
      break;
  }
  return out;
}

Translated<ResponseTranslation> translate_response(WireFormat backend, WireFormat client, std::string_view body,
                                                   const TranslationContext& context) {
  auto completion = parse_completion(backend, body, context.think_tags);
  if (!completion) return completion.error();
  ResponseTranslation result;
  result.body = backend == client ? std::string(body) : render_completion(client, *completion, context);
  result.completion = std::move(*completion);
  return result;
}

}  // namespace llmroute::wire
