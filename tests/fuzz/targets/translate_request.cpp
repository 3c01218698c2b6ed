// Harness: a client's request body translated between every pair of wire formats, as the proxy does before
// forwarding it to a backend of another format.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "wire/request_translation.hpp"

namespace llmroute::fuzz {

namespace {

constexpr wire::WireFormat kFormats[] = {wire::WireFormat::chat, wire::WireFormat::messages,
                                         wire::WireFormat::responses};

wire::TranslateOptions backend_options(bool defaults) {
  wire::TranslateOptions options;
  if (defaults) return options;
  options.model = "local/qwen \"coder\"";
  options.request.max_tokens_field = wire::MaxTokensField::max_completion_tokens;
  options.request.reasoning_history = wire::ReasoningHistory::drop;
  options.request.cache_breakpoints = wire::CacheBreakpoints::none;
  options.request.max_tokens_limit = 100;
  return options;
}

}  // namespace

void fuzz_translate_request(std::string_view bytes) {
  for (const bool defaults : {true, false}) {
    const wire::TranslateOptions options = backend_options(defaults);
    for (const auto from : kFormats) {
      for (const auto to : kFormats) {
        auto translated = wire::translate_request(from, to, bytes, options);
        if (!translated) {
          require(!translated.error().message.empty(), "a refused request says why");
          continue;
        }
        require(is_json_object(translated->body), "a translated request body is one JSON object");
        if (from == to && defaults) require(translated->body == bytes, "the same format forwards the body unchanged");
        if (!defaults) require(translated->model == options.model, "the backend's model replaces the client's");
        if (from != to) {
          // What the proxy sends a backend is a request of the backend's format: read as one, it translates back.
          const auto back = wire::translate_request(to, from, translated->body);
          require(back.ok(), "a translated request reads as a request of its new format: " +
                                 (back.ok() ? std::string() : back.error().message));
        }
        (void)wire::answer_context(*translated, "req", 1);
      }
    }
  }
  if (const auto stripped = wire::strip_unsigned_thinking(bytes)) {
    require(is_json_object(*stripped), "a body without its unsigned thinking is one JSON object");
  }
}

}  // namespace llmroute::fuzz
