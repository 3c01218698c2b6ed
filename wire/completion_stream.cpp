// A whole answer told as the client's event stream: the answer's items go through a stream hub and the client's encoder.
#include "wire/completion_stream.hpp"

#include "wire/stream_hub.hpp"

namespace llmroute::wire {

std::string completion_stream(WireFormat client, const Completion& completion, const TranslationContext& context) {
  TranslationContext told = context;
  if (told.created == 0) told.created = completion.created;  // 0: the backend's, as for a translated answer
  std::string out;
  StreamHub hub(told, make_stream_encoder(client, told));
  hub.set_output(&out);
  hub.start(completion.id, completion.model);
  std::size_t slot = 0;
  for (const OutputItem& item : completion.items) {
    switch (item.kind) {
      case ItemKind::text: hub.text(item.text); break;
      case ItemKind::reasoning: hub.reasoning(item.text); break;
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

}  // namespace llmroute::wire
