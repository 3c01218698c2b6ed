// Updating and rendering the Prometheus metrics.
#include "records/metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <span>

namespace llmroute::records {

namespace {

using Names = std::span<const std::string_view>;

constexpr std::array<std::string_view, 5> kRequestLabels = {"task", "route", "backend", "model", "traffic"};
constexpr std::array<std::string_view, 6> kStatusLabels = {"task", "route", "backend", "model", "traffic", "status"};
constexpr std::array<std::string_view, 6> kTokenLabels = {"direction", "task", "route", "backend", "model", "traffic"};
constexpr std::array<std::string_view, 6> kCostLabels = {"currency", "task", "route", "backend", "model", "traffic"};
constexpr std::array<std::string_view, 1> kBackendLabels = {"backend"};
constexpr std::array<std::string_view, 1> kDropLabels = {"reason"};
constexpr std::array<std::string_view, 2> kQuotaLabels = {"user", "quota"};

// Seconds. TTFT spans cached cloud answers (tens of ms) to a local model loading cold (5-10 s) behind a queue.
const std::vector<double> kTtftBounds = {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300};
const std::vector<double> kDurationBounds = {0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800};
// The proxy's own share should be tens of microseconds; the top buckets exist to show when it is not.
const std::vector<double> kOverheadBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1};
const std::vector<double> kQueueWaitBounds = {0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300};

std::string_view label_or_none(std::string_view value) { return value.empty() ? "none" : value; }

/// A series of `family` by its label values, created at zero on first use.
template <typename Family>
double* counter(Family& family, std::initializer_list<std::string_view> values) {
  auto found = family.find(values);
  if (found == family.end())
    found = family.emplace(std::vector<std::string>(values.begin(), values.end()), 0.0).first;
  return &found->second;
}

void append_number(std::string& out, double value) {
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  // Plain decimals where they stay short ("0.0001", not "1e-04"), so bucket bounds read as configured.
  const double magnitude = std::abs(value);
  const auto format =
      magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15) ? std::chars_format::fixed : std::chars_format::general;
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, format);
  out.append(buffer, result.ptr);
}

void append_escaped(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

void append_header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

/// `{a="1",b="2"}`, with `le` appended for histogram buckets; nothing for a series without labels.
void append_labels(std::string& out, Names names, const std::vector<std::string>& values, const double* le = nullptr) {
  if (values.empty() && !le) return;
  out += '{';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out.append(names[i]).append("=\"");
    append_escaped(out, values[i]);
    out += '"';
  }
  if (le) {
    if (!values.empty()) out += ',';
    out += "le=\"";
    append_number(out, *le);
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name, Names names, const std::vector<std::string>& values,
                   double value, const double* le = nullptr) {
  out.append(name);
  append_labels(out, names, values, le);
  out += ' ';
  append_number(out, value);
  out += '\n';
}

void append_family(std::string& out, std::string_view name, std::string_view help, std::string_view type,
                   Names names, const auto& series) {
  append_header(out, name, help, type);
  for (const auto& [values, value] : series) append_sample(out, name, names, values, value);
}

}  // namespace

Metrics::HistogramSeries& Metrics::Histogram::at(const LabelValues& labels) {
  HistogramSeries& s = series[labels];
  if (s.buckets.empty()) s.buckets.assign(bounds.size() + 1, 0);
  return s;
}

void Metrics::Histogram::observe(HistogramSeries& s, double value) const {
  // Bucket i counts values <= bounds[i]; the last one is +Inf.
  const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  ++s.buckets[static_cast<std::size_t>(bucket)];
  s.sum += value;
  ++s.count;
}

Metrics::Metrics(std::string currency, const RecordSink* records)
    : currency_(std::move(currency)),
      records_(records),
      ttft_{kTtftBounds, {}},
      duration_{kDurationBounds, {}},
      proxy_overhead_{kOverheadBounds, {}},
      queue_wait_{kQueueWaitBounds, {}} {}

std::pair<const Metrics::LabelValues, Metrics::SeriesOfLabels>& Metrics::series_of(const std::array<std::string_view, 5>& labels) {
  auto found = series_of_labels_.find(labels);
  if (found == series_of_labels_.end())
    found = series_of_labels_.emplace(LabelValues(labels.begin(), labels.end()), SeriesOfLabels{}).first;
  return *found;
}

