// fork/exec with a deadline: everything the child does before exec is async-signal-safe (the bench has threads).
#include "benchmark/child_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace llmroute::benchmark {

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::vector<char*> pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

[[noreturn]] void child_fail(int status_fd, int err) {
  (void)!::write(status_fd, &err, sizeof err);
  ::_exit(127);
}

// In the forked child: only async-signal-safe calls until execve.
[[noreturn]] void exec_child(const ChildRunSpec& spec, char* const* argv, char* const* envp, int in, int out, int err,
                             int status_fd) {
  ::setpgid(0, 0);
  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) child_fail(status_fd, errno);
  if (::chdir(spec.cwd.c_str()) != 0) child_fail(status_fd, errno);
  const rlimit fsize{spec.max_file_bytes, spec.max_file_bytes};
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_FSIZE, &fsize);
  ::setrlimit(RLIMIT_CORE, &no_core);
  // Keep the status pipe (close-on-exec) open: a successful exec closes it, which tells the parent.
  if (status_fd > 3) ::close_range(3, static_cast<unsigned>(status_fd) - 1, 0);
  ::close_range(static_cast<unsigned>(status_fd) + 1, ~0u, 0);
  // Dispositions set to ignore and blocked signals survive exec; the program should see the defaults.
  ::signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(argv[0], argv, envp);
  child_fail(status_fd, errno);
}

}  // namespace

ChildRunResult run_child(const ChildRunSpec& spec) {
  ChildRunResult result;
  const auto started = Clock::now();
  Fd in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  Fd out(::open(spec.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  Fd err(::open(spec.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (in.get() < 0 || out.get() < 0 || err.get() < 0) {
    result.error = std::string("cannot open the child's standard streams: ") + std::strerror(errno);
    return result;
  }
  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) {
    result.error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  Fd status_read(status_pipe[0]);
  std::vector<char*> argv = pointers(spec.argv);
  std::vector<char*> envp = pointers(spec.env);

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(status_pipe[1]);
    result.error = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) exec_child(spec, argv.data(), envp.data(), in.get(), out.get(), err.get(), status_pipe[1]);
  ::close(status_pipe[1]);

  // The pipe closes on exec (nothing to read) or carries errno when exec failed.
  int exec_errno = 0;
  ssize_t n;
  do n = ::read(status_read.get(), &exec_errno, sizeof exec_errno);
  while (n < 0 && errno == EINTR);
  if (n == sizeof exec_errno) {
    ::waitpid(pid, nullptr, 0);
    result.error = "cannot run " + spec.argv.front() + ": " + std::strerror(exec_errno);
    return result;
  }

  // Through syscall(): Debian 12's <sys/pidfd.h> lacks the extern "C" that C++ needs.
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (pidfd.get() < 0) result.error = std::string("pidfd_open (Linux 5.3 or newer): ") + std::strerror(errno);
  const auto deadline = started + spec.timeout;
  bool exited = false;
  while (!exited && pidfd.get() >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{pidfd.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) break;
    exited = ready > 0;
  }
  if (!exited) {
    result.timed_out = result.error.empty();
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);  // in case it had not yet made its own group
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::kill(-pid, SIGKILL);  // whatever it left running in the background
  if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  return result;
}

}  // namespace llmroute::benchmark
