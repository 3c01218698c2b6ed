// One forward pass over a request body with simdjson On Demand, for the chat, messages and responses formats.
#include "router/request_features.hpp"

#include "router/feature_computation.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace llmroute::router {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

std::string_view to_string(WireFormat format) {
  switch (format) {
    case WireFormat::chat_completions: return "chat-completions";
    case WireFormat::completions: return "completions";
    case WireFormat::messages: return "messages";
    case WireFormat::count_tokens: return "count-tokens";
    case WireFormat::responses: return "responses";
    case WireFormat::responses_compact: return "responses-compact";
    case WireFormat::unknown: return "unknown";
  }
  return "unknown";
}

std::string_view to_string(ClientKind client) {
  switch (client) {
    case ClientKind::unknown: return "unknown";
    case ClientKind::claude_code: return "claude-code";
    case ClientKind::codex: return "codex";
    case ClientKind::qwen_code: return "qwen-code";
    case ClientKind::continue_dev: return "continue";
    case ClientKind::aider: return "aider";
    case ClientKind::openai_sdk: return "openai-sdk";
    case ClientKind::anthropic_sdk: return "anthropic-sdk";
  }
  return "unknown";
}

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

Role role_of(std::string_view name) {
  if (name == "user") return Role::user;
  if (name == "assistant" || name == "model") return Role::assistant;
  if (name == "system" || name == "developer") return Role::system;
  if (name == "tool" || name == "function") return Role::tool;
  return Role::other;
}

// Size of a value's JSON text, for content that is counted but not read (tool arguments, thinking).
std::uint64_t raw_size(ondemand::value value) {
  ondemand::json_type type;
  if (value.type().get(type)) return 0;
  std::string_view raw;
  if (type == ondemand::json_type::object) {
    ondemand::object obj;
    if (!value.get_object().get(obj) && !obj.raw_json().get(raw)) return raw.size();
    return 0;
  }
  if (type == ondemand::json_type::array) {
    ondemand::array arr;
    if (!value.get_array().get(arr) && !arr.raw_json().get(raw)) return raw.size();
    return 0;
  }
  return value.raw_json_token().size();
}

#define LLMROUTE_JSON_TRY(expr)                              \
  do {                                                       \
    if (error_code err_ = (expr); err_ != simdjson::SUCCESS) \
      return err_;                                           \
  } while (false)

class Extraction : public BodyContents {
 public:
  Extraction(ondemand::document& doc, std::string_view body) : doc_(doc), body_(body) {}

  error_code read_root() {
    ondemand::object root;
    LLMROUTE_JSON_TRY(doc_.get_object().get(root));
    for (auto field_result : root) {
      ondemand::field field;
      LLMROUTE_JSON_TRY(std::move(field_result).get(field));
      std::string_view key;
      LLMROUTE_JSON_TRY(field.unescaped_key().get(key));
      if (error_code err = read_root_field(key, field.value())) {
        failed_field = std::string(key);
        return err;
      }
    }
    return simdjson::SUCCESS;
  }

  std::string failed_field;  ///< the top-level field being read when read_root() failed

 private:
  error_code read_root_field(std::string_view key, ondemand::value value) {
    if (key == "messages") return read_items(value);
    if (key == "input") return read_input(value);
    if (key == "system") return read_system(value);
    if (key == "instructions") return read_system(value);
    if (key == "tools") return read_tools(value);
    if (key == "prompt") return read_completion_prompt(value);
    if (key == "suffix") {
      std::string_view suffix;
      completion_suffix = !value.get_string().get(suffix) && !suffix.empty();
      return simdjson::SUCCESS;
    }
    if (key == "max_tokens" || key == "max_completion_tokens" || key == "max_output_tokens") {
      double n = 0;
      if (!value.get_double().get(n) && n >= 0) features.max_tokens = static_cast<std::uint32_t>(std::min(n, 4e9));
      return simdjson::SUCCESS;
    }
    if (key == "stream") {
      bool stream = false;
      if (!value.get_bool().get(stream)) features.stream = stream;
      return simdjson::SUCCESS;
    }
    if (key == "thinking") return read_thinking(value);
    if (key == "reasoning") return read_reasoning(value);
    if (key == "reasoning_effort") {
      std::string_view effort;
      if (!value.get_string().get(effort)) set_effort(effort);
      return simdjson::SUCCESS;
    }
    if (key == "response_format" || key == "output_format") return read_format(value);
    if (key == "text") return read_text_options(value);
    if (key == "metadata") return read_metadata(value);
    if (key == "prompt_cache_key") {
      std::string_view cache_key;
      if (!value.get_string().get(cache_key)) prompt_cache_key = std::string(cache_key);
      return simdjson::SUCCESS;
    }
    return simdjson::SUCCESS;
  }

