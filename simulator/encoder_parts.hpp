// JSON fragments shared by the encoders: finish reasons, usage objects, timings objects, OpenAI stream ends.
#pragma once

#include <string>
#include <string_view>

#include "simulator/answer.hpp"
#include "simulator/wire_encoder.hpp"

namespace llmroute::simulator {

/// OpenAI's finish_reason for `reason`: stop, length or tool_calls.
std::string_view openai_finish_reason(FinishReason reason);

/// Appends vLLM's `,"stop_reason":` member of a choice: the stop string that ended the answer, else null.
void append_stop_reason(std::string& out, const Answer& answer);

/// Appends OpenAI's usage object (prompt/completion/total plus the details objects).
void append_openai_usage(std::string& out, const ResponseMeta& meta, const Answer& answer);

/// Appends llama.cpp's timings object.
void append_timings(std::string& out, const Timings& timings);

/// Appends the end of an OpenAI stream (Chat Completions or legacy Completions), whose chunks start with `head`
/// (`data: {"id":…,"choices":[`): the chunk whose one choice, `finish_choice` up to the finish reason, ends the
/// answer, with `chunk_fields` and the timings when asked; the usage chunk when the client asked for it; [DONE].
void append_openai_stream_end(std::string& out, std::string_view head, std::string_view finish_choice,
                              std::string_view chunk_fields, const ResponseMeta& meta, const Answer& answer,
                              const Timings& timings);

}  // namespace llmroute::simulator
