// `llmroute bench`: load config and suite, plan the run (or resume it), run the workers, print the summary.
#include "proxy/bench_command.hpp"

#include "benchmark/bench_options.hpp"
#include "benchmark/bench_plan.hpp"
#include "benchmark/bench_store.hpp"
#include "benchmark/bench_summary.hpp"
#include "config/config_loader.hpp"
#include "config/startup_file.hpp"
#include "proxy/bench_runner.hpp"
#include "proxy/serve_command.hpp"
#include "router/classifier.hpp"
#include "router/classify_command.hpp"
#include "tasks/task_suite.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace llmroute::proxy {

namespace {

/// Raised for usage and config errors, which end the command before any pair runs (exit status 2).
struct BenchSetupError {
  std::string message;
};

/// Raised when the results database cannot be opened or created, or refuses the run's own record: a runtime failure
/// (exit status 1), as a write it refuses later in the run is, and as `llmroute serve` treats a records database it
/// cannot open.
struct BenchDatabaseError {
  std::string message;
};

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// tasks/suite in the working directory, else next to (or above) the running executable.
std::string default_tasks_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory("tasks/suite", ec)) return "tasks/suite";
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  for (fs::path dir = exe.parent_path(); !ec && !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
    if (fs::is_directory(dir / "tasks" / "suite", ec)) return (dir / "tasks" / "suite").string();
  return "tasks/suite";
}

std::string generated_run_id() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char id[32];
  std::strftime(id, sizeof id, "bench-%Y%m%d-%H%M%S", &utc);
  return id;
}

/// `names` as backend/model references of `config`; a name that is not configured is a setup error.
std::vector<std::string> resolve_models(const config::Config& config, const std::vector<std::string>& names,
                                        const char* what) {
  std::vector<std::string> refs;
  for (const std::string& name : names) {
    const std::optional<config::ModelRef> ref = config.find_ref(name);
    if (!ref) {
      std::string known;
      for (const auto& b : config.backends)
        for (const auto& m : b.models) known += (known.empty() ? "" : ", ") + b.name + "/" + m.name;
      throw BenchSetupError{std::string(what) + " '" + name + "' is not a configured model (configured: " + known + ")"};
    }
    const std::string spelled = config.ref_name(*ref);
    if (std::find(refs.begin(), refs.end(), spelled) == refs.end()) refs.push_back(spelled);
  }
  return refs;
}

/// What --resume says when `path` holds no run to continue (`run_id` empty: none at all).
std::string nothing_to_resume(const std::string& run_id, const std::string& path) {
  return (run_id.empty() ? "no bench run to resume in " : "no bench run '" + run_id + "' to resume in ") + path;
}

/// The database the results go to: --db when given (a file the bench cannot write is named as that option, as --out
/// is), else the config's records.path (whose errors name that key). A run to resume can only be in a file that
/// exists, so --resume creates none. Throws BenchDatabaseError, or records::RecordStoreError for records.path.
std::unique_ptr<benchmark::BenchStore> open_store(const benchmark::BenchOptions& options, const std::string& path) {
  std::error_code ec;
  if (options.resume && !std::filesystem::exists(path, ec) && !ec)
    throw BenchSetupError{nothing_to_resume(options.run_id, path) + ": the file does not exist"};
  if (options.db_path.empty()) return std::make_unique<benchmark::BenchStore>(path);
  if (const std::string problem = config::output_file_problem(path); !problem.empty())
    throw BenchDatabaseError{"--db " + path + ": " + problem};
  try {
    return std::make_unique<benchmark::BenchStore>(path);
  } catch (const records::RecordStoreError& e) {  // `path: what is wrong`
    throw BenchDatabaseError{"--db " + std::string(e.what())};
  }
}

