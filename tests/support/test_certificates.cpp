// Test support: a test certificate authority and server certificates it signs, made with OpenSSL's C API.
#include "support/test_certificates.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace llmroute::test {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct ExtensionFree {
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
};
struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;
using Extension = std::unique_ptr<X509_EXTENSION, ExtensionFree>;
using File = std::unique_ptr<std::FILE, FileClose>;

[[noreturn]] void fail(const std::string& what) {
  char reason[256] = "no OpenSSL error queued";
  if (const unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, reason, sizeof reason);
  ERR_clear_error();
  throw std::runtime_error("test certificates: " + what + ": " + reason);
}

void require(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

/// A P-256 key: quick to make, and every TLS 1.2/1.3 stack accepts it.
Key new_key() {
  Key key(EVP_EC_gen("P-256"));
  require(key != nullptr, "cannot generate a P-256 key");
  return key;
}

void add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
  require(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                     -1, -1, 0) == 1,
          std::string("cannot set ") + field);
}

/// A certificate for `key` named `common_name`, valid from a day ago for a year, not yet signed; its issuer is
/// `issuer` (itself when null).
Cert new_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer) {
  Cert cert(X509_new());
  require(cert != nullptr, "cannot allocate a certificate");
  require(X509_set_version(cert.get(), 2) == 1, "cannot set the version");
  unsigned char serial[16];
  require(RAND_bytes(serial, sizeof serial) == 1, "cannot draw a serial number");
  serial[0] &= 0x7f;  // a positive serial number
  BIGNUM* number = BN_bin2bn(serial, sizeof serial, nullptr);
  const bool serial_set = number != nullptr && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(cert.get())) != nullptr;
  BN_free(number);
  require(serial_set, "cannot set the serial number");
  require(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -24L * 3600) != nullptr, "cannot set notBefore");
  require(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600) != nullptr, "cannot set notAfter");
  require(X509_set_pubkey(cert.get(), key) == 1, "cannot set the public key");
  X509_NAME* subject = X509_get_subject_name(cert.get());
  add_name_entry(subject, "O", "llmroute tests");
  add_name_entry(subject, "CN", common_name);
  require(X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject) == 1, "cannot set the issuer");
  return cert;
}

/// Adds extension `nid` with OpenSSL's config syntax for `value` (e.g. "critical,CA:TRUE", "DNS:localhost").
void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  require(extension != nullptr, "cannot make extension " + value);
  require(X509_add_ext(cert, extension.get(), -1) == 1, "cannot add extension " + value);
}

void sign(X509* cert, EVP_PKEY* issuer_key) {
  require(X509_sign(cert, issuer_key, EVP_sha256()) > 0, "cannot sign the certificate");
}

bool is_ip_address(const std::string& host) {
  unsigned char address[16];
  return inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
}

File open_file(const std::filesystem::path& path, const char* mode) {
  File file(std::fopen(path.c_str(), mode));
  if (!file) throw std::runtime_error("test certificates: cannot open " + path.string());
  return file;
}

PemFiles write_pem(const std::filesystem::path& dir, const std::string& stem, X509* cert, EVP_PKEY* key) {
  PemFiles files{dir / (stem + ".pem"), dir / (stem + "-key.pem")};
  {
    const File out = open_file(files.certificate, "w");
    require(PEM_write_X509(out.get(), cert) == 1, "cannot write " + files.certificate.string());
  }
  const File out = open_file(files.key, "w");
  require(PEM_write_PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "cannot write " + files.key.string());
  return files;
}

Cert read_certificate(const std::filesystem::path& path) {
  const File in = open_file(path, "r");
  Cert cert(PEM_read_X509(in.get(), nullptr, nullptr, nullptr));
  require(cert != nullptr, "cannot read " + path.string());
  return cert;
}

Key read_key(const std::filesystem::path& path) {
  const File in = open_file(path, "r");
  Key key(PEM_read_PrivateKey(in.get(), nullptr, nullptr, nullptr));
  require(key != nullptr, "cannot read " + path.string());
  return key;
}

}  // namespace

PemFiles make_test_ca(const std::filesystem::path& dir, const std::string& stem, const std::string& common_name) {
  const Key key = new_key();
  const Cert cert = new_certificate(key.get(), common_name, nullptr);
  add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  sign(cert.get(), key.get());
  return write_pem(dir, stem, cert.get(), key.get());
}

PemFiles make_server_certificate(const PemFiles& ca, const std::filesystem::path& dir, const std::string& stem,
                                 const std::string& host) {
  const Cert ca_cert = read_certificate(ca.certificate);
  const Key ca_key = read_key(ca.key);
  const Key key = new_key();
  const Cert cert = new_certificate(key.get(), host, ca_cert.get());
  add_extension(cert.get(), ca_cert.get(), NID_basic_constraints, "CA:FALSE");
  add_extension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), ca_cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
  add_extension(cert.get(), ca_cert.get(), NID_subject_alt_name, (is_ip_address(host) ? "IP:" : "DNS:") + host);
  sign(cert.get(), ca_key.get());
  return write_pem(dir, stem, cert.get(), key.get());
}

}  // namespace llmroute::test
