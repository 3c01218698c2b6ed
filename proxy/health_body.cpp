// What /healthz says about the parts that may fail while the proxy keeps answering.
#include "proxy/health_body.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace llmroute::proxy {

std::string health_body(const ServerState& state) {
  const std::uint64_t held = state.records ? state.records->held() : 0;
  if (held == 0) return R"({"status":"ok"})";
  const std::string problem = "cannot write the records database (" + state.records->write_failure() + "); " +
                              std::to_string(held) + " records held in memory until it works again";
  return R"({"status":"degraded","records":)" + boost::json::serialize(boost::json::string(problem)) + "}";
}

}  // namespace llmroute::proxy
