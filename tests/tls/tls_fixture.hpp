// Shared setup of the TLS tests: test CAs, a simulator behind a TLS terminator, and the proxy's trust settings.
#pragma once

#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/test_certificates.hpp"

namespace llmroute::test {

/// Two test CAs in a scratch directory: the proxy trusts `trusted` alone (see trust_env()), never `untrusted`.
struct TestPki {
  TempDir dir;
  PemFiles trusted = make_test_ca(dir.path(), "trusted-ca", "llmroute trusted test CA");
  PemFiles untrusted = make_test_ca(dir.path(), "untrusted-ca", "llmroute untrusted test CA");

  /// A server certificate for `host` signed by the trusted CA.
  PemFiles trusted_server(const std::string& host) const { return make_server_certificate(trusted, dir.path(), "server-" + host, host); }
  /// A server certificate for `host` signed by the untrusted CA.
  PemFiles untrusted_server(const std::string& host) const {
    return make_server_certificate(untrusted, dir.path(), "untrusted-server-" + host, host);
  }
  /// The environment that makes OpenSSL's default verify paths the trusted CA and nothing else: set explicitly,
  /// so that an SSL_CERT_FILE or SSL_CERT_DIR of the machine running the tests plays no part.
  std::vector<std::string> trust_env() const {
    return {"SSL_CERT_FILE=" + trusted.certificate.string(), "SSL_CERT_DIR=" + empty_dir().string()};
  }
  /// A directory with no certificates in it (SSL_CERT_DIR).
  std::filesystem::path empty_dir() const {
    const std::filesystem::path path = dir / "no-certificates";
    std::filesystem::create_directories(path);
    return path;
  }
};

}  // namespace llmroute::test
