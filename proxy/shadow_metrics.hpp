// Prometheus lines of shadow benchmarking: shadows running and started or stopped by their gates, this month's
// shadow spend, and the judge worker's progress.
#pragma once

#include <string>

namespace llmroute::proxy {

class ShadowRunner;
class JudgeWorker;

/// The shadow and judge metrics in the text exposition format (appended to /metrics); `judges` may be null
/// (no judging configured). Call on the I/O thread: both objects live there.
std::string shadow_metrics_text(ShadowRunner& shadows, const JudgeWorker* judges, const std::string& currency);

}  // namespace llmroute::proxy
