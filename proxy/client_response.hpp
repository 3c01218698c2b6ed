// Writing answers to the client: a status line with headers, and whole small responses.
#pragma once

#include "proxy/asio.hpp"
#include "proxy/server_state.hpp"

#include <string>
#include <string_view>

namespace llmroute::proxy {

/// Whether the connection stays open after the response.
enum class KeepAlive { yes, no };

/// "HTTP/1.1 <status> <reason>\r\n" + Connection header + `headers` (already "Name: value\r\n" lines) + "\r\n".
std::string response_head(unsigned status, KeepAlive keep_alive, std::string_view headers);

/// Writes a complete response with a Content-Length body (its headers only, when the request is a HEAD).
/// Returns false when the client is gone.
awaitable<bool> write_response(ClientSession& session, unsigned status, std::string_view content_type,
                               std::string_view body, KeepAlive keep_alive, std::string_view extra_headers = {});

}  // namespace llmroute::proxy
