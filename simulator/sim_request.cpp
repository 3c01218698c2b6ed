// The few facts the simulator needs from a request body, read once with simdjson.
#include "simulator/sim_request.hpp"

#include <simdjson.h>

#include <algorithm>
#include <deque>
#include <vector>

namespace llmroute::simulator {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

/// Gathers prompt text while the DOM is alive, then digests it into SimRequest.
class PromptText {
 public:
  void add(std::string_view text) {
    if (!text.empty()) pieces_.push_back(text);
  }

  /// Adds text that does not live in the DOM (e.g. a re-serialised tool input).
  void add_owned(std::string text) {
    if (!text.empty()) pieces_.push_back(owned_.emplace_back(std::move(text)));
  }

  /// Marks everything added so far as a cacheable prefix (a block carrying cache_control).
  void mark_cache_breakpoint() { cache_breakpoint_ = pieces_.size(); }

  void digest_into(SimRequest& request) const {
    std::uint64_t hash = kHashStart;
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < pieces_.size(); ++i) {
      const auto piece = pieces_[i];
      bytes += piece.size();
      for (const char c : piece) {
        hash = (hash ^ static_cast<unsigned char>(c)) * kHashPrime;
      }
      // Separate pieces so ["ab","c"] and ["a","bc"] hash differently.
      hash = (hash ^ 0xffU) * kHashPrime;
      if (piece.find(kJudgeMarker) != std::string_view::npos) request.judge = true;
      if (i + 1 == cache_breakpoint_) {
        request.cache_prefix_bytes = bytes;
        request.cache_prefix_hash = hash;
      }
    }
    request.prompt_bytes = bytes;
    request.prompt_hash = hash;
    if (request.judge) {
      request.judge_text.reserve(bytes + pieces_.size());
      for (const auto piece : pieces_) {
        request.judge_text.append(piece);
        request.judge_text += '\n';
      }
    }
  }

 private:
  std::vector<std::string_view> pieces_;
  std::deque<std::string> owned_;  // a deque never moves its strings, so pieces_ may point into them
  std::size_t cache_breakpoint_ = 0;

  static constexpr std::uint64_t kHashStart = 1469598103934665603ULL;
  static constexpr std::uint64_t kHashPrime = 1099511628211ULL;
};

