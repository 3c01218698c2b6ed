// Anthropic Messages request bodies: parsing into a Conversation and rendering from one.
#include <algorithm>
#include <boost/json/parse.hpp>

#include "wire/format_mappings.hpp"
#include "wire/json_access.hpp"
#include "wire/json_writer.hpp"
#include "wire/request_codecs.hpp"

namespace llmroute::wire {

namespace {

namespace json = boost::json;

bool has_cache_control(const json::object& block) { return member(block, "cache_control") != nullptr; }

Problem parse_image_source(const json::object& block, const std::string& path, Image& image) {
  const auto* source = member(block, "source");
  if (source == nullptr || !source->is_object()) return error_at(path, "image block needs a \"source\" object");
  const auto& src = source->get_object();
  const auto type = string_member(src, "type");
  if (type == "base64") {
    image.media_type = string_member(src, "media_type");
    image.base64 = string_member(src, "data");
    if (image.base64.empty()) return error_at(path_key(path, "source"), "base64 image without \"data\"");
    return std::nullopt;
  }
  if (type == "url") {
    image.url = string_member(src, "url");
    if (image.url.empty()) return error_at(path_key(path, "source"), "url image without \"url\"");
    return std::nullopt;
  }
  return error_at(path_key(path, "source"), "unsupported image source type \"" + std::string(type) + "\"");
}

/// Text and image blocks inside a tool_result's content array.
Problem parse_tool_result_content(const json::value& content, const std::string& path, std::vector<Part>& out) {
  if (content.is_string()) {
    out.push_back(text_part(content.get_string()));
    return std::nullopt;
  }
  if (!content.is_array()) {
    return error_at(path,
                    "tool_result content must be a string or an array, not " + std::string(json_type_name(content)));
  }
  std::size_t index = 0;
  for (const auto& item : content.get_array()) {
    const auto item_path = path_index(path, index++);
    if (!item.is_object()) return error_at(item_path, "content block must be an object");
    const auto& block = item.get_object();
    const auto type = string_member(block, "type");
    if (type == "text") {
      out.push_back(text_part(string_member(block, "text")));
    } else if (type == "image") {
      Part part = make_part(PartKind::image);
      if (auto problem = parse_image_source(block, item_path, part.image)) return problem;
      out.push_back(std::move(part));
    } else {
      return error_at(item_path, "unsupported block type \"" + std::string(type) + "\" in tool_result");
    }
  }
  return std::nullopt;
}

Problem parse_block(const json::object& block, const std::string& path, Role role, Message& message,
                    Conversation& conversation) {
  const auto type = string_member(block, "type");
  const bool cache = has_cache_control(block);
  if (type == "text") {
    message.parts.push_back(text_part(string_member(block, "text"), cache));
    return std::nullopt;
  }
  if (type == "image") {
    Part part = make_part(PartKind::image);
    part.cache_breakpoint = cache;
    if (auto problem = parse_image_source(block, path, part.image)) return problem;
    message.parts.push_back(std::move(part));
    return std::nullopt;
  }
  if (type == "tool_use") {
    if (role != Role::assistant) return error_at(path, "tool_use blocks belong in assistant messages");
    Part part = make_part(PartKind::tool_call);
    part.cache_breakpoint = cache;
    part.call_id = string_member(block, "id");
    part.name = string_member(block, "name");
    const auto* input = member(block, "input");
    part.arguments = input == nullptr ? "{}" : to_json(*input);
    message.parts.push_back(std::move(part));
    return std::nullopt;
  }
  if (type == "tool_result") {
    if (role != Role::user) return error_at(path, "tool_result blocks belong in user messages");
    Part part = make_part(PartKind::tool_result);
    part.cache_breakpoint = cache;
    part.call_id = string_member(block, "tool_use_id");
    part.is_error = bool_member(block, "is_error").value_or(false);
    if (const auto* content = member(block, "content")) {
      if (auto problem = parse_tool_result_content(*content, path_key(path, "content"), part.result)) return problem;
    }
    message.parts.push_back(std::move(part));
    return std::nullopt;
  }
  if (type == "thinking") {
    Part part = make_part(PartKind::reasoning);
    part.text = string_member(block, "thinking");
    part.signature = string_member(block, "signature");
    message.parts.push_back(std::move(part));
    return std::nullopt;
  }
  if (type == "redacted_thinking") return std::nullopt;  // encrypted: meaningful to Anthropic only
  if (type == "document") {
    const auto* source = member(block, "source");
    if (source != nullptr && source->is_object() && string_member(source->get_object(), "type") == "text") {
      message.parts.push_back(text_part(string_member(source->get_object(), "data")));
      return std::nullopt;
    }
  }
  if (type == "server_tool_use" || type == "web_search_tool_result" || type == "web_fetch_tool_result" ||
      type == "code_execution_tool_result") {
    conversation.notes.push_back("server tool block \"" + std::string(type) + "\" in history dropped");
    return std::nullopt;
  }
  return error_at(path, "unsupported block type \"" + std::string(type) + "\"");
}

Problem parse_content(const json::value& content, const std::string& path, Role role, Message& message,
                      Conversation& conversation) {
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
    if (!item.is_object()) return error_at(item_path, "content block must be an object");
    if (auto problem = parse_block(item.get_object(), item_path, role, message, conversation)) return problem;
  }
  return std::nullopt;
}

Problem parse_system(const json::value& system, Conversation& conversation) {
  Message message = make_message(Role::system);
  if (system.is_string()) {
    message.parts.push_back(text_part(system.get_string()));
  } else if (system.is_array()) {
    std::size_t index = 0;
    for (const auto& item : system.get_array()) {
      const auto path = path_index("system", index++);
      if (!item.is_object() || string_member(item.get_object(), "type") != "text") {
        return error_at(path, "system blocks must be text blocks");
      }
      message.parts.push_back(
          text_part(string_member(item.get_object(), "text"), has_cache_control(item.get_object())));
    }
  } else {
    return error_at("system", "must be a string or an array of text blocks");
  }
  if (!message.parts.empty()) conversation.messages.push_back(std::move(message));
  return std::nullopt;
}

Problem parse_tools(const json::array& tools, Conversation& conversation) {
  std::size_t index = 0;
  for (const auto& item : tools) {
    const auto path = path_index("tools", index++);
    if (!item.is_object()) return error_at(path, "tool must be an object");
    const auto& tool = item.get_object();
    const auto type = string_member(tool, "type", "custom");
    if (type != "custom") {
      conversation.notes.push_back("server tool \"" + std::string(string_member(tool, "name", type)) + "\" (" +
                                   std::string(type) + ") dropped");
      continue;
    }
    Tool out;
    out.name = string_member(tool, "name");
    if (out.name.empty()) return error_at(path, "tool without a name");
    out.description = string_member(tool, "description");
    if (const auto* schema = member(tool, "input_schema")) out.parameters = *schema;
    out.cache_breakpoint = has_cache_control(tool);
    conversation.tools.push_back(std::move(out));
  }
  return std::nullopt;
}

Problem parse_tool_choice(const json::value& choice, Conversation& conversation) {
  if (!choice.is_object()) return error_at("tool_choice", "must be an object");
  const auto& object = choice.get_object();
  const auto type = string_member(object, "type");
  if (type == "auto") {
    conversation.tool_choice.mode = ToolChoiceMode::automatic;
  } else if (type == "any") {
    conversation.tool_choice.mode = ToolChoiceMode::required;
  } else if (type == "none") {
    conversation.tool_choice.mode = ToolChoiceMode::none;
  } else if (type == "tool") {
    conversation.tool_choice.mode = ToolChoiceMode::named;
    conversation.tool_choice.name = string_member(object, "name");
  } else {
    return error_at("tool_choice.type", "unsupported value \"" + std::string(type) + "\"");
  }
  if (bool_member(object, "disable_parallel_tool_use").value_or(false)) conversation.parallel_tool_calls = false;
  return std::nullopt;
}

/// Structured output: `output_config.format` (or the deprecated `output_format`), `{"type":"json_schema","schema":…}`.
Problem parse_output_format(const json::object& body, Conversation& conversation) {
  const json::value* format = member(body, "output_format");
  std::string path = "output_format";
  if (const auto* config = member(body, "output_config"); config != nullptr && config->is_object()) {
    if (const auto* nested = member(config->get_object(), "format"); nested != nullptr && !nested->is_null()) {
      format = nested;
      path = "output_config.format";
    }
  }
  if (format == nullptr || format->is_null()) return std::nullopt;
  if (!format->is_object()) return error_at(path, "must be an object");
  const auto type = string_member(format->get_object(), "type");
  if (type != "json_schema") return error_at(path_key(path, "type"), "unsupported value \"" + std::string(type) + "\"");
  const auto* schema = member(format->get_object(), "schema");
  if (schema == nullptr || !schema->is_object()) return error_at(path_key(path, "schema"), "must be a JSON schema object");
  conversation.output_format.kind = OutputFormat::Kind::json_schema;
  conversation.output_format.schema = *schema;
  return std::nullopt;
}

}  // namespace

