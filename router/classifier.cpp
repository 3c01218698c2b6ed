// The rule classifier: strict loading of rules.yaml, explicit client signals, then weighted rules.
#include "router/classifier.hpp"

#include "config/config_text.hpp"
#include "config/startup_file.hpp"
#include "config/yaml_section.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

#include "router/prose.hpp"
#include "router/word_stems.hpp"

namespace llmroute::router {

namespace {

// Where a YAML node sits, for startup errors formatted "source:line:col: key.path: what".
struct At {
  std::string_view source;
  std::string path;
  YAML::Node node;

  [[noreturn]] void fail(std::string_view what) const {
    YAML::Mark mark = node.Mark();
    std::ostringstream out;
    out << source << ':' << (mark.line + 1) << ':' << (mark.column + 1) << ": " << (path.empty() ? "(document)" : path) << ": "
        << what;
    throw config::ConfigError(out.str());
  }
  At child(std::string_view key) const { return At{source, path.empty() ? std::string(key) : path + "." + std::string(key), node[std::string(key)]}; }
  At item(std::size_t index, const YAML::Node& value) const {
    return At{source, path + "[" + std::to_string(index) + "]", value};
  }

  std::string as_string() const {
    if (!node.IsScalar()) fail("expected a string");
    return node.as<std::string>();
  }
  double as_double() const {
    if (!node.IsScalar()) fail("expected a number");
    try {
      return node.as<double>();
    } catch (const YAML::Exception&) {
      fail("expected a number, got '" + node.as<std::string>() + "'");
    }
  }
  std::vector<std::string> as_strings() const {
    if (!node.IsSequence()) fail("expected a list of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < node.size(); ++i) out.push_back(item(i, node[i]).as_string());
    return out;
  }
  // A mapping key as text; YAML allows lists and mappings as keys, which name nothing here.
  std::string key_of(const YAML::Node& key) const {
    if (!key.IsScalar()) At{source, path, key}.fail("expected a plain key, found a list or mapping");
    return key.as<std::string>();
  }
  // Rejects keys outside `known`, naming the first stray one.
  void only_keys(std::initializer_list<std::string_view> known) const {
    if (!node.IsMap()) fail("expected a mapping");
    for (const auto& entry : node) {
      std::string key = key_of(entry.first);
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        At{source, path.empty() ? key : path + "." + key, entry.first}.fail("unknown key");
      }
    }
  }
};

struct FeatureName {
  std::string_view name;
  RuleClassifier::Feature feature;
};
constexpr std::array kFeatureNames = {
    FeatureName{"tracebacks", RuleClassifier::Feature::tracebacks},
    FeatureName{"code_fences", RuleClassifier::Feature::code_fences},
    FeatureName{"diff_markers", RuleClassifier::Feature::diff_markers},
    FeatureName{"file_paths", RuleClassifier::Feature::file_paths},
    FeatureName{"code_lines", RuleClassifier::Feature::code_lines},
    FeatureName{"prompt_chars", RuleClassifier::Feature::prompt_chars},
    FeatureName{"prompt_lines", RuleClassifier::Feature::prompt_lines},
    FeatureName{"tool_count", RuleClassifier::Feature::tool_count},
    FeatureName{"messages", RuleClassifier::Feature::messages},
    FeatureName{"user_messages", RuleClassifier::Feature::user_messages},
    FeatureName{"tool_results", RuleClassifier::Feature::tool_results},
    FeatureName{"content_tokens", RuleClassifier::Feature::content_tokens},
    FeatureName{"has_images", RuleClassifier::Feature::has_images},
    FeatureName{"prose_words", RuleClassifier::Feature::prose_words},
    FeatureName{"numbers", RuleClassifier::Feature::numbers},
    FeatureName{"question", RuleClassifier::Feature::question},
    FeatureName{"list_items", RuleClassifier::Feature::list_items},
    FeatureName{"prose_paths", RuleClassifier::Feature::prose_paths},
    FeatureName{"tool_continuation", RuleClassifier::Feature::tool_continuation},
};

struct SignalName {
  std::string_view name;
  RuleClassifier::Signal signal;
};
constexpr std::array kSignalNames = {
    SignalName{"title_generation", RuleClassifier::Signal::title_generation},
    SignalName{"compaction", RuleClassifier::Signal::compaction},
    SignalName{"side_request", RuleClassifier::Signal::side_request},
    SignalName{"commit_instruction", RuleClassifier::Signal::commit_instruction},
};

constexpr std::array kClientKinds = {
    ClientKind::unknown,      ClientKind::claude_code, ClientKind::codex,      ClientKind::qwen_code,
    ClientKind::continue_dev, ClientKind::aider,       ClientKind::openai_sdk, ClientKind::anthropic_sdk,
};

double feature_value(const RequestFeatures& f, const Prose& prose, RuleClassifier::Feature feature) {
  using F = RuleClassifier::Feature;
  switch (feature) {
    case F::tracebacks: return f.prompt_stats.tracebacks;
    case F::code_fences: return f.prompt_stats.code_fences;
    case F::diff_markers: return f.prompt_stats.diff_markers;
    case F::file_paths: return f.prompt_stats.file_paths;
    case F::code_lines: return f.prompt_stats.code_lines;
    case F::prompt_chars: return static_cast<double>(f.prompt_chars);
    case F::prompt_lines: return f.prompt_stats.lines;
    case F::tool_count: return f.tool_count;
    case F::messages: return f.message_count;
    case F::user_messages: return f.user_messages;
    case F::tool_results: return f.tool_results;
    case F::content_tokens: return f.content_tokens;
    case F::has_images: return f.has_images ? 1 : 0;
    case F::prose_words: return prose.words;
    case F::numbers: return prose.numbers;
    case F::question: return prose.question ? 1 : 0;
    case F::list_items: return prose.list_items;
    case F::prose_paths: return prose.paths;
    case F::tool_continuation: return f.tool_continuation ? 1 : 0;
  }
  return 0;
}

std::size_t index_of(TaskKind kind) {
  for (std::size_t i = 0; i < kAllTaskKinds.size(); ++i) {
    if (kAllTaskKinds[i] == kind) return i;
  }
  return 0;
}

TaskKind parse_kind_at(const At& at, std::string_view name) {
  auto kind = parse_task_kind(name);
  if (!kind) at.fail("unknown task kind '" + std::string(name) + "'");
  return *kind;
}

// Adds a YAML list of keywords. Rule keywords are normalised like the prompt (stems, filler words
// dropped, negation marked); signal phrases are a client's fixed wording and stay literal.
enum class KeywordForm { stems, literal };
std::vector<std::uint32_t> add_keywords(KeywordMatcher& matcher, const At& at, KeywordForm form) {
  std::vector<std::uint32_t> ids;
  for (const std::string& word : at.as_strings()) {
    bool lowercase = std::none_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    std::string_view core = word;
    bool star_before = false;
    bool star_after = false;
    while (!core.empty() && core.front() == '*') {
      core.remove_prefix(1);
      star_before = true;
    }
    while (!core.empty() && core.back() == '*') {
      core.remove_suffix(1);
      star_after = true;
    }
    if (core.empty()) at.fail("empty keyword");
    if (!lowercase) at.fail("keyword '" + word + "' must be lowercase (prompts are matched lowercased)");
    if (matcher.size() >= KeywordMatcher::kMaxPatterns) at.fail("too many keywords (at most 16384 in all)");
    if (form == KeywordForm::literal) {
      ids.push_back(matcher.add(word));
      continue;
    }
    std::string stems = normalise_words(core);
    if (stems.empty()) at.fail("keyword '" + word + "' has no words left once normalised (only filler words or punctuation)");
    ids.push_back(matcher.add((star_before ? "*" : "") + stems + (star_after ? "*" : "")));
  }
  return ids;
}

Classification signalled(TaskKind kind, std::string rule, double confidence = 0.97) {
  return Classification{kind, confidence, std::move(rule)};
}

}  // namespace

struct RuleClassifier::Scored {
  std::array<double, kAllTaskKinds.size()> score{};
  std::array<double, kAllTaskKinds.size()> best_rule_weight{};
  std::array<const Rule*, kAllTaskKinds.size()> best_rule{};
};

RuleClassifier RuleClassifier::from_yaml(std::string_view yaml_text, std::string_view source_name) {
  // As for a config: yaml-cpp would read bytes that are not text (a database, a binary) into odd errors or keywords.
  if (const auto fault = config::find_text_fault(yaml_text))
    throw config::ConfigError(std::string(source_name) + ":" + std::to_string(fault->line) + ":" + std::to_string(fault->column) +
                              ": (document): " + fault->what);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::ParserException& e) {
    std::ostringstream out;
    out << source_name << ':' << (e.mark.line + 1) << ':' << (e.mark.column + 1) << ": (document): " << e.msg;
    throw config::ConfigError(out.str());
  }
  // An empty file (or one holding a lone scalar) has no position of its own to point at: the error names the file.
  if (!root.IsMap()) {
    const std::string what = root.IsNull() ? "the rules file is empty" : "expected a mapping of signals and rules";
    throw config::ConfigError(std::string(source_name) + ":1:1: (document): " + what);
  }
  At top{source_name, "", root};
  top.only_keys({"long_context_tokens", "min_score", "fallback", "priority", "signals", "rules"});

