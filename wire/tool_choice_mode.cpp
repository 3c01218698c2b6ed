// The string form of tool_choice that both OpenAI formats (Chat Completions, Responses) accept.
#include "wire/tool_choice_mode.hpp"

#include <string>

namespace llmroute::wire {

Problem parse_tool_choice_mode(std::string_view mode, ToolChoice& choice) {
  if (mode == "auto") {
    choice.mode = ToolChoiceMode::automatic;
  } else if (mode == "required") {
    choice.mode = ToolChoiceMode::required;
  } else if (mode == "none") {
    choice.mode = ToolChoiceMode::none;
  } else {
    return error_at("tool_choice", "unsupported value \"" + std::string(mode) + "\"");
  }
  return std::nullopt;
}

}  // namespace llmroute::wire
