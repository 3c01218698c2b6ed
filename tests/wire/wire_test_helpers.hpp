// Shared helpers of the wire tests: golden files, JSON comparison and client-side stream checkers.
#pragma once

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "wire/json_writer.hpp"
#include "wire/sse_parser.hpp"

namespace llmroute::wire::testing {

inline std::string golden_path(std::string_view name) {
  return std::string(LLMROUTE_SOURCE_DIR) + "/tests/wire/golden/" + std::string(name);
}

inline std::string read_golden(std::string_view name) {
  std::ifstream in(golden_path(name), std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing golden file " << golden_path(name));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Set LLMROUTE_UPDATE_GOLDEN=1 to rewrite golden outputs from the current code (then review the diff).
inline bool updating_golden() { return std::getenv("LLMROUTE_UPDATE_GOLDEN") != nullptr; }

inline void write_golden(std::string_view name, std::string_view content) {
  std::ofstream out(golden_path(name), std::ios::binary);
  out << content;
}

inline void pretty(std::string& out, const boost::json::value& value, int depth) {
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  if (value.is_object() && !value.get_object().empty()) {
    out.append("{\n");
    bool first = true;
    for (const auto& member : value.get_object()) {
      if (!first) out.append(",\n");
      first = false;
      out.append(indent).append("  ");
      append_json_string(out, member.key());
      out.append(": ");
      pretty(out, member.value(), depth + 1);
    }
    out.append("\n").append(indent).append("}");
  } else if (value.is_array() && !value.get_array().empty()) {
    out.append("[\n");
    bool first = true;
    for (const auto& element : value.get_array()) {
      if (!first) out.append(",\n");
      first = false;
      out.append(indent).append("  ");
      pretty(out, element, depth + 1);
    }
    out.append("\n").append(indent).append("]");
  } else {
    append_json(out, value);
  }
}

inline std::string pretty(std::string_view json) {
  std::string out;
  pretty(out, boost::json::parse(json), 0);
  out.push_back('\n');
  return out;
}

/// The produced JSON must equal the golden JSON (compared as values, stored pretty-printed).
inline void check_golden_json(std::string_view name, std::string_view actual) {
  if (updating_golden()) write_golden(name, pretty(actual));
  const auto expected = boost::json::parse(read_golden(name));
  const auto produced = boost::json::parse(actual);
  CHECK_MESSAGE(produced == expected, "golden " << name << " differs; produced:\n" << pretty(actual));
}

/// The produced bytes must equal the golden file byte for byte.
inline void check_golden_text(std::string_view name, std::string_view actual) {
  if (updating_golden()) write_golden(name, actual);
  const auto expected = read_golden(name);
  CHECK_MESSAGE(actual == expected, "golden " << name << " differs; produced:\n" << actual);
}

struct ClientEvent {
  std::string event;
  std::string data;
};

inline std::vector<ClientEvent> parse_events(std::string_view stream) {
  SseParser parser;
  parser.append(stream);
  std::vector<ClientEvent> events;
  while (auto event = parser.next()) events.push_back({std::string(event->event), std::string(event->data)});
  REQUIRE_MESSAGE(parser.buffered() == 0, "stream ends inside an event");
  return events;
}

inline bool valid_json_object(std::string_view text) {
  boost::json::error_code ec;
  const auto value = boost::json::parse(text, ec);
  return !ec && value.is_object();
}

/// What a client would assemble from a stream, after checking the protocol rules it relies on.
struct Assembled {
  std::string text;
  std::string reasoning;
  std::vector<std::pair<std::string, std::string>> tool_calls;  ///< name, arguments
  std::vector<std::string> tool_ids;
  std::vector<std::string> signatures;  ///< Messages: each thinking block's signature_delta
  std::vector<std::string> redacted;    ///< Messages: each redacted_thinking block's data
  std::string finish;
  boost::json::value usage;
  std::string error;
};

/// Anthropic Messages rules: message_start first; blocks opened, delta'd and closed in index
/// order, one at a time; message_delta then message_stop last; tool inputs are JSON objects.
inline Assembled check_messages_stream(std::string_view stream) {
  const auto events = parse_events(stream);
  Assembled result;
  REQUIRE(!events.empty());
  if (events.back().event == "error") {
    result.error = boost::json::parse(events.back().data).at("error").at("message").as_string().c_str();
    return result;
  }
  CHECK(events.front().event == "message_start");
  REQUIRE(events.size() >= 3);
  CHECK(events[events.size() - 2].event == "message_delta");
  CHECK(events.back().event == "message_stop");
  std::int64_t open = -1;
  std::int64_t next = 0;
  std::string open_type;
  for (const auto& event : events) {
    const auto value = boost::json::parse(event.data);
    CHECK(value.at("type").as_string() == event.event);
    if (event.event == "content_block_start") {
      CHECK(open == -1);
      CHECK(value.at("index").as_int64() == next);
      open = next;
      const auto& block = value.at("content_block");
      open_type = block.at("type").as_string().c_str();
      if (open_type == "tool_use") {
        result.tool_calls.emplace_back(block.at("name").as_string().c_str(), "");
        result.tool_ids.emplace_back(block.at("id").as_string().c_str());
      } else if (open_type == "redacted_thinking") {
        result.redacted.emplace_back(block.at("data").as_string().c_str());
      }
    } else if (event.event == "content_block_delta") {
      CHECK(value.at("index").as_int64() == open);
      const auto& delta = value.at("delta");
      const std::string type = delta.at("type").as_string().c_str();
      if (type == "text_delta") {
        CHECK(open_type == "text");
        result.text += delta.at("text").as_string().c_str();
      } else if (type == "thinking_delta") {
        CHECK(open_type == "thinking");
        result.reasoning += delta.at("thinking").as_string().c_str();
      } else if (type == "signature_delta") {
        CHECK(open_type == "thinking");
        result.signatures.emplace_back(delta.at("signature").as_string().c_str());
      } else {
        CHECK(type == "input_json_delta");
        CHECK(open_type == "tool_use");
        result.tool_calls.back().second += delta.at("partial_json").as_string().c_str();
      }
    } else if (event.event == "content_block_stop") {
      CHECK(value.at("index").as_int64() == open);
      open = -1;
      ++next;
    } else if (event.event == "message_delta") {
      CHECK(open == -1);
      result.finish = value.at("delta").at("stop_reason").as_string().c_str();
      result.usage = value.at("usage");
    }
  }
  for (auto& call : result.tool_calls) {
    if (call.second.empty()) call.second = "{}";
    CHECK_MESSAGE(valid_json_object(call.second), "tool input is not a JSON object: " << call.second);
  }
  return result;
}

/// Chat Completions rules: every data is a chunk (or [DONE] last); exactly one finish_reason;
/// tool call deltas name an index introduced with an id and a name.
inline Assembled check_chat_stream(std::string_view stream, bool expect_usage) {
  const auto events = parse_events(stream);
  Assembled result;
  REQUIRE(!events.empty());
  CHECK(events.back().data == "[DONE]");
  int finishes = 0;
  bool usage_seen = false;
  std::map<std::int64_t, std::size_t> calls;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const auto value = boost::json::parse(events[i].data);
    if (value.as_object().contains("error")) {
      result.error = value.at("error").at("message").as_string().c_str();
      continue;
    }
    CHECK(value.at("object").as_string() == "chat.completion.chunk");
    if (const auto* usage = value.as_object().if_contains("usage"); usage != nullptr && !usage->is_null()) {
      usage_seen = true;
      result.usage = *usage;
    }
    for (const auto& choice : value.at("choices").as_array()) {
      const auto& delta = choice.at("delta").as_object();
      if (const auto* content = delta.if_contains("content"); content != nullptr && content->is_string()) {
        result.text += content->as_string().c_str();
      }
      if (const auto* reasoning = delta.if_contains("reasoning_content"))
        result.reasoning += reasoning->as_string().c_str();
      if (const auto* tool_calls = delta.if_contains("tool_calls")) {
        for (const auto& call : tool_calls->as_array()) {
          const auto index = call.at("index").as_int64();
          const auto& function = call.at("function").as_object();
          if (const auto* id = call.as_object().if_contains("id")) {
            CHECK(calls.count(index) == 0);
            calls[index] = result.tool_calls.size();
            result.tool_calls.emplace_back(function.at("name").as_string().c_str(), "");
            result.tool_ids.emplace_back(id->as_string().c_str());
          }
          REQUIRE(calls.count(index) == 1);
          if (const auto* arguments = function.if_contains("arguments")) {
            result.tool_calls[calls[index]].second += arguments->as_string().c_str();
          }
        }
      }
      if (!choice.at("finish_reason").is_null()) {
        ++finishes;
        result.finish = choice.at("finish_reason").as_string().c_str();
      }
    }
  }
  if (result.error.empty()) {
    CHECK(finishes == 1);
    CHECK(usage_seen == expect_usage);
    for (const auto& call : result.tool_calls) CHECK(valid_json_object(call.second));
  }
  return result;
}

/// Responses rules: sequence numbers count from 0; response.created first; every item added is
/// done; argument deltas add up to the done arguments; response.completed (or .failed) last.
inline Assembled check_responses_stream(std::string_view stream) {
  const auto events = parse_events(stream);
  Assembled result;
  REQUIRE(!events.empty());
  CHECK(events.front().event == "response.created");
  std::int64_t sequence = 0;
  std::map<std::int64_t, std::string> open_items;
  std::map<std::int64_t, std::string> arguments;
  for (const auto& event : events) {
    const auto value = boost::json::parse(event.data);
    CHECK(value.at("type").as_string() == event.event);
    CHECK(value.at("sequence_number").as_int64() == sequence++);
    if (event.event == "response.output_item.added") {
      const auto index = value.at("output_index").as_int64();
      CHECK(open_items.count(index) == 0);
      open_items[index] = value.at("item").at("id").as_string().c_str();
    } else if (event.event == "response.output_text.delta") {
      result.text += value.at("delta").as_string().c_str();
    } else if (event.event == "response.reasoning_summary_text.delta") {
      result.reasoning += value.at("delta").as_string().c_str();
    } else if (event.event == "response.function_call_arguments.delta") {
      arguments[value.at("output_index").as_int64()] += value.at("delta").as_string().c_str();
    } else if (event.event == "response.output_item.done") {
      const auto index = value.at("output_index").as_int64();
      REQUIRE(open_items.count(index) == 1);
      CHECK(open_items[index] == value.at("item").at("id").as_string());
      open_items.erase(index);
      const auto& item = value.at("item");
      const std::string type = item.at("type").as_string().c_str();
      if (type == "function_call") {
        CHECK(arguments[index] == item.at("arguments").as_string());
        std::string name = item.at("name").as_string().c_str();
        if (const auto* ns = item.as_object().if_contains("namespace"))
          name = std::string(ns->as_string()) + "." + name;
        result.tool_calls.emplace_back(name, item.at("arguments").as_string().c_str());
        result.tool_ids.emplace_back(item.at("call_id").as_string().c_str());
      } else if (type == "custom_tool_call") {
        result.tool_calls.emplace_back(item.at("name").as_string().c_str(), item.at("input").as_string().c_str());
        result.tool_ids.emplace_back(item.at("call_id").as_string().c_str());
      }
    }
  }
  const auto& last = events.back();
  if (last.event == "response.failed") {
    result.error = boost::json::parse(last.data).at("response").at("error").at("message").as_string().c_str();
    return result;
  }
  CHECK(last.event == "response.completed");
  CHECK(open_items.empty());
  const auto response = boost::json::parse(last.data).at("response");
  result.finish = response.at("status").as_string().c_str();
  result.usage = response.at("usage");
  return result;
}

/// Splits `text` into pieces at the given offsets.
inline std::vector<std::string_view> split_at(std::string_view text, std::vector<std::size_t> offsets) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  for (const auto offset : offsets) {
    pieces.push_back(text.substr(start, offset - start));
    start = offset;
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

}  // namespace llmroute::wire::testing