  RuleClassifier c;
  if (root["long_context_tokens"]) {
    double tokens = top.child("long_context_tokens").as_double();
    if (tokens < 1 || tokens > 10'000'000) top.child("long_context_tokens").fail("must be between 1 and 10000000");
    c.long_context_tokens_ = static_cast<std::uint32_t>(tokens);
  }
  if (root["min_score"]) c.min_score_ = top.child("min_score").as_double();
  if (root["fallback"]) {
    At fallback = top.child("fallback");
    c.fallback_ = parse_kind_at(fallback, fallback.as_string());
  }
  for (std::size_t k = 0; k < kAllTaskKinds.size(); ++k) c.rank_[k] = static_cast<std::uint32_t>(kAllTaskKinds.size() + k);
  if (root["priority"]) {
    At priority = top.child("priority");
    std::vector<std::string> names = priority.as_strings();
    for (std::size_t i = 0; i < names.size(); ++i) {
      At item = priority.item(i, priority.node[i]);
      std::size_t k = index_of(parse_kind_at(item, names[i]));
      if (c.rank_[k] < kAllTaskKinds.size()) item.fail("task kind '" + names[i] + "' is listed twice");
      c.rank_[k] = static_cast<std::uint32_t>(i);
    }
  }

  At signals = top.child("signals");
  if (!signals.node) top.fail("missing key 'signals'");
  signals.only_keys({"title_generation", "compaction", "side_request", "commit_instruction"});
  for (const SignalName& s : kSignalNames) {
    At list = signals.child(s.name);
    if (!list.node) signals.fail("missing key '" + std::string(s.name) + "'");
    for (std::uint32_t id : add_keywords(c.signal_phrases_, list, KeywordForm::literal)) {
      (void)id;
      c.signal_of_phrase_.push_back(s.signal);
    }
  }

