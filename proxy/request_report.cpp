// What a model request reports about itself: its routing header lines and its record's outcome fields.
#include "proxy/request_report.hpp"

#include <chrono>

namespace llmroute::proxy {

namespace {

/// A header value on one line (reasons quote user-visible text).
std::string header_safe(std::string_view text) {
  std::string out(text.substr(0, 512));
  for (char& c : out)
    if (c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  return out;
}

}  // namespace

std::string routing_headers(const Exchange& ex, std::string_view request_id, std::string_view task, std::string_view reason) {
  std::string h = "x-request-id: ";
  h += request_id;
  if (!task.empty()) {  // empty: not classified yet; settle_task adds the line
    h += "\r\nx-llmroute-task: ";
    h += task;
  }
  if (ex.backend) {
    h += "\r\nx-llmroute-route: ";
    h += config::to_string(ex.backend->config->location);
    h += "\r\nx-llmroute-backend: ";
    h += ex.backend->config->name;
    h += "\r\nx-llmroute-model: ";
    h += ex.model->name;
  }
  h += "\r\nx-llmroute-reason: ";
  h += header_safe(reason);
  h += "\r\n";
  return h;
}

std::string_view format_name(ClientApi api) {
  switch (client_format(api)) {
    case wire::WireFormat::messages: return "anthropic";
    case wire::WireFormat::responses: return "openai-responses";
    default: return "openai";
  }
}

std::pair<std::string, std::string> client_tool(std::string_view user_agent) {
  user_agent = user_agent.substr(0, user_agent.find(' '));
  const auto slash = user_agent.rfind('/');
  if (slash == std::string_view::npos) return {std::string(user_agent), {}};
  return {std::string(user_agent.substr(0, slash)), std::string(user_agent.substr(slash + 1))};
}

void complete_record(records::RequestRecord& record, const Exchange& ex, int status, std::string_view failure_kind) {
  const auto now = Clock::now();
  record.http_status = status;
  record.failure_kind = failure_kind;
  record.total_ms = ms_between(ex.started, now);
  record.bytes_out = ex.bytes_to_client;
  if (ex.first_byte_at) record.upstream_first_byte_ms = ms_between(ex.started, *ex.first_byte_at);
  if (ex.first_token_at) record.ttft_ms = ms_between(ex.started, *ex.first_token_at);
  record.proxy_time_us += std::chrono::duration_cast<std::chrono::microseconds>(ex.proxy_time).count();
  if (!ex.meter) return;
  record.usage = ex.meter->usage();
  record.usage_reported = ex.meter->usage_reported();
  record.finish_reason = ex.meter->finish_reason();
  record.truncated = ex.meter->truncated();
  // Generation phase: first to last token of a stream; for a whole answer, request sent to answer received.
  const double generation_ms = ex.first_token_at && ex.last_token_at > *ex.first_token_at
                                   ? ms_between(*ex.first_token_at, ex.last_token_at)
                                   : (ex.first_byte_at ? ms_between(ex.started, *ex.first_byte_at) : 0);
  if (generation_ms > 0 && record.usage.output > 0) record.tokens_per_second = record.usage.output / (generation_ms / 1000.0);
}

}  // namespace llmroute::proxy
