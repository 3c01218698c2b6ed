// Per task kind and model pair: counts, mean difference with a t-interval, latency and cost, verdict.
#include "policies/judge_aggregation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace llmroute::policies {

namespace {

// t_{0.975, df} for df = 1 … 30.
constexpr std::array<double, 30> kT975 = {
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
};
// Beyond 30: (1/df, t) points down to df = ∞ (1/df = 0), between which t is nearly linear in 1/df.
constexpr std::array<std::pair<double, double>, 5> kT975Tail = {{
    {1.0 / 30, 2.0423}, {1.0 / 40, 2.0211}, {1.0 / 60, 2.0003}, {1.0 / 120, 1.9799}, {0.0, 1.95996},
}};

bool candidate_is_primary(const JudgedPairRow& row) {
  if (row.primary_location != row.shadow_location) return row.primary_location == config::Location::local;
  return false;  // same location: the shadow is the alternative being tried
}

std::string signed_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.2f", value);
  return buffer;
}

std::string verdict_text(const PairAggregate& g, const AggregationPolicy& policy) {
  const bool local_vs_cloud = g.candidate_location == config::Location::local &&
                              g.baseline_location == config::Location::cloud;
  switch (g.verdict) {
    case AggregateVerdict::parity:
      return local_vs_cloud ? "parity — can run local" : "parity — " + g.candidate_model + " can serve it";
    case AggregateVerdict::baseline_better:
      return local_vs_cloud ? "cloud clearly better — keep on cloud"
                            : g.baseline_model + " clearly better — keep on " + g.baseline_model;
    case AggregateVerdict::not_enough_data:
      if (g.n < policy.min_n || !g.ci_low)
        return "not enough data (n = " + std::to_string(g.n) + ")";
      return "not enough data (n = " + std::to_string(g.n) + "; the 95 % interval " + signed_number(*g.ci_low) +
             " … " + signed_number(*g.ci_high) + " is too wide to decide)";
  }
  return {};
}

}  // namespace

double t_quantile_975(std::uint64_t degrees_of_freedom) {
  if (degrees_of_freedom == 0) degrees_of_freedom = 1;
  if (degrees_of_freedom <= kT975.size()) return kT975[degrees_of_freedom - 1];
  const double x = 1 / static_cast<double>(degrees_of_freedom);
  for (std::size_t i = 0; i + 1 < kT975Tail.size(); ++i) {
    const auto [x0, t0] = kT975Tail[i];
    const auto [x1, t1] = kT975Tail[i + 1];
    if (x >= x1) return t1 + (t0 - t1) * (x - x1) / (x0 - x1);
  }
  return kT975Tail.back().second;
}

std::vector<PairAggregate> aggregate_pairs(const std::vector<JudgedPairRow>& rows, const AggregationPolicy& policy) {
  struct Group {
    PairAggregate aggregate;
    std::vector<double> differences;
    std::vector<double> latency;
    std::vector<double> cost;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Group> groups;
  for (const JudgedPairRow& row : rows) {
    const bool primary_is_candidate = candidate_is_primary(row);
    const std::string& candidate = primary_is_candidate ? row.primary_model : row.shadow_model;
    const std::string& baseline = primary_is_candidate ? row.shadow_model : row.primary_model;
    Group& group = groups[{row.task, candidate, baseline}];
    PairAggregate& g = group.aggregate;
    if (g.n == 0) {
      g.task = row.task;
      g.candidate_model = candidate;
      g.baseline_model = baseline;
      g.candidate_location = primary_is_candidate ? row.primary_location : row.shadow_location;
      g.baseline_location = primary_is_candidate ? row.shadow_location : row.primary_location;
    }
    ++g.n;
    // In the pair's terms first (primary − shadow), then turned to the candidate's side.
    PairWinner winner = row.winner;
    double difference = row.score_difference;
    if (row.human) {
      winner = *row.human;
      difference = winner == PairWinner::tie ? 0.0 : (winner == PairWinner::primary ? 1 : -1) * row.mean_abs_difference;
      ++g.human_decided;
    } else if (row.needs_review) {
      ++g.awaiting_review;
    }
    if (!primary_is_candidate) {
      difference = -difference;
      if (winner != PairWinner::tie) winner = winner == PairWinner::primary ? PairWinner::shadow : PairWinner::primary;
    }
    if (winner == PairWinner::primary) ++g.wins;
    else if (winner == PairWinner::shadow) ++g.losses;
    else ++g.ties;
    group.differences.push_back(difference);
    if (row.same_family_judge) ++g.same_family_judged;
    if (row.primary_ms && row.shadow_ms)
      group.latency.push_back(primary_is_candidate ? *row.primary_ms - *row.shadow_ms : *row.shadow_ms - *row.primary_ms);
    if (row.primary_cost && row.shadow_cost)
      group.cost.push_back(primary_is_candidate ? *row.primary_cost - *row.shadow_cost
                                                : *row.shadow_cost - *row.primary_cost);
  }

  std::vector<PairAggregate> out;
  for (auto& [key, group] : groups) {
    PairAggregate& g = group.aggregate;
    const double n = static_cast<double>(g.n);
    double sum = 0;
    for (double d : group.differences) sum += d;
    g.mean_difference = sum / n;
    if (g.n >= 2) {
      double squares = 0;
      for (double d : group.differences) squares += (d - g.mean_difference) * (d - g.mean_difference);
      const double standard_error = std::sqrt(squares / (n - 1)) / std::sqrt(n);
      const double half_width = t_quantile_975(g.n - 1) * standard_error;
      g.ci_low = g.mean_difference - half_width;
      g.ci_high = g.mean_difference + half_width;
    }
    const auto mean_of = [](const std::vector<double>& values) -> std::optional<double> {
      if (values.empty()) return std::nullopt;
      double total = 0;
      for (double v : values) total += v;
      return total / static_cast<double>(values.size());
    };
    g.mean_latency_difference_ms = mean_of(group.latency);
    g.mean_cost_difference = mean_of(group.cost);
    // 1e-9: differences are sums of 0.25/0.35/0.40 steps, so an interval end may sit on the margin exactly.
    if (g.n < policy.min_n || !g.ci_low) g.verdict = AggregateVerdict::not_enough_data;
    else if (*g.ci_low >= -policy.parity_margin - 1e-9) g.verdict = AggregateVerdict::parity;
    else if (*g.ci_high < 0) g.verdict = AggregateVerdict::baseline_better;
    else g.verdict = AggregateVerdict::not_enough_data;
    g.verdict_text = verdict_text(g, policy);
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace llmroute::policies
