// The string form of tool_choice that both OpenAI formats (Chat Completions, Responses) accept.
#pragma once

#include <string_view>

#include "wire/conversation.hpp"
#include "wire/json_access.hpp"

namespace llmroute::wire {

/// Sets `choice` to the mode an OpenAI string tool_choice names ("auto", "required" or "none"); any other string
/// is a problem at `tool_choice` that names it.
Problem parse_tool_choice_mode(std::string_view mode, ToolChoice& choice);

}  // namespace llmroute::wire
