// OpenAI Responses request bodies: parsing into a Conversation and rendering from one.
#include <algorithm>
#include <boost/json/parse.hpp>

#include "wire/json_access.hpp"
#include "wire/json_writer.hpp"
#include "wire/request_codecs.hpp"
#include "wire/tool_choice_mode.hpp"

namespace llmroute::wire {

namespace {

namespace json = boost::json;

/// The schema a function-only backend sees for a free-form (custom) tool.
constexpr std::string_view kCustomToolParameters =
    R"({"type":"object","properties":{"input":{"type":"string","description":"The raw input for this tool."}},"required":["input"],"additionalProperties":false})";

Problem parse_parts(const json::value& content, const std::string& path, Message& message) {
  if (content.is_string()) {
    message.parts.push_back(text_part(content.get_string()));
    return std::nullopt;
  }
  if (!content.is_array()) {
    return error_at(path, "content must be a string or an array, not " + std::string(json_type_name(content)));
  }
  std::size_t index = 0;
  for (const auto& item : content.get_array()) {
    const auto item_path = path_index(path, index++);
    if (!item.is_object()) return error_at(item_path, "content part must be an object");
    const auto& part = item.get_object();
    const auto type = string_member(part, "type");
    if (type == "input_text" || type == "output_text" || type == "text") {
      message.parts.push_back(text_part(string_member(part, "text")));
    } else if (type == "refusal") {
      message.parts.push_back(text_part(string_member(part, "refusal")));
    } else if (type == "input_image") {
      Part image = make_part(PartKind::image);
      const auto url = string_member(part, "image_url");
      if (url.empty()) return error_at(item_path, "input_image without image_url (file_id images are not supported)");
      if (!split_data_url(url, image.image.media_type, image.image.base64)) image.image.url = url;
      image.image.detail = string_member(part, "detail");
      message.parts.push_back(std::move(image));
    } else {
      return error_at(item_path, "unsupported content part type \"" + std::string(type) + "\"");
    }
  }
  return std::nullopt;
}

/// The assistant message that a function call joins: the previous one if it is an assistant's.
Message& assistant_for_call(Conversation& conversation) {
  if (conversation.messages.empty() || conversation.messages.back().role != Role::assistant) {
    conversation.messages.push_back(make_message(Role::assistant));
  }
  return conversation.messages.back();
}

std::string custom_arguments(std::string_view input) {
  std::string arguments = R"({"input":)";
  append_json_string(arguments, input);
  arguments.push_back('}');
  return arguments;
}

Problem parse_item(const json::object& item, const std::string& path, Conversation& conversation) {
  auto type = string_member(item, "type");
  if (type.empty() && member(item, "role") != nullptr) type = "message";
  if (type == "message") {
    const auto role = string_member(item, "role");
    Message message;
    if (role == "user") {
      message.role = Role::user;
    } else if (role == "assistant") {
      message.role = Role::assistant;
    } else if (role == "system" || role == "developer") {
      message.role = Role::system;
      message.developer = role == "developer";
    } else {
      return error_at(path_key(path, "role"), "unsupported role \"" + std::string(role) + "\"");
    }
    const auto* content = member(item, "content");
    if (content == nullptr) return error_at(path_key(path, "content"), "missing");
    if (auto problem = parse_parts(*content, path_key(path, "content"), message)) return problem;
    conversation.messages.push_back(std::move(message));
    return std::nullopt;
  }
  if (type == "function_call" || type == "custom_tool_call") {
    Part call = make_part(PartKind::tool_call);
    call.call_id = string_member(item, "call_id");
    call.name = conversation.tool_names.wire_name_for(string_member(item, "namespace"), string_member(item, "name"));
    if (type == "function_call") {
      call.arguments = string_member(item, "arguments", "{}");
    } else {
      call.arguments = custom_arguments(string_member(item, "input"));
    }
    assistant_for_call(conversation).parts.push_back(std::move(call));
    return std::nullopt;
  }
  if (type == "function_call_output" || type == "custom_tool_call_output") {
    Part result = make_part(PartKind::tool_result);
    result.call_id = string_member(item, "call_id");
    if (const auto* output = member(item, "output")) {
      Message holder;
      if (auto problem = parse_parts(*output, path_key(path, "output"), holder)) return problem;
      result.result = std::move(holder.parts);
    }
    conversation.messages.push_back(make_message(Role::tool, {std::move(result)}));
    return std::nullopt;
  }
  if (type == "reasoning") return std::nullopt;  // encrypted or summarised reasoning: only its origin reads it
  if (type == "web_search_call" || type == "file_search_call" || type == "image_generation_call" ||
      type == "code_interpreter_call" || type == "tool_search_call" || type == "tool_search_output") {
    conversation.notes.push_back("built-in tool item \"" + std::string(type) + "\" in history dropped");
    return std::nullopt;
  }
  if (type == "compaction" || type == "compaction_summary") {
    conversation.notes.push_back("encrypted compaction summary dropped");
    return std::nullopt;
  }
  return error_at(path, "unsupported item type \"" + std::string(type) + "\"");
}

void add_function_tool(const json::object& tool, std::string_view namespace_name,
                       std::string_view namespace_description, Conversation& conversation) {
  const auto shape = string_member(tool, "type") == "custom" ? ToolShape::custom : ToolShape::function;
  const auto name = string_member(tool, "name");
  Tool out;
  if (namespace_name.empty() && shape == ToolShape::function) {
    out.name = name;
  } else {
    out.name = conversation.tool_names.add(namespace_name, name, shape);
  }
  if (!namespace_description.empty()) {
    out.description = std::string(namespace_description) + "\n\n";
  }
  out.description.append(string_member(tool, "description"));
  if (shape == ToolShape::custom) {
    out.parameters = json::parse(kCustomToolParameters);
    if (const auto* format = member(tool, "format"); format != nullptr && format->is_object()) {
      const auto& f = format->get_object();
      const auto definition = string_member(f, "definition");
      if (string_member(f, "type") == "grammar" && !definition.empty()) {
        out.description.append("\n\nThe input must follow this ");
        out.description.append(string_member(f, "syntax", "grammar"));
        out.description.append(" grammar:\n");
        out.description.append(definition);
      }
    }
  } else {
    if (const auto* parameters = member(tool, "parameters")) out.parameters = *parameters;
    out.strict = bool_member(tool, "strict");
  }
  conversation.tools.push_back(std::move(out));
}

Problem parse_tools(const json::array& tools, Conversation& conversation) {
  std::size_t index = 0;
  for (const auto& item : tools) {
    const auto path = path_index("tools", index++);
    if (!item.is_object()) return error_at(path, "tool must be an object");
    const auto& tool = item.get_object();
    const auto type = string_member(tool, "type");
    if (type == "function" || type == "custom") {
      if (string_member(tool, "name").empty()) return error_at(path, "tool without a name");
      add_function_tool(tool, {}, {}, conversation);
    } else if (type == "namespace") {
      const auto namespace_name = string_member(tool, "name");
      if (namespace_name.empty()) return error_at(path, "namespace without a name");
      const auto* children = member(tool, "tools");
      if (children == nullptr || !children->is_array()) return error_at(path_key(path, "tools"), "must be an array");
      std::size_t child_index = 0;
      for (const auto& child : children->get_array()) {
        const auto child_path = path_index(path_key(path, "tools"), child_index++);
        if (!child.is_object()) return error_at(child_path, "tool must be an object");
        const auto child_type = string_member(child.get_object(), "type", "function");
        if (child_type != "function" && child_type != "custom") {
          conversation.notes.push_back("tool \"" + std::string(namespace_name) + "." +
                                       std::string(string_member(child.get_object(), "name")) + "\" of type \"" +
                                       std::string(child_type) + "\" dropped");
          continue;
        }
        if (string_member(child.get_object(), "name").empty()) return error_at(child_path, "tool without a name");
        add_function_tool(child.get_object(), namespace_name, string_member(tool, "description"), conversation);
      }
    } else {
      conversation.notes.push_back("built-in tool \"" + std::string(type) + "\" dropped");
    }
  }
  return std::nullopt;
}

Problem parse_tool_choice(const json::value& choice, Conversation& conversation) {
  if (choice.is_string()) return parse_tool_choice_mode(choice.get_string(), conversation.tool_choice);
  if (!choice.is_object()) return error_at("tool_choice", "must be a string or an object");
  const auto& object = choice.get_object();
  const auto type = string_member(object, "type");
  if (type == "function" || type == "custom") {
    conversation.tool_choice.mode = ToolChoiceMode::named;
    conversation.tool_choice.name =
        conversation.tool_names.wire_name_for(string_member(object, "namespace"), string_member(object, "name"));
    return std::nullopt;
  }
  conversation.tool_choice.mode = ToolChoiceMode::automatic;
  conversation.notes.push_back("tool_choice \"" + std::string(type) + "\" relaxed to auto");
  return std::nullopt;
}

Problem parse_text_format(const json::value& text, Conversation& conversation) {
  if (!text.is_object()) return error_at("text", "must be an object");
  const auto* format = member(text.get_object(), "format");
  if (format == nullptr) return std::nullopt;
  if (!format->is_object()) return error_at("text.format", "must be an object");
  const auto& f = format->get_object();
  const auto type = string_member(f, "type");
  auto& out = conversation.output_format;
  if (type == "text") {
    out.kind = OutputFormat::Kind::text;
  } else if (type == "json_object") {
    out.kind = OutputFormat::Kind::json_object;
  } else if (type == "json_schema") {
    out.kind = OutputFormat::Kind::json_schema;
    out.name = string_member(f, "name");
    out.description = string_member(f, "description");
    if (const auto* schema = member(f, "schema")) out.schema = *schema;
    out.strict = bool_member(f, "strict");
  } else {
    return error_at("text.format.type", "unsupported value \"" + std::string(type) + "\"");
  }
  return std::nullopt;
}

}  // namespace

Translated<Conversation> parse_responses_request(const json::object& body) {
  Conversation conversation;
  conversation.model = string_member(body, "model");
  if (member(body, "previous_response_id") != nullptr) {
    return error_at("previous_response_id", "server-side conversation state cannot be translated; send the full input");
  }
  if (member(body, "conversation") != nullptr) {
    return error_at("conversation", "server-side conversation state cannot be translated; send the full input");
  }
  // Tools first: history items name namespaced tools, whose flattened names come from here.
  if (const auto* tools = member(body, "tools")) {
    if (!tools->is_array()) return error_at("tools", "must be an array");
    if (auto problem = parse_tools(tools->get_array(), conversation)) return *problem;
  }
  if (const auto instructions = string_member(body, "instructions"); !instructions.empty()) {
    conversation.messages.push_back(make_message(Role::system, {text_part(instructions)}));
  }
  const auto* input = member(body, "input");
  if (input != nullptr && input->is_string()) {
    conversation.messages.push_back(make_message(Role::user, {text_part(input->get_string())}));
  } else if (input != nullptr && input->is_array()) {
    std::size_t index = 0;
    for (const auto& item : input->get_array()) {
      const auto path = path_index("input", index++);
      if (!item.is_object()) return error_at(path, "item must be an object");
      if (auto problem = parse_item(item.get_object(), path, conversation)) return *problem;
    }
  } else if (input != nullptr) {
    return error_at("input", "must be a string or an array of items");
  }
  if (const auto* choice = member(body, "tool_choice")) {
    if (auto problem = parse_tool_choice(*choice, conversation)) return *problem;
  }
  conversation.parallel_tool_calls = bool_member(body, "parallel_tool_calls");
  conversation.max_tokens = integer_member(body, "max_output_tokens");
  conversation.temperature = number_member(body, "temperature");
  conversation.top_p = number_member(body, "top_p");
  conversation.stream = bool_member(body, "stream").value_or(false);
  conversation.user = string_member(body, "user");
  if (const auto* reasoning = member(body, "reasoning"); reasoning != nullptr && reasoning->is_object()) {
    conversation.reasoning_effort = string_member(reasoning->get_object(), "effort");
  }
  if (const auto* text = member(body, "text")) {
    if (auto problem = parse_text_format(*text, conversation)) return *problem;
  }
  if (integer_member(body, "top_logprobs").value_or(0) > 0) {
    return error_at("top_logprobs", "log probabilities cannot be translated to this backend");
  }
  if (const auto* include = member(body, "include"); include != nullptr && include->is_array()) {
    for (const auto& value : include->get_array()) {
      if (value.is_string() && value.get_string() == "message.output_text.logprobs") {
        return error_at("include", "log probabilities cannot be translated to this backend");
      }
    }
  }
  conversation.store = bool_member(body, "store");
  if (const auto* metadata = member(body, "metadata"); metadata != nullptr && metadata->is_object()) {
    conversation.metadata = *metadata;
  }
  return conversation;
}

namespace {

void write_input_image(JsonWriter& w, const Image& image) {
  w.begin_object().member("type", "input_image");
  if (!image.url.empty()) {
    w.member("image_url", image.url);
  } else {
    w.member("image_url", "data:" + image.media_type + ";base64," + image.base64);
  }
  w.member("detail", image.detail.empty() ? "auto" : image.detail);
  w.end_object();
}

void write_message_item(JsonWriter& w, std::string_view role, const std::vector<const Part*>& parts) {
  const bool assistant = role == "assistant";
  w.begin_object().member("type", "message").member("role", role).key("content").begin_array();
  for (const auto* part : parts) {
    if (part->kind == PartKind::image) {
      write_input_image(w, part->image);
    } else {
      w.begin_object().member("type", assistant ? "output_text" : "input_text").member("text", part->text);
      w.end_object();
    }
  }
  w.end_array().end_object();
}

void write_tool_output(JsonWriter& w, const Part& result) {
  w.begin_object().member("type", "function_call_output").member("call_id", result.call_id).key("output");
  const bool has_image =
      std::any_of(result.result.begin(), result.result.end(), [](const Part& p) { return p.kind == PartKind::image; });
  if (has_image) {
    w.begin_array();
    if (result.is_error) w.begin_object().member("type", "input_text").member("text", "Error:").end_object();
    for (const auto& item : result.result) {
      if (item.kind == PartKind::image) {
        write_input_image(w, item.image);
      } else {
        w.begin_object().member("type", "input_text").member("text", item.text).end_object();
      }
    }
    w.end_array();
  } else {
    w.string((result.is_error ? "Error: " : "") + joined_text(result.result, "\n"));
  }
  w.end_object();
}

}  // namespace

Translated<std::string> render_responses_request(Conversation& conversation, const RequestOptions&) {
  std::string out;
  out.reserve(4096);
  JsonWriter w(out);
  w.begin_object();
  w.member("model", conversation.model);
  // Leading system messages become `instructions`; later ones stay in place as input items.
  std::size_t first_input = 0;
  std::string instructions;
  while (first_input < conversation.messages.size() && conversation.messages[first_input].role == Role::system) {
    if (!instructions.empty()) instructions.append("\n\n");
    instructions.append(joined_text(conversation.messages[first_input].parts, "\n\n"));
    ++first_input;
  }
  if (!instructions.empty()) w.member("instructions", instructions);
  w.key("input").begin_array();
  for (std::size_t i = first_input; i < conversation.messages.size(); ++i) {
    const auto& message = conversation.messages[i];
    std::vector<const Part*> content;
    switch (message.role) {
      case Role::system:
        for (const auto& part : message.parts) {
          if (part.kind == PartKind::text) content.push_back(&part);
        }
        write_message_item(w, message.developer ? "developer" : "system", content);
        break;
      case Role::user:
      case Role::tool:
        for (const auto& part : message.parts) {
          if (part.kind == PartKind::tool_result) write_tool_output(w, part);
          if (part.kind == PartKind::text || part.kind == PartKind::image) content.push_back(&part);
        }
        if (!content.empty()) write_message_item(w, "user", content);
        break;
      case Role::assistant:
        for (const auto& part : message.parts) {
          if (part.kind == PartKind::text && !part.text.empty()) content.push_back(&part);
        }
        if (!content.empty()) write_message_item(w, "assistant", content);
        for (const auto& part : message.parts) {
          if (part.kind != PartKind::tool_call) continue;
          w.begin_object().member("type", "function_call").member("call_id", part.call_id);
          w.member("name", part.name).member("arguments", part.arguments.empty() ? "{}" : part.arguments);
          w.end_object();
        }
        break;
    }
  }
  w.end_array();
  if (!conversation.tools.empty()) {
    w.key("tools").begin_array();
    for (const auto& tool : conversation.tools) {
      w.begin_object().member("type", "function").member("name", tool.name);
      if (!tool.description.empty()) w.member("description", tool.description);
      w.key("parameters");
      if (tool.parameters.is_object()) {
        w.value(tool.parameters);
      } else {
        w.raw(R"({"type":"object","properties":{}})");
      }
      // Responses defaults to strict schemas, which reject most hand-written ones.
      w.member_bool("strict", tool.strict.value_or(false));
      w.end_object();
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
        w.key("tool_choice").begin_object().member("type", "function").member("name", conversation.tool_choice.name);
        w.end_object();
        break;
    }
    if (conversation.parallel_tool_calls) w.member_bool("parallel_tool_calls", *conversation.parallel_tool_calls);
  }
  if (conversation.max_tokens) w.member("max_output_tokens", *conversation.max_tokens);
  if (conversation.temperature) w.key("temperature").number(*conversation.temperature);
  if (conversation.top_p) w.key("top_p").number(*conversation.top_p);
  if (conversation.top_k) conversation.notes.push_back("top_k dropped");
  if (!conversation.stop.empty()) conversation.notes.push_back("stop sequences dropped");
  if (conversation.stream) w.member_bool("stream", true);
  if (!conversation.user.empty()) w.member("user", conversation.user);
  if (!conversation.reasoning_effort.empty()) {
    w.key("reasoning").begin_object().member("effort", conversation.reasoning_effort).end_object();
  }
  const auto& format = conversation.output_format;
  if (format.kind != OutputFormat::Kind::text) {
    w.key("text").begin_object().key("format").begin_object();
    if (format.kind == OutputFormat::Kind::json_object) {
      w.member("type", "json_object");
    } else {
      w.member("type", "json_schema").member("name", format.name.empty() ? "response" : format.name);
      if (!format.description.empty()) w.member("description", format.description);
      w.key("schema").value(format.schema);
      if (format.strict) w.member_bool("strict", *format.strict);
    }
    w.end_object().end_object();
  }
  w.member_bool("store", conversation.store.value_or(false));
  if (conversation.metadata.is_object()) w.key("metadata").value(conversation.metadata);
  w.end_object();
  return out;
}

}  // namespace llmroute::wire