std::optional<element> field(const object& parent, std::string_view key) {
  element value;
  if (parent[key].get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

std::string_view string_field(const object& parent, std::string_view key) {
  std::string_view text;
  if (const auto value = field(parent, key); value && value->get(text) == simdjson::SUCCESS) return text;
  return {};
}

/// OpenAI's "stop": one string or an array of them; empty strings stop nothing.
std::vector<std::string> read_stop(const object& root) {
  std::vector<std::string> stops;
  const auto found = field(root, "stop");
  if (!found) return stops;
  std::string_view text;
  if (found->get(text) == simdjson::SUCCESS) {
    if (!text.empty()) stops.emplace_back(text);
    return stops;
  }
  array list;
  if (found->get(list) != simdjson::SUCCESS) return stops;
  for (const element item : list)
    if (item.get(text) == simdjson::SUCCESS && !text.empty()) stops.emplace_back(text);
  return stops;
}

/// Adds the text of an OpenAI or Anthropic content value: a string, or an array of parts whose
/// text sits in "text", "thinking", "content" (tool results) or "input" (tool uses).
void add_content(PromptText& prompt, const element& content) {
  std::string_view text;
  if (content.get(text) == simdjson::SUCCESS) {
    prompt.add(text);
    return;
  }
  array parts;
  if (content.get(parts) != simdjson::SUCCESS) return;
  for (const element part : parts) {
    object part_object;
    if (part.get(part_object) != simdjson::SUCCESS) {
      if (part.get(text) == simdjson::SUCCESS) prompt.add(text);
      continue;
    }
    prompt.add(string_field(part_object, "text"));
    prompt.add(string_field(part_object, "thinking"));
    if (const auto nested = field(part_object, "content")) add_content(prompt, *nested);
    if (const auto input = field(part_object, "input")) {
      std::string_view raw;
      if (input->get(raw) != simdjson::SUCCESS) prompt.add_owned(simdjson::minify(*input));
    }
    if (field(part_object, "cache_control")) prompt.mark_cache_breakpoint();
  }
}

bool has_block_of_type(const element& content, std::string_view type) {
  array parts;
  if (content.get(parts) != simdjson::SUCCESS) return false;
  for (const element part : parts) {
    object part_object;
    if (part.get(part_object) == simdjson::SUCCESS && string_field(part_object, "type") == type) return true;
  }
  return false;
}

std::optional<int> int_field(const object& parent, std::string_view key) {
  std::int64_t value = 0;
  if (const auto found = field(parent, key); found && found->get(value) == simdjson::SUCCESS) {
    return static_cast<int>(std::clamp<std::int64_t>(value, 0, 1'000'000'000));
  }
  return std::nullopt;
}

bool bool_field(const object& parent, std::string_view key) {
  bool value = false;
  if (const auto found = field(parent, key)) {
    if (found->get(value) != simdjson::SUCCESS) return false;
  }
  return value;
}

/// Reads a JSON schema's first required (else first declared) property and its type.
void read_argument(const element& schema, ToolSpec& tool) {
  object schema_object;
  if (schema.get(schema_object) != simdjson::SUCCESS) return;
  object properties;
  if (const auto found = field(schema_object, "properties"); !found || found->get(properties) != simdjson::SUCCESS) {
    return;
  }
  array required;
  std::string_view first_required;
  if (const auto found = field(schema_object, "required"); found && found->get(required) == simdjson::SUCCESS) {
    for (const element name : required) {
      if (name.get(first_required) == simdjson::SUCCESS) break;
    }
  }
  for (const auto [key, value] : properties) {
    if (!first_required.empty() && key != first_required) continue;
    tool.argument = std::string(key);
    object property;
    if (value.get(property) == simdjson::SUCCESS) {
      const auto type = string_field(property, "type");
      if (type == "integer" || type == "number") tool.argument_kind = ArgumentKind::integer;
      if (type == "boolean") tool.argument_kind = ArgumentKind::boolean;
    }
    return;
  }
}

/// The first tool of an OpenAI chat ({function:{name,parameters}}), Responses ({name,parameters})
/// or Anthropic ({name,input_schema}) request.
void read_first_tool(const object& root, SimRequest& request) {
  array tools;
  if (const auto found = field(root, "tools"); !found || found->get(tools) != simdjson::SUCCESS) return;
  for (const element tool_element : tools) {
    object tool;
    if (tool_element.get(tool) != simdjson::SUCCESS) continue;
    object function;
    if (const auto nested = field(tool, "function"); nested && nested->get(function) == simdjson::SUCCESS) {
      tool = function;
    }
    const auto name = string_field(tool, "name");
    if (name.empty()) continue;
    ToolSpec spec;
    spec.name = std::string(name);
    if (const auto schema = field(tool, "parameters")) read_argument(*schema, spec);
    if (const auto schema = field(tool, "input_schema")) read_argument(*schema, spec);
    request.first_tool = std::move(spec);
    return;
  }
}

/// OpenAI chat and Anthropic messages: a "messages" array (plus Anthropic's top-level "system").
std::string read_messages(const object& root, Endpoint endpoint, SimRequest& request, PromptText& prompt) {
  if (const auto system = field(root, "system")) add_content(prompt, *system);
  array messages;
  if (const auto found = field(root, "messages"); !found || found->get(messages) != simdjson::SUCCESS) {
    return "'messages' must be an array";
  }
  std::string_view last_role;
  bool last_is_tool_result = false;
  for (const element message_element : messages) {
    object message;
    if (message_element.get(message) != simdjson::SUCCESS) return "each message must be an object";
    last_role = string_field(message, "role");
    last_is_tool_result = last_role == "tool";
    if (last_role == "assistant") ++request.assistant_turns;
    if (last_role == "tool") request.tool_call_ids.emplace_back(string_field(message, "tool_call_id"));
    array tool_calls;
    if (const auto calls = field(message, "tool_calls"); calls && calls->get(tool_calls) == simdjson::SUCCESS) {
      for (const element call : tool_calls) {
        object function;
        if (call["function"].get(function) == simdjson::SUCCESS) prompt.add(string_field(function, "arguments"));
        object call_object;
        if (call.get(call_object) == simdjson::SUCCESS) request.tool_call_ids.emplace_back(string_field(call_object, "id"));
      }
    }
    if (const auto content = field(message, "content")) {
      add_content(prompt, *content);
      if (endpoint != Endpoint::chat_completions && has_block_of_type(*content, "tool_result")) {
        last_is_tool_result = true;
      }
    }
  }
  if (last_is_tool_result) {
    request.last_turn = LastTurn::tool_result;
  } else {
    request.last_turn = last_role == "user" ? LastTurn::user : LastTurn::other;
  }
  return {};
}

/// OpenAI Responses: "instructions" plus "input" as a string or a list of items.
void read_responses_input(const object& root, SimRequest& request, PromptText& prompt) {
  prompt.add(string_field(root, "instructions"));
  const auto input = field(root, "input");
  if (!input) return;
  std::string_view text;
  if (input->get(text) == simdjson::SUCCESS) {
    prompt.add(text);
    request.last_turn = LastTurn::user;
    return;
  }
  array items;
  if (input->get(items) != simdjson::SUCCESS) return;
  for (const element item_element : items) {
    object item;
    if (item_element.get(item) != simdjson::SUCCESS) continue;
    const auto type = string_field(item, "type");
    const auto role = string_field(item, "role");
    if (type == "function_call") {
      ++request.assistant_turns;
      prompt.add(string_field(item, "arguments"));
      request.last_turn = LastTurn::other;
    } else if (type == "function_call_output") {
      prompt.add(string_field(item, "output"));
      request.last_turn = LastTurn::tool_result;
    } else {
      if (role == "assistant") ++request.assistant_turns;
      if (const auto content = field(item, "content")) add_content(prompt, *content);
      request.last_turn = role == "user" ? LastTurn::user : LastTurn::other;
    }
  }
}

/// Legacy completions: "prompt" as a string or a list of strings.
void read_completion_prompt(const object& root, PromptText& prompt) {
  if (const auto found = field(root, "prompt")) add_content(prompt, *found);
  prompt.add(string_field(root, "suffix"));
}

}  // namespace

int SimRequest::prompt_tokens() const { return std::max(1, static_cast<int>(prompt_bytes / 4)); }

ParsedRequest parse_sim_request(Endpoint endpoint, std::string_view body, simdjson::dom::parser& parser) {
  ParsedRequest parsed;
  SimRequest& request = parsed.request;
  element document;
  if (parser.parse(body.data(), body.size()).get(document) != simdjson::SUCCESS) {
    parsed.error = "request body is not valid JSON";
    return parsed;
  }
  object root;
  if (document.get(root) != simdjson::SUCCESS) {
    parsed.error = "request body must be a JSON object";
    return parsed;
  }
  request.requested_model = std::string(string_field(root, "model"));
  request.stream = bool_field(root, "stream");
  if (const auto options = field(root, "stream_options")) {
    object stream_options;
    if (options->get(stream_options) == simdjson::SUCCESS) {
      request.include_usage = bool_field(stream_options, "include_usage");
    }
  }
  request.max_tokens = int_field(root, "max_completion_tokens");
  if (!request.max_tokens) request.max_tokens = int_field(root, "max_tokens");
  if (!request.max_tokens) request.max_tokens = int_field(root, "max_output_tokens");
  read_first_tool(root, request);

  PromptText prompt;
  switch (endpoint) {
    case Endpoint::chat_completions:
    case Endpoint::messages:
    case Endpoint::count_tokens:
      parsed.error = read_messages(root, endpoint, request, prompt);
      if (endpoint == Endpoint::chat_completions) request.stop = read_stop(root);
      break;
    case Endpoint::completions:
      read_completion_prompt(root, prompt);
      request.stop = read_stop(root);
      break;
    case Endpoint::responses:
      read_responses_input(root, request, prompt);
      break;
    case Endpoint::tokenize:
      request.tokenize_content = std::string(string_field(root, "content"));
      request.tokenize_with_pieces = bool_field(root, "with_pieces");
      prompt.add(request.tokenize_content);
      break;
  }
  prompt.digest_into(request);
  return parsed;
}

}  // namespace llmroute::simulator
