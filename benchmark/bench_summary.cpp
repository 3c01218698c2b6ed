// Aggregation and rendering of a run's per-model summary.
#include "benchmark/bench_summary.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace llmroute::benchmark {

namespace {

struct Mean {
  double sum = 0;
  std::size_t n = 0;
  void add(const std::optional<double>& v) {
    if (v) sum += *v, ++n;
  }
  std::optional<double> value() const { return n ? std::optional<double>(sum / static_cast<double>(n)) : std::nullopt; }
};

std::string number(const std::optional<double>& v, const char* format, double scale = 1) {
  if (!v) return "-";
  char text[32];
  std::snprintf(text, sizeof text, format, *v * scale);
  return text;
}

boost::json::value optional_json(const std::optional<double>& v) { return v ? boost::json::value(*v) : nullptr; }

boost::json::value optional_json(const std::optional<int>& v) { return v ? boost::json::value(*v) : nullptr; }

}  // namespace

std::vector<ModelSummary> summarize(const std::vector<BenchResult>& results, const std::vector<std::string>& models) {
  std::vector<ModelSummary> out;
  for (const std::string& model : models) {
    ModelSummary s;
    s.model = model;
    Mean ttft, total, rate, quality;
    for (const BenchResult& r : results) {
      if (r.model != model) continue;
      ++s.pairs;
      if (s.route.empty()) s.route = r.route;
      if (r.state == PairState::failed) {
        ++s.failed;
        continue;
      }
      if (r.state == PairState::done) ++s.done;
      s.truncated += r.truncated ? 1 : 0;
      ttft.add(r.ttft_ms);
      total.add(r.total_ms);
      rate.add(r.tokens_per_second);
      s.output_tokens += r.usage.output;
      s.reasoning_tokens += r.usage.reasoning;
      s.cost += r.cost;
      if (r.quality) ++s.judged;
      quality.add(r.quality);
      s.checks_passed += r.checks_passed.value_or(0);
      s.checks_total += r.checks_total.value_or(0);
    }
    s.mean_ttft_ms = ttft.value();
    s.mean_total_ms = total.value();
    s.mean_tokens_per_second = rate.value();
    s.mean_quality = quality.value();
    out.push_back(std::move(s));
  }
  return out;
}

std::string render_summary(const std::vector<ModelSummary>& summaries, const std::string& currency) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-32s %-5s %5s %6s %5s %8s %8s %7s %9s %9s %10s %7s %7s\n", "model", "route", "done",
                "failed", "trunc", "ttft s", "total s", "tok/s", "out tok", "think tok", ("cost " + currency).c_str(),
                "quality", "checks");
  out += line;
  for (const ModelSummary& s : summaries) {
    const std::string checks = s.checks_total ? std::to_string(s.checks_passed) + "/" + std::to_string(s.checks_total) : "-";
    std::snprintf(line, sizeof line, "%-32s %-5s %5zu %6zu %5zu %8s %8s %7s %9llu %9llu %10.4f %7s %7s\n",
                  s.model.c_str(), s.route.c_str(), s.done, s.failed, s.truncated,
                  number(s.mean_ttft_ms, "%.2f", 0.001).c_str(), number(s.mean_total_ms, "%.2f", 0.001).c_str(),
                  number(s.mean_tokens_per_second, "%.1f").c_str(), static_cast<unsigned long long>(s.output_tokens),
                  static_cast<unsigned long long>(s.reasoning_tokens), s.cost, number(s.mean_quality, "%.2f").c_str(),
                  checks.c_str());
    out += line;
  }
  return out;
}

std::string results_json(const BenchRun& run, const std::string& currency, const std::vector<ModelSummary>& summaries,
                         const std::vector<BenchResult>& results) {
  boost::json::array models;
  for (const ModelSummary& s : summaries)
    models.push_back(boost::json::object{
        {"model", s.model}, {"route", s.route}, {"pairs", s.pairs}, {"done", s.done}, {"failed", s.failed},
        {"truncated", s.truncated}, {"mean_ttft_ms", optional_json(s.mean_ttft_ms)},
        {"mean_total_ms", optional_json(s.mean_total_ms)},
        {"mean_tokens_per_second", optional_json(s.mean_tokens_per_second)}, {"output_tokens", s.output_tokens},
        {"reasoning_tokens", s.reasoning_tokens}, {"cost", s.cost}, {"judged", s.judged},
        {"mean_quality", optional_json(s.mean_quality)}, {"checks_passed", s.checks_passed},
        {"checks_total", s.checks_total}});
  boost::json::array rows;
  for (const BenchResult& r : results)
    rows.push_back(boost::json::object{
        {"task_id", r.task_id}, {"model", r.model}, {"state", to_string(r.state)}, {"category", r.category},
        {"difficulty", r.difficulty}, {"route", r.route}, {"backend", r.backend}, {"max_tokens", r.max_tokens},
        {"status", r.http_status}, {"failure", r.failure}, {"finish_reason", r.finish_reason},
        {"truncated", r.truncated}, {"ttft_ms", optional_json(r.ttft_ms)}, {"total_ms", r.total_ms},
        {"tokens_per_second", optional_json(r.tokens_per_second)}, {"input_tokens", r.usage.input},
        {"output_tokens", r.usage.output}, {"reasoning_tokens", r.usage.reasoning},
        {"usage_reported", r.usage_reported}, {"cost", r.cost},
        {"cloud_equivalent_cost", optional_json(r.cloud_equivalent_cost)}, {"judges", r.judges},
        {"correctness", optional_json(r.correctness)}, {"completeness", optional_json(r.completeness)},
        {"clarity", optional_json(r.clarity)}, {"quality", optional_json(r.quality)},
        {"checks_passed", optional_json(r.checks_passed)}, {"checks_total", optional_json(r.checks_total)},
        {"answer", r.answer}});
  boost::json::array model_names(run.models.begin(), run.models.end());
  boost::json::array judge_names(run.judges.begin(), run.judges.end());
  return boost::json::serialize(boost::json::object{
      {"run", boost::json::object{{"id", run.id}, {"start_ms", run.start_ms}, {"tasks_dir", run.tasks_dir},
                                  {"models", std::move(model_names)}, {"judges", std::move(judge_names)},
                                  {"task_count", run.task_count}}},
      {"currency", currency},
      {"models", std::move(models)},
      {"results", std::move(rows)}});
}

}  // namespace llmroute::benchmark
