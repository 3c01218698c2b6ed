// Grammar and validation of the `judging:` section.
#include "config/judging_config.hpp"

#include "config/config.hpp"
#include "config/config_loader.hpp"
#include "config/yaml_section.hpp"

namespace llmroute::config {

namespace {

JudgeRetryConfig load_retry(Section s) {
  JudgeRetryConfig r;
  if (auto v = s.optional("invalid_verdict")) r.invalid_verdict = static_cast<std::uint32_t>(v->as_int(0, 5));
  if (auto v = s.optional("failed_call_attempts"))
    r.failed_call_attempts = static_cast<std::uint32_t>(v->as_int(1, 1000));
  if (auto v = s.optional("backoff")) r.backoff = v->as_duration();
  s.finish();
  return r;
}

}  // namespace

JudgingConfig load_judging(const Config& config, Section s) {
  JudgingConfig j;
  const NodeAt judges = s.required("judges");
  for (const NodeAt& item : sequence_items(judges)) {
    const ModelRef ref = resolve_model_ref(config, item);
    for (const ModelRef& earlier : j.judges)
      if (earlier == ref) item.fail("'" + item.as_string() + "' is listed twice");
    j.judges.push_back(ref);
  }
  // One judge cannot be checked against another: the protocol's disagreement review needs two.
  if (j.judges.size() < 2) judges.fail("at least two judge models are needed (preferably of different families)");
  if (auto v = s.optional("disagreement_threshold")) {
    j.disagreement_threshold = v->as_double(0);
    if (j.disagreement_threshold == 0 || j.disagreement_threshold > 4)
      v->fail("must be more than 0 and at most 4 (a difference of weighted scores on the 0-2 scale)");
  }
  if (auto v = s.optional("min_n")) j.min_n = static_cast<std::uint32_t>(v->as_int(2, 1'000'000));
  if (auto v = s.optional("parity_margin")) {
    j.parity_margin = v->as_double(0);
    if (j.parity_margin > 2) v->fail("must be at most 2 (weighted scores run from 0 to 2)");
  }
  if (auto v = s.optional("concurrency")) j.concurrency = static_cast<std::uint32_t>(v->as_int(1, 64));
  if (auto v = s.optional("max_tokens")) j.max_tokens = static_cast<std::uint32_t>(v->as_int(16, 1'000'000));
  if (auto v = s.optional("timeout")) {
    j.timeout = v->as_duration();
    if (j.timeout.count() <= 0) v->fail("must be more than 0");
  }
  if (auto v = s.optional("retry")) j.retry = load_retry(Section(*v));
  s.finish();
  // The judge queue lives in the records database.
  if (!config.records.enabled) s.at().fail("judging needs the records database (records.enabled is false)");
  return j;
}

}  // namespace llmroute::config