  At rules = top.child("rules");
  if (!rules.node || !rules.node.IsMap()) top.fail("missing mapping 'rules' (task kind -> list of rules)");
  for (const auto& entry : rules.node) {
    std::string kind_name = rules.key_of(entry.first);
    At kind_at{source_name, "rules." + kind_name, entry.second};
    TaskKind kind = parse_kind_at(At{source_name, "rules." + kind_name, entry.first}, kind_name);
    if (!entry.second.IsSequence()) kind_at.fail("expected a list of rules");
    for (std::size_t i = 0; i < entry.second.size(); ++i) {
      At rule_at = kind_at.item(i, entry.second[i]);
      rule_at.only_keys({"name", "weight", "any", "also", "none", "max_hits", "within", "feature", "min", "max",
                         "features", "clients"});
      Rule rule;
      rule.kind = kind;
      if (!rule_at.node["name"]) rule_at.fail("missing key 'name'");
      rule.name = kind_name + "/" + rule_at.child("name").as_string();
      if (!rule_at.node["weight"]) rule_at.fail("missing key 'weight'");
      rule.weight = rule_at.child("weight").as_double();
      if (rule_at.node["any"]) rule.any = add_keywords(c.keywords_, rule_at.child("any"), KeywordForm::stems);
      if (rule_at.node["also"]) rule.also = add_keywords(c.keywords_, rule_at.child("also"), KeywordForm::stems);
      if (rule_at.node["none"]) rule.none = add_keywords(c.keywords_, rule_at.child("none"), KeywordForm::stems);
      if (rule_at.node["max_hits"]) {
        double hits = rule_at.child("max_hits").as_double();
        if (hits < 1) rule_at.child("max_hits").fail("must be at least 1");
        rule.max_hits = static_cast<std::uint32_t>(hits);
      }
      if (rule_at.node["within"]) {
        double within = rule_at.child("within").as_double();
        if (within < 1) rule_at.child("within").fail("must be at least 1 (bytes from the start of the prompt)");
        rule.within = static_cast<std::uint32_t>(within);
      }
      auto add_range = [&rule](const At& at) {
        at.only_keys({"feature", "min", "max"});
        std::string name = at.child("feature").as_string();
        auto found = std::find_if(kFeatureNames.begin(), kFeatureNames.end(),
                                  [&](const FeatureName& f) { return f.name == name; });
        if (found == kFeatureNames.end()) at.child("feature").fail("unknown feature '" + name + "'");
        Rule::Range range{found->feature};
        if (at.node["min"]) range.min = at.child("min").as_double();
        if (at.node["max"]) range.max = at.child("max").as_double();
        rule.ranges.push_back(range);
      };
      if (rule_at.node["feature"]) {
        YAML::Node single;
        single["feature"] = rule_at.node["feature"];
        if (rule_at.node["min"]) single["min"] = rule_at.node["min"];
        if (rule_at.node["max"]) single["max"] = rule_at.node["max"];
        add_range(At{source_name, rule_at.path, single});
      } else if (rule_at.node["min"] || rule_at.node["max"]) {
        rule_at.fail("'min'/'max' need a 'feature'");
      }
      if (rule_at.node["features"]) {
        At list = rule_at.child("features");
        if (!list.node.IsSequence()) list.fail("expected a list of {feature, min, max}");
        for (std::size_t k = 0; k < list.node.size(); ++k) add_range(list.item(k, list.node[k]));
      }
      if (rule_at.node["clients"]) {
        At clients = rule_at.child("clients");
        for (const std::string& name : clients.as_strings()) {
          auto found = std::find_if(kClientKinds.begin(), kClientKinds.end(),
                                    [&](ClientKind k) { return to_string(k) == name; });
          if (found == kClientKinds.end()) clients.fail("unknown client '" + name + "'");
          rule.clients.push_back(*found);
        }
      }
      if (rule.any.empty() && rule.ranges.empty()) rule_at.fail("a rule needs 'any' keywords or a 'feature' test");
      if (c.rules_.size() >= kMaxRules) rule_at.fail("too many rules (at most 1024)");
      c.rules_.push_back(std::move(rule));
    }
  }
  c.keywords_.build();
  c.signal_phrases_.build();
  c.compile();
  return c;
}

