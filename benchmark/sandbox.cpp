// Functional-check sandbox: temporary directory, minimal environment, network namespace when available.
#include "benchmark/sandbox.hpp"

#include "benchmark/child_run.hpp"
#include "benchmark/code_block.hpp"

#include <boost/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace llmroute::benchmark {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxReadBytes = 1u << 20;

// A scratch directory removed with its contents when it goes out of scope.
class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/llmroute-check-XXXXXX";
    if (::mkdtemp(pattern.data())) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& path, std::size_t limit = kMaxReadBytes) {
  std::ifstream in(path, std::ios::binary);
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

bool write_file(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  return static_cast<bool>(out);
}

// The first executable `name` on the inherited PATH.
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

std::vector<std::string> inherited_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  return env;
}

// The environment every checked program gets: nothing inherited, so no proxy variables and no keys.
std::vector<std::string> check_environment(const fs::path& home) {
  return {"PATH=/usr/local/bin:/usr/bin:/bin",
          "HOME=" + home.string(),
          "TMPDIR=" + home.string(),
          "LANG=C.UTF-8",
          "LC_ALL=C.UTF-8",
          "PYTHONDONTWRITEBYTECODE=1",
          "PYTHONIOENCODING=utf-8",
          "PYTHONNOUSERSITE=1",
          "PYTHONHASHSEED=0"};
}

std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  const auto nl = text.rfind('\n');
  std::string line(nl == std::string_view::npos ? text : text.substr(nl + 1));
  if (line.size() > 300) line = line.substr(0, 300) + "…";
  return line;
}

std::string seconds(std::chrono::milliseconds ms) {
  std::ostringstream out;
  out << static_cast<double>(ms.count()) / 1000.0 << " s";
  return out.str();
}

// Why a finished step failed, or empty when it passed.
std::string judge_step(const tasks::CheckStep& step, const ChildRunResult& run, const std::string& out,
                       const std::string& err, const fs::path& work) {
  if (!run.error.empty()) return run.error;
  if (run.signal) return "killed by signal " + std::to_string(*run.signal);
  std::string why;
  if (run.exit_status != step.exit_status)
    why = "exit status " + std::to_string(run.exit_status.value_or(-1)) + ", expected " + std::to_string(step.exit_status);
  for (const std::string& text : step.stdout_has)
    if (why.empty() && out.find(text) == std::string::npos) why = "stdout lacks '" + text + "'";
  for (const std::string& text : step.stdout_lacks)
    if (why.empty() && out.find(text) != std::string::npos) why = "stdout still has '" + text + "'";
  std::error_code ec;
  for (const std::string& name : step.files_exist)
    if (why.empty() && !fs::exists(work / name, ec)) why = "no file " + name + " afterwards";
  if (!why.empty() && !err.empty()) why += " (stderr: " + last_line(err) + ")";
  return why;
}

}  // namespace

std::string to_json(const CheckOutcome& outcome) {
  boost::json::array steps;
  for (const StepOutcome& s : outcome.steps)
    steps.push_back(boost::json::object{{"name", s.name}, {"passed", s.passed}, {"detail", s.detail}});
  return boost::json::serialize(boost::json::object{
      {"passed", outcome.passed}, {"total", outcome.total}, {"problem", outcome.problem}, {"steps", std::move(steps)}});
}

Sandbox::Sandbox(std::string python, std::string unshare, NetworkIsolation isolation, std::string why)
    : python_(std::move(python)), unshare_(std::move(unshare)), isolation_(isolation), why_(std::move(why)) {}

