// Mistakes an operator makes in a config file (found by mutating config/example.yaml and default.yaml): each is
// an error `file:line:col: key.path: what is wrong`, never a value that breaks the proxy later.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "config_error.hpp"
#include "support/child_process.hpp"

#include "config/config_loader.hpp"

using namespace llmroute::config;

namespace {

std::string error_of(const std::string& yaml) { return llmroute::test::config_error(yaml, "test.yaml"); }

const char* const kMinimal = llmroute::test::kMinimalConfig;

/// What loading the file at `path` fails with, or "" when it loads.
std::string file_error_of(const std::string& path) {
  try {
    load_config_file(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a duration too long for the clocks is an error, not a deadline that overflows or turns negative") {
  // 1e15 days and 10^20 ms made `llmroute serve` overflow a clock sum (UBSan) or wait a negative time.
  CHECK(error_of(std::string(kMinimal) + "records:\n  retention: 1e15d\n") ==
        "test.yaml:6:14: records.retention: must be at most 3650d (10 years), found '1e15d'");
  CHECK(error_of(std::string(kMinimal) + "server:\n  timeouts: { total: 99999999999999999999 }\n")
            .find("test.yaml:6:22: server.timeouts.total: must be at most 3650d") == 0);
  CHECK(error_of(std::string(kMinimal) + "server:\n  timeouts: { total: 1e308 }\n").find("must be at most 3650d") != std::string::npos);
  // Ten years is still allowed.
  CHECK(error_of(std::string(kMinimal) + "records:\n  retention: 3650d\n").empty());
}

TEST_CASE("a size that would wrap around 64 bits is an error, not a tiny limit") {
  // 17179869184GiB is 2^64 bytes: it used to become a max_body_bytes of 0.
  CHECK(error_of(std::string(kMinimal) + "server:\n  max_body_bytes: 17179869184GiB\n") ==
        "test.yaml:6:19: server.max_body_bytes: must be at most 1TiB, found '17179869184GiB'");
  CHECK(error_of(std::string(kMinimal) + "server:\n  max_body_bytes: 0\n") ==
        "test.yaml:6:19: server.max_body_bytes: must be between 1KiB and 1GiB");
  CHECK(error_of(std::string(kMinimal) + "server:\n  max_body_bytes: 2GiB\n").find("must be between 1KiB and 1GiB") != std::string::npos);
}

TEST_CASE("a key given twice in one mapping is an error at its second place, not silently ignored") {
  // yaml-cpp keeps the first of two keys: a line appended to change a setting had no effect.
  CHECK(error_of(std::string(kMinimal) + "server:\n  listen: 127.0.0.1:1\n  listen: 127.0.0.1:2\n") ==
        "test.yaml:7:3: server.listen: this key is given twice in the same mapping (only one may stay)");
  CHECK(error_of("server: {}\n" + std::string(kMinimal) + "server:\n  listen: 127.0.0.1:2\n") ==
        "test.yaml:6:1: server: this key is given twice in the same mapping (only one may stay)");
  CHECK(error_of(std::string(kMinimal) + "  - name: b\n    url: http://h/v1\n    url: http://h/v2\n    models: [m2]\n")
            .find("test.yaml:7:5: backends[1].url: this key is given twice") == 0);
}

TEST_CASE("a request timeout of 0 is an error: every request would fail at once") {
  for (const char* key : {"client_read", "upstream_connect", "upstream_first_byte", "upstream_idle", "total"}) {
    CAPTURE(key);
    CHECK(error_of(std::string(kMinimal) + "server:\n  timeouts:\n    " + key + ": 0s\n")
              .find("server.timeouts." + std::string(key) + ": must be more than 0") != std::string::npos);
  }
  // A shutdown without grace is a choice, not a mistake.
  CHECK(error_of(std::string(kMinimal) + "server:\n  timeouts:\n    shutdown_grace: 0s\n").empty());
}

TEST_CASE("an empty upstream_name, api_key_env or currency is an error") {
  CHECK(error_of("backends:\n  - name: b\n    url: http://h/v1\n    models: [{ name: m, upstream_name: '' }]\n") ==
        "test.yaml:4:40: backends[0].models[0].upstream_name: must not be empty");
  CHECK(error_of("backends:\n  - name: b\n    url: http://h/v1\n    api_key_env: ''\n    models: [m]\n") ==
        "test.yaml:4:18: backends[0].api_key_env: must not be empty");
  CHECK(error_of(std::string(kMinimal) + "currency: ''\n") == "test.yaml:5:11: currency: must not be empty");
}

TEST_CASE("an empty file, a directory, a missing file or a huge file as the config is an error at file:1:1") {
  llmroute::test::TempDir dir;
  const std::string empty = (dir / "empty.yaml").string();
  std::ofstream(empty).close();
  CHECK(file_error_of(empty) == empty + ":1:1: (top level): the file is empty");
  const std::string comments = (dir / "comments.yaml").string();
  std::ofstream(comments) << "# nothing but a comment\n";
  CHECK(file_error_of(comments) == comments + ":1:1: (top level): the file is empty");
  // A directory opens as a file on Linux and read as empty.
  CHECK(file_error_of(dir.path().string()) == dir.path().string() + ":1:1: (top level): is a directory, not a config file");
  const std::string missing = (dir / "missing.yaml").string();
  CHECK(file_error_of(missing) == missing + ":1:1: (top level): cannot open the config file: No such file or directory");
  // /dev/zero (or a log file) would be read until memory runs out.
  CHECK(file_error_of("/dev/zero") == "/dev/zero:1:1: (top level): is larger than 16 MiB, so it is not a config file");
}

TEST_CASE("a directory or /dev/zero as the users file is an error at the users key, not an empty list or a read without end") {
  llmroute::test::TempDir dir;
  const std::string config = (dir / "config.yaml").string();
  std::ofstream(config) << kMinimal << "auth: keys\nusers: " << dir.path().string() << "\n";
  CHECK_MESSAGE(file_error_of(config).ends_with(": users: is a directory, not a users file ('" + dir.path().string() + "')"),
                file_error_of(config));
  std::ofstream(config) << kMinimal << "auth: keys\nusers: /dev/zero\n";
  CHECK_MESSAGE(file_error_of(config).ends_with(": users: is larger than 16 MiB, so it is not a users file ('/dev/zero')"),
                file_error_of(config));
}

TEST_CASE("a config that is not UTF-8 or holds a control character is an error at that character, not a name with a stray byte") {
  // Saved in Latin-1, 'é' is the byte 0xE9: yaml-cpp took it into the backend's name, and on into JSON answers.
  CHECK(error_of("backends:\n  - name: caf\xE9\n    url: http://h/v1\n    models: [m]\n") ==
        "test.yaml:2:14: (top level): the file is not UTF-8 (byte 0xE9); save it as UTF-8");
  CHECK(error_of(std::string("backends:\n  - name: a\0b\n    url: http://h/v1\n    models: [m]\n", 61)) ==
        "test.yaml:2:12: (top level): the file contains the control character 0x00, which a config or rules file may not hold");
  // UTF-8 names, a byte order mark, tabs inside values and CRLF line ends are fine.
  CHECK(error_of("\xEF\xBB\xBF" "backends:\r\n  - name: caf\xC3\xA9\r\n    url: \"http://h/v1\"\r\n    models: [\"m\tx\"]\r\n").empty());
  // A users file too.
  llmroute::test::TempDir dir;
  std::ofstream(dir / "users.yaml") << "- name: b\xF6rje\n  key_sha256: " << std::string(64, 'a') << "\n";
  const std::string config = (dir / "config.yaml").string();
  std::ofstream(config) << kMinimal << "auth: keys\nusers: users.yaml\n";
  CHECK(file_error_of(config) == (dir / "users.yaml").string() + ":1:10: users: the file is not UTF-8 (byte 0xF6); save it as UTF-8");
}
