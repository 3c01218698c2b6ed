// One connection to a backend, plain TCP or TLS, with the buffer its responses are parsed from.
#pragma once

#include "proxy/asio.hpp"

#include <memory>

namespace boost::asio::ssl {
class context;
template <typename Stream>
class stream;
}  // namespace boost::asio::ssl

namespace llmroute::proxy {

class UpstreamConnection {
 public:
  explicit UpstreamConnection(tcp::socket socket);
  UpstreamConnection(tcp::socket socket, asio::ssl::context& tls_context);
  ~UpstreamConnection();
  UpstreamConnection(const UpstreamConnection&) = delete;
  UpstreamConnection& operator=(const UpstreamConnection&) = delete;

  bool is_tls() const { return tls_ != nullptr; }
  tcp::socket& socket();
  asio::ssl::stream<tcp::socket>& tls() { return *tls_; }
  /// Closes the socket now: pending reads and writes complete with an error at once.
  void close();

  beast::flat_buffer buffer;  ///< bytes read past the end of the last response stay here
  unsigned requests_served = 0;

 private:
  std::unique_ptr<tcp::socket> plain_;
  std::unique_ptr<asio::ssl::stream<tcp::socket>> tls_;
};

using UpstreamConnectionPtr = std::unique_ptr<UpstreamConnection>;

}  // namespace llmroute::proxy
