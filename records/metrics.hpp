// The proxy's Prometheus metrics: counters, histograms and gauges updated from records, rendered as text.
#pragma once

#include "records/record_sink.hpp"
#include "records/request_record.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::records {

/// A Prometheus registry of request metrics. Not thread-safe: the proxy's one I/O thread makes every call,
/// render() included, so updates take no locks. Label sets are bounded by the config (tasks × routes ×
/// backends × models × statuses), so series live in maps keyed by their label values.
///
/// Request metrics carry the labels task, route (local|cloud|none), backend, model (served, else requested)
/// and traffic (primary|shadow), so sampled shadow copies never blur the latency of what clients saw.
class Metrics {
 public:
  /// `currency` labels the cost counters. `records` (null when records are disabled) is read at render time
  /// for llmroute_records_dropped_total.
  Metrics(std::string currency, const RecordSink* records);

  /// Counts one finished request: its status, latencies, tokens and cost.
  void observe(const RequestRecord& record);
  /// Moves the in-flight gauge of `backend` by `delta` (+1 when a request starts upstream, -1 when it ends).
  void in_flight_add(std::string_view backend, int delta);
  /// Sets the slot gauges of a backend with max_concurrency: slots held and requests queued for one.
  void slots_set(std::string_view backend, std::uint32_t in_use, std::size_t queued);
  /// Counts one request refused by `user`'s quota `quota` (requests_per_minute, tokens_per_day, ...).
  void quota_refused(std::string_view user, std::string_view quota);
  /// Every metric in the text exposition format 0.0.4 (HELP and TYPE lines, escaped label values).
  std::string render() const;

 private:
  using LabelValues = std::vector<std::string>;

  struct HistogramSeries {
    std::vector<std::uint64_t> buckets;  ///< per bucket, not cumulative; cumulated when rendered
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct Histogram {
    std::vector<double> bounds;
    std::map<LabelValues, HistogramSeries> series;
    void observe(const LabelValues& labels, double value);
  };

  std::string currency_;
  const RecordSink* records_;
  std::map<LabelValues, double> requests_;
  Histogram ttft_;
  Histogram duration_;
  Histogram proxy_overhead_;
  Histogram queue_wait_;
  std::map<LabelValues, double> tokens_;
  std::map<LabelValues, double> cost_;
  std::map<LabelValues, double> cloud_equivalent_cost_;
  std::map<LabelValues, double> in_flight_;
  std::map<LabelValues, double> slots_in_use_;
  std::map<LabelValues, double> slots_queued_;
  std::map<LabelValues, double> quota_refusals_;
};

}  // namespace llmroute::records