  void set_effort(std::string_view effort) {
    features.reasoning_effort = std::string(effort);
    if (!effort.empty() && effort != "none") features.thinking = true;
  }

  error_code read_thinking(ondemand::value value) {
    ondemand::object obj;
    if (value.get_object().get(obj)) return simdjson::SUCCESS;
    for (auto field_result : obj) {
      ondemand::field field;
      LLMROUTE_JSON_TRY(std::move(field_result).get(field));
      std::string_view key;
      LLMROUTE_JSON_TRY(field.unescaped_key().get(key));
      std::string_view type;
      if (key == "type" && !field.value().get_string().get(type)) features.thinking = (type != "disabled");
    }
    return simdjson::SUCCESS;
  }

  error_code read_reasoning(ondemand::value value) {
    ondemand::object obj;
    if (value.get_object().get(obj)) return simdjson::SUCCESS;
    for (auto field_result : obj) {
      ondemand::field field;
      LLMROUTE_JSON_TRY(std::move(field_result).get(field));
      std::string_view key;
      LLMROUTE_JSON_TRY(field.unescaped_key().get(key));
      std::string_view effort;
      if (key == "effort" && !field.value().get_string().get(effort)) set_effort(effort);
    }
    return simdjson::SUCCESS;
  }

  // {"type":"json_schema", ...} as response_format, output_format or text.format.
  error_code read_format(ondemand::value value) {
    ondemand::object obj;
    if (value.get_object().get(obj)) return simdjson::SUCCESS;
    for (auto field_result : obj) {
      ondemand::field field;
      LLMROUTE_JSON_TRY(std::move(field_result).get(field));
      std::string_view key;
      LLMROUTE_JSON_TRY(field.unescaped_key().get(key));
      std::string_view type;
      if (key == "type" && !field.value().get_string().get(type) && type == "json_schema") {
        features.json_schema_output = true;
      }
    }
    return simdjson::SUCCESS;
  }

  error_code read_text_options(ondemand::value value) {
    ondemand::object obj;
    if (value.get_object().get(obj)) return simdjson::SUCCESS;
    for (auto field_result : obj) {
      ondemand::field field;
      LLMROUTE_JSON_TRY(std::move(field_result).get(field));
      std::string_view key;
      LLMROUTE_JSON_TRY(field.unescaped_key().get(key));
      if (key == "format") LLMROUTE_JSON_TRY(read_format(field.value()));
    }
    return simdjson::SUCCESS;
  }

  error_code read_metadata(ondemand::value value) {
    ondemand::object obj;
    if (value.get_object().get(obj)) return simdjson::SUCCESS;
    for (auto field_result : obj) {
      ondemand::field field;
      LLMROUTE_JSON_TRY(std::move(field_result).get(field));
      std::string_view key;
      LLMROUTE_JSON_TRY(field.unescaped_key().get(key));
      std::string_view id;
      if (key == "user_id" && !field.value().get_string().get(id)) user_id = std::string(id);
    }
    return simdjson::SUCCESS;
  }

  error_code read_system(ondemand::value value) {
    ondemand::json_type type;
    LLMROUTE_JSON_TRY(value.type().get(type));
    if (type == ondemand::json_type::string) {
      std::string_view text;
      LLMROUTE_JSON_TRY(value.get_string().get(text));
      system_parts.push_back(text);
      ++features.system_messages;
      return simdjson::SUCCESS;
    }
    if (type != ondemand::json_type::array) return simdjson::SUCCESS;
    Message scratch;
    LLMROUTE_JSON_TRY(read_content(value, scratch));
    system_parts.insert(system_parts.end(), scratch.texts.begin(), scratch.texts.end());
    ++features.system_messages;
    return simdjson::SUCCESS;
  }

  error_code read_completion_prompt(ondemand::value value) {
    ondemand::json_type type;
    LLMROUTE_JSON_TRY(value.type().get(type));
    if (type == ondemand::json_type::string) return value.get_string().get(completion_prompt);
    if (type != ondemand::json_type::array) return simdjson::SUCCESS;
    ondemand::array arr;
    LLMROUTE_JSON_TRY(value.get_array().get(arr));
    for (auto item : arr) {
      std::string_view text;
      if (completion_prompt.empty() && !item.get_string().get(text)) completion_prompt = text;
    }
    return simdjson::SUCCESS;
  }

