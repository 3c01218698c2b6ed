// OpenAI legacy Completions (IDE autocomplete): text_completion events and body.
#include "simulator/completion_encoder.hpp"

#include "simulator/encoder_parts.hpp"
#include "simulator/json_text.hpp"

namespace llmroute::simulator {

CompletionEncoder::CompletionEncoder(const ResponseMeta& meta, const Answer& answer) : meta_(meta), answer_(answer) {
  head_ = R"(data: {"id":"cmpl-)";
  head_ += meta.id_suffix;
  head_ += R"(","object":"text_completion","created":)";
  append_number(head_, meta.created);
  head_ += R"(,"model":)";
  append_json_string(head_, meta.model);
  head_ += R"(,"choices":[)";
  text_prefix_ = head_ + R"({"text":")";
  suffix_ = R"(","index":0,"logprobs":null,"finish_reason":null}]})"
            "\n\n";
}

void CompletionEncoder::begin_stream(std::string&) {}

void CompletionEncoder::piece(const Piece& piece, std::string& out) {
  out += text_prefix_;
  out += piece.text;
  out += suffix_;
}

void CompletionEncoder::end_stream(const Timings& timings, std::string& out) {
  append_openai_stream_end(out, head_, R"({"text":"","index":0,"logprobs":null,"finish_reason":")", "", meta_, answer_,
                           timings);
}

void CompletionEncoder::malformed_event(std::string& out) {
  out += R"(data: {"id":"cmpl-)";
  out += meta_.id_suffix;
  out += R"(","object":"text_completion","choices":[{"text":"tr)";
  out += "\n\n";
}

std::string CompletionEncoder::whole_body(const Timings& timings) {
  std::string body;
  body += R"({"id":"cmpl-)";
  body += meta_.id_suffix;
  body += R"(","object":"text_completion","created":)";
  append_number(body, meta_.created);
  body += R"(,"model":)";
  append_json_string(body, meta_.model);
  body += R"(,"choices":[{"text":")";
  for (const auto& piece : answer_.pieces) body += piece.text;
  body += R"(","index":0,"logprobs":null,"finish_reason":")";
  body += openai_finish_reason(answer_.finish);
  body += '"';
  append_stop_reason(body, answer_);
  body += "}]";
  if (meta_.usage) {
    body += R"(,"usage":)";
    append_openai_usage(body, meta_, answer_);
  }
  if (meta_.timings) {
    body += R"(,"timings":)";
    append_timings(body, timings);
  }
  body += '}';
  return body;
}

}  // namespace llmroute::simulator
