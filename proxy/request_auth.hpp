// The caller of a request (its user, from its key) and the checks of the operator endpoints.
#pragma once

#include "policies/authenticator.hpp"
#include "proxy/model_request.hpp"

#include <string_view>
#include <variant>

namespace llmroute::proxy {

/// The user whose key `request` carries (`Authorization: Bearer` or `x-api-key`), or why there is none.
/// Under `auth: none` every request is the user "anonymous".
std::variant<const config::UserConfig*, policies::AuthFailure> caller_of(const ServerState& state,
                                                                          const ClientRequest& request);

/// Writes the 401 for `failure` in the wire format of `api`, with `WWW-Authenticate: Bearer`.
awaitable<void> write_unauthorized(ClientSession& session, ClientApi api, policies::AuthFailure failure,
                                   KeepAlive keep_alive, std::string_view extra_headers = {});

/// Whether an operator endpoint (/metrics, /admin/*, /report) may answer this request: under `auth: keys` it
/// needs an admin's key (401 without a valid key, 403 for a member); under `auth: none` a loopback client
/// (403 otherwise). When it may not, the refusal has been written and false is returned.
awaitable<bool> authorize_admin(ServerState* state, ClientSession* session, const ClientRequest* request,
                                KeepAlive keep_alive);

}  // namespace llmroute::proxy