void Metrics::observe(const RequestRecord& r) {
  const std::string_view route = r.route ? config::to_string(*r.route) : "none";
  // The model label is the served model, a configured name: the requested one is whatever string a client
  // sent, and each distinct one would be a set of series kept for the life of the process.
  const std::array<std::string_view, 5> labels = {r.task, route, label_or_none(r.backend), label_or_none(r.model_served),
                                                  r.shadow ? "shadow" : "primary"};
  auto& entry = series_of(labels);
  const LabelValues& values = entry.first;
  SeriesOfLabels& series = entry.second;

  auto status = std::find_if(series.requests_by_status.begin(), series.requests_by_status.end(),
                             [&r](const auto& entry) { return entry.first == r.http_status; });
  if (status == series.requests_by_status.end()) {
    LabelValues with_status = values;
    with_status.push_back(std::to_string(r.http_status));
    double* const count = &requests_[with_status];
    status = series.requests_by_status.insert(series.requests_by_status.end(), {r.http_status, count});
  }
  *status->second += 1;

  const auto observe = [&values](Histogram& histogram, HistogramSeries*& s, double value) {
    if (!s) s = &histogram.at(values);
    histogram.observe(*s, value);
  };
  if (r.ttft_ms) observe(ttft_, series.ttft, *r.ttft_ms / 1e3);
  observe(duration_, series.duration, r.total_ms / 1e3);
  observe(proxy_overhead_, series.proxy_overhead, static_cast<double>(r.proxy_time_us) / 1e6);
  observe(queue_wait_, series.queue_wait, r.queue_wait_ms / 1e3);

  const std::array<std::pair<const char*, std::uint64_t>, 5> directions = {{
      {"input", r.usage.input},           {"output", r.usage.output},           {"reasoning", r.usage.reasoning},
      {"cache_read", r.usage.cache_read}, {"cache_write", r.usage.cache_write},
  }};
  for (std::size_t i = 0; i < directions.size(); ++i) {
    if (!series.tokens[i]) {
      LabelValues key = {directions[i].first};
      key.insert(key.end(), values.begin(), values.end());
      series.tokens[i] = &tokens_[key];
    }
    *series.tokens[i] += static_cast<double>(directions[i].second);
  }

  const auto cost_series = [this, &values](Family<double>& family, double*& s) -> double& {
    if (!s) {
      LabelValues with_currency = {currency_};
      with_currency.insert(with_currency.end(), values.begin(), values.end());
      s = &family[with_currency];
    }
    return *s;
  };
  cost_series(cost_, series.cost) += r.cost;
  if (r.cloud_equivalent_cost) cost_series(cloud_equivalent_cost_, series.cloud_equivalent_cost) += *r.cloud_equivalent_cost;
}

void Metrics::in_flight_add(std::string_view backend, int delta) { *counter(in_flight_, {backend}) += delta; }

void Metrics::quota_refused(std::string_view user, std::string_view quota) {
  *counter(quota_refusals_, {user, quota}) += 1;
}

void Metrics::slots_set(std::string_view backend, std::uint32_t in_use, std::size_t queued) {
  const LabelValues labels{std::string(backend)};
  slots_in_use_[labels] = in_use;
  slots_queued_[labels] = static_cast<double>(queued);
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(16 * 1024);
  append_family(out, "llmroute_requests_total", "Finished requests, failures included, by HTTP status sent to the client.",
                "counter", kStatusLabels, requests_);

  const auto histogram = [&out](std::string_view name, std::string_view help, const Histogram& h) {
    append_header(out, name, help, "histogram");
    const std::string bucket = std::string(name) + "_bucket";
    for (const auto& [values, s] : h.series) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < s.buckets.size(); ++i) {
        cumulative += s.buckets[i];
        const double le = i < h.bounds.size() ? h.bounds[i] : std::numeric_limits<double>::infinity();
        append_sample(out, bucket, kRequestLabels, values, static_cast<double>(cumulative), &le);
      }
      append_sample(out, std::string(name) + "_sum", kRequestLabels, values, s.sum);
      append_sample(out, std::string(name) + "_count", kRequestLabels, values, static_cast<double>(s.count));
    }
  };
  histogram("llmroute_ttft_seconds", "Time to the first content or tool-call token sent to the client.", ttft_);
  histogram("llmroute_request_duration_seconds", "Time from the request's first byte to the end of the answer.",
            duration_);
  histogram("llmroute_proxy_overhead_seconds", "Time spent inside the proxy itself, not waiting on a client or backend.",
            proxy_overhead_);
  histogram("llmroute_queue_wait_seconds", "Time waiting for admission (quota or a local slot).", queue_wait_);

  append_family(out, "llmroute_tokens_total", "Tokens by direction; cache and reasoning tokens are part of input and output.",
                "counter", kTokenLabels, tokens_);
  append_family(out, "llmroute_cost_total", "What requests cost: priced tokens, or the local box's busy time.", "counter",
                kCostLabels, cost_);
  append_family(out, "llmroute_cloud_equivalent_cost_total",
                "What the same tokens would have cost at the baseline cloud model's price.", "counter", kCostLabels,
                cloud_equivalent_cost_);

  Family<double> drops;
  drops[{"queue_full"}] = records_ ? static_cast<double>(records_->dropped()) : 0;
  drops[{"write_error"}] = records_ ? static_cast<double>(records_->lost()) : 0;
  append_family(out, "llmroute_records_dropped_total", "Request records never stored: queue full or storage errors.",
                "counter", kDropLabels, drops);
  if (records_) {
    // While the records database cannot be written, records wait in memory and the store reports down.
    Family<double> held, up;
    const std::uint64_t waiting = records_->held();
    held[{}] = static_cast<double>(waiting);
    up[{}] = waiting > 0 ? 0 : 1;
    append_family(out, "llmroute_records_held",
                  "Request records kept in memory because the records database cannot be written.", "gauge", Names{}, held);
    append_family(out, "llmroute_records_store_up",
                  "1 while request records are written to the database, 0 while writes fail.", "gauge", Names{}, up);
  }
  append_family(out, "llmroute_quota_refusals_total", "Requests refused with 429 by a user's quota, by user and quota.",
                "counter", kQuotaLabels, quota_refusals_);
  append_family(out, "llmroute_requests_in_flight", "Requests currently being answered, by backend.", "gauge",
                kBackendLabels, in_flight_);
  append_family(out, "llmroute_backend_slots_in_use", "Slots held on a backend with max_concurrency.", "gauge",
                kBackendLabels, slots_in_use_);
  append_family(out, "llmroute_backend_queued_requests",
                "Requests waiting for a slot of a backend with max_concurrency (served round-robin across users).",
                "gauge", kBackendLabels, slots_queued_);
  return out;
}

}  // namespace llmroute::records