/// The files of a database a new run is about to create: removed on destruction unless kept, so that a run that
/// cannot store itself (a full disk on its first write) leaves no file behind. A file that was there before (an
/// --db of the user's, records.path) is never touched, nor is anything whose presence cannot be told.
class NewDatabaseFiles {
 public:
  explicit NewDatabaseFiles(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::error_code ec;  // set for a missing file too: the type tells that case from the others
      const std::string file = path + suffix;
      // symlink_status: a link (even a dangling one) is the user's, not the bench's.
      if (std::filesystem::symlink_status(file, ec).type() == std::filesystem::file_type::not_found)
        absent_.push_back(file);
    }
  }
  ~NewDatabaseFiles() {
    if (kept_) return;
    for (const std::string& file : absent_) {
      std::error_code ec;
      std::filesystem::remove(file, ec);
    }
  }
  NewDatabaseFiles(const NewDatabaseFiles&) = delete;
  NewDatabaseFiles& operator=(const NewDatabaseFiles&) = delete;

  /// The run is stored: its database stays.
  void keep() { kept_ = true; }

 private:
  std::vector<std::string> absent_;  ///< the database's files that were not there before
  bool kept_ = false;
};

/// The run --resume continues, with this invocation's changes.
benchmark::BenchRun resumed_run(benchmark::BenchStore& store, const std::string& db_path,
                                const benchmark::BenchOptions& options, const config::Config& config) {
  std::optional<benchmark::BenchRun> run = options.run_id.empty() ? store.latest_run() : store.find_run(options.run_id);
  if (!run) throw BenchSetupError{nothing_to_resume(options.run_id, db_path)};
  if (!options.tasks_dir.empty()) run->tasks_dir = options.tasks_dir;
  // The config may have changed since the run started: every stored name must still be a model.
  run->models = resolve_models(config, run->models, "the run's model");
  run->judges = resolve_models(config, run->judges, "the run's judge");
  for (const std::string& model : resolve_models(config, options.models, "--models"))
    if (std::find(run->models.begin(), run->models.end(), model) == run->models.end()) run->models.push_back(model);
  if (options.judges) run->judges = resolve_models(config, *options.judges, "--judges");
  return *run;
}

/// A new run, not yet stored.
benchmark::BenchRun new_run(const benchmark::BenchOptions& options, const config::Config& config) {
  benchmark::BenchRun run;
  run.id = options.run_id.empty() ? generated_run_id() : options.run_id;
  run.start_ms = now_unix_ms();
  run.tasks_dir = options.tasks_dir.empty() ? default_tasks_dir() : options.tasks_dir;
  run.models = resolve_models(config, options.models, "--models");
  if (options.judges) {
    run.judges = resolve_models(config, *options.judges, "--judges");
  } else {
    for (const config::ModelRef& judge : config.judging.judges) run.judges.push_back(config.ref_name(judge));
  }
  return run;
}

/// Runs the plan's pairs with `concurrency` workers on one I/O thread; returns when all are through.
void run_workers(BenchContext& context, std::size_t concurrency, asio::io_context& io) {
  const std::size_t workers = std::min(concurrency, context.pairs->size());
  for (std::size_t i = 0; i < workers; ++i)
    asio::co_spawn(io, bench_worker(&context), [](std::exception_ptr error) {
      if (error) std::rethrow_exception(error);
    });
  io.run();
}

