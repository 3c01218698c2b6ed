// Test support: a TLS front for a plain TCP server (the simulator), recording what each handshake carried.
#include "support/tls_terminator.hpp"

#include "proxy/asio_ssl.hpp"

#include <array>
#include <atomic>
#include <mutex>
#include <thread>

namespace llmroute::test {

using namespace boost::asio::experimental::awaitable_operators;

struct TlsTerminatorState {
  asio::io_context io;
  ssl::context context{ssl::context::tls_server};
  tcp::acceptor acceptor{io};
  tcp::endpoint target;
  std::thread thread;

  std::atomic<int> accepted{0};
  std::atomic<int> failed{0};
  mutable std::mutex mutex;  ///< guards server_names and last_error
  std::vector<std::string> server_names;
  std::string last_error;
};

namespace {

/// OpenSSL calls this for each ClientHello, whether or not it names a server.
int record_server_name(SSL* ssl, int*, void* arg) {
  auto* state = static_cast<TlsTerminatorState*>(arg);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  const std::lock_guard lock(state->mutex);
  state->server_names.emplace_back(name ? name : "");
  return SSL_TLSEXT_ERR_OK;
}

void close_both(tcp::socket* a, tcp::socket* b) {
  error_code ignored;
  a->close(ignored);
  b->close(ignored);
}

/// Copies `from` into `to` until either fails, then closes both sockets so that the other direction ends too.
template <typename From, typename To>
awaitable<void> pump(From* from, To* to) {
  std::array<char, 16 * 1024> buffer;
  for (;;) {
    auto [read_ec, n] = co_await from->async_read_some(asio::buffer(buffer), use_nothrow);
    if (read_ec) break;
    auto [write_ec, written] = co_await asio::async_write(*to, asio::buffer(buffer.data(), n), use_nothrow);
    if (write_ec) break;
  }
  close_both(&beast::get_lowest_layer(*from), &beast::get_lowest_layer(*to));
}

awaitable<void> serve(TlsTerminatorState* state, tcp::socket socket) {
  ssl::stream<tcp::socket> tls(std::move(socket), state->context);
  if (auto [ec] = co_await tls.async_handshake(ssl::stream_base::server, use_nothrow); ec) {
    ++state->failed;
    const std::lock_guard lock(state->mutex);
    state->last_error = ec.message();
    co_return;
  }
  ++state->accepted;
  tcp::socket target(state->io);
  if (auto [ec] = co_await target.async_connect(state->target, use_nothrow); ec) co_return;
  co_await (pump(&tls, &target) && pump(&target, &tls));
}

awaitable<void> accept_loop(TlsTerminatorState* state) {
  for (;;) {
    auto [ec, socket] = co_await state->acceptor.async_accept(use_nothrow);
    if (ec) co_return;
    asio::co_spawn(state->io, serve(state, std::move(socket)), asio::detached);
  }
}

}  // namespace

TlsTerminator::TlsTerminator(const PemFiles& identity, std::uint16_t target_port) : state_(std::make_unique<TlsTerminatorState>()) {
  state_->context.use_certificate_chain_file(identity.certificate.string());
  state_->context.use_private_key_file(identity.key.string(), ssl::context::pem);
  SSL_CTX_set_tlsext_servername_callback(state_->context.native_handle(), record_server_name);
  SSL_CTX_set_tlsext_servername_arg(state_->context.native_handle(), state_.get());
  const auto loopback = asio::ip::make_address("127.0.0.1");
  state_->target = tcp::endpoint(loopback, target_port);
  state_->acceptor.open(tcp::v4());
  state_->acceptor.bind(tcp::endpoint(loopback, 0));
  state_->acceptor.listen();
  port_ = state_->acceptor.local_endpoint().port();
  asio::co_spawn(state_->io, accept_loop(state_.get()), asio::detached);
  state_->thread = std::thread([state = state_.get()] { state->io.run(); });
}

TlsTerminator::~TlsTerminator() {
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t TlsTerminator::port() const { return port_; }

std::vector<std::string> TlsTerminator::server_names() const {
  const std::lock_guard lock(state_->mutex);
  return state_->server_names;
}

int TlsTerminator::connections_accepted() const { return state_->accepted.load(); }

int TlsTerminator::handshakes_failed() const { return state_->failed.load(); }

std::string TlsTerminator::last_handshake_error() const {
  const std::lock_guard lock(state_->mutex);
  return state_->last_error;
}

}  // namespace llmroute::test
