// JSON fragments shared by the encoders: finish reasons, usage objects, timings objects.
#pragma once

#include <string>
#include <string_view>

#include "simulator/answer.hpp"
#include "simulator/wire_encoder.hpp"

namespace llmroute::simulator {

/// OpenAI's finish_reason for `reason`: stop, length or tool_calls.
std::string_view openai_finish_reason(FinishReason reason);

/// Appends OpenAI's usage object (prompt/completion/total plus the details objects).
void append_openai_usage(std::string& out, const ResponseMeta& meta, const Answer& answer);

/// Appends llama.cpp's timings object.
void append_timings(std::string& out, const Timings& timings);

}  // namespace llmroute::simulator
