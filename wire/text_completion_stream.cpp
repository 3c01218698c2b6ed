// Legacy completions streams (/v1/completions, IDE autocomplete): encoding `text_completion` chunks.
#include "wire/format_mappings.hpp"
#include "wire/json_writer.hpp"
#include "wire/openai_stream_end.hpp"
#include "wire/stream_hub.hpp"

namespace llmroute::wire {

namespace {

/// Writes `data: {text_completion}` events as OpenAI streams them: each piece of text in choices[0].text, a
/// last chunk with empty text and the finish reason, the usage chunk (empty choices) when the client asked for
/// it, then `data: [DONE]`. A legacy answer only ever comes from an OpenAI-compatible backend as plain text
/// (a legacy request is never translated), so it has no reasoning or tool calls: the format has no place for them.
class TextCompletionEncoder final : public StreamEncoder {
 public:
  explicit TextCompletionEncoder(TranslationContext context) : context_(std::move(context)) {}

  void start(const StreamSummary& summary, std::string&) override {
    JsonWriter w(header_);
    w.begin_object().member("id", client_id("cmpl-", context_, summary.upstream_id)).member("object", "text_completion");
    w.member("created", context_.created).member("model", context_.model.empty() ? summary.model : context_.model);
    w.key("choices");
  }

  void text(std::string_view delta, std::string& out) override { chunk(out, delta, "null"); }

  void reasoning(std::string_view, std::string&) override {}

  void tool_begin(std::size_t, std::string_view, std::string_view, std::string&) override {}

  void tool_arguments(std::size_t, std::string_view, std::string&) override {}

  void end(const StreamSummary& summary, const Usage& usage, std::string& out) override {
    std::string quoted;
    append_json_string(quoted, chat_finish_reason(effective_finish(summary.finish_reason, false)));
    chunk(out, "", quoted);
    append_usage_and_done(out, header_, context_.include_usage ? &usage : nullptr);
  }

  void error(std::string_view message, std::string& out) override { append_error_and_done(out, message); }

 private:
  void chunk(std::string& out, std::string_view text, std::string_view finish_reason) {
    out.append("data: ");
    out.append(header_);
    out.append(R"([{"text":)");
    append_json_string(out, text);
    out.append(R"(,"index":0,"logprobs":null,"finish_reason":)");
    out.append(finish_reason);
    out.append("}]}\n\n");
  }

  TranslationContext context_;
  std::string header_;  // {"id":…,"object":"text_completion","created":…,"model":…,"choices":
};

}  // namespace

std::unique_ptr<StreamEncoder> make_text_completion_encoder(const TranslationContext& context) {
  return std::make_unique<TextCompletionEncoder>(context);
}

}  // namespace llmroute::wire
