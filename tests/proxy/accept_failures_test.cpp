#include <doctest/doctest.h>

#include <boost/system/errc.hpp>

#include "proxy/accept_failures.hpp"

using llmroute::proxy::AcceptFailures;
using namespace std::chrono_literals;

namespace {
const boost::system::error_code kOutOfFiles = boost::system::errc::make_error_code(boost::system::errc::too_many_files_open);
}

TEST_CASE("a proxy out of file descriptors warns at once and names the open-file limit") {
  AcceptFailures failures;
  const auto warning = failures.failed(kOutOfFiles, AcceptFailures::Clock::now(), 256);
  REQUIRE(warning);
  INFO(*warning);
  CHECK(warning->find("cannot accept new connections") != std::string::npos);
  CHECK(warning->find("open-file limit is 256") != std::string::npos);
  CHECK(warning->find("ulimit -n") != std::string::npos);
}

TEST_CASE("failed accepts while a warning is recent are counted and named in the next warning, not printed each") {
  AcceptFailures failures;
  const auto start = AcceptFailures::Clock::now();
  REQUIRE(failures.failed(kOutOfFiles, start, 256));
  for (int i = 1; i <= 199; ++i) CHECK_FALSE(failures.failed(kOutOfFiles, start + i * 50ms, 256));
  const auto next = failures.failed(kOutOfFiles, start + AcceptFailures::kInterval, 256);
  REQUIRE(next);
  INFO(*next);
  CHECK(next->find("200 failed accepts since the last warning") != std::string::npos);
}

TEST_CASE("another accept failure is reported with its reason and without the file-limit advice") {
  AcceptFailures failures;
  const auto warning = failures.failed(boost::system::errc::make_error_code(boost::system::errc::not_enough_memory),
                                       AcceptFailures::Clock::now(), 256);
  REQUIRE(warning);
  CHECK(warning->find("ulimit") == std::string::npos);
}