RuleClassifier RuleClassifier::from_file(const std::string& path) {
  // The same limit as a config's: a rules file is hand-written YAML of a few tens of KB.
  constexpr std::size_t kMaxRulesBytes = 16u << 20;
  const config::StartupFile file = config::read_startup_file(path, "rules file", kMaxRulesBytes);
  if (!file.text) throw config::ConfigError(path + ":1:1: (document): " + file.error);
  return from_yaml(*file.text, path);
}

void RuleClassifier::compile() {
  static_assert(kClientKinds.size() <= 16, "client_mask has 16 bits");
  compiled_.clear();
  ranges_.clear();
  std::vector<std::vector<KeywordUse>> uses(keywords_.size());
  for (std::uint32_t r = 0; r < rules_.size(); ++r) {
    const Rule& rule = rules_[r];
    CompiledRule compiled;
    compiled.weight = rule.weight;
    compiled.max_hits = rule.max_hits;
    compiled.kind = static_cast<std::uint8_t>(index_of(rule.kind));
    compiled.needs_any = !rule.any.empty();
    compiled.needs_also = !rule.also.empty();
    for (ClientKind client : rule.clients) compiled.client_mask |= static_cast<std::uint16_t>(1u << static_cast<unsigned>(client));
    compiled.ranges_begin = static_cast<std::uint32_t>(ranges_.size());
    ranges_.insert(ranges_.end(), rule.ranges.begin(), rule.ranges.end());
    compiled.ranges_end = static_cast<std::uint32_t>(ranges_.size());
    compiled_.push_back(compiled);
    for (std::uint32_t id : rule.any) uses[id].push_back(KeywordUse{r, KeywordList::any, rule.within});
    for (std::uint32_t id : rule.also) uses[id].push_back(KeywordUse{r, KeywordList::also, 0});
    for (std::uint32_t id : rule.none) uses[id].push_back(KeywordUse{r, KeywordList::none, 0});
  }
  uses_begin_.assign(1, 0);
  uses_.clear();
  for (const auto& of_keyword : uses) {
    uses_.insert(uses_.end(), of_keyword.begin(), of_keyword.end());
    uses_begin_.push_back(static_cast<std::uint32_t>(uses_.size()));
  }
}

