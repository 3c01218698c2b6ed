// OpenAI Chat Completions request bodies: parsing into a Conversation and rendering from one.
#include <algorithm>

#include "wire/json_access.hpp"
#include "wire/json_writer.hpp"
#include "wire/request_codecs.hpp"
#include "wire/tool_choice_mode.hpp"

namespace llmroute::wire {

namespace {

namespace json = boost::json;

Problem parse_image_url(const json::object& part, const std::string& path, Image& image) {
  const auto* image_url = member(part, "image_url");
  std::string_view url;
  if (image_url != nullptr && image_url->is_string()) {
    url = image_url->get_string();
  } else if (image_url != nullptr && image_url->is_object()) {
    url = string_member(image_url->get_object(), "url");
    image.detail = string_member(image_url->get_object(), "detail");
  }
  if (url.empty()) return error_at(path, "image_url part without a url");
  if (!split_data_url(url, image.media_type, image.base64)) image.url = url;
  return std::nullopt;
}

/// Content as a string, null, or an array of parts.
Problem parse_content(const json::value* content, const std::string& path, Message& message) {
  if (content == nullptr) return std::nullopt;
  if (content->is_string()) {
    if (!content->get_string().empty()) {
      message.parts.push_back(text_part(content->get_string()));
    }
    return std::nullopt;
  }
  if (!content->is_array()) {
    return error_at(path, "content must be a string, null or an array, not " + std::string(json_type_name(*content)));
  }
  std::size_t index = 0;
  for (const auto& item : content->get_array()) {
    const auto item_path = path_index(path, index++);
    if (!item.is_object()) return error_at(item_path, "content part must be an object");
    const auto& part = item.get_object();
    const auto type = string_member(part, "type");
    if (type == "text" || type == "input_text" || type == "output_text") {
      // Clients that target Anthropic through OpenAI-style APIs (aider --cache-prompts) mark parts.
      message.parts.push_back(text_part(string_member(part, "text"), member(part, "cache_control") != nullptr));
    } else if (type == "refusal") {
      message.parts.push_back(text_part(string_member(part, "refusal")));
    } else if (type == "image_url") {
      Part image = make_part(PartKind::image);
      if (auto problem = parse_image_url(part, item_path, image.image)) return problem;
      message.parts.push_back(std::move(image));
    } else {
      return error_at(item_path, "unsupported content part type \"" + std::string(type) + "\"");
    }
  }
  return std::nullopt;
}

Problem parse_tool_calls(const json::value& calls, const std::string& path, Message& message) {
  if (!calls.is_array()) return error_at(path, "must be an array");
  std::size_t index = 0;
  for (const auto& item : calls.get_array()) {
    const auto item_path = path_index(path, index++);
    if (!item.is_object()) return error_at(item_path, "tool call must be an object");
    const auto& call = item.get_object();
    const auto* function = member(call, "function");
    if (function == nullptr || !function->is_object()) return error_at(item_path, "tool call without a function");
    Part part = make_part(PartKind::tool_call);
    part.call_id = string_member(call, "id");
    part.name = string_member(function->get_object(), "name");
    // As for tool definitions: Anthropic and Responses backends refuse a call without a name, and the path says where.
    if (part.name.empty()) return error_at(path_key(item_path, "function.name"), "missing");
    const auto* arguments = member(function->get_object(), "arguments");
    if (arguments == nullptr) {
      part.arguments = "{}";
    } else if (arguments->is_string()) {
      part.arguments = arguments->get_string();
    } else {
      part.arguments = to_json(*arguments);  // some clients send an object; the wire wants a string
    }
    message.parts.push_back(std::move(part));
  }
  return std::nullopt;
}

Problem parse_message(const json::object& object, const std::string& path, Conversation& conversation) {
  const auto role = string_member(object, "role");
  const auto* content = member(object, "content");
  const auto content_path = path_key(path, "content");
  Message message;
  if (role == "system" || role == "developer") {
    message.role = Role::system;
    message.developer = role == "developer";
    if (auto problem = parse_content(content, content_path, message)) return problem;
  } else if (role == "user") {
    message.role = Role::user;
    if (auto problem = parse_content(content, content_path, message)) return problem;
  } else if (role == "assistant") {
    message.role = Role::assistant;
    auto reasoning = string_member(object, "reasoning_content");
    if (reasoning.empty()) reasoning = string_member(object, "reasoning");
    if (!reasoning.empty()) {
      Part part = make_part(PartKind::reasoning);
      part.text = reasoning;
      message.parts.push_back(std::move(part));
    }
    if (auto problem = parse_content(content, content_path, message)) return problem;
    if (const auto* calls = member(object, "tool_calls")) {
      if (auto problem = parse_tool_calls(*calls, path_key(path, "tool_calls"), message)) return problem;
    }
    if (member(object, "function_call") != nullptr) {
      return error_at(path_key(path, "function_call"), "legacy function calls are not supported; use tool_calls");
    }
  } else if (role == "tool") {
    message.role = Role::tool;
    Part result = make_part(PartKind::tool_result);
    result.call_id = string_member(object, "tool_call_id");
    Message holder;
    if (auto problem = parse_content(content, content_path, holder)) return problem;
    result.result = std::move(holder.parts);
    message.parts.push_back(std::move(result));
  } else {
    return error_at(path_key(path, "role"), "unsupported role \"" + std::string(role) + "\"");
  }
  conversation.messages.push_back(std::move(message));
  return std::nullopt;
}

Problem parse_tools(const json::array& tools, Conversation& conversation) {
  std::size_t index = 0;
  for (const auto& item : tools) {
    const auto path = path_index("tools", index++);
    if (!item.is_object()) return error_at(path, "tool must be an object");
    const auto& tool = item.get_object();
    const auto type = string_member(tool, "type", "function");
    const auto* function = member(tool, "function");
    if (type != "function" || function == nullptr || !function->is_object()) {
      conversation.notes.push_back("tool type \"" + std::string(type) + "\" dropped");
      continue;
    }
    const auto& fn = function->get_object();
    Tool out;
    out.name = string_member(fn, "name");
    if (out.name.empty()) return error_at(path_key(path, "function.name"), "missing");
    out.description = string_member(fn, "description");
    if (const auto* parameters = member(fn, "parameters")) out.parameters = *parameters;
    out.strict = bool_member(fn, "strict");
    conversation.tools.push_back(std::move(out));
  }
  return std::nullopt;
}

Problem parse_tool_choice(const json::value& choice, Conversation& conversation) {
  if (choice.is_string()) return parse_tool_choice_mode(choice.get_string(), conversation.tool_choice);
  if (choice.is_object()) {
    const auto* function = member(choice.get_object(), "function");
    if (function != nullptr && function->is_object()) {
      conversation.tool_choice.mode = ToolChoiceMode::named;
      conversation.tool_choice.name = string_member(function->get_object(), "name");
      return std::nullopt;
    }
  }
  return error_at("tool_choice", "must be \"auto\", \"required\", \"none\" or a named function");
}

Problem parse_response_format(const json::value& format, Conversation& conversation) {
  if (!format.is_object()) return error_at("response_format", "must be an object");
  const auto& object = format.get_object();
  const auto type = string_member(object, "type");
  auto& out = conversation.output_format;
  if (type == "text") {
    out.kind = OutputFormat::Kind::text;
  } else if (type == "json_object") {
    out.kind = OutputFormat::Kind::json_object;
  } else if (type == "json_schema") {
    const auto* schema = member(object, "json_schema");
    if (schema == nullptr || !schema->is_object()) return error_at("response_format.json_schema", "missing");
    const auto& spec = schema->get_object();
    out.kind = OutputFormat::Kind::json_schema;
    out.name = string_member(spec, "name");
    out.description = string_member(spec, "description");
    if (const auto* s = member(spec, "schema")) out.schema = *s;
    out.strict = bool_member(spec, "strict");
  } else {
    return error_at("response_format.type", "unsupported value \"" + std::string(type) + "\"");
  }
  return std::nullopt;
}

}  // namespace

Translated<Conversation> parse_chat_request(const json::object& body) {
  Conversation conversation;
  conversation.model = string_member(body, "model");
  const auto* messages = member(body, "messages");
  if (messages == nullptr || !messages->is_array()) return error_at("messages", "must be an array");
  std::size_t index = 0;
  for (const auto& item : messages->get_array()) {
    const auto path = path_index("messages", index++);
    if (!item.is_object()) return error_at(path, "message must be an object");
    if (auto problem = parse_message(item.get_object(), path, conversation)) return *problem;
  }
  if (member(body, "functions") != nullptr) {
    return error_at("functions", "legacy functions are not supported; use tools");
  }
  if (const auto* tools = member(body, "tools")) {
    if (!tools->is_array()) return error_at("tools", "must be an array");
    if (auto problem = parse_tools(tools->get_array(), conversation)) return *problem;
  }
  if (const auto* choice = member(body, "tool_choice")) {
    if (auto problem = parse_tool_choice(*choice, conversation)) return *problem;
  }
  conversation.parallel_tool_calls = bool_member(body, "parallel_tool_calls");
  conversation.max_tokens = integer_member(body, "max_completion_tokens");
  if (!conversation.max_tokens) conversation.max_tokens = integer_member(body, "max_tokens");
  conversation.temperature = number_member(body, "temperature");
  conversation.top_p = number_member(body, "top_p");
  conversation.top_k = integer_member(body, "top_k");
  if (const auto* stop = member(body, "stop")) {
    if (stop->is_string()) {
      conversation.stop.emplace_back(stop->get_string());
    } else if (stop->is_array()) {
      for (const auto& s : stop->get_array()) {
        if (s.is_string()) conversation.stop.emplace_back(s.get_string());
      }
    } else {
      return error_at("stop", "must be a string or an array of strings");
    }
  }
  conversation.stream = bool_member(body, "stream").value_or(false);
  if (const auto* options = member(body, "stream_options"); options != nullptr && options->is_object()) {
    conversation.include_usage = bool_member(options->get_object(), "include_usage").value_or(false);
  }
  conversation.user = string_member(body, "user");
  conversation.reasoning_effort = string_member(body, "reasoning_effort");
  if (const auto* format = member(body, "response_format")) {
    if (auto problem = parse_response_format(*format, conversation)) return *problem;
  }
  if (const auto n = integer_member(body, "n"); n && *n > 1) {
    return error_at("n", "only one choice can be translated to this backend");
  }
  conversation.store = bool_member(body, "store");
  if (const auto* metadata = member(body, "metadata"); metadata != nullptr && metadata->is_object()) {
    conversation.metadata = *metadata;
  }
  // Sampling hints may be dropped; log probabilities are part of the answer the client asked for.
  if (bool_member(body, "logprobs").value_or(false) || integer_member(body, "top_logprobs").value_or(0) > 0) {
    return error_at("logprobs", "log probabilities cannot be translated to this backend");
  }
  for (const std::string_view dropped : {"seed", "frequency_penalty", "presence_penalty", "logit_bias"}) {
    if (member(body, dropped) != nullptr) conversation.notes.push_back(std::string(dropped) + " dropped");
  }
  return conversation;
}

namespace {

void write_image_part(JsonWriter& w, const Image& image) {
  w.begin_object().member("type", "image_url").key("image_url").begin_object();
  if (!image.url.empty()) {
    w.member("url", image.url);
  } else {
    w.member("url", "data:" + image.media_type + ";base64," + image.base64);
  }
  if (!image.detail.empty()) w.member("detail", image.detail);
  w.end_object().end_object();
}

/// A user message: a plain string when it is only text (some servers reject arrays).
void write_user_message(JsonWriter& w, const std::vector<const Part*>& parts) {
  const bool has_image =
      std::any_of(parts.begin(), parts.end(), [](const Part* p) { return p->kind == PartKind::image; });
  w.begin_object().member("role", "user").key("content");
  if (!has_image) {
    std::string text;
    for (const auto* part : parts) {
      if (!text.empty()) text.append("\n\n");
      text.append(part->text);
    }
    w.string(text);
  } else {
    w.begin_array();
    for (const auto* part : parts) {
      if (part->kind == PartKind::image) {
        write_image_part(w, part->image);
      } else {
        w.begin_object().member("type", "text").member("text", part->text).end_object();
      }
    }
    w.end_array();
  }
  w.end_object();
}

void write_tool_message(JsonWriter& w, const Part& result, std::vector<const Part*>& images) {
  std::string text = result.is_error ? "Error: " : "";
  bool first = true;
  for (const auto& item : result.result) {
    if (item.kind == PartKind::image) {
      images.push_back(&item);
      continue;
    }
    if (!first) text.push_back('\n');
    first = false;
    text.append(item.text);
  }
  w.begin_object().member("role", "tool").member("tool_call_id", result.call_id).member("content", text).end_object();
}

void write_assistant_message(JsonWriter& w, const Message& message, const RequestOptions& options) {
  std::string text;
  std::string reasoning;
  bool has_calls = false;
  for (const auto& part : message.parts) {
    if (part.kind == PartKind::text) {
      text.append(part.text);
    } else if (part.kind == PartKind::reasoning) {
      reasoning.append(part.text);
    } else if (part.kind == PartKind::tool_call) {
      has_calls = true;
    }
  }
  // An empty string rather than null: several servers' chat templates concatenate content.
  w.begin_object().member("role", "assistant").member("content", text);
  if (!reasoning.empty() && options.reasoning_history == ReasoningHistory::keep) {
    w.member("reasoning_content", reasoning);
  }
  if (has_calls) {
    w.key("tool_calls").begin_array();
    for (const auto& part : message.parts) {
      if (part.kind != PartKind::tool_call) continue;
      w.begin_object().member("id", part.call_id).member("type", "function").key("function").begin_object();
      w.member("name", part.name).member("arguments", part.arguments.empty() ? "{}" : part.arguments);
      w.end_object().end_object();
    }
    w.end_array();
  }
  w.end_object();
}

}  // namespace

Translated<std::string> render_chat_request(Conversation& conversation, const RequestOptions& options) {
  std::string out;
  out.reserve(4096);
  JsonWriter w(out);
  w.begin_object();
  w.member("model", conversation.model);
  w.key("messages").begin_array();
  // Chat tool messages cannot carry images: those of tool results follow in the next user message.
  std::vector<const Part*> tool_images;
  auto write_user = [&](std::vector<const Part*> parts) {
    if (!tool_images.empty()) {
      conversation.notes.push_back("tool result images moved to a user message");
      parts.insert(parts.begin(), tool_images.begin(), tool_images.end());
      tool_images.clear();
    }
    if (!parts.empty()) write_user_message(w, parts);
  };
  for (const auto& message : conversation.messages) {
    if (message.role == Role::system || message.role == Role::assistant) write_user({});
    switch (message.role) {
      case Role::system:
        w.begin_object().member("role", "system").member("content", joined_text(message.parts, "\n\n")).end_object();
        break;
      case Role::assistant:
        write_assistant_message(w, message, options);
        break;
      case Role::tool:
      case Role::user: {
        // Tool results go first, before any remaining user text of the same message.
        for (const auto& part : message.parts) {
          if (part.kind == PartKind::tool_result) write_tool_message(w, part, tool_images);
        }
        std::vector<const Part*> user_parts;
        for (const auto& part : message.parts) {
          if (part.kind == PartKind::text || part.kind == PartKind::image) user_parts.push_back(&part);
        }
        if (!user_parts.empty()) write_user(std::move(user_parts));
        break;
      }
    }
  }
  write_user({});
  w.end_array();
  if (!conversation.tools.empty()) {
    w.key("tools").begin_array();
    for (const auto& tool : conversation.tools) {
      w.begin_object().member("type", "function").key("function").begin_object().member("name", tool.name);
      if (!tool.description.empty()) w.member("description", tool.description);
      w.key("parameters");
      if (tool.parameters.is_object()) {
        w.value(tool.parameters);
      } else {
        w.raw(R"({"type":"object","properties":{}})");
      }
      if (tool.strict) w.member_bool("strict", *tool.strict);
      w.end_object().end_object();
    }
    w.end_array();
    switch (conversation.tool_choice.mode) {
      case ToolChoiceMode::unset:
        break;
      case ToolChoiceMode::automatic:
        w.member("tool_choice", "auto");
        break;
      case ToolChoiceMode::required:
        w.member("tool_choice", "required");
        break;
      case ToolChoiceMode::none:
        w.member("tool_choice", "none");
        break;
      case ToolChoiceMode::named:
        w.key("tool_choice").begin_object().member("type", "function").key("function").begin_object();
        w.member("name", conversation.tool_choice.name).end_object().end_object();
        break;
    }
    if (conversation.parallel_tool_calls) w.member_bool("parallel_tool_calls", *conversation.parallel_tool_calls);
  }
  if (conversation.max_tokens) {
    w.member(options.max_tokens_field == MaxTokensField::max_tokens ? "max_tokens" : "max_completion_tokens",
             *conversation.max_tokens);
  }
  if (conversation.temperature) w.key("temperature").number(*conversation.temperature);
  if (conversation.top_p) w.key("top_p").number(*conversation.top_p);
  if (conversation.top_k) w.member("top_k", *conversation.top_k);
  if (!conversation.stop.empty()) {
    w.key("stop").begin_array();
    for (const auto& stop : conversation.stop) w.string(stop);
    w.end_array();
  }
  if (conversation.stream) {
    w.member_bool("stream", true);
    w.key("stream_options").raw(R"({"include_usage":true})");
  }
  if (!conversation.user.empty()) w.member("user", conversation.user);
  if (!conversation.reasoning_effort.empty()) w.member("reasoning_effort", conversation.reasoning_effort);
  const auto& format = conversation.output_format;
  if (format.kind == OutputFormat::Kind::json_object) {
    w.key("response_format").raw(R"({"type":"json_object"})");
  } else if (format.kind == OutputFormat::Kind::json_schema) {
    w.key("response_format").begin_object().member("type", "json_schema").key("json_schema").begin_object();
    w.member("name", format.name.empty() ? "response" : format.name);
    if (!format.description.empty()) w.member("description", format.description);
    w.key("schema").value(format.schema);
    if (format.strict) w.member_bool("strict", *format.strict);
    w.end_object().end_object();
  }
  w.end_object();
  return out;
}

bool split_data_url(std::string_view url, std::string& media_type, std::string& base64) {
  if (!url.starts_with("data:")) return false;
  const auto comma = url.find(',');
  if (comma == std::string_view::npos) return false;
  auto header = url.substr(5, comma - 5);
  if (!header.ends_with(";base64")) return false;
  header.remove_suffix(7);
  media_type = header;
  base64 = url.substr(comma + 1);
  return true;
}

std::string joined_text(const std::vector<Part>& parts, std::string_view separator) {
  std::string text;
  bool first = true;
  for (const auto& part : parts) {
    if (part.kind != PartKind::text) continue;
    if (!first) text.append(separator);
    first = false;
    text.append(part.text);
  }
  return text;
}

}  // namespace llmroute::wire
