// The proxy's Prometheus metrics: counters, histograms and gauges updated from records, rendered as text.
#pragma once

#include "records/record_sink.hpp"
#include "records/request_record.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
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
  /// Orders label sets, and finds one by views of its values without building it.
  struct LabelsLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                          [](std::string_view x, std::string_view y) { return x < y; });
    }
  };
  template <typename Value>
  using Family = std::map<LabelValues, Value, LabelsLess>;

  struct HistogramSeries {
    std::vector<std::uint64_t> buckets;  ///< per bucket, not cumulative; cumulated when rendered
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct Histogram {
    std::vector<double> bounds;
    Family<HistogramSeries> series;
    HistogramSeries& at(const LabelValues& labels);
    void observe(HistogramSeries& s, double value) const;
  };
  /// The series one request label set updates, found once: later requests with the same labels go straight
  /// to them (map nodes never move). A series appears in a family only once a request has counted in it.
  struct SeriesOfLabels {
    std::vector<std::pair<int, double*>> requests_by_status;
    HistogramSeries* ttft = nullptr;
    HistogramSeries* duration = nullptr;
    HistogramSeries* proxy_overhead = nullptr;
    HistogramSeries* queue_wait = nullptr;
    std::array<double*, 5> tokens{};  ///< input, output, reasoning, cache_read, cache_write
    double* cost = nullptr;
    double* cloud_equivalent_cost = nullptr;
  };
  std::pair<const LabelValues, SeriesOfLabels>& series_of(const std::array<std::string_view, 5>& labels);

  std::string currency_;
  const RecordSink* records_;
  Family<double> requests_;
  Histogram ttft_;
  Histogram duration_;
  Histogram proxy_overhead_;
  Histogram queue_wait_;
  Family<double> tokens_;
  Family<double> cost_;
  Family<double> cloud_equivalent_cost_;
  Family<double> in_flight_;
  Family<double> slots_in_use_;
  Family<double> slots_queued_;
  Family<double> quota_refusals_;
  Family<SeriesOfLabels> series_of_labels_;
};

}  // namespace llmroute::records
