// Harness: a backend's whole (non-streamed) answer translated for a client of every format, and told as the
// client's event stream (a backend that ignored `stream`).
#include "client_stream_check.hpp"
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "wire/completion_stream.hpp"
#include "wire/response_translation.hpp"

namespace llmroute::fuzz {

namespace {

constexpr wire::WireFormat kFormats[] = {wire::WireFormat::chat, wire::WireFormat::messages,
                                         wire::WireFormat::responses};

}  // namespace

void fuzz_translate_response(std::string_view bytes) {
  wire::TranslationContext context;
  context.request_id = "req";
  context.include_usage = true;
  for (const auto backend : kFormats) {
    for (const auto client : kFormats) {
      const auto translated = wire::translate_response(backend, client, bytes, context);
      if (translated) require(is_json_object(translated->body), "a translated answer is one JSON object");
    }
    for (const auto think_tags : {wire::ThinkTags::split, wire::ThinkTags::keep}) {
      const auto completion = wire::parse_completion(backend, bytes, think_tags);
      if (!completion) continue;
      ClientRead items;
      for (const auto& item : completion->items) {
        if (item.kind == wire::ItemKind::text) items.text_bytes += item.text.size();
        if (item.kind == wire::ItemKind::reasoning) items.reasoning_bytes += item.text.size();
      }
      for (const auto client : kFormats) {
        require(is_json_object(wire::render_completion(client, *completion, context)), "a rendered answer is one JSON object");
        const ClientRead read = check_client_stream(client, wire::completion_stream(client, *completion, context));
        require(read.text_bytes == items.text_bytes, "an answer told as a stream carries all of its text");
        require(read.reasoning_bytes == items.reasoning_bytes, "an answer told as a stream carries all of its reasoning");
      }
      check_client_stream(wire::WireFormat::chat, wire::text_completion_stream(*completion, context));
    }
  }
}

}  // namespace llmroute::fuzz
