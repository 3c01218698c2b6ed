// Test support: a TLS front for a plain TCP server (the simulator), recording what each handshake carried.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/test_certificates.hpp"

namespace llmroute::test {

struct TlsTerminatorState;

/// Listens on 127.0.0.1:0 from construction, on a thread of its own, presenting `identity` to every client.
/// Each connection whose handshake completes is relayed, byte for byte both ways, to a connection of its own
/// to 127.0.0.1:`target_port`; when either side closes, both are closed. Stops on destruction.
class TlsTerminator {
 public:
  TlsTerminator(const PemFiles& identity, std::uint16_t target_port);
  ~TlsTerminator();
  TlsTerminator(const TlsTerminator&) = delete;
  TlsTerminator& operator=(const TlsTerminator&) = delete;

  std::uint16_t port() const;
  /// The server name (SNI) of each ClientHello so far, in order; "" for a hello that carried none.
  std::vector<std::string> server_names() const;
  /// TLS connections whose handshake completed.
  int connections_accepted() const;
  /// Handshakes that failed, e.g. because the client refused the certificate.
  int handshakes_failed() const;
  /// Why the last failed handshake failed, in OpenSSL's words ("" when none failed).
  std::string last_handshake_error() const;

 private:
  std::unique_ptr<TlsTerminatorState> state_;
  std::uint16_t port_ = 0;
};

}  // namespace llmroute::test