int run(const benchmark::BenchOptions& options) {
  const std::string config_path = options.config_path.empty() ? default_config_path() : options.config_path;
  const config::ConfigPtr config = config::load_config_file(config_path);
  // Found now, not when the results are written after the whole run.
  if (!options.out_path.empty())
    if (const std::string problem = config::output_file_problem(options.out_path); !problem.empty())
      throw BenchSetupError{"--out " + options.out_path + ": " + problem};
  const std::string rules = options.rules_path.empty() ? router::default_rules_path() : options.rules_path;
  if (rules.empty()) throw BenchSetupError{"no classifier rules found; pass --rules FILE or set LLMROUTE_RULES"};
  // Read now, though the proxy state below loads them again: a wrong --rules must stop the command before a run is stored.
  (void)router::RuleClassifier::from_file(rules);
  const std::string db_path = options.db_path.empty() ? config->records.path : options.db_path;
  // A resumed run is read from its database first. A new run's database is opened (created, when there is no file
  // yet) only once every other setup check has passed, and a file created for it goes again when the run cannot be
  // stored in it, so a run that cannot start leaves no file behind. Declared before the store, so that the store is
  // closed before those files are removed.
  std::optional<NewDatabaseFiles> new_files;
  std::unique_ptr<benchmark::BenchStore> opened;
  if (options.resume) opened = open_store(options, db_path);
  benchmark::BenchRun run = options.resume ? resumed_run(*opened, db_path, options, *config) : new_run(options, *config);

  std::vector<std::string> unknown;
  const std::vector<tasks::Task> suite = tasks::load_task_suite(run.tasks_dir);
  const std::vector<tasks::Task> selected = benchmark::select_tasks(suite, options.only, unknown);
  if (!unknown.empty()) throw BenchSetupError{"--only names no task id or category '" + unknown.front() + "'"};
  run.task_count = selected.size();

  std::map<std::pair<std::string, std::string>, benchmark::BenchResult> stored;  // a new run has none yet
  if (opened) stored = opened->results(run.id);
  benchmark::BenchPlan plan = benchmark::plan_pairs(selected, run.models, stored);
  std::optional<benchmark::Sandbox> sandbox;
  if (std::any_of(plan.pairs.begin(), plan.pairs.end(), [](const auto& p) { return p.task->check.has_value(); })) {
    std::string error;
    sandbox = benchmark::Sandbox::detect(error);
    if (!sandbox) throw BenchSetupError{error + " (or leave the checked tasks out with --only)"};
  }
  if (!opened) {
    new_files.emplace(db_path);
    opened = open_store(options, db_path);
    if (opened->find_run(run.id))
      throw BenchSetupError{"bench run '" + run.id + "' exists already; continue it with --resume"};
  }
  benchmark::BenchStore& store = *opened;
  const std::string stored_error = options.resume ? store.update_run(run) : store.create_run(run);
  if (!stored_error.empty()) throw BenchDatabaseError{"cannot record the run in " + db_path + ": " + stored_error};
  if (new_files) new_files->keep();
  std::fprintf(stderr, "bench: run %s: %zu tasks × %zu models, %zu pairs to do (%zu finished earlier), concurrency %zu\n",
               run.id.c_str(), selected.size(), run.models.size(), plan.pairs.size(), plan.already_done,
               options.concurrency);
  std::string judges;
  for (const std::string& judge : run.judges) judges += (judges.empty() ? "" : ", ") + judge;
  std::fprintf(stderr, "bench: judges: %s\n", judges.empty() ? "none (answers are not scored)" : judges.c_str());
  if (sandbox) std::fprintf(stderr, "bench: functional checks: %s\n", sandbox->describe().c_str());

  asio::io_context io(1);
  // Only the backends: bench calls are not traffic, and records.path is not the bench's to open when --db is given.
  ServerState state(io, config, rules, StateUse::model_calls);
  asio::thread_pool blocking(2);
  benchmark::Progress progress(stderr, benchmark::Progress::style_for(stderr), plan.pairs.size());
  BenchContext context;
  context.state = &state;
  context.store = &store;
  context.sandbox = sandbox ? &*sandbox : nullptr;
  context.progress = &progress;
  context.blocking = &blocking;
  context.run_id = run.id;
  for (const std::string& name : run.judges) {
    const config::ModelRef judge = *config->find_ref(name);
    context.judges.push_back(judge);
    context.judge_identities.push_back({name, config->model(judge).family});
  }
  context.pairs = &plan.pairs;
  run_workers(context, options.concurrency, io);
  progress.close();
  blocking.join();

  std::vector<benchmark::BenchResult> results;
  for (auto& [key, result] : store.results(run.id)) results.push_back(std::move(result));
  const std::vector<benchmark::ModelSummary> summaries = benchmark::summarize(results, run.models);
  std::printf("bench run %s (database %s)\n%s", run.id.c_str(), db_path.c_str(),
              benchmark::render_summary(summaries, config->currency).c_str());
  std::string out_error;  // why --out could not be written, empty once it was (or when not asked for)
  if (!options.out_path.empty()) {
    std::ofstream out(options.out_path, std::ios::binary | std::ios::trunc);
    out << benchmark::results_json(run, config->currency, summaries, results) << "\n";
    out.close();
    if (!out) out_error = std::strerror(errno);
  }
  // Also when the file went after the last save: the summary above was read from the deleted file.
  const std::string lost = store.file_lost();
  // A run-time failure, not a usage error: the run is over and its results are stored; only this copy is missing.
  if (!out_error.empty()) {
    std::string again = "llmroute bench --resume --run " + run.id;
    if (!options.db_path.empty()) again += " --db " + options.db_path;
    // Without it, --resume would also run the tasks this invocation left out.
    for (std::size_t i = 0; i < options.only.size(); ++i) again += (i == 0 ? " --only " : ",") + options.only[i];
    again += " --out " + options.out_path;
    if (lost.empty())
      std::fprintf(stderr,
                   "bench: cannot write %s: %s; run %s's results are still in the database %s, and `%s` writes them to "
                   "the file again without asking a model again for a finished pair\n",
                   options.out_path.c_str(), out_error.c_str(), run.id.c_str(), db_path.c_str(), again.c_str());
    else
      std::fprintf(stderr, "bench: cannot write %s: %s\n", options.out_path.c_str(), out_error.c_str());
  }
  if (!lost.empty()) {
    const std::string left = options.out_path.empty() || !out_error.empty() ? "the summary above"
                                                                             : "the summary above and " + options.out_path;
    std::fprintf(stderr,
                 "bench: run %s stopped: %s, and the run's results went with it (all that is left of them is %s); "
                 "%zu pairs were not run. Start the run again\n",
                 run.id.c_str(), lost.c_str(), left.c_str(), plan.pairs.size() - context.next);
    return 1;
  }
  // Any other write the database refused (a full disk, an I/O error): what was saved before it is still there.
  if (!context.store_error.empty()) {
    std::fprintf(stderr,
                 "bench: run %s stopped: cannot store its results in %s (%s); %zu results could not be stored and %zu "
                 "pairs were not run. What was stored before stays there: `llmroute bench --resume --run %s` continues "
                 "the run once the database can be written again\n",
                 run.id.c_str(), db_path.c_str(), context.store_error.c_str(), context.save_errors,
                 plan.pairs.size() - context.next, run.id.c_str());
    return 1;
  }
  if (context.failed > 0) {
    std::fprintf(stderr, "bench: %zu pairs failed; `llmroute bench --resume --run %s` retries them\n", context.failed,
                 run.id.c_str());
    return 1;
  }
  return out_error.empty() ? 0 : 1;
}

}  // namespace

