// Task classification: the Classifier interface and the rule-based implementation driven by rules.yaml.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "router/keyword_matcher.hpp"
#include "router/request_features.hpp"
#include "router/task_kind.hpp"

namespace llmroute::router {

struct Prose;

/// The verdict on one request.
struct Classification {
  TaskKind kind = TaskKind::simple_coding;
  double confidence = 0;  ///< 0..1; explicit client signals are near 1, weak keyword evidence near 0.3
  std::string rule;       ///< which signal or rule decided, e.g. "signal/aider-commit" or "debugging/traceback"
};

/// Decides the task of a request from its features. Pure: no I/O, no state between calls.
class Classifier {
 public:
  virtual ~Classifier() = default;
  virtual Classification classify(const RequestFeatures& features) const = 0;
};

/// Classifies by explicit client signals first (title generation, compaction, probes, count_tokens,
/// Codex subagent headers, commit-message prompts), then the long-context threshold, then weighted
/// keyword and structure rules over the user's prompt. Immutable after loading; thread-safe.
class RuleClassifier final : public Classifier {
 public:
  /// Compiles rules from YAML text. Throws config::ConfigError formatted
  /// "source:line:col: key.path: what is wrong" on any error (startup only: commands exit 2 on it).
  static RuleClassifier from_yaml(std::string_view yaml_text, std::string_view source_name);

  /// Reads and compiles a rules file (startup only; same errors as from_yaml, or
  /// "path:1:1: (document): cannot open the rules file: No such file or directory" and the like).
  static RuleClassifier from_file(const std::string& path);

  Classification classify(const RequestFeatures& features) const override;

  /// The weighted score of each kind for a request's prompt (indexed like kAllTaskKinds).
  std::array<double, kAllTaskKinds.size()> scores(const RequestFeatures& features) const;

  std::uint32_t long_context_tokens() const { return long_context_tokens_; }

  /// A copy whose long-context threshold is `tokens` (the config's routing.long_context_tokens wins
  /// over the rules file's). Startup only; the result is as immutable as this one.
  RuleClassifier with_long_context_tokens(std::uint32_t tokens) const {
    RuleClassifier copy = *this;
    copy.long_context_tokens_ = tokens;
    return copy;
  }

  /// Numeric request features a rule may test, by their YAML names.
  enum class Feature {
    tracebacks,
    code_fences,
    diff_markers,
    file_paths,
    code_lines,
    prompt_chars,
    prompt_lines,
    tool_count,
    messages,
    user_messages,
    tool_results,
    content_tokens,
    has_images,
    prose_words,        ///< words of the user's own prose (pasted code, diffs and traces left out)
    numbers,            ///< numbers in the prose ("4 nodes", "99.9%")
    question,           ///< 1 when the prose is a question
    list_items,         ///< most items in one enumeration of the prose
    prose_paths,        ///< file paths named in the prose
    tool_continuation,  ///< 1 when the conversation ends with tool results
  };

  /// One weighted rule: all its conditions must hold; it then adds weight × min(hits, max_hits).
  struct Rule {
    std::string name;
    TaskKind kind = TaskKind::simple_coding;
    double weight = 0;
    std::vector<std::uint32_t> any;   ///< keyword ids; at least one must match (if not empty)
    std::vector<std::uint32_t> also;  ///< keyword ids; if not empty, one must match as well as one of `any`
    std::vector<std::uint32_t> none;  ///< keyword ids; none may match
    std::uint32_t max_hits = 1;
    std::uint32_t within = 0;  ///< if set, a keyword of `any` must start in the first `within` bytes
    struct Range {
      Feature feature;
      double min = -std::numeric_limits<double>::infinity();
      double max = std::numeric_limits<double>::infinity();
    };
    std::vector<Range> ranges;
    std::vector<ClientKind> clients;  ///< if not empty, only for these clients
  };

  /// Phrase lists behind the explicit signals.
  enum class Signal { title_generation, compaction, side_request, commit_instruction };

 private:
  RuleClassifier() = default;

  /// Most rules a file may hold: scoring keeps one counter per rule on the stack.
  static constexpr std::size_t kMaxRules = 1024;

  // What scoring reads of a rule for every request, packed so that all rules share a few cache lines.
  struct CompiledRule {
    double weight = 0;
    std::uint32_t max_hits = 1;
    std::uint32_t ranges_begin = 0;  ///< the rule's feature tests are ranges_[ranges_begin, ranges_end)
    std::uint32_t ranges_end = 0;
    std::uint16_t client_mask = 0;  ///< one bit per ClientKind value; 0 = every client
    std::uint8_t kind = 0;          ///< index in kAllTaskKinds
    bool needs_any = false;
    bool needs_also = false;
  };
  // One place a keyword is listed: the `any`, `also` or `none` list of one rule.
  enum class KeywordList : std::uint8_t { any, also, none };
  struct KeywordUse {
    std::uint32_t rule = 0;  ///< index in rules_
    KeywordList list = KeywordList::any;
    std::uint32_t within = 0;  ///< for `any`: the rule's `within` (0 = anywhere)
  };

  struct Scored;
  Scored score(const RequestFeatures& features, const Prose& prose) const;
  /// The signals (bit 1 << Signal) whose phrases occur in lowercase(text); `is_lowercase` says the
  /// text is lowercase already.
  std::uint32_t signals_in(std::string_view text, bool is_lowercase) const;
  /// Derives compiled_, ranges_ and the keyword uses from rules_ (startup).
  void compile();

  std::uint32_t long_context_tokens_ = 25000;
  double min_score_ = 1.0;
  TaskKind fallback_ = TaskKind::simple_coding;
  std::array<std::uint32_t, kAllTaskKinds.size()> rank_{};  ///< tie-break order (lower wins), from `priority`
  KeywordMatcher keywords_;
  std::vector<Rule> rules_;
  std::vector<CompiledRule> compiled_;        ///< rules_ in the same order
  std::vector<Rule::Range> ranges_;
  std::vector<std::uint32_t> uses_begin_;     ///< per keyword id, its uses are uses_[uses_begin_[id], uses_begin_[id + 1])
  std::vector<KeywordUse> uses_;
  KeywordMatcher signal_phrases_;
  std::vector<Signal> signal_of_phrase_;
};

}  // namespace llmroute::router
