#include "proxy/accept_failures.hpp"

#include <sys/resource.h>

#include <cerrno>

namespace llmroute::proxy {

std::optional<std::string> AcceptFailures::failed(const boost::system::error_code& ec, Clock::time_point now,
                                                  std::uint64_t open_file_limit) {
  ++since_warning_;
  if (last_warning_ && now - *last_warning_ < kInterval) return std::nullopt;
  std::string warning = "llmroute: warning: cannot accept new connections: " + ec.message();
  const bool out_of_descriptors = ec.value() == EMFILE || ec.value() == ENFILE;
  if (out_of_descriptors && open_file_limit > 0)
    warning += " (the open-file limit is " + std::to_string(open_file_limit) +
               "; each stream holds two: its client's and its backend's; raise `ulimit -n`)";
  if (last_warning_) warning += "; " + std::to_string(since_warning_) + " failed accepts since the last warning";
  warning += "; new clients wait in the listen queue until connections close";
  last_warning_ = now;
  since_warning_ = 0;
  return warning;
}

std::uint64_t open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  return limit.rlim_cur;
}

}  // namespace llmroute::proxy
