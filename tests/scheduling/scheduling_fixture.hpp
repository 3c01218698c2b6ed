// Shared setup of the scheduling tests: a simulator behind a proxy whose backend has max_concurrency, raw
// requests held open at will, the slot gauges from /metrics and the records from /admin/records.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "integration/proxy_fixture.hpp"

namespace llmroute::test {

struct SchedulingOptions {
  int max_concurrency = 1;
  std::string max_queue_wait = "30s";
  int queue_timeout_status = 503;
  /// A second backend "spare" (no limit) on the same simulator with model "spare-model": every task kind's
  /// candidates are box/local-model, then spare/spare-model.
  bool spare_backend = false;
};

/// A proxy with backend "box" (local, max_concurrency) serving "local-model", records in `records_path`, no
/// active health checks (their probes would share the simulator's counters).
inline std::string scheduling_config(const std::string& backend_url, const std::string& records_path,
                                     const SchedulingOptions& o) {
  std::string yaml = "server:\n  listen: 127.0.0.1:0\n"
                     "  timeouts: { upstream_first_byte: 60s, upstream_idle: 60s, shutdown_grace: 2s }\n"
                     "backends:\n"
                     "  - name: box\n    location: local\n    url: " + backend_url +
                     "\n    max_concurrency: " + std::to_string(o.max_concurrency) +
                     "\n    models: [{ name: local-model, upstream_name: sim-upstream }]\n";
  if (o.spare_backend)
    yaml += "  - name: spare\n    location: local\n    url: " + backend_url +
            "\n    models: [{ name: spare-model, upstream_name: sim-spare }]\n";
  yaml += "routing:\n  default: box/local-model\n  health: { probe_interval: 0 }\n";
  if (o.spare_backend) {
    yaml += "  tasks:\n";
    for (const std::string_view kind : config::kTaskKindNames)
      yaml += "    " + std::string(kind) + ": [box/local-model, spare/spare-model]\n";
  }
  yaml += "scheduling: { max_queue_wait: " + o.max_queue_wait +
          ", queue_timeout_status: " + std::to_string(o.queue_timeout_status) +
          " }\n"
          "records: { enabled: true, path: " + records_path + " }\n";
  return yaml;
}

/// A simulator and a proxy whose backend "box" takes `max_concurrency` requests at once.
struct ScheduledBackend {
  explicit ScheduledBackend(const SchedulingOptions& options = {},
                            std::vector<std::string> sim_args = {"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"})
      : sim(std::move(sim_args)),
        proxy(scheduling_config(sim.base_url() + "/v1", (records_dir / "records.db").string(), options)) {}

  TempDir records_dir;
  SimulatorProcess sim;
  ProxyProcess proxy;

  /// The value of a slot gauge of backend "box" ("llmroute_backend_slots_in_use" or
  /// "llmroute_backend_queued_requests"); -1 when /metrics does not show it.
  double gauge(const std::string& name) const {
    HttpClient client("127.0.0.1", proxy.port());
    const HttpResponse metrics = client.get("/metrics");
    const std::string prefix = "\n" + name + "{backend=\"box\"} ";
    const auto at = metrics.body.find(prefix);
    if (at == std::string::npos) return -1;
    return std::stod(metrics.body.substr(at + prefix.size()));
  }

  /// Polls /metrics until the gauge equals `expected` or the deadline passes; returns whether it did.
  bool wait_for_gauge(const std::string& name, double expected, milliseconds timeout = milliseconds(10'000)) const {
    return poll_until([&] { return gauge(name) == expected; }, timeout);
  }

  /// The stored record of each request id in `ids`, polling /admin/records until all are written.
  std::map<std::string, boost::json::object> records_of(const std::vector<std::string>& ids,
                                                        milliseconds timeout = milliseconds(10'000)) const {
    std::map<std::string, boost::json::object> found;
    poll_until(
        [&] {
          HttpClient client("127.0.0.1", proxy.port());
          const HttpResponse answer = client.get("/admin/records?limit=1000");
          if (answer.status != 200) return false;
          found.clear();
          const boost::json::value list = answer.json();
          for (const auto& item : list.as_array()) {
            const auto& record = item.as_object();
            const std::string id(record.at("id").as_string());
            if (std::find(ids.begin(), ids.end(), id) != ids.end()) found[id] = record;
          }
          return found.size() == ids.size();
        },
        timeout);
    return found;
  }
};

/// A number field of a record as a double (JSON integers and doubles alike).
inline double number(const boost::json::object& record, const char* field) { return record.at(field).to_number<double>(); }

/// When a request's answer ended, in Unix milliseconds.
inline double ended_at(const boost::json::object& record) { return number(record, "start_ms") + number(record, "total_ms"); }

/// When a request's backend sent its first byte, in Unix milliseconds (after the request got its slot).
inline double first_byte_at(const boost::json::object& record) {
  return number(record, "start_ms") + number(record, "upstream_first_byte_ms");
}

/// A request written on its own connection and left open until close() or destruction — a client that
/// waits as long as the test wants and then leaves.
class OpenRequest {
 public:
  OpenRequest(std::uint16_t port, const std::string& target, const std::string& body,
              std::vector<std::pair<std::string, std::string>> headers = {}) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("connect() to the proxy failed");
    std::string request = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    for (std::size_t sent = 0; sent < request.size();) {
      const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send() to the proxy failed");
      sent += static_cast<std::size_t>(n);
    }
  }
  ~OpenRequest() { close(); }
  OpenRequest(const OpenRequest&) = delete;
  OpenRequest& operator=(const OpenRequest&) = delete;

  /// Reads what the proxy sent until `text` appears in it or the deadline passes; returns what arrived.
  std::string read_until(const std::string& text, milliseconds timeout = milliseconds(10'000)) {
    const auto deadline = Clock::now() + timeout;
    char buffer[4096];
    while (received_.find(text) == std::string::npos && Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(1, left))) <= 0) continue;
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      received_.append(buffer, static_cast<std::size_t>(n));
    }
    return received_;
  }

  /// Leaves: closes the connection (a reset, so the proxy notices at once even with unread data).
  void close() {
    if (fd_ < 0) return;
    const linger reset{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  std::string received_;
};

}  // namespace llmroute::test