Translated<Conversation> parse_messages_request(const json::object& body) {
  Conversation conversation;
  conversation.model = string_member(body, "model");
  if (const auto* system = member(body, "system")) {
    if (auto problem = parse_system(*system, conversation)) return *problem;
  }
  const auto* messages = member(body, "messages");
  if (messages == nullptr || !messages->is_array()) return error_at("messages", "must be an array");
  std::size_t index = 0;
  for (const auto& item : messages->get_array()) {
    const auto path = path_index("messages", index++);
    if (!item.is_object()) return error_at(path, "message must be an object");
    const auto& object = item.get_object();
    const auto role_name = string_member(object, "role");
    Message message;
    if (role_name == "user") {
      message.role = Role::user;
    } else if (role_name == "assistant") {
      message.role = Role::assistant;
    } else if (role_name == "system") {
      message.role = Role::system;  // Claude Code sends these inside messages, sometimes last
    } else {
      return error_at(path_key(path, "role"), "unsupported role \"" + std::string(role_name) + "\"");
    }
    const auto* content = member(object, "content");
    if (content == nullptr) return error_at(path_key(path, "content"), "missing");
    if (auto problem = parse_content(*content, path_key(path, "content"), message.role, message, conversation)) {
      return *problem;
    }
    conversation.messages.push_back(std::move(message));
  }
  if (const auto* tools = member(body, "tools")) {
    if (!tools->is_array()) return error_at("tools", "must be an array");
    if (auto problem = parse_tools(tools->get_array(), conversation)) return *problem;
  }
  if (const auto* choice = member(body, "tool_choice")) {
    if (auto problem = parse_tool_choice(*choice, conversation)) return *problem;
  }
  if (auto problem = parse_output_format(body, conversation)) return *problem;
  conversation.max_tokens = integer_member(body, "max_tokens");
  conversation.temperature = number_member(body, "temperature");
  conversation.top_p = number_member(body, "top_p");
  conversation.top_k = integer_member(body, "top_k");
  if (const auto* stops = member(body, "stop_sequences")) {
    if (!stops->is_array()) return error_at("stop_sequences", "must be an array of strings");
    for (const auto& stop : stops->get_array()) {
      if (stop.is_string()) conversation.stop.emplace_back(stop.get_string());
    }
  }
  conversation.stream = bool_member(body, "stream").value_or(false);
  if (const auto* metadata = member(body, "metadata"); metadata != nullptr && metadata->is_object()) {
    conversation.user = string_member(metadata->get_object(), "user_id");
  }
  if (const auto* thinking = member(body, "thinking"); thinking != nullptr && thinking->is_object()) {
    if (string_member(thinking->get_object(), "type") == "enabled") {
      conversation.notes.push_back("thinking budget not translated");
    }
  }
  return conversation;
}

