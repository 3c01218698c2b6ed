// Rendering of a Chat Completions conversation as readable text.
#include "wire/prompt_text.hpp"

#include "wire/json_access.hpp"

namespace llmroute::wire {

namespace {

void append_content(std::string& out, const boost::json::value& content) {
  if (content.is_string()) {
    out += content.get_string();
    return;
  }
  if (!content.is_array()) return;
  for (const boost::json::value& part : content.get_array()) {
    if (!part.is_object()) continue;
    const std::string_view type = string_member(part.get_object(), "type");
    if (type == "text") out += string_member(part.get_object(), "text");
    else if (type == "image_url") out += "[image]";
  }
}

void append_tool_calls(std::string& out, const boost::json::object& message) {
  const boost::json::value* calls = member(message, "tool_calls");
  if (calls == nullptr || !calls->is_array()) return;
  for (const boost::json::value& call : calls->get_array()) {
    const boost::json::value* function = call.is_object() ? member(call.get_object(), "function") : nullptr;
    if (function == nullptr || !function->is_object()) continue;
    out += "\n[tool call ";
    out += string_member(function->get_object(), "name");
    out += ' ';
    out += string_member(function->get_object(), "arguments");
    out += ']';
  }
}

}  // namespace

std::string readable_conversation(std::string_view chat_body, std::size_t max_bytes) {
  auto parsed = parse_json_object(chat_body);
  if (!parsed) return {};
  const boost::json::value* messages = member(*parsed, "messages");
  if (messages == nullptr || !messages->is_array()) return {};
  std::string out;
  for (const boost::json::value& item : messages->get_array()) {
    if (!item.is_object()) continue;
    const boost::json::object& message = item.get_object();
    if (!out.empty()) out += "\n\n";
    out += string_member(message, "role", "user");
    out += ": ";
    if (const boost::json::value* content = member(message, "content")) append_content(out, *content);
    append_tool_calls(out, message);
  }
  if (out.size() <= max_bytes) return out;
  constexpr std::string_view kCut = "[… the start of the conversation is cut …]\n";
  const std::size_t keep = max_bytes > kCut.size() ? max_bytes - kCut.size() : 0;
  std::size_t from = out.size() - keep;
  while (from < out.size() && (static_cast<unsigned char>(out[from]) & 0xC0) == 0x80) ++from;  // not mid-character
  return std::string(kCut) + out.substr(from);
}

}  // namespace llmroute::wire