  // Tool definitions: counted, and their size is the client's boilerplate.
  error_code read_tools(ondemand::value value) {
    const char* start = nullptr;
    if (value.current_location().get(start)) start = nullptr;
    ondemand::array arr;
    if (value.get_array().get(arr)) return simdjson::SUCCESS;
    for (auto item : arr) {
      ondemand::object tool;
      LLMROUTE_JSON_TRY(item.get_object().get(tool));
      std::uint32_t nested = 0;
      for (auto field_result : tool) {
        ondemand::field field;
        LLMROUTE_JSON_TRY(std::move(field_result).get(field));
        std::string_view key;
        LLMROUTE_JSON_TRY(field.unescaped_key().get(key));
        if (key != "tools") continue;
        ondemand::array inner;
        if (field.value().get_array().get(inner)) continue;
        for (auto inner_item : inner) {
          (void)inner_item;
          ++nested;
        }
      }
      features.tool_count += nested > 0 ? nested : 1;
    }
    const char* end = nullptr;
    if (start != nullptr) {
      if (doc_.current_location().get(end)) end = body_.data() + body_.size();
      if (end > start) features.boilerplate_chars += static_cast<std::uint64_t>(end - start);
    }
    return simdjson::SUCCESS;
  }

  error_code read_input(ondemand::value value) {
    ondemand::json_type type;
    LLMROUTE_JSON_TRY(value.type().get(type));
    if (type == ondemand::json_type::string) {
      Message message;
      message.role = Role::user;
      std::string_view text;
      LLMROUTE_JSON_TRY(value.get_string().get(text));
      message.texts.push_back(text);
      messages.push_back(std::move(message));
      return simdjson::SUCCESS;
    }
    return read_items(value);
  }

  error_code read_items(ondemand::value value) {
    ondemand::array arr;
    LLMROUTE_JSON_TRY(value.get_array().get(arr));
    for (auto item : arr) {
      ondemand::object obj;
      LLMROUTE_JSON_TRY(item.get_object().get(obj));
      Message message;
      LLMROUTE_JSON_TRY(read_item(obj, message));
      messages.push_back(std::move(message));
    }
    return simdjson::SUCCESS;
  }

  // A chat or messages entry, or a Responses input item; fields may come in any order.
  error_code read_item(ondemand::object obj, Message& message) {
    std::string_view item_type;
    for (auto field_result : obj) {
      ondemand::field field;
      LLMROUTE_JSON_TRY(std::move(field_result).get(field));
      std::string_view key;
      LLMROUTE_JSON_TRY(field.unescaped_key().get(key));
      ondemand::value value = field.value();
      if (key == "role") {
        std::string_view role;
        LLMROUTE_JSON_TRY(value.get_string().get(role));
        message.role = role_of(role);
      } else if (key == "content") {
        LLMROUTE_JSON_TRY(read_content(value, message));
      } else if (key == "type") {
        LLMROUTE_JSON_TRY(value.get_string().get(item_type));
      } else if (key == "tool_calls") {
        ondemand::array calls;
        if (!value.get_array().get(calls)) {
          for (auto call : calls) {
            ondemand::value call_value;
            if (!call.get(call_value)) message.other_chars += raw_size(call_value);
            ++message.tool_calls;
          }
        }
      } else if (key == "output") {
        Message output;
        LLMROUTE_JSON_TRY(read_content(value, output));
        for (std::string_view text : output.texts) message.tool_result_chars += text.size();
        message.tool_result_chars += output.tool_result_chars;
        message.images = message.images || output.images;
      } else if (key == "arguments" || key == "input") {
        message.other_chars += raw_size(value);
      }
    }
    if (ends_with(item_type, "_call_output")) {
      message.role = Role::tool;
      ++message.tool_results;
    } else if (ends_with(item_type, "_call")) {
      message.role = Role::assistant;
      ++message.tool_calls;
    } else if (item_type == "reasoning") {
      message.role = Role::assistant;
    }
    if (message.role == Role::tool && message.tool_results == 0) {
      // Chat completions: a role "tool" message carries one result as its content.
      for (std::string_view text : message.texts) message.tool_result_chars += text.size();
      message.texts.clear();
      ++message.tool_results;
    }
    return simdjson::SUCCESS;
  }

  // Message content: a string, or an array of typed blocks.
  error_code read_content(ondemand::value value, Message& message) {
    ondemand::json_type type;
    LLMROUTE_JSON_TRY(value.type().get(type));
    if (type == ondemand::json_type::string) {
      std::string_view text;
      LLMROUTE_JSON_TRY(value.get_string().get(text));
      message.texts.push_back(text);
      return simdjson::SUCCESS;
    }
    if (type != ondemand::json_type::array) return simdjson::SUCCESS;
    ondemand::array arr;
    LLMROUTE_JSON_TRY(value.get_array().get(arr));
    for (auto item : arr) {
      ondemand::json_type item_type;
      LLMROUTE_JSON_TRY(item.type().get(item_type));
      if (item_type == ondemand::json_type::string) {
        std::string_view text;
        LLMROUTE_JSON_TRY(item.get_string().get(text));
        message.texts.push_back(text);
        continue;
      }
      ondemand::object block;
      if (item.get_object().get(block)) continue;
      LLMROUTE_JSON_TRY(read_block(block, message));
    }
    return simdjson::SUCCESS;
  }

