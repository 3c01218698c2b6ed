// The latest bench run through the bench's own store, opened read-only.
#include "report/bench_run_section.hpp"

#include "benchmark/bench_store.hpp"

namespace llmroute::report {

BenchRunRead read_latest_bench_run(const std::string& db_path) {
  try {
    benchmark::BenchStore store(db_path, records::SqliteConnection::Access::read_only);
    const std::optional<benchmark::BenchRun> run = store.latest_run();
    if (!run) return {};
    std::vector<benchmark::BenchResult> results;
    for (auto& [key, result] : store.results(run->id)) results.push_back(std::move(result));
    return {BenchRunSection{run->id, run->start_ms, benchmark::summarize(results, run->models)}, {}};
  } catch (const records::RecordStoreError& e) {
    return {std::nullopt, e.what()};
  }
}

}  // namespace llmroute::report
