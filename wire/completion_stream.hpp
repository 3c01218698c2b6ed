// A whole answer told as the client's event stream, for a backend that answered a streamed request with one
// JSON body (some OpenAI-compatible servers ignore `stream`).
#pragma once

#include <string>

#include "wire/completion.hpp"
#include "wire/wire_format.hpp"

namespace llmroute::wire {

/// `completion` as the stream a `client` reads: Chat chunks, the finish chunk, the usage chunk when
/// `context.include_usage`, then `[DONE]`; Messages `message_start` … `message_stop`; Responses
/// `response.created` … `response.completed`. Built by the stream encoders from the answer's items in order,
/// so it has the shape of a translated stream. An Anthropic client also gets each thinking block's signature
/// (a signature_delta before its content_block_stop, as Anthropic streams it: Claude Code sends the block back
/// with it) and redacted_thinking blocks with their data.
std::string completion_stream(WireFormat client, const Completion& completion, const TranslationContext& context);

/// `completion` (a legacy completion's text) as a legacy completions client (/v1/completions) reads it:
/// `text_completion` chunks with the text, a last one with the finish reason, the usage chunk (empty choices)
/// when `context.include_usage`, then `[DONE]`. Legacy completions are not a WireFormat: they are never
/// translated, only relayed, so their stream shape is needed here alone.
std::string text_completion_stream(const Completion& completion, const TranslationContext& context);

}  // namespace llmroute::wire