int run_bench_command(int argc, char** argv) {
  std::string error;
  const std::optional<benchmark::BenchOptions> options = benchmark::parse_bench_options(argc, argv, error);
  if (!options) {
    std::fprintf(stderr, "llmroute bench: %s\n\n%s", error.c_str(), benchmark::kBenchUsage);
    return 2;
  }
  if (options->help) {
    std::fputs(benchmark::kBenchUsage, stdout);
    return 0;
  }
  try {
    return run(*options);
  } catch (const BenchSetupError& e) {
    std::fprintf(stderr, "llmroute bench: %s\n", e.message.c_str());
  } catch (const config::ConfigError& e) {  // the config or the classifier rules: already file:line:col: key: what
    std::fprintf(stderr, "%s\n", e.what());
  } catch (const tasks::TaskSuiteError& e) {  // already file:line:col: task.key: what
    std::fprintf(stderr, "%s\n", e.what());
  } catch (const BenchDatabaseError& e) {
    std::fprintf(stderr, "llmroute bench: %s\n", e.message.c_str());
    return 1;
  } catch (const std::exception& e) {  // the database (records::RecordStoreError: `path: what`) or the system
    std::fprintf(stderr, "llmroute bench: %s\n", e.what());
    return 1;
  }
  return 2;
}

}  // namespace llmroute::proxy