std::uint32_t RuleClassifier::signals_in(std::string_view text, bool is_lowercase) const {
  std::uint32_t found = 0;
  auto on_hit = [&](std::uint32_t id, std::uint32_t) { found |= 1u << static_cast<unsigned>(signal_of_phrase_[id]); };
  if (is_lowercase) {
    signal_phrases_.find(text, on_hit);
  } else {
    signal_phrases_.find_lowercased(text, on_hit);
  }
  return found;
}

RuleClassifier::Scored RuleClassifier::score(const RequestFeatures& features, const Prose& prose) const {
  Scored scored;
  // Per rule: how many of its `any` keywords occur (low bits), whether one of `also` / of `none` does.
  // Only the rules of the keywords found are touched; a keyword's first occurrence decides `within`.
  constexpr std::uint32_t kAlsoFound = 1u << 30;
  constexpr std::uint32_t kNoneFound = 1u << 31;
  constexpr std::uint32_t kAnyHits = kAlsoFound - 1;
  std::array<std::uint32_t, kMaxRules> state;
  std::fill_n(state.begin(), compiled_.size(), 0u);
  keywords_.find(normalise_words(prose.text), [&](std::uint32_t id, std::uint32_t offset) {
    for (std::uint32_t u = uses_begin_[id]; u < uses_begin_[id + 1]; ++u) {
      const KeywordUse& use = uses_[u];
      switch (use.list) {
        case KeywordList::any:
          if (use.within == 0 || offset < use.within) ++state[use.rule];
          break;
        case KeywordList::also: state[use.rule] |= kAlsoFound; break;
        case KeywordList::none: state[use.rule] |= kNoneFound; break;
      }
    }
  });
  const auto client_bit = static_cast<std::uint16_t>(1u << static_cast<unsigned>(features.client));
  for (std::size_t r = 0; r < compiled_.size(); ++r) {
    const CompiledRule& rule = compiled_[r];
    if (rule.client_mask != 0 && (rule.client_mask & client_bit) == 0) continue;
    std::uint32_t hits = 1;
    if (rule.needs_any) {
      hits = state[r] & kAnyHits;
      if (hits == 0) continue;
    }
    if (rule.needs_also && (state[r] & kAlsoFound) == 0) continue;
    if ((state[r] & kNoneFound) != 0) continue;
    bool in_range = std::all_of(ranges_.begin() + rule.ranges_begin, ranges_.begin() + rule.ranges_end, [&](const Rule::Range& range) {
      double v = feature_value(features, prose, range.feature);
      return v >= range.min && v <= range.max;
    });
    if (!in_range) continue;
    double add = rule.weight * std::min(hits, rule.max_hits);
    std::size_t k = rule.kind;
    scored.score[k] += add;
    if (add > scored.best_rule_weight[k]) {
      scored.best_rule_weight[k] = add;
      scored.best_rule[k] = &rules_[r];
    }
  }
  return scored;
}

std::array<double, kAllTaskKinds.size()> RuleClassifier::scores(const RequestFeatures& features) const {
  return score(features, prose_of(lowercase(features.prompt))).score;
}