namespace {

void write_image_block(JsonWriter& w, const Image& image, bool cache) {
  w.begin_object().member("type", "image").key("source").begin_object();
  if (!image.url.empty()) {
    w.member("type", "url").member("url", image.url);
  } else {
    w.member("type", "base64").member("media_type", image.media_type).member("data", image.base64);
  }
  w.end_object();
  if (cache) w.key("cache_control").raw(R"({"type":"ephemeral"})");
  w.end_object();
}

void write_cache_control(JsonWriter& w, bool cache) {
  if (cache) w.key("cache_control").raw(R"({"type":"ephemeral"})");
}

/// One Anthropic message under construction (consecutive same-role messages merge into it).
struct OutMessage {
  bool assistant = false;
  std::vector<Part> parts;
};

void write_block(JsonWriter& w, const Part& part, Conversation& conversation) {
  switch (part.kind) {
    case PartKind::text:
      w.begin_object().member("type", "text").member("text", part.text);
      write_cache_control(w, part.cache_breakpoint);
      w.end_object();
      return;
    case PartKind::image:
      write_image_block(w, part.image, part.cache_breakpoint);
      return;
    case PartKind::reasoning:
      w.begin_object().member("type", "thinking").member("thinking", part.text).member("signature", part.signature);
      w.end_object();
      return;
    case PartKind::tool_call: {
      w.begin_object().member("type", "tool_use").member("id", anthropic_tool_id(part.call_id));
      w.member("name", part.name).key("input");
      json::error_code ec;
      json::parse_options options;
      options.max_depth = 512;
      auto input = json::parse(part.arguments.empty() ? std::string_view("{}") : std::string_view(part.arguments), ec,
                               {}, options);
      if (ec || !input.is_object()) {
        conversation.notes.push_back("tool call " + part.call_id + " had arguments that are not a JSON object");
        w.raw("{}");
      } else {
        w.value(input);
      }
      write_cache_control(w, part.cache_breakpoint);
      w.end_object();
      return;
    }
    case PartKind::tool_result: {
      w.begin_object().member("type", "tool_result").member("tool_use_id", anthropic_tool_id(part.call_id));
      const bool has_image =
          std::any_of(part.result.begin(), part.result.end(), [](const Part& p) { return p.kind == PartKind::image; });
      if (has_image) {
        w.key("content").begin_array();
        for (const auto& item : part.result) {
          if (item.kind == PartKind::image) {
            write_image_block(w, item.image, false);
          } else if (!item.text.empty()) {
            w.begin_object().member("type", "text").member("text", item.text).end_object();
          }
        }
        w.end_array();
      } else if (auto text = joined_text(part.result, "\n"); !text.empty()) {
        w.key("content").string(text);
      }
      if (part.is_error) w.member_bool("is_error", true);
      write_cache_control(w, part.cache_breakpoint);
      w.end_object();
      return;
    }
  }
}

bool renders_as_block(const Part& part) {
  if (part.kind == PartKind::text) return !part.text.empty();            // Anthropic rejects empty text blocks
  if (part.kind == PartKind::reasoning) return !part.signature.empty();  // unsigned thinking is rejected
  return true;
}

/// Anthropic rejects tool_use and tool_result blocks in a request without `tools` ("Requests which include
/// tool_use or tool_result blocks must define tools"), which OpenAI clients send when they offer no tools
/// for one turn (Codex's compaction summarises its history with none). The tools the history calls are
/// declared with an open schema and tool_choice none, so the model still cannot call any.
void declare_history_tools(const std::vector<OutMessage>& messages, Conversation& conversation) {
  if (!conversation.tools.empty()) return;
  for (const auto& message : messages) {
    for (const auto& part : message.parts) {
      if (part.kind != PartKind::tool_call) continue;
      const bool declared = std::any_of(conversation.tools.begin(), conversation.tools.end(),
                                        [&](const Tool& tool) { return tool.name == part.name; });
      if (declared) continue;
      Tool tool;
      tool.name = part.name;
      conversation.tools.push_back(std::move(tool));
    }
  }
  if (conversation.tools.empty()) return;
  conversation.tool_choice = ToolChoice{ToolChoiceMode::none, {}};
  conversation.notes.push_back("tools called in the history declared with tool_choice none");
}

std::string output_format_instruction(const OutputFormat& format) {
  if (format.kind == OutputFormat::Kind::json_object)
    return "Respond with a single valid JSON object and nothing else.";
  return "Respond with a single JSON value that conforms to this JSON schema, and nothing else:\n" +
         to_json(format.schema);
}

}  // namespace

