// The record of a model request that was never read whole: its body cut by the client read deadline, a client
// gone mid-body, a body over the limit or in a transfer coding the proxy cannot frame. Such a request still
// leaves its one record, as every request to a model API does.
#pragma once

#include "proxy/asio.hpp"
#include "proxy/failure.hpp"
#include "proxy/server_state.hpp"
#include "proxy/wire_format.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace llmroute::proxy {

/// A request whose head was read: what its record needs once reading its body fails.
struct UnreadRequest {
  const http::request<http::string_body>* head = nullptr;  ///< the parsed head, and whatever body arrived
  ClientApi api = ClientApi::other;
  std::chrono::steady_clock::time_point head_read_at;  ///< the earliest moment known: when its head was read
  std::int64_t head_read_unix_ms = 0;
  std::string id;  ///< its x-request-id (the client's, when usable), also sent on the error answer
};

/// Whether a request with this head gets a record when it cannot be read: a POST to a model API (the requests
/// whose records the model path writes).
bool records_unread(http::verb method, ClientApi api);

/// `request` as read so far, with its id; call once its head is read.
UnreadRequest unread_request(ServerState& state, const http::request<http::string_body>& head, ClientApi api);

/// Hands the record of `request` to the writer: `status` is the error answer sent (0: none, the client was gone),
/// `failure` why. The user is the key's owner when the head carries a valid key, else "anonymous".
void record_unread_request(ServerState& state, const UnreadRequest& request, int status, FailureKind failure);

}  // namespace llmroute::proxy
