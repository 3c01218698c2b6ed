// Request translation: parse the client's format into a Conversation, render the backend's.
#include "wire/request_translation.hpp"

#include "wire/json_access.hpp"
#include "wire/request_codecs.hpp"
#include "wire/tool_call_ids.hpp"

namespace llmroute::wire {

namespace {

Translated<Conversation> parse(WireFormat format, const boost::json::object& body) {
  switch (format) {
    case WireFormat::chat:
      return parse_chat_request(body);
    case WireFormat::messages:
      return parse_messages_request(body);
    case WireFormat::responses:
      return parse_responses_request(body);
  }
  return TranslationError{"unknown wire format"};
}

Translated<std::string> render(WireFormat format, Conversation& conversation, const RequestOptions& options) {
  switch (format) {
    case WireFormat::chat:
      return render_chat_request(conversation, options);
    case WireFormat::messages:
      return render_messages_request(conversation, options);
    case WireFormat::responses:
      return render_responses_request(conversation, options);
  }
  return TranslationError{"unknown wire format"};
}

}  // namespace

TranslationContext answer_context(const RequestTranslation& request, std::string request_id, std::int64_t created) {
  TranslationContext context;
  context.request_id = std::move(request_id);
  context.created = created;
  context.include_usage = request.include_usage;
  context.tool_names = request.tool_names;
  return context;
}

Translated<RequestTranslation> translate_request(WireFormat from, WireFormat to, std::string_view body,
                                                 const TranslateOptions& options) {
  auto parsed = parse_json_object(body);
  if (!parsed) return parsed.error();
  auto& object = *parsed;
  if (from == to) {
    RequestTranslation same;
    same.stream = bool_member(object, "stream").value_or(false);
    if (const auto* stream_options = member(object, "stream_options");
        stream_options != nullptr && stream_options->is_object()) {
      same.include_usage = bool_member(stream_options->get_object(), "include_usage").value_or(false);
    }
    if (options.model.empty()) {
      same.model = string_member(object, "model");
      same.body.assign(body);
    } else {
      same.model = options.model;
      object["model"] = options.model;
      same.body = to_json(object);
    }
    return same;
  }
  auto conversation = parse(from, object);
  if (!conversation) return conversation.error();
  if (!options.model.empty()) conversation->model = options.model;
  const auto limit = options.request.max_tokens_limit;
  if (limit > 0 && conversation->max_tokens.value_or(limit + 1) > limit) {
    if (conversation->max_tokens) conversation->notes.push_back("max_tokens capped to " + std::to_string(limit));
    conversation->max_tokens = limit;
  }
  if (options.request.tool_call_ids == ToolCallIds::mistral && apply_mistral_tool_ids(*conversation))
    conversation->notes.push_back("tool-call ids shortened to Mistral's 9 characters");
  auto rendered = render(to, *conversation, options.request);
  if (!rendered) return rendered.error();
  RequestTranslation result;
  result.body = std::move(*rendered);
  result.model = std::move(conversation->model);
  result.stream = conversation->stream;
  result.include_usage = conversation->include_usage;
  result.tool_names = std::move(conversation->tool_names);
  result.notes = std::move(conversation->notes);
  return result;
}

std::optional<std::string> strip_unsigned_thinking(std::string_view body) {
  if (body.find(R"("signature":"")") == std::string_view::npos &&
      body.find(R"("signature": "")") == std::string_view::npos) {
    return std::nullopt;
  }
  auto parsed = parse_json_object(body);
  if (!parsed) return std::nullopt;
  auto* messages = parsed->if_contains("messages");
  if (messages == nullptr || !messages->is_array()) return std::nullopt;
  bool changed = false;
  for (auto& message : messages->get_array()) {
    if (!message.is_object()) continue;
    auto* content = message.get_object().if_contains("content");
    if (content == nullptr || !content->is_array()) continue;
    auto& blocks = content->get_array();
    for (auto it = blocks.begin(); it != blocks.end();) {
      const bool unsigned_thinking = it->is_object() && string_member(it->get_object(), "type") == "thinking" &&
                                     string_member(it->get_object(), "signature").empty();
      if (unsigned_thinking) {
        it = blocks.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
  }
  if (!changed) return std::nullopt;
  return to_json(*parsed);
}

}  // namespace llmroute::wire