  error_code read_block(ondemand::object block, Message& message) {
    std::string_view type;
    std::string_view text;
    bool has_text = false;
    Message nested;
    for (auto field_result : block) {
      ondemand::field field;
      LLMROUTE_JSON_TRY(std::move(field_result).get(field));
      std::string_view key;
      LLMROUTE_JSON_TRY(field.unescaped_key().get(key));
      ondemand::value value = field.value();
      if (key == "type") {
        LLMROUTE_JSON_TRY(value.get_string().get(type));
      } else if (key == "text") {
        if (!value.get_string().get(text)) has_text = true;
      } else if (key == "content") {
        LLMROUTE_JSON_TRY(read_content(value, nested));
      } else if (key == "thinking" || key == "input") {
        message.other_chars += raw_size(value);
      }
    }
    if (type == "tool_result" || type == "function_call_output" || type == "mcp_tool_result") {
      ++message.tool_results;
      for (std::string_view t : nested.texts) message.tool_result_chars += t.size();
      message.tool_result_chars += nested.tool_result_chars;
      message.images = message.images || nested.images;
    } else if (type == "tool_use" || type == "server_tool_use" || type == "mcp_tool_use") {
      ++message.tool_calls;
    } else if (type == "image" || type == "image_url" || type == "input_image" || type == "document" ||
               type == "input_file") {
      message.images = true;
    } else if (has_text && (type.empty() || type == "text" || type == "input_text" || type == "output_text")) {
      message.texts.push_back(text);
    } else if (has_text) {
      message.other_chars += text.size();
    }
    return simdjson::SUCCESS;
  }

  ondemand::document& doc_;
  std::string_view body_;
};

#undef LLMROUTE_JSON_TRY

ExtractError error_at(simdjson::error_code code, std::size_t offset) {
  return ExtractError{offset, std::string("malformed JSON: ") + simdjson::error_message(code)};
}

}  // namespace

WireFormat wire_format_of(std::string_view path) {
  std::size_t query = path.find('?');
  if (query != std::string_view::npos) path = path.substr(0, query);
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (ends_with(path, "/chat/completions")) return WireFormat::chat_completions;
  if (ends_with(path, "/messages/count_tokens")) return WireFormat::count_tokens;
  if (ends_with(path, "/messages")) return WireFormat::messages;
  if (ends_with(path, "/responses/compact")) return WireFormat::responses_compact;
  if (ends_with(path, "/responses")) return WireFormat::responses;
  if (ends_with(path, "/completions")) return WireFormat::completions;
  return WireFormat::unknown;
}

ExtractResult RequestParser::extract(std::string_view path, const Headers& headers, simdjson::padded_string_view body) {
  ondemand::document doc;
  if (error_code err = parser_.iterate(body).get(doc)) return error_at(err, 0);
  return extract(path, headers, doc, body);
}

ExtractResult RequestParser::extract(std::string_view path, const Headers& headers, ondemand::document& doc,
                                     simdjson::padded_string_view body) {
  doc.rewind();
  Extraction extraction(doc, body);
  if (error_code err = extraction.read_root()) {
    const char* where = nullptr;
    std::size_t offset = body.size();
    if (!doc.current_location().get(where) && where >= body.data()) {
      offset = static_cast<std::size_t>(where - body.data());
    }
    // Valid JSON holding another type than the format has there: name the field, it is not malformed.
    if (err == simdjson::INCORRECT_TYPE && !extraction.failed_field.empty())
      return ExtractError{offset, "\"" + extraction.failed_field + "\" has a value of the wrong type at byte " + std::to_string(offset)};
    return error_at(err, offset);
  }
  compute_features(extraction, path, headers, body.size());
  return std::move(extraction.features);
}

ExtractResult RequestParser::extract(std::string_view path, const Headers& headers, const std::string& body) {
  if (body.capacity() - body.size() >= simdjson::SIMDJSON_PADDING) {
    return extract(path, headers, simdjson::padded_string_view(body.data(), body.size(), body.capacity()));
  }
  return extract_copy(path, headers, body);
}

ExtractResult RequestParser::extract_copy(std::string_view path, const Headers& headers, std::string_view body) {
  simdjson::padded_string padded(body);
  simdjson::padded_string_view view = padded;
  return extract(path, headers, view);
}

ExtractResult extract_features(std::string_view path, const Headers& headers, std::string_view body) {
  RequestParser parser;
  return parser.extract_copy(path, headers, body);
}

}  // namespace llmroute::router
