// Response heads and small complete responses.
#include "proxy/client_response.hpp"

#include <array>

namespace llmroute::proxy {

std::string response_head(unsigned status, KeepAlive keep_alive, std::string_view headers) {
  std::string head = "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  // 529 is Anthropic's own "overloaded", unknown to Beast's table of reason phrases.
  if (status == 529)
    head += "Overloaded";
  else
    head += http::obsolete_reason(static_cast<http::status>(status));
  head += keep_alive == KeepAlive::yes ? "\r\nConnection: keep-alive\r\n" : "\r\nConnection: close\r\n";
  head += headers;
  head += "\r\n";
  return head;
}

awaitable<bool> write_response(ClientSession& session, unsigned status, std::string_view content_type,
                               std::string_view body, KeepAlive keep_alive, std::string_view extra_headers) {
  std::string headers = "Content-Type: ";
  headers += content_type;
  headers += "\r\nContent-Length: ";
  headers += std::to_string(body.size());
  headers += "\r\n";
  headers += extra_headers;
  const std::string head = response_head(status, keep_alive, headers);
  // A HEAD answer announces the length its GET would have, and sends no body (RFC 9110 9.3.2).
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body.data(), session.head_request ? 0 : body.size())};
  auto [ec, n] = co_await asio::async_write(session.socket, buffers, use_nothrow);
  co_return !ec;
}

}  // namespace llmroute::proxy
