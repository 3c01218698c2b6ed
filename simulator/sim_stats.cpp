// Counters and the last request, served as /sim/stats so tests can see what reached the backend.
#include "simulator/sim_stats.hpp"

#include <boost/json.hpp>

namespace llmroute::simulator {
namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

boost::json::object counts_json(const std::map<std::string, std::uint64_t, std::less<>>& counts) {
  boost::json::object object;
  for (const auto& [key, count] : counts) object[key] = count;
  return object;
}

}  // namespace

void SimStats::record_request(RecordedRequest request, bool keep_as_last) {
  const std::lock_guard lock(mutex_);
  ++requests_;
  const auto path = path_of(request.target);
  if (const auto found = by_path_.find(path); found != by_path_.end()) {
    ++found->second;
  } else {
    by_path_.emplace(std::string(path), 1);
  }
  if (keep_as_last) {
    last_ = std::move(request);
    has_last_ = true;
  }
}

void SimStats::record_fault(std::string_view fault_name) {
  const std::lock_guard lock(mutex_);
  if (const auto found = faults_.find(fault_name); found != faults_.end()) {
    ++found->second;
  } else {
    faults_.emplace(std::string(fault_name), 1);
  }
}

void SimStats::reset() {
  tcp_accepts_ = 0;
  connections_accepted_ = 0;
  const std::lock_guard lock(mutex_);
  requests_ = 0;
  by_path_.clear();
  faults_.clear();
  has_last_ = false;
  last_ = {};
}

std::string SimStats::to_json() const {
  boost::json::object root;
  root["tcp_accepts"] = tcp_accepts_.load(std::memory_order_relaxed);
  root["connections_accepted"] = connections_accepted_.load(std::memory_order_relaxed);
  root["open_connections"] = open_connections_.load(std::memory_order_relaxed);
  root["active_streams"] = active_streams_.load(std::memory_order_relaxed);
  const std::lock_guard lock(mutex_);
  root["requests"] = requests_;
  root["by_path"] = counts_json(by_path_);
  root["faults"] = counts_json(faults_);
  if (!has_last_) {
    root["last_request"] = nullptr;
    return boost::json::serialize(root);
  }
  boost::json::object last;
  last["method"] = last_.method;
  last["target"] = last_.target;
  boost::json::object headers;
  for (const auto& [name, value] : last_.headers) headers[name] = value;
  last["headers"] = std::move(headers);
  // The body is shown parsed when it is JSON, so tests can read fields such as "model".
  boost::system::error_code ec;
  auto body = boost::json::parse(last_.body, ec);
  if (ec) {
    last["body"] = last_.body;
  } else {
    last["body"] = std::move(body);
  }
  root["last_request"] = std::move(last);
  return boost::json::serialize(root);
}

}  // namespace llmroute::simulator
