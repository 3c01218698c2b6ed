// Plain and TLS upstream connections behind one type.
#include "proxy/upstream_connection.hpp"

#include "proxy/asio_ssl.hpp"

namespace llmroute::proxy {

UpstreamConnection::UpstreamConnection(tcp::socket socket) : plain_(std::make_unique<tcp::socket>(std::move(socket))) {}

UpstreamConnection::UpstreamConnection(tcp::socket socket, ssl::context& tls_context)
    : tls_(std::make_unique<ssl::stream<tcp::socket>>(std::move(socket), tls_context)) {}

UpstreamConnection::~UpstreamConnection() = default;

tcp::socket& UpstreamConnection::socket() { return tls_ ? tls_->next_layer() : *plain_; }

void UpstreamConnection::close() {
  error_code ignored;
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

}  // namespace llmroute::proxy
