// One forward pass over a request body with simdjson On Demand, for the chat, messages and responses formats.
#include "router/request_features.hpp"

#include <algorithm>
#include <utility>
#include <array>
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
bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }
bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

bool icontains(std::string_view text, std::string_view needle) {
  if (needle.size() > text.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= text.size(); ++i) {
    if (iequals(text.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Appends at most `limit - out.size()` bytes, never cutting a UTF-8 sequence in half.
void append_capped(std::string& out, std::string_view text, std::size_t limit) {
  if (out.size() >= limit) return;
  std::size_t room = limit - out.size();
  if (text.size() > room) {
    std::size_t cut = room;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  out.append(text);
}

enum class Role { system, user, assistant, tool, other };

Role role_of(std::string_view name) {
  if (name == "user") return Role::user;
  if (name == "assistant" || name == "model") return Role::assistant;
  if (name == "system" || name == "developer") return Role::system;
  if (name == "tool" || name == "function") return Role::tool;
  return Role::other;
}

// One message or Responses input item, as read; text views point into the parser's string buffer.
struct Message {
  Role role = Role::other;
  std::vector<std::string_view> texts;
  std::uint64_t tool_result_chars = 0;
  std::uint64_t other_chars = 0;  ///< tool-call arguments, thinking: content that is not prompt text
  std::uint32_t tool_results = 0;
  std::uint32_t tool_calls = 0;
  bool images = false;
};

// Blocks a client wraps around or inside a user message; they are not what the user typed.
struct WrapperBlock {
  std::string_view open;
  std::string_view close;
};
constexpr std::array kWrapperBlocks = {
    WrapperBlock{"<system-reminder>", "</system-reminder>"},          // Claude Code
    WrapperBlock{"<environment_context>", "</environment_context>"},  // Codex
    WrapperBlock{"<user_instructions>", "</user_instructions>"},      // Codex (older)
    WrapperBlock{"<INSTRUCTIONS>", "</INSTRUCTIONS>"},                // Codex AGENTS.md
    WrapperBlock{"<session_context>", "</session_context>"},          // Gemini CLI family
    WrapperBlock{"<local-command-stdout>", "</local-command-stdout>"},  // Claude Code
    WrapperBlock{"<ide_opened_file>", "</ide_opened_file>"},            // Claude Code in an IDE
    WrapperBlock{"<ide_selection>", "</ide_selection>"},                // Claude Code in an IDE
    WrapperBlock{"<command-message>", "</command-message>"},          // Claude Code slash commands
    WrapperBlock{"<bash-stdout>", "</bash-stdout>"},
    WrapperBlock{"<bash-stderr>", "</bash-stderr>"},
};

// Whole user messages a client writes on its own (context set-up, acknowledgements of file lists).
constexpr std::array kSyntheticMessagePrefixes = {
    std::string_view("This is the Qwen Code. We are setting up the context"),
    std::string_view("This is the Gemini CLI. We are setting up the context"),
    std::string_view("I have *added these files to the chat*"),  // aider
    std::string_view("Here are summaries of some files present in my"),
    std::string_view("Here are some READ ONLY files"),
    std::string_view("I added these files to the chat:"),
    std::string_view("I switched to a new code base"),
    std::string_view("I spoke to you previously about a number of things"),
    std::string_view("I am not sharing any files"),
    std::string_view("Don't try and edit any existing code without asking me to add the files"),
    std::string_view("# AGENTS.md instructions for"),  // Codex, when the INSTRUCTIONS block was cut
    std::string_view("Caveat: The messages below were generated by the user while running local commands"),
    std::string_view("[Request interrupted by user"),
};

// Instructions some clients append to the user's own text (aider's edit-format reminders): cut from here on.
constexpr std::array kTrailingReminders = {
    std::string_view("# *SEARCH/REPLACE block* Rules:"),
    std::string_view("# File editing rules:"),
    std::string_view("To suggest changes to a file you MUST return the entire content"),
    std::string_view("# V4A Diff Format Rules"),
};

// aider sends worked examples before the real conversation and then this line; pinning must skip them.
constexpr std::string_view kAiderExamplesEnd = "I switched to a new code base";

struct StrippedText {
  std::string text;
  std::string command_name;
};

void remove_blocks(std::string& text) {
  for (const WrapperBlock& block : kWrapperBlocks) {
    std::size_t open = text.find(block.open);
    while (open != std::string::npos) {
      std::size_t close = text.find(block.close, open + block.open.size());
      std::size_t end = (close == std::string::npos) ? text.size() : close + block.close.size();
      text.erase(open, end - open);
      open = text.find(block.open, open);
    }
  }
}

// The user's own words from the text parts of a user message.
StrippedText strip_wrappers(const std::vector<std::string_view>& parts) {
  StrippedText out;
  for (std::string_view part : parts) {
    std::string_view t = trim(part);
    bool synthetic = false;
    for (std::string_view prefix : kSyntheticMessagePrefixes) {
      if (starts_with(t, prefix)) synthetic = true;
    }
    if (synthetic || t.empty()) continue;
    if (!out.text.empty()) out.text.push_back('\n');
    out.text.append(t);
  }
  if (out.text.find('<') != std::string::npos) {
    // Claude Code slash commands: keep "/name args" so the command itself is a signal.
    std::size_t name_open = out.text.find("<command-name>");
    if (name_open != std::string::npos) {
      std::size_t name_close = out.text.find("</command-name>", name_open);
      if (name_close != std::string::npos) {
        std::size_t start = name_open + std::string_view("<command-name>").size();
        out.command_name = std::string(trim(std::string_view(out.text).substr(start, name_close - start)));
        out.text.erase(name_open, name_close + std::string_view("</command-name>").size() - name_open);
      }
    }
    for (std::string_view tag : {std::string_view("<command-args>"), std::string_view("</command-args>")}) {
      std::size_t at = out.text.find(tag);
      if (at != std::string::npos) out.text.erase(at, tag.size());
    }
    remove_blocks(out.text);
    if (!out.command_name.empty()) {
      std::string args(trim(out.text));
      out.text = out.command_name;
      if (!args.empty()) out.text.append(" ").append(args);
    }
  }
  for (std::string_view reminder : kTrailingReminders) {
    std::size_t at = out.text.find(reminder);
    if (at != std::string::npos) out.text.erase(at);
  }
  std::string_view t = trim(out.text);
  if (t.size() != out.text.size()) out.text = std::string(t);
  return out;
}

std::string session_from_user_id(std::string_view user_id) {
  // Newer Claude Code: a JSON object in a string, {"device_id":...,"session_id":"..."}.
  std::size_t json_key = user_id.find("\"session_id\"");
  if (json_key != std::string_view::npos) {
    std::size_t open = user_id.find('"', user_id.find(':', json_key) + 1);
    std::size_t close = open == std::string_view::npos ? open : user_id.find('"', open + 1);
    if (close != std::string_view::npos) return std::string(user_id.substr(open + 1, close - open - 1));
  }
  // Older: user_<hash>_account_<uuid>_session_<uuid>.
  std::size_t at = user_id.rfind("session_");
  if (at != std::string_view::npos) return std::string(user_id.substr(at + std::string_view("session_").size()));
  return {};
}

// The value of "key":"value" in a small JSON text such as the x-codex-turn-metadata header.
std::string json_string_field(std::string_view json, std::string_view key) {
  std::string quoted;
  quoted.reserve(key.size() + 2);
  quoted.push_back('"');
  quoted.append(key);
  quoted.push_back('"');
  std::size_t at = json.find(quoted);
  if (at == std::string_view::npos) return {};
  std::size_t colon = json.find(':', at + quoted.size());
  if (colon == std::string_view::npos) return {};
  std::size_t open = json.find_first_not_of(" \t", colon + 1);
  if (open == std::string_view::npos || json[open] != '"') return {};
  std::size_t close = json.find('"', open + 1);
  if (close == std::string_view::npos) return {};
  return std::string(json.substr(open + 1, close - open - 1));
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

class Extraction {
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

  RequestFeatures features;
  std::string failed_field;  ///< the top-level field being read when read_root() failed
  std::vector<Message> messages;
  std::vector<std::string_view> system_parts;
  std::string_view completion_prompt;
  bool completion_suffix = false;
  std::string user_id;
  std::string prompt_cache_key;

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

ClientKind client_of(std::string_view user_agent, const Headers& headers, std::string_view system_text) {
  if (starts_with(user_agent, "claude-cli/") || starts_with(user_agent, "claude-code/")) return ClientKind::claude_code;
  std::string_view originator = headers.find("originator").value_or("");
  if (icontains(user_agent, "codex_") || icontains(user_agent, "codex-") || starts_with(originator, "codex")) {
    return ClientKind::codex;
  }
  if (icontains(user_agent, "qwencode") || icontains(user_agent, "qwen-code")) return ClientKind::qwen_code;
  if (icontains(user_agent, "continue")) return ClientKind::continue_dev;
  if (icontains(user_agent, "aider")) return ClientKind::aider;
  bool python_or_litellm = icontains(user_agent, "openai/python") || icontains(user_agent, "litellm");
  // aider talks through litellm, so its user agent is the SDK's; its system prompts give it away.
  if (python_or_litellm && (starts_with(system_text, "Act as an expert") ||
                            contains(system_text, "*SEARCH/REPLACE block*") ||
                            contains(system_text, "one-line Git commit messages") ||
                            starts_with(system_text, "*Briefly* summarize this partial conversation"))) {
    return ClientKind::aider;
  }
  if (icontains(user_agent, "anthropic")) return ClientKind::anthropic_sdk;
  if (icontains(user_agent, "openai/") || python_or_litellm || headers.find("x-stainless-lang")) {
    return ClientKind::openai_sdk;
  }
  return ClientKind::unknown;
}

// Tokens of fill-in-the-middle prompt templates (Qwen, StarCoder, CodeLlama, DeepSeek, Codestral).
constexpr std::array kFimTokens = {
    std::string_view("<|fim_prefix|>"), std::string_view("<fim_prefix>"), std::string_view("<PRE>"),
    std::string_view("<|fim_begin|>"),  std::string_view("<｜fim▁begin｜>"), std::string_view("[SUFFIX]"),
    std::string_view("<|fim_middle|>"), std::string_view("<fim_middle>"),
};

void finish(Extraction& x, std::string_view path, const Headers& headers, std::size_t body_size) {
  RequestFeatures& f = x.features;
  f.wire = wire_format_of(path);
  f.user_agent = std::string(headers.find("user-agent").value_or(""));

  for (std::string_view part : x.system_parts) {
    f.boilerplate_chars += part.size();
    if (!f.system_text.empty()) append_capped(f.system_text, "\n", kSystemTextBytes);
    append_capped(f.system_text, part, kSystemTextBytes);
  }

  bool after_aider_examples = false;
  for (const Message& m : x.messages) {
    if (m.role == Role::user && !m.texts.empty() && starts_with(trim(m.texts.front()), kAiderExamplesEnd)) {
      after_aider_examples = true;
    }
  }

  // strip_wrappers is pure and not cheap: the first user message's result is kept for the prompt
  // (often the same message), and whether the last user message had words for the tool continuation.
  const Message* kept_of = nullptr;
  StrippedText kept;
  bool first_found = false;
  bool examples_passed = !after_aider_examples;
  for (const Message& m : x.messages) {
    ++f.message_count;
    f.tool_calls += m.tool_calls;
    f.tool_results += m.tool_results;
    f.has_images = f.has_images || m.images;
    f.tool_result_chars += m.tool_result_chars;
    std::uint64_t text_chars = 0;
    for (std::string_view text : m.texts) text_chars += text.size();
    switch (m.role) {
      case Role::system:
        ++f.system_messages;
        f.boilerplate_chars += text_chars;
        for (std::string_view part : m.texts) {
          if (!f.system_text.empty()) append_capped(f.system_text, "\n", kSystemTextBytes);
          append_capped(f.system_text, part, kSystemTextBytes);
        }
        continue;
      case Role::user: ++f.user_messages; break;
      case Role::assistant: ++f.assistant_messages; break;
      case Role::tool:
      case Role::other: break;
    }
    f.content_chars += text_chars + m.tool_result_chars + m.other_chars;
    if (m.role == Role::user && !m.texts.empty() && starts_with(trim(m.texts.front()), kAiderExamplesEnd)) {
      examples_passed = true;
      continue;
    }
    if (!first_found && examples_passed && m.role == Role::user) {
      StrippedText own = strip_wrappers(m.texts);
      if (!own.text.empty()) {
        first_found = true;
        append_capped(f.first_user_message, own.text, kFirstMessageBytes);
        kept_of = &m;
        kept = std::move(own);
      }
    }
  }

  // The prompt: the last user message with words of the user's own, walking back over tool results.
  std::string prompt;
  const Message* last_user = nullptr;
  bool last_user_has_words = false;
  for (auto it = x.messages.rbegin(); it != x.messages.rend(); ++it) {
    if (it->role != Role::user) continue;
    StrippedText own = &*it == kept_of ? std::move(kept) : strip_wrappers(it->texts);
    if (last_user == nullptr) {
      last_user = &*it;
      last_user_has_words = !own.text.empty();
    }
    if (own.text.empty()) continue;
    prompt = std::move(own.text);
    f.command_name = std::move(own.command_name);
    break;
  }
  if (f.wire == WireFormat::completions && prompt.empty()) prompt = std::string(x.completion_prompt);
  if (!x.completion_prompt.empty()) {
    f.content_chars += x.completion_prompt.size();
    f.fill_in_middle = x.completion_suffix;
    for (std::string_view token : kFimTokens) {
      if (contains(x.completion_prompt, token)) f.fill_in_middle = true;
    }
  }

  // A tool continuation: the last turn that is not the client's system text carries only tool results.
  for (auto it = x.messages.rbegin(); it != x.messages.rend(); ++it) {
    if (it->role == Role::system) continue;
    if (it->role == Role::tool) {
      f.tool_continuation = true;
    } else if (it->role == Role::user && it->tool_results > 0) {
      f.tool_continuation = &*it == last_user ? !last_user_has_words : strip_wrappers(it->texts).text.empty();
    }
    break;
  }

  f.prompt_chars = prompt.size();
  f.prompt_stats = scan_text(prompt);
  if (prompt.size() > kPromptHeadBytes + kPromptTailBytes) {
    std::string kept;
    append_capped(kept, prompt, kPromptHeadBytes);
    kept.append("\n…\n");
    std::size_t tail_start = prompt.size() - kPromptTailBytes;
    while (tail_start < prompt.size() && (static_cast<unsigned char>(prompt[tail_start]) & 0xC0) == 0x80) ++tail_start;
    kept.append(prompt, tail_start);
    f.prompt = std::move(kept);
  } else {
    f.prompt = std::move(prompt);
  }

  constexpr std::uint64_t kCharsPerToken = 4;
  std::uint64_t text_total = f.content_chars + f.boilerplate_chars;
  if (text_total == 0) text_total = body_size;
  f.estimated_input_tokens = static_cast<std::uint32_t>(std::min<std::uint64_t>(text_total / kCharsPerToken, 0xFFFFFFFFu));
  f.content_tokens = static_cast<std::uint32_t>(std::min<std::uint64_t>(f.content_chars / kCharsPerToken, 0xFFFFFFFFu));

  f.client = client_of(f.user_agent, headers, f.system_text);
  if (auto session = headers.find("x-claude-code-session-id")) f.session_id = std::string(*session);
  if (f.session_id.empty()) f.session_id = session_from_user_id(x.user_id);
  if (f.session_id.empty()) {
    if (auto session = headers.find("session_id")) f.session_id = std::string(*session);
  }
  if (f.session_id.empty()) {
    if (auto session = headers.find("session-id")) f.session_id = std::string(*session);
  }
  if (f.session_id.empty()) f.session_id = x.prompt_cache_key;
  if (auto metadata = headers.find("x-codex-turn-metadata")) {
    f.codex_request_kind = json_string_field(*metadata, "request_kind");
    if (f.session_id.empty()) f.session_id = json_string_field(*metadata, "session_id");
  }
  if (auto subagent = headers.find("x-openai-subagent")) f.subagent = std::string(*subagent);
  if (auto agent = headers.find("x-claude-code-agent-id")) f.agent_id = std::string(*agent);
}

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
  finish(extraction, path, headers, body.size());
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
