// A Chat Completions conversation as readable text, for judges that read what both answers answered.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace llmroute::wire {

/// The messages of a Chat Completions body as "role: text" blocks (tool calls as `[tool call NAME ARGS]`,
/// images as `[image]`), separated by blank lines. Longer than `max_bytes`: the start is cut (the latest
/// turns say what was asked) and a line says so. Empty when the body is not a Chat request.
std::string readable_conversation(std::string_view chat_body, std::size_t max_bytes);

}  // namespace llmroute::wire
