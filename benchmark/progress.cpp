// Progress rendering: pure string building plus writes to one FILE*.
#include "benchmark/progress.hpp"

#include <unistd.h>

namespace llmroute::benchmark {

namespace {

constexpr std::size_t kBarWidth = 24;

}  // namespace

std::string format_duration(std::chrono::seconds duration) {
  const long long s = duration.count() < 0 ? 0 : duration.count();
  char text[32];
  if (s < 60) std::snprintf(text, sizeof text, "%llds", s);
  else if (s < 3600) std::snprintf(text, sizeof text, "%lldm%02llds", s / 60, s % 60);
  else std::snprintf(text, sizeof text, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  return text;
}

Progress::Progress(std::FILE* out, Style style, std::size_t total, Clock::time_point start)
    : out_(out), style_(style), total_(total), start_(start) {}

Progress::Style Progress::style_for(std::FILE* out) { return ::isatty(::fileno(out)) ? Style::bar : Style::lines; }

std::string Progress::counts(Clock::time_point now) const {
  std::string text = std::to_string(done_) + "/" + std::to_string(total_) + " " +
                     std::to_string(total_ == 0 ? 100 : 100 * done_ / total_) + "%";
  if (done_ == 0 || done_ >= total_) return text;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start_);
  const auto left = elapsed * static_cast<long long>(total_ - done_) / static_cast<long long>(done_);
  return text + " · ETA " + format_duration(std::chrono::duration_cast<std::chrono::seconds>(left));
}

std::string Progress::status(Clock::time_point now) const {
  const std::size_t filled = total_ == 0 ? kBarWidth : kBarWidth * done_ / total_;
  return "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] " + counts(now);
}

void Progress::redraw(const std::string& label, Clock::time_point now) {
  std::fprintf(out_, "\r\033[K%s%s%s", status(now).c_str(), label.empty() ? "" : " · ", label.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void Progress::started(const std::string& label) {
  if (style_ == Style::bar) redraw(label, Clock::now());
}

void Progress::finished(const std::string& label, const std::string& outcome, Clock::time_point now) {
  ++done_;
  if (style_ == Style::bar) {
    // The finished pair stays on its own line; the bar is redrawn under it.
    std::fprintf(out_, "\r\033[K%s: %s\n", label.c_str(), outcome.c_str());
    redraw("", now);
    return;
  }
  std::fprintf(out_, "bench: %s · %s: %s\n", counts(now).c_str(), label.c_str(), outcome.c_str());
  std::fflush(out_);
}

void Progress::close() {
  if (style_ == Style::bar && drawn_) std::fputc('\n', out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace llmroute::benchmark
