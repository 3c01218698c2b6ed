// Authentication of requests and authorisation of operator endpoints, answered in the caller's wire format.
#include "proxy/request_auth.hpp"

#include "proxy/error_body.hpp"

namespace llmroute::proxy {

std::variant<const config::UserConfig*, policies::AuthFailure> caller_of(const ServerState& state,
                                                                          const ClientRequest& request) {
  return policies::authenticate(state.config->access, request[http::field::authorization], request["x-api-key"]);
}

awaitable<void> write_unauthorized(ClientSession& session, ClientApi api, policies::AuthFailure failure,
                                   KeepAlive keep_alive, std::string_view extra_headers) {
  // OpenAI's own codes: invalid_api_key for a wrong key, none for a missing one.
  const std::string_view code = failure == policies::AuthFailure::unknown_key ? "invalid_api_key" : "";
  const std::string body = error_body(api, 401, policies::message_of(failure), code);
  std::string headers = "WWW-Authenticate: Bearer realm=\"llmroute\"\r\n";
  headers += extra_headers;
  co_await write_response(session, 401, "application/json", body, keep_alive, headers);
}

awaitable<bool> authorize_admin(ServerState* state, ClientSession* session, const ClientRequest* request,
                                KeepAlive keep_alive) {
  const std::string_view path = path_without_query(request->target());
  if (state->config->access.auth == config::AuthMode::none) {
    error_code ec;
    const auto peer = session->socket.remote_endpoint(ec);
    if (!ec && peer.address().is_loopback()) co_return true;
    const std::string body = openai_error_body(403, std::string(path) + " is served to loopback clients only (auth: none)");
    co_await write_response(*session, 403, "application/json", body, keep_alive);
    co_return false;
  }
  const auto caller = caller_of(*state, *request);
  if (const auto* failure = std::get_if<policies::AuthFailure>(&caller)) {
    co_await write_unauthorized(*session, ClientApi::other, *failure, keep_alive);
    co_return false;
  }
  const config::UserConfig& user = *std::get<const config::UserConfig*>(caller);
  if (user.role == config::Role::admin) co_return true;
  const std::string body = openai_error_body(403, std::string(path) + " needs an admin's key; user '" + user.name + "' is a member");
  co_await write_response(*session, 403, "application/json", body, keep_alive);
  co_return false;
}

}  // namespace llmroute::proxy
