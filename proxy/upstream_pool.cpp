// Connection reuse and establishment for one backend.
#include "proxy/upstream_pool.hpp"

#include "proxy/asio_ssl.hpp"
#include "proxy/inq_read_buffer.hpp"

#include <boost/asio/connect.hpp>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <sys/socket.h>

#include <boost/algorithm/string/predicate.hpp>

#include <cerrno>
#include <vector>

namespace llmroute::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;

std::string describe(const config::BackendConfig& b) { return "backend '" + b.name + "' at " + b.url; }

Failure connect_failure(const config::BackendConfig& b, std::string what) {
  std::string hint = b.location == config::Location::local
                         ? "; is it running? Start it (e.g. `ollama serve`, `llama-server --port " + std::to_string(b.port) +
                               "` or `llmroute simulate --listen " + b.host + ":" + std::to_string(b.port) + "`)"
                         : "; check the network and the URL";
  return Failure{FailureKind::upstream_refused, FailureOrigin::upstream, 502, true,
                 describe(b) + " is unreachable (" + what + ")" + hint};
}

/// Whether `host` is "localhost" or a name under it, which is loopback without asking the resolver (RFC 6761,
/// section 6.3), as curl does: a machine without /etc/hosts (a minimal container or chroot) cannot resolve
/// it otherwise, and Ollama's and llama.cpp's documented URLs use it.
bool is_localhost(const std::string& host) {
  return boost::algorithm::iequals(host, "localhost") || boost::algorithm::iends_with(host, ".localhost");
}