std::optional<Sandbox> Sandbox::detect(std::string& error) {
  const std::string python3 = find_on_path("python3");
  if (python3.empty()) {
    error = "no python3 on PATH (scripts/install-deps installs it); functional checks need it";
    return std::nullopt;
  }
  ScratchDir dir;
  if (dir.path().empty()) {
    error = "cannot create a temporary directory for functional checks";
    return std::nullopt;
  }
  // pyenv and similar put a shell shim on PATH that needs the caller's environment: ask for the real binary.
  ChildRunSpec ask{{python3, "-c", "import sys; print(sys.executable)"}, inherited_environment(), dir.path(),
                   dir.path() / "out", dir.path() / "err", std::chrono::seconds(20)};
  const ChildRunResult asked = run_child(ask);
  const std::string python = last_line(read_file(ask.stdout_path));
  if (asked.exit_status != 0 || python.empty() || python.front() != '/') {
    error = python3 + " does not run: " + (asked.error.empty() ? last_line(read_file(ask.stderr_path)) : asked.error);
    return std::nullopt;
  }
  const std::string unshare = find_on_path("unshare");
  if (unshare.empty())
    return Sandbox(python, "", NetworkIsolation::environment_only, "no unshare on PATH");
  ChildRunSpec probe{{unshare, "-rn", python, "-c", "pass"}, check_environment(dir.path()), dir.path(),
                     dir.path() / "out", dir.path() / "err", std::chrono::seconds(20)};
  const ChildRunResult probed = run_child(probe);
  if (probed.exit_status == 0) return Sandbox(python, unshare, NetworkIsolation::network_namespace, "");
  return Sandbox(python, "", NetworkIsolation::environment_only,
                 "unshare -rn failed: " + (probed.error.empty() ? last_line(read_file(probe.stderr_path)) : probed.error));
}

std::string Sandbox::describe() const {
  if (isolation_ == NetworkIsolation::network_namespace) return "python " + python_ + ", network namespace (unshare -rn)";
  return "python " + python_ + ", NO network isolation (" + why_ + "): checks run without proxy variables only";
}

CheckOutcome Sandbox::run(const tasks::FunctionalCheck& check, std::string_view answer) const {
  CheckOutcome outcome;
  outcome.total = static_cast<int>(check.steps.size());
  auto fail_all = [&](const std::string& problem) {
    outcome.problem = problem;
    for (const tasks::CheckStep& step : check.steps) outcome.steps.push_back({step.name, false, "not run: " + problem});
    return outcome;
  };
  const std::optional<std::string> code = extract_code_block(answer, check.file);
  if (!code) return fail_all("no code block for " + check.file + " in the answer");
  ScratchDir dir;
  if (dir.path().empty()) return fail_all("cannot create a temporary directory");
  const fs::path work = dir.path() / "work";
  std::error_code ec;
  fs::create_directory(work, ec);
  bool written = !ec && write_file(work / check.file, *code);
  for (const auto& [name, text] : check.files) written = written && write_file(work / name, text);
  if (!written) return fail_all("cannot write the program into " + work.string());

  std::string skipped;  // set once a step timed out: the rest would wait the same way
  for (const tasks::CheckStep& step : check.steps) {
    if (!skipped.empty()) {
      outcome.steps.push_back({step.name, false, skipped});
      continue;
    }
    ChildRunSpec spec;
    if (!unshare_.empty()) spec.argv = {unshare_, "-rn"};
    spec.argv.push_back(python_);
    spec.argv.push_back(step.run);
    spec.argv.insert(spec.argv.end(), step.args.begin(), step.args.end());
    spec.env = check_environment(work);
    spec.cwd = work;
    spec.stdout_path = dir.path() / "stdout";
    spec.stderr_path = dir.path() / "stderr";
    spec.timeout = check.timeout;
    const ChildRunResult run = run_child(spec);
    StepOutcome step_outcome{step.name, false, {}};
    if (run.timed_out) {
      step_outcome.detail = "no exit within " + seconds(check.timeout) + " (stdin is /dev/null: waiting for input?)";
      skipped = "not run: an earlier step timed out";
    } else {
      step_outcome.detail = judge_step(step, run, read_file(spec.stdout_path), read_file(spec.stderr_path), work);
    }
    step_outcome.passed = step_outcome.detail.empty();
    outcome.passed += step_outcome.passed ? 1 : 0;
    outcome.steps.push_back(std::move(step_outcome));
  }
  return outcome;
}

}  // namespace llmroute::benchmark
