// Test support: a test certificate authority and server certificates it signs, made with OpenSSL's C API.
#pragma once

#include <filesystem>
#include <string>

namespace llmroute::test {

/// A certificate and its private key, each a PEM file.
struct PemFiles {
  std::filesystem::path certificate;
  std::filesystem::path key;
};

/// Writes a self-signed CA certificate named `common_name` (valid from a day ago for a year) and its key into
/// `dir` as `<stem>.pem` and `<stem>-key.pem`. Throws std::runtime_error when OpenSSL or a write fails.
PemFiles make_test_ca(const std::filesystem::path& dir, const std::string& stem, const std::string& common_name);

/// Writes a server certificate for `host` signed by `ca` into `dir` as `<stem>.pem` and `<stem>-key.pem`. `host`
/// is its subjectAltName: an IP address entry when it parses as one (127.0.0.1, ::1), else a DNS name entry.
PemFiles make_server_certificate(const PemFiles& ca, const std::filesystem::path& dir, const std::string& stem,
                                 const std::string& host);

}  // namespace llmroute::test