/// Whether `host` is a literal IP address rather than a name.
bool is_address(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

/// Has OpenSSL itself check that the certificate is for `host` (a DNS name or an IP address), so that a
/// certificate for another host fails the verification with a reason of its own (hostname mismatch).
bool expect_certificate_for(SSL* ssl, const std::string& host) {
  if (is_address(host)) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  return SSL_set1_host(ssl, host.c_str()) == 1;
}

/// Why a handshake failed. For a refused certificate, OpenSSL's error says only "certificate verify failed":
/// the verification's own finding says why, and for the usual causes, what to check.
Failure handshake_failure(const config::BackendConfig& b, SSL* ssl, const error_code& ec) {
  const long verified = SSL_get_verify_result(ssl);
  if (!b.verify_tls || verified == X509_V_OK) {
    std::string why = describe(b) + ": TLS handshake failed (" + ec.message() + ")";
    // A plain HTTP server answers a ClientHello with a 400 in plain text (which is no TLS record) or closes.
    const bool not_tls = ec.category() == asio::error::get_ssl_category() &&
                         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_WRONG_VERSION_NUMBER;
    if (not_tls || ec == ssl::error::stream_truncated)
      why += "; if it serves plain HTTP on this port, its url should start with http://";
    return Failure{FailureKind::upstream_error, FailureOrigin::upstream, 502, true, std::move(why)};
  }
  std::string why = describe(b) + ": TLS handshake failed: certificate verify failed: " + X509_verify_cert_error_string(verified);
  switch (verified) {
    case X509_V_ERR_HOSTNAME_MISMATCH: why += " (its certificate is not for '" + b.host + "')"; break;
    case X509_V_ERR_IP_ADDRESS_MISMATCH: why += " (its certificate is not for the address " + b.host + ")"; break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      why += " (its certificate is not signed by a CA that llmroute trusts: the system's CAs, or those in SSL_CERT_FILE "
             "and SSL_CERT_DIR when llmroute runs with them set)";
      break;
    default: break;
  }
  return Failure{FailureKind::upstream_error, FailureOrigin::upstream, 502, true, std::move(why)};
}

/// A backend that closed an idle connection leaves it readable at EOF; a non-blocking peek tells
/// without consuming anything. Unexpected bytes on an idle connection also disqualify it.
bool still_open(UpstreamConnection& connection) {
  if (!connection.socket().is_open() || connection.buffer.size() != 0) return false;
  char byte = 0;
  const ssize_t n = ::recv(connection.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

UpstreamPool::UpstreamPool(asio::any_io_executor executor, const config::BackendConfig& backend)
    : executor_(std::move(executor)), backend_(backend) {
  if (backend_.scheme == config::Scheme::https) {
    tls_context_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    tls_context_->set_default_verify_paths();
    tls_context_->set_verify_mode(backend_.verify_tls ? ssl::verify_peer : ssl::verify_none);
  }
}

UpstreamPool::~UpstreamPool() = default;

awaitable<AcquireResult> UpstreamPool::acquire(config::Millis connect_timeout) {
  while (!idle_.empty()) {
    UpstreamConnectionPtr connection = std::move(idle_.back());
    idle_.pop_back();
    if (still_open(*connection)) co_return AcquireResult(std::move(connection));
  }
  co_return co_await connect(connect_timeout);
}

awaitable<AcquireResult> UpstreamPool::connect_tcp(config::Millis timeout) {
  asio::steady_timer timer(executor_, timeout);
  std::vector<tcp::endpoint> endpoints;
  if (is_localhost(backend_.host)) {
    // IPv4 first: local model servers listen on 127.0.0.1 by default.
    endpoints = {{asio::ip::address_v4::loopback(), backend_.port}, {asio::ip::address_v6::loopback(), backend_.port}};
  } else {
    tcp::resolver resolver(executor_);
    auto resolved = co_await (resolver.async_resolve(backend_.host, std::to_string(backend_.port), use_nothrow) ||
                              timer.async_wait(use_nothrow));
    if (resolved.index() == 1) co_return connect_failure(backend_, "name resolution timed out");
    auto [resolve_ec, results] = std::get<0>(resolved);
    if (resolve_ec) co_return connect_failure(backend_, "cannot resolve '" + backend_.host + "': " + resolve_ec.message());
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }

  tcp::socket socket(executor_);
  auto connected = co_await (asio::async_connect(socket, endpoints, use_nothrow) || timer.async_wait(use_nothrow));
  if (connected.index() == 1)
    co_return connect_failure(backend_, "no connection within " + std::to_string(timeout.count()) + " ms");
  if (auto ec = std::get<0>(std::get<0>(connected)); ec) co_return connect_failure(backend_, ec.message());
  socket.set_option(tcp::no_delay(true));
  report_bytes_left(socket);  // UpstreamBody reads whether an answer's bytes are all in
  ++connects_;
  auto connection = std::make_unique<UpstreamConnection>(std::move(socket));
  // Room for a response head and the first events in one read (the default starts at 512 bytes).
  connection->buffer.reserve(16 * 1024);
  co_return connection;
}

awaitable<AcquireResult> UpstreamPool::connect(config::Millis connect_timeout) {
  AcquireResult tcp_result = co_await connect_tcp(connect_timeout);
  if (!tls_context_ || std::holds_alternative<Failure>(tcp_result)) co_return tcp_result;

  tcp::socket socket = std::move(std::get<UpstreamConnectionPtr>(tcp_result)->socket());
  auto connection = std::make_unique<UpstreamConnection>(std::move(socket), *tls_context_);
  connection->buffer.reserve(16 * 1024);
  auto& stream = connection->tls();
  // SNI names a host, never a literal address (RFC 6066, section 3): a server may refuse a hello that does.
  if (!is_address(backend_.host) && !SSL_set_tlsext_host_name(stream.native_handle(), backend_.host.c_str()))
    co_return connect_failure(backend_, "cannot set TLS server name");
  if (backend_.verify_tls && !expect_certificate_for(stream.native_handle(), backend_.host))
    co_return connect_failure(backend_, "cannot set the host name its certificate must have");
  asio::steady_timer timer(executor_, connect_timeout);
  auto handshake = co_await (stream.async_handshake(ssl::stream_base::client, use_nothrow) || timer.async_wait(use_nothrow));
  if (handshake.index() == 1) co_return connect_failure(backend_, "TLS handshake timed out");
  if (auto [ec] = std::get<0>(handshake); ec) co_return handshake_failure(backend_, stream.native_handle(), ec);
  co_return AcquireResult(std::move(connection));
}

void UpstreamPool::release(UpstreamConnectionPtr connection) {
  if (idle_.size() >= backend_.max_idle_connections || !connection->socket().is_open()) return;
  ++connection->requests_served;
  idle_.push_back(std::move(connection));
}

void UpstreamPool::close_idle() {
  for (auto& c : idle_) c->close();
  idle_.clear();
}

}  // namespace llmroute::proxy
