// A whole answer told as the client's event stream: the answer's items go through a stream hub and the client's encoder.
#include "wire/completion_stream.hpp"

#include "wire/stream_hub.hpp"

namespace llmroute::wire {

namespace {

/// The context a whole answer is told in: its own time when the translation sets none, as a translated answer.
TranslationContext told_context(const Completion& completion, const TranslationContext& context) {
  TranslationContext told = context;
  if (told.created == 0) told.created = completion.created;
  return told;
}

/// `completion`'s items in order through a hub driving `encoder`, from the stream's start to its end.
std::string tell(const Completion& completion, const TranslationContext& context, std::unique_ptr<StreamEncoder> encoder) {
  std::string out;
  StreamHub hub(context, std::move(encoder));
  hub.set_output(&out);
  hub.start(completion.id, completion.model);
  std::size_t slot = 0;
  for (const OutputItem& item : completion.items) {
    switch (item.kind) {
      case ItemKind::text: hub.text(item.text); break;
      case ItemKind::reasoning:
        if (!item.redacted.empty()) {
          hub.redacted_reasoning(item.redacted);
          break;
        }
        hub.reasoning(item.text);
        hub.reasoning_signature(item.signature);
        break;
      case ItemKind::tool_call:
        hub.tool_begin(slot, item.call_id, item.name);
        hub.tool_arguments(slot, item.arguments);
        ++slot;
        break;
    }
  }
  hub.finish_reason(completion.finish, completion.stop_sequence);
  if (completion.usage_reported) {
    hub.usage() = completion.usage;
    hub.usage_reported();
  }
  hub.done();
  return out;
}

}  // namespace

std::string completion_stream(WireFormat client, const Completion& completion, const TranslationContext& context) {
  const TranslationContext told = told_context(completion, context);
  return tell(completion, told, make_stream_encoder(client, told));
}

std::string text_completion_stream(const Completion& completion, const TranslationContext& context) {
  const TranslationContext told = told_context(completion, context);
  return tell(completion, told, make_text_completion_encoder(told));
}

}  // namespace llmroute::wire