Classification RuleClassifier::classify(const RequestFeatures& f) const {
  // 1. Requests the client makes on its own: they are background whatever they contain.
  if (f.wire == WireFormat::count_tokens) return signalled(TaskKind::background, "signal/count-tokens-endpoint", 1.0);
  if (f.wire == WireFormat::responses_compact) return signalled(TaskKind::background, "signal/codex-remote-compaction", 1.0);
  if (f.subagent == "compact" || f.subagent == "memory_consolidation") {
    return signalled(TaskKind::background, "signal/codex-subagent-" + f.subagent, 0.99);
  }
  if (f.codex_request_kind.find("compact") != std::string::npos ||
      f.codex_request_kind.find("memor") != std::string::npos) {
    return signalled(TaskKind::background, "signal/codex-request-kind-" + f.codex_request_kind, 0.99);
  }
  if (f.max_tokens && *f.max_tokens <= 1) return signalled(TaskKind::background, "signal/probe-max-tokens-1", 0.99);
  std::string lower_prompt = lowercase(f.prompt);
  if (lower_prompt == "warmup" || lower_prompt == "quota") return signalled(TaskKind::background, "signal/warmup-or-quota-probe", 0.99);

  const std::uint32_t in_system = signals_in(f.system_text, false);
  const std::uint32_t in_prompt = signals_in(lower_prompt, true);
  auto signal_in = [](Signal signal, std::uint32_t found) { return (found & (1u << static_cast<unsigned>(signal))) != 0; };
  if (signal_in(Signal::compaction, in_prompt) || signal_in(Signal::compaction, in_system)) {
    return signalled(TaskKind::background, "signal/compaction-prompt");
  }
  if (f.tool_count == 0 && (signal_in(Signal::title_generation, in_system) || signal_in(Signal::title_generation, in_prompt))) {
    return signalled(TaskKind::background, "signal/title-generation");
  }
  if (f.client == ClientKind::claude_code && f.json_schema_output && f.tool_count == 0) {
    return signalled(TaskKind::background, "signal/claude-code-structured-side-request", 0.9);
  }
  if (signal_in(Signal::side_request, in_system) || (f.tool_count == 0 && signal_in(Signal::side_request, in_prompt))) {
    return signalled(TaskKind::background, "signal/client-side-request", 0.9);
  }

  // 2. Too much content for a small local context window, whatever the task.
  if (f.content_tokens >= long_context_tokens_) {
    return signalled(TaskKind::long_context, "signal/content-tokens>=" + std::to_string(long_context_tokens_), 0.95);
  }

  // 3. Tasks a client names itself.
  if (f.wire == WireFormat::completions || f.fill_in_middle) {
    return signalled(TaskKind::autocomplete, f.fill_in_middle ? "signal/fill-in-the-middle" : "signal/completions-endpoint", 0.99);
  }
  if (signal_in(Signal::commit_instruction, in_system)) {
    return signalled(TaskKind::commit_message, "signal/commit-message-system-prompt");
  }
  if (f.subagent == "review") return signalled(TaskKind::code_review, "signal/codex-subagent-review");

  // 4. Weighted evidence from the prompt.
  Scored scored = score(f, prose_of(lower_prompt));
  // The highest score wins; equal scores go to the kind ranked first in `priority`.
  auto beats = [&](std::size_t a, std::size_t b) {
    return scored.score[a] > scored.score[b] || (scored.score[a] == scored.score[b] && rank_[a] < rank_[b]);
  };
  std::size_t best = 0;
  for (std::size_t k = 1; k < kAllTaskKinds.size(); ++k) {
    if (beats(k, best)) best = k;
  }
  std::size_t second = best == 0 ? 1 : 0;
  for (std::size_t k = 0; k < kAllTaskKinds.size(); ++k) {
    if (k != best && beats(k, second)) second = k;
  }
  double top = scored.score[best];
  if (top < min_score_ || scored.best_rule[best] == nullptr) {
    return Classification{fallback_, 0.3, "fallback/" + std::string(to_string(fallback_))};
  }
  double runner_up = std::max(0.0, scored.score[second]);
  double confidence = std::clamp(top / (top + runner_up + 1.0), 0.3, 0.95);
  return Classification{kAllTaskKinds[best], confidence, scored.best_rule[best]->name};
}

}  // namespace llmroute::router
