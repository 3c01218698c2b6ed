#include "wire/openai_stream_end.hpp"

#include "wire/format_mappings.hpp"
#include "wire/json_writer.hpp"

namespace llmroute::wire {

void append_usage_and_done(std::string& out, std::string_view chunk_head, const Usage* usage) {
  if (usage) {
    out.append("data: ");
    out.append(chunk_head);
    out.append("[],\"usage\":");
    JsonWriter w(out);
    write_chat_usage(w, *usage);
    out.append("}\n\n");
  }
  out.append("data: [DONE]\n\n");
}

void append_error_and_done(std::string& out, std::string_view message) {
  out.append("data: ");
  out.append(error_body(WireFormat::chat, 502, message));
  out.append("\n\ndata: [DONE]\n\n");
}

}  // namespace llmroute::wire
