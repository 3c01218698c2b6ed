// Request translation: parse the client's format into a Conversation, render the backend's.
#include "wire/request_translation.hpp"

#include "wire/json_access.hpp"
#include "wire/request_codecs.hpp"

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

}  // namespace llmroute::wire