Translated<std::string> render_messages_request(Conversation& conversation, const RequestOptions& options) {
  std::vector<std::string> system_blocks;
  std::vector<bool> system_cache;
  std::vector<OutMessage> messages;
  for (auto& message : conversation.messages) {
    if (message.role == Role::system) {
      auto text = joined_text(message.parts, "\n\n");
      if (text.empty()) continue;
      bool cache =
          std::any_of(message.parts.begin(), message.parts.end(), [](const Part& p) { return p.cache_breakpoint; });
      system_blocks.push_back(std::move(text));
      system_cache.push_back(cache);
      continue;
    }
    const bool assistant = message.role == Role::assistant;
    std::vector<Part> parts;
    for (auto& part : message.parts) {
      if (renders_as_block(part)) parts.push_back(std::move(part));
    }
    if (parts.empty()) continue;
    if (messages.empty() || messages.back().assistant != assistant) messages.push_back(OutMessage{assistant, {}});
    auto& target = messages.back().parts;
    for (auto& part : parts) target.push_back(std::move(part));
  }
  for (auto& message : messages) {
    // Tool results must open the user turn that answers the tool calls.
    std::stable_partition(message.parts.begin(), message.parts.end(),
                          [](const Part& p) { return p.kind == PartKind::tool_result; });
  }
  declare_history_tools(messages, conversation);
  if (conversation.output_format.kind != OutputFormat::Kind::text) {
    system_blocks.push_back(output_format_instruction(conversation.output_format));
    system_cache.push_back(false);
    conversation.notes.push_back("response_format emulated with a system instruction");
  }
  if (options.cache_breakpoints == CacheBreakpoints::automatic) {
    const auto marked_part = [](const Part& p) { return p.cache_breakpoint; };
    const bool any_marked = std::find(system_cache.begin(), system_cache.end(), true) != system_cache.end() ||
                            std::any_of(conversation.tools.begin(), conversation.tools.end(),
                                        [](const Tool& t) { return t.cache_breakpoint; }) ||
                            std::any_of(messages.begin(), messages.end(), [&](const OutMessage& m) {
                              return std::any_of(m.parts.begin(), m.parts.end(), marked_part);
                            });
    if (!any_marked) {
      if (!system_cache.empty()) system_cache.back() = true;
      if (!conversation.tools.empty()) conversation.tools.back().cache_breakpoint = true;
      int marked = 0;
      for (auto it = messages.rbegin(); it != messages.rend() && marked < 2; ++it) {
        if (it->assistant) continue;
        it->parts.back().cache_breakpoint = true;
        ++marked;
      }
    }
  }

  std::string out;
  out.reserve(4096);
  JsonWriter w(out);
  w.begin_object();
  w.member("model", conversation.model);
  w.member("max_tokens", conversation.max_tokens.value_or(options.default_max_tokens));
  if (!system_blocks.empty()) {
    w.key("system").begin_array();
    for (std::size_t i = 0; i < system_blocks.size(); ++i) {
      w.begin_object().member("type", "text").member("text", system_blocks[i]);
      write_cache_control(w, system_cache[i]);
      w.end_object();
    }
    w.end_array();
  }
  w.key("messages").begin_array();
  for (const auto& message : messages) {
    w.begin_object().member("role", message.assistant ? "assistant" : "user").key("content").begin_array();
    for (const auto& part : message.parts) write_block(w, part, conversation);
    w.end_array().end_object();
  }
  w.end_array();
  if (!conversation.tools.empty()) {
    w.key("tools").begin_array();
    for (const auto& tool : conversation.tools) {
      w.begin_object().member("name", tool.name);
      if (!tool.description.empty()) w.member("description", tool.description);
      w.key("input_schema");
      if (tool.parameters.is_object()) {
        w.value(tool.parameters);
      } else {
        w.raw(R"({"type":"object","properties":{}})");
      }
      write_cache_control(w, tool.cache_breakpoint);
      w.end_object();
    }
    w.end_array();
    const auto& choice = conversation.tool_choice;
    const bool no_parallel = conversation.parallel_tool_calls == false;
    if (choice.mode != ToolChoiceMode::unset || no_parallel) {
      w.key("tool_choice").begin_object();
      switch (choice.mode) {
        case ToolChoiceMode::unset:
        case ToolChoiceMode::automatic:
          w.member("type", "auto");
          break;
        case ToolChoiceMode::required:
          w.member("type", "any");
          break;
        case ToolChoiceMode::none:
          w.member("type", "none");
          break;
        case ToolChoiceMode::named:
          w.member("type", "tool").member("name", choice.name);
          break;
      }
      if (no_parallel && choice.mode != ToolChoiceMode::none) w.member_bool("disable_parallel_tool_use", true);
      w.end_object();
    }
  }
  if (conversation.temperature) {
    double temperature = *conversation.temperature;
    if (temperature > 1.0) {
      conversation.notes.push_back("temperature clamped to 1");
      temperature = 1.0;
    }
    w.key("temperature").number(temperature);
  }
  if (conversation.top_p) w.key("top_p").number(*conversation.top_p);
  if (conversation.top_k) w.member("top_k", *conversation.top_k);
  if (!conversation.stop.empty()) {
    w.key("stop_sequences").begin_array();
    for (const auto& stop : conversation.stop) w.string(stop);
    w.end_array();
  }
  if (conversation.stream) w.member_bool("stream", true);
  if (!conversation.user.empty()) w.key("metadata").begin_object().member("user_id", conversation.user).end_object();
  if (!conversation.reasoning_effort.empty()) conversation.notes.push_back("reasoning_effort dropped");
  w.end_object();
  return out;
}

}  // namespace llmroute::wire
