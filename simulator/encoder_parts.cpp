// JSON fragments shared by the encoders: finish reasons, usage objects, timings objects, OpenAI stream ends.
#include "simulator/encoder_parts.hpp"

#include "simulator/json_text.hpp"

namespace llmroute::simulator {

std::string_view openai_finish_reason(FinishReason reason) {
  switch (reason) {
    case FinishReason::stop:
      return "stop";
    case FinishReason::length:
      return "length";
    case FinishReason::tool_calls:
      return "tool_calls";
  }
  return "stop";
}

void append_stop_reason(std::string& out, const Answer& answer) {
  out += R"(,"stop_reason":)";
  if (answer.stop_sequence.empty()) out += "null";
  else append_json_string(out, answer.stop_sequence);
}

void append_openai_usage(std::string& out, const ResponseMeta& meta, const Answer& answer) {
  out += R"({"prompt_tokens":)";
  append_number(out, std::int64_t{meta.prompt_tokens});
  out += R"(,"completion_tokens":)";
  append_number(out, std::int64_t{answer.completion_tokens});
  out += R"(,"total_tokens":)";
  append_number(out, std::int64_t{meta.prompt_tokens} + answer.completion_tokens);
  out += R"(,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":)";
  append_number(out, std::int64_t{answer.reasoning_tokens});
  out += "}}";
}

void append_timings(std::string& out, const Timings& timings) {
  const auto per_second = [](int count, double ms) { return ms > 0 ? count * 1000.0 / ms : 0.0; };
  const auto per_token = [](int count, double ms) { return count > 0 ? ms / count : 0.0; };
  out += R"({"prompt_n":)";
  append_number(out, std::int64_t{timings.prompt_n});
  out += R"(,"prompt_ms":)";
  append_number(out, timings.prompt_ms);
  out += R"(,"prompt_per_token_ms":)";
  append_number(out, per_token(timings.prompt_n, timings.prompt_ms));
  out += R"(,"prompt_per_second":)";
  append_number(out, per_second(timings.prompt_n, timings.prompt_ms));
  out += R"(,"predicted_n":)";
  append_number(out, std::int64_t{timings.predicted_n});
  out += R"(,"predicted_ms":)";
  append_number(out, timings.predicted_ms);
  out += R"(,"predicted_per_token_ms":)";
  append_number(out, per_token(timings.predicted_n, timings.predicted_ms));
  out += R"(,"predicted_per_second":)";
  append_number(out, per_second(timings.predicted_n, timings.predicted_ms));
  out += '}';
}

void append_openai_stream_end(std::string& out, std::string_view head, std::string_view finish_choice,
                              std::string_view chunk_fields, const ResponseMeta& meta, const Answer& answer,
                              const Timings& timings) {
  out += head;
  out += finish_choice;
  out += openai_finish_reason(answer.finish);
  out += '"';
  append_stop_reason(out, answer);
  out += "}]";
  out += chunk_fields;
  if (meta.timings) {
    out += R"(,"timings":)";
    append_timings(out, timings);
  }
  out += "}\n\n";
  if (meta.usage && meta.stream_usage) {
    out += head;
    out += R"(],"usage":)";
    append_openai_usage(out, meta, answer);
    out += "}\n\n";
  }
  out += "data: [DONE]\n\n";
}

}  // namespace llmroute::simulator
