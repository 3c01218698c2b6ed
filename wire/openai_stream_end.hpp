// The end of an OpenAI stream (Chat Completions or legacy completions), shared by both encoders.
#pragma once

#include "wire/completion.hpp"

#include <string>
#include <string_view>

namespace llmroute::wire {

/// After the last chunk: the usage chunk when `usage` is given (the client asked for it), with empty choices
/// and `chunk_head`, the chunk's opening up to and including `"choices":`; then `data: [DONE]`.
void append_usage_and_done(std::string& out, std::string_view chunk_head, const Usage* usage);

/// A stream broken off: an OpenAI error object as an event, then `data: [DONE]`, so a client's reader ends.
void append_error_and_done(std::string& out, std::string_view message);

}  // namespace llmroute::wire
