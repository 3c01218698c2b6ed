// The request as one candidate backend receives it: the model spliced in or the body translated, and the head.
#include "proxy/upstream_request.hpp"

#include "proxy/header_rules.hpp"
#include "proxy/request_report.hpp"
#include "wire/request_translation.hpp"
#include "wire/tool_call_ids.hpp"

#include <algorithm>
#include <chrono>

namespace llmroute::proxy {

namespace {

/// The backend path for a client API: the API itself when the formats match, else the backend's own.
std::string_view upstream_suffix(ClientApi api, config::BackendKind kind) {
  if (api == ClientApi::completions) return "/completions";
  if (api == ClientApi::count_tokens) return "/messages/count_tokens";
  switch (kind) {
    case config::BackendKind::anthropic: return "/messages";
    case config::BackendKind::openai_responses: return "/responses";
    default: return "/chat/completions";
  }
}

/// The request line and headers sent to the backend; the client's credentials never cross.
std::string upstream_head(const BackendRuntime& backend, const ClientRequest& request, ClientApi api,
                          std::size_t body_size, std::string_view request_id) {
  const config::BackendConfig& b = *backend.config;
  const std::string_view target = request.target();
  const auto query = target.find('?');
  std::string head = "POST ";
  head += b.base_path;
  head += upstream_suffix(api, b.kind);
  // The query belongs to the client's API (`?beta=true` on Anthropic's); it only crosses to the same API.
  if (query != std::string_view::npos && backend_format(b.kind) == client_format(api)) head += target.substr(query);
  head += " HTTP/1.1\r\nHost: ";
  head += b.host_header;
  head += "\r\nContent-Type: application/json\r\nContent-Length: ";
  head += std::to_string(body_size);
  head += "\r\nx-request-id: ";
  head += request_id;
  head += "\r\n";
  if (backend.api_key) {
    if (b.kind == config::BackendKind::anthropic) {
      head += "x-api-key: " + *backend.api_key + "\r\n";
      if (request.find("anthropic-version") == request.end())
        head += "anthropic-version: 2023-06-01\r\n";
    } else {
      head += "Authorization: Bearer " + *backend.api_key + "\r\n";
    }
  }
  head += forwarded_request_headers(request.base());
  head += "\r\n";
  return head;
}

}  // namespace

std::string aim_at(Exchange& ex, const PreparedRequest& prepared, config::ModelRef target) {
  const config::Config& config = *ex.state->config;
  ex.backend = &ex.state->backends[target.backend];
  ex.model = &config.model(target);
  ex.failure.reset();
  ex.meter.reset();
  ex.first_byte_at.reset();
  ex.upstream_status = 0;
  const RequestBody& scanned = *prepared.scanned;
  const wire::WireFormat from = client_format(ex.api), to = backend_format(ex.backend->config->kind);
  ex.translated_body.clear();
  ex.answer_context = {};
  if (from != to && ex.api == ClientApi::completions) {  // a prompt to continue has no Messages or Responses form
    ex.client_headers = routing_headers(ex, prepared.request_id, prepared.task, prepared.reason);
    return "backend '" + ex.backend->config->name + "' cannot serve /v1/completions: legacy completions go to OpenAI-compatible (kind: openai) backends only";
  }
  if (from != to && ex.api != ClientApi::completions) {
    wire::TranslateOptions options;
    options.model = ex.model->upstream_name;
    // A local server rejects prompt + max_tokens beyond its window (Claude Code asks for 32000+).
    if (ex.backend->config->location == config::Location::local)
      options.request.max_tokens_limit = std::max<std::int64_t>(1024, ex.model->context_tokens / 2);
    if (ex.model->mistral_tool_ids) options.request.tool_call_ids = wire::ToolCallIds::mistral;
    auto translated = wire::translate_request(from, to, prepared.body, options);
    if (!translated) {
      // Answered 400 by forward() with these headers: this candidate's, not an earlier one's (or none).
      ex.client_headers = routing_headers(ex, prepared.request_id, prepared.task, prepared.reason);
      return "the request cannot be translated for backend '" + ex.backend->config->name + "': " + translated.error().message;
    }
    ex.translated_body = std::move(translated->body);
    const auto created = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    ex.answer_context = wire::answer_context(*translated, prepared.request_id, created);
    ex.answer_context.model = ex.model->name;
    ex.body = SplicedBody(ex.translated_body);
    ex.usage_injected = false;
    std::string reason = prepared.reason;
    for (const std::string& note : translated->notes) reason += "; " + note;
    ex.upstream_head = upstream_head(*ex.backend, *prepared.request, ex.api, ex.body.size(), prepared.request_id);
    ex.client_headers = routing_headers(ex, prepared.request_id, prepared.task, reason);
    return {};
  }
  const std::string model_json = json_quote(ex.model->upstream_name);
  ex.body = SplicedBody(prepared.body);
  if (scanned.model_span) ex.body.replace(*scanned.model_span, model_json);
  else append_member(ex.body, prepared.body, *scanned.closing_brace, "\"model\":" + model_json);
  // A Chat history carries the ids of whichever backend answered its earlier turns (Ollama's call_xxxxxxxx,
  // OpenAI's call_...), which a Mistral-family model refuses: only those ids' bytes change.
  std::string shortened_reason;
  if (ex.api == ClientApi::chat_completions && ex.model->mistral_tool_ids) {
    const std::vector<wire::ByteEdit> edits = wire::mistral_tool_id_edits(prepared.body);
    for (const wire::ByteEdit& edit : edits) ex.body.replace(ByteSpan{edit.offset, edit.length}, edit.text);
    if (!edits.empty()) shortened_reason = prepared.reason + "; tool-call ids shortened to Mistral's 9 characters";
  }
  // A streamed Chat or legacy completions request also asks for usage (every answer is measured); the
  // client never sees that chunk unless it asked for it.
  ex.usage_injected = (ex.api == ClientApi::chat_completions || ex.api == ClientApi::completions) && scanned.stream && !scanned.include_usage &&
                      ex.backend->config->kind == config::BackendKind::openai;
  if (ex.usage_injected) {
    if (scanned.stream_options_span) {
      // Keep the client's other options; a later duplicate key wins in every JSON parser that matters.
      const ByteSpan span = *scanned.stream_options_span;
      const std::string_view options = prepared.body.substr(span.offset, span.length);
      const bool empty = options.find_first_not_of(" \t\r\n", 1) == options.size() - 1;
      ex.body.insert(span.offset + span.length - 1, empty ? "\"include_usage\":true" : ",\"include_usage\":true");
    } else {
      append_member(ex.body, prepared.body, *scanned.closing_brace, "\"stream_options\":{\"include_usage\":true}");
    }
  }
  ex.upstream_head = upstream_head(*ex.backend, *prepared.request, ex.api, ex.body.size(), prepared.request_id);
  ex.client_headers = routing_headers(ex, prepared.request_id, prepared.task,
                                      shortened_reason.empty() ? std::string_view(prepared.reason) : shortened_reason);
  return {};
}

}  // namespace llmroute::proxy
