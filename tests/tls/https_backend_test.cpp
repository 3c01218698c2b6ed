// A backend reached over https: answers relayed through TLS with SNI and keep-alive, certificates verified
// against the CAs the machine trusts unless the backend says `verify_tls: false`, and what a user is told when
// the handshake fails.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <string_view>
#include <thread>

#include "integration/proxy_fixture.hpp"
#include "support/tls_terminator.hpp"
#include "tls_fixture.hpp"

using namespace llmroute::test;

namespace {

/// Backend "cloud" (OpenAI-compatible, at `url`, with `backend_keys` added to its entry) serving "cloud-model";
/// no health checks, so that every TLS connection the terminator sees carries an answer.
std::string https_config(const std::string& url, const std::string& backend_keys = "") {
  return "server:\n  listen: 127.0.0.1:0\n"
         "backends:\n"
         "  - { name: cloud, kind: openai, location: cloud, url: '" + url + "'" + backend_keys + ",\n"
         "      models: [{ name: cloud-model, upstream_name: sim-upstream }] }\n"
         "routing: { default: cloud/cloud-model, health: { probe_interval: 0 } }\n"
         "records: { enabled: false }\n";
}

/// A simulator behind a TLS terminator presenting `identity`, and a proxy that trusts the PKI's trusted CA and
/// reaches the terminator as https://`host`:PORT/v1.
struct HttpsBackend {
  HttpsBackend(const TestPki& pki, const PemFiles& identity, const std::string& host = "localhost",
               const std::string& backend_keys = "")
      : terminator(identity, sim.port()),
        proxy(https_config("https://" + host + ":" + std::to_string(terminator.port()) + "/v1", backend_keys), pki.trust_env()) {}

  SimulatorProcess sim{{"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"}};
  TlsTerminator terminator;
  ProxyProcess proxy;
};

/// Answers whatever a connection sends first with a plain HTTP 400 and closes it, as an HTTP server does with
/// a TLS ClientHello.
class PlainHttpServer {
 public:
  PlainHttpServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listen_fd_, 8) == 0);
    REQUIRE(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~PlainHttpServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes the accept
    thread_.join();
    ::close(listen_fd_);
  }
  PlainHttpServer(const PlainHttpServer&) = delete;
  PlainHttpServer& operator=(const PlainHttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void serve() {
    for (;;) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++connections_;
      std::array<char, 4096> hello;
      if (::recv(fd, hello.data(), hello.size(), 0) > 0) {
        const std::string_view reply = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 11\r\n\r\nBad Request";
        ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
      }
      ::close(fd);
    }
  }

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

std::string error_message(const HttpResponse& response) {
  const boost::json::value body = response.json();
  return std::string(body.at("error").at("message").as_string());
}

/// The client's 502 for a backend whose certificate was refused, in OpenAI's shape and in Anthropic's; returns
/// the OpenAI-shaped message.
std::string refused_certificate_message(HttpsBackend& setup) {
  HttpClient client("127.0.0.1", setup.proxy.port());
  const HttpResponse chat = client.post_json("/v1/chat/completions", stream_body("cloud-model"));
  CHECK(chat.status == 502);
  CHECK(chat.header("x-llmroute-backend") == "cloud");
  CHECK(chat.json().at("error").at("type") == "server_error");
  const HttpResponse messages = client.post_json(
      "/v1/messages", R"({"model":"cloud-model","max_tokens":100,"messages":[{"role":"user","content":"hi"}]})");
  CHECK(messages.status == 502);
  CHECK(messages.json().at("type") == "error");
  CHECK(messages.json().at("error").at("type") == "api_error");
  CHECK(error_message(messages) == error_message(chat));
  // The handshake failed: not a byte of either request reached the simulator.
  CHECK(setup.terminator.connections_accepted() == 0);
  // The terminator learns of the client's refusal (its alert) after the proxy has answered: wait for it.
  CHECK(poll_until([&setup] { return setup.terminator.handshakes_failed() >= 2; }));
  CHECK(setup.sim.stats().at("requests").to_number<std::int64_t>() == 0);
  CHECK(setup.sim.stats().at("connections_accepted").to_number<std::int64_t>() == 0);
  return error_message(chat);
}

}  // namespace

TEST_CASE("a backend reached over https relays streamed and whole answers, names its host in the handshake (SNI) and serves requests in a row on one TLS connection") {
  TestPki pki;
  HttpsBackend setup(pki, pki.trusted_server("localhost"));
  HttpClient client("127.0.0.1", setup.proxy.port());

  const HttpResponse streamed = client.post_json("/v1/chat/completions", stream_body("cloud-model"),
                                                 {{"x-sim-chunk-interval-ms", "50"}, {"x-sim-tokens", "10"}});
  INFO(setup.proxy.stderr_text());
  REQUIRE(streamed.complete());
  REQUIRE(streamed.status == 200);
  CHECK(streamed.header("x-llmroute-backend") == "cloud");
  const std::vector<SseEvent> events = content_events(streamed);
  REQUIRE(events.size() >= 8);
  // Each event crossed TLS as it was generated, not all at the end.
  const double spread = ms_between(events.front().arrived, events.back().arrived);
  CHECK(spread >= (static_cast<double>(events.size()) - 2) * 40);
  CHECK(ms_between(streamed.sent, events.front().arrived) < spread / 2);
  CHECK(streamed.events.back().data == "[DONE]");

  const HttpResponse whole = client.post_json("/v1/chat/completions", chat_body("cloud-model"));
  REQUIRE(whole.status == 200);
  CHECK_FALSE(whole.json().at("choices").at(0).at("message").at("content").as_string().empty());
  CHECK(last_request_header(setup.sim, "host") == "localhost:" + std::to_string(setup.terminator.port()));

  CHECK(setup.terminator.server_names() == std::vector<std::string>{"localhost"});
  CHECK(setup.terminator.connections_accepted() == 1);
  CHECK(answer_connections(setup.sim) == 1);
  CHECK(requests_to(setup.sim, "/v1/chat/completions") == 2);
}

