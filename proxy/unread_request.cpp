// Records of model requests whose reading failed, built from the head alone.
#include "proxy/unread_request.hpp"

#include "proxy/request_auth.hpp"
#include "proxy/request_report.hpp"

namespace llmroute::proxy {

bool records_unread(http::verb method, ClientApi api) {
  return method == http::verb::post && api != ClientApi::models && api != ClientApi::other;
}

UnreadRequest unread_request(ServerState& state, const http::request<http::string_body>& head, ClientApi api) {
  UnreadRequest request;
  request.head = &head;
  request.api = api;
  request.head_read_at = std::chrono::steady_clock::now();
  request.head_read_unix_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  request.id = state.request_ids.id_for(head["x-request-id"]);
  return request;
}

void record_unread_request(ServerState& state, const UnreadRequest& request, int status, FailureKind failure) {
  const http::request<http::string_body>& head = *request.head;
  records::RequestRecord record;
  record.id = request.id;
  record.start_unix_ms = request.head_read_unix_ms;
  std::tie(record.client_tool, record.client_version) = client_tool(head[http::field::user_agent]);
  record.endpoint = std::string(path_without_query(head.target()));
  record.wire_format = format_name(request.api);
  // Whose request it was counts in the per-user report even though nothing was admitted or charged.
  if (const auto caller = caller_of(state, head); std::holds_alternative<const config::UserConfig*>(caller))
    record.user = std::get<const config::UserConfig*>(caller)->name;
  record.http_status = status;
  record.failure_kind = to_string(failure);
  record.client_disconnected = failure == FailureKind::client_gone;
  record.bytes_in = head.body().size();
  record.total_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - request.head_read_at).count();
  state.submit(std::move(record), nullptr);
}

}  // namespace llmroute::proxy
