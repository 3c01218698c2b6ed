// What a model request reports about itself: the x-llmroute-* lines its client gets and the record it leaves.
// Internal to proxy/ (the request path and its helpers); nothing outside proxy/ includes it.
#pragma once

#include "proxy/upstream_exchange.hpp"
#include "records/request_record.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace llmroute::proxy {

/// The header lines telling the client how its request was routed: x-request-id, x-llmroute-task (unless
/// `task` is empty: not classified yet), x-llmroute-route/-backend/-model once a candidate is chosen, and
/// x-llmroute-reason (on one line, capped).
std::string routing_headers(const Exchange& ex, std::string_view request_id, std::string_view task, std::string_view reason);

/// The record's wire_format of a client API: "openai", "anthropic" or "openai-responses".
std::string_view format_name(ClientApi api);

/// Client tool and version from a User-Agent such as "claude-cli/2.0.14 (external, cli)".
std::pair<std::string, std::string> client_tool(std::string_view user_agent);

/// Fills the record from what the exchange saw; `status` is what the client got (0: nothing).
void complete_record(records::RequestRecord& record, const Exchange& ex, int status, std::string_view failure_kind);

}  // namespace llmroute::proxy
