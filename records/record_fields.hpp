// The one list of a RequestRecord's fields and their column names, shared by SQLite and JSON.
#pragma once

#include "records/request_record.hpp"

#include <type_traits>

namespace llmroute::records {

/// Calls `visit(name, field)` for every field of `record` (const or not), in column order. The names are the
/// SQLite column names and the JSON keys; adding a field here needs a schema migration adding its column.
template <class Record, class Visit>
  requires std::is_same_v<std::remove_const_t<Record>, RequestRecord>
void for_each_field(Record& record, Visit&& visit) {
  visit("id", record.id);
  visit("start_ms", record.start_unix_ms);
  visit("user", record.user);
  visit("client_tool", record.client_tool);
  visit("client_version", record.client_version);
  visit("endpoint", record.endpoint);
  visit("wire_format", record.wire_format);
  visit("task", record.task);
  visit("task_confidence", record.task_confidence);
  visit("task_rule", record.task_rule);
  visit("route", record.route);
  visit("backend", record.backend);
  visit("model_requested", record.model_requested);
  visit("model_served", record.model_served);
  visit("reason", record.reason);
  visit("fallback_attempts", record.fallback_attempts);
  visit("status", record.http_status);
  visit("failure", record.failure_kind);
  visit("finish_reason", record.finish_reason);
  visit("truncated", record.truncated);
  visit("client_disconnected", record.client_disconnected);
  visit("queue_wait_ms", record.queue_wait_ms);
  visit("upstream_first_byte_ms", record.upstream_first_byte_ms);
  visit("ttft_ms", record.ttft_ms);
  visit("total_ms", record.total_ms);
  visit("tokens_per_second", record.tokens_per_second);
  visit("proxy_time_us", record.proxy_time_us);
  visit("input_tokens", record.usage.input);
  visit("output_tokens", record.usage.output);
  visit("reasoning_tokens", record.usage.reasoning);
  visit("cache_read_tokens", record.usage.cache_read);
  visit("cache_write_tokens", record.usage.cache_write);
  visit("usage_reported", record.usage_reported);
  visit("bytes_in", record.bytes_in);
  visit("bytes_out", record.bytes_out);
  visit("cost", record.cost);
  visit("cloud_equivalent_cost", record.cloud_equivalent_cost);
  visit("shadow", record.shadow);
  visit("primary_id", record.primary_id);
}

}  // namespace llmroute::records