TEST_CASE("a backend whose certificate is signed by a CA the proxy does not trust gets 502, naming the backend and saying its certificate's CA is not trusted") {
  TestPki pki;
  HttpsBackend setup(pki, pki.untrusted_server("localhost"));
  const std::string message = refused_certificate_message(setup);
  INFO(message);
  CHECK(message.find("backend 'cloud' at https://localhost:" + std::to_string(setup.terminator.port()) + "/v1") !=
        std::string::npos);
  CHECK(message.find("certificate verify failed: unable to get local issuer certificate (its certificate is not signed by a "
                     "CA that llmroute trusts: the system's CAs, or those in SSL_CERT_FILE and SSL_CERT_DIR") != std::string::npos);
}

TEST_CASE("a backend whose certificate is for another host name gets 502, saying the certificate is not for the backend's host") {
  TestPki pki;
  HttpsBackend setup(pki, pki.trusted_server("other.example"));
  const std::string message = refused_certificate_message(setup);
  INFO(message);
  CHECK(message.find("backend 'cloud' at https://localhost:") != std::string::npos);
  CHECK(message.find("certificate verify failed: hostname mismatch (its certificate is not for 'localhost')") != std::string::npos);
}

TEST_CASE("a backend with verify_tls: false is reached over https although its certificate is untrusted and for another host") {
  TestPki pki;
  HttpsBackend setup(pki, pki.untrusted_server("other.example"), "localhost", ", verify_tls: false");
  HttpClient client("127.0.0.1", setup.proxy.port());
  const HttpResponse answer = client.post_json("/v1/chat/completions", stream_body("cloud-model"));
  INFO(setup.proxy.stderr_text());
  CHECK(answer.status == 200);
  CHECK_FALSE(streamed_text(answer).empty());
  CHECK(setup.terminator.server_names() == std::vector<std::string>{"localhost"});
  CHECK(setup.terminator.connections_accepted() == 1);
}

TEST_CASE("a backend at an https IP address is verified against the certificate's IP address, and its handshake names no host") {
  TestPki pki;
  HttpsBackend setup(pki, pki.trusted_server("127.0.0.1"), "127.0.0.1");
  HttpClient client("127.0.0.1", setup.proxy.port());
  const HttpResponse answer = client.post_json("/v1/chat/completions", chat_body("cloud-model"));
  INFO(setup.proxy.stderr_text());
  CHECK(answer.status == 200);
  // SNI carries host names only (RFC 6066, section 3): a literal address is not one.
  CHECK(setup.terminator.server_names() == std::vector<std::string>{""});
  CHECK(setup.terminator.connections_accepted() == 1);
}

TEST_CASE("a backend at an https IP address whose certificate is for another address gets 502, saying the certificate is not for that address") {
  TestPki pki;
  HttpsBackend setup(pki, pki.trusted_server("127.0.0.2"), "127.0.0.1");
  const std::string message = refused_certificate_message(setup);
  INFO(message);
  CHECK(message.find("backend 'cloud' at https://127.0.0.1:") != std::string::npos);
  CHECK(message.find("certificate verify failed: IP address mismatch (its certificate is not for the address 127.0.0.1)") !=
        std::string::npos);
}

TEST_CASE("a backend that serves plain HTTP at an https URL gets 502 saying that its url may need http://") {
  TestPki pki;
  // The simulator closes a connection that starts with a TLS ClientHello; Ollama's and llama-server's HTTP
  // servers answer it 400 Bad Request first, in plain text.
  SimulatorProcess sim{{"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"}};
  PlainHttpServer plain;
  for (const std::uint16_t port : {sim.port(), plain.port()}) {
    CAPTURE(port);
    ProxyProcess proxy(https_config("https://127.0.0.1:" + std::to_string(port) + "/v1"), pki.trust_env());
    HttpClient client("127.0.0.1", proxy.port());
    const HttpResponse answer = client.post_json("/v1/chat/completions", chat_body("cloud-model"));
    CHECK(answer.status == 502);
    const std::string message = error_message(answer);
    INFO(message);
    CHECK(message.find("backend 'cloud' at https://127.0.0.1:" + std::to_string(port) + "/v1: TLS handshake failed") !=
          std::string::npos);
    CHECK(message.find("if it serves plain HTTP on this port, its url should start with http://") != std::string::npos);
  }
  CHECK(plain.connections() == 1);
}
