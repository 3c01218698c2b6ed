// `llmroute review`: list flagged pairs, show one with both answers and every judge's reasons, record a verdict.
#include "policies/review_command.hpp"

#include "config/config_loader.hpp"
#include "policies/judge_store.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace llmroute::policies {

namespace {

constexpr const char* kUsage = R"(usage: llmroute review [--config FILE] [list [--all] | show ID | decide ID A|B|tie [--note TEXT]]

The human review queue: shadow pairs whose judges disagreed (more than judging.disagreement_threshold
apart, or opposite winners). A is the primary answer (what the client got), B the shadow's answer.
  list                 flagged pairs without a human verdict (the default); --all adds decided ones
  show ID              the pair: prompt, both answers, each judge's verdict and reasons, any human verdict
  decide ID A|B|tie    records your verdict; it overrides the judges in the aggregation (`llmroute report`)
    --note TEXT        why, kept with the verdict
  --config FILE        config naming the records database (default: config/default.yaml, else
                       /etc/llmroute/config.yaml)
  --help               this text
Exit status: 0 done, 1 the database cannot be read or the pair cannot be decided, 2 usage or config error.
)";

struct Arguments {
  std::string config_path;
  std::string action = "list";
  bool all = false;
  std::int64_t pair_id = 0;
  std::string verdict;
  std::string note;
};

bool parse_id(std::string_view text, std::int64_t& id) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  return ec == std::errc{} && end == text.data() + text.size() && id > 0;
}

/// Parses argv; returns an error message for a usage error (empty: fine).
std::string parse_arguments(int argc, char** argv, Arguments& args) {
  std::vector<std::string_view> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--config" || arg == "--note") && i + 1 < argc) (arg == "--config" ? args.config_path : args.note) = argv[++i];
    else if (arg == "--all") args.all = true;
    else if (arg.starts_with("--")) return "unknown or incomplete option '" + std::string(arg) + "'";
    else positional.push_back(arg);
  }
  if (!positional.empty()) args.action = std::string(positional[0]);
  const std::size_t wanted = args.action == "list" ? 1 : args.action == "show" ? 2 : args.action == "decide" ? 3 : 0;
  if (wanted == 0) return "unknown action '" + args.action + "' (list, show, decide)";
  if (positional.size() > wanted || (!positional.empty() && positional.size() < wanted))
    return "'" + args.action + "' expects " + (wanted == 2 ? "ID" : wanted == 3 ? "ID A|B|tie" : "no arguments");
  if (wanted >= 2 && !parse_id(positional[1], args.pair_id)) return "'" + std::string(positional[1]) + "' is not a pair id";
  if (wanted == 3) {
    args.verdict = std::string(positional[2]);
    if (args.verdict != "A" && args.verdict != "B" && args.verdict != "tie")
      return "the verdict must be A (the primary's answer), B (the shadow's) or tie, not '" + args.verdict + "'";
  }
  if (args.all && args.action != "list") return "--all goes with list";
  if (!args.note.empty() && args.action != "decide") return "--note goes with decide";
  return {};
}

std::string format_time(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
  return buffer;
}

std::string signed_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.2f", value);
  return buffer;
}

/// A, B or tie for a verdict in the pair's terms.
std::string_view letter(PairWinner winner) {
  return winner == PairWinner::primary ? "A" : winner == PairWinner::shadow ? "B" : "tie";
}

std::string side(const ShadowAnswer& answer, std::string_view role) {
  return answer.backend + "/" + answer.model + " (" + std::string(config::to_string(answer.location)) + ", " +
         std::string(role) + ")";
}

void print_indented(std::FILE* out, std::string_view text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    const std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::fprintf(out, "  | %.*s\n", static_cast<int>(line.size()), line.data());
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

void print_list(std::FILE* out, const std::vector<PairDetail>& pairs, bool all) {
  if (pairs.empty()) {
    std::fputs(all ? "no flagged pairs\n" : "no pairs waiting for review\n", out);
    return;
  }
  std::fprintf(out, "%zu flagged pair%s%s:\n", pairs.size(), pairs.size() == 1 ? "" : "s",
               all ? "" : " waiting for review");
  for (const PairDetail& d : pairs) {
    std::fprintf(out, "#%lld  %s  %s  A: %s  B: %s  judges: %s, A-B %s%s\n", static_cast<long long>(d.pair_id),
                 d.pair.task.c_str(), format_time(d.pair.created_unix_ms).c_str(),
                 side(d.pair.primary, "primary").c_str(), side(d.pair.shadow, "shadow").c_str(),
                 std::string(letter(d.winner.value_or(PairWinner::tie))).c_str(),
                 signed_number(d.score_difference.value_or(0)).c_str(),
                 d.human ? ("  human: " + std::string(letter(*d.human))).c_str() : "");
  }
  std::fputs("show one: llmroute review show ID; decide: llmroute review decide ID A|B|tie [--note TEXT]\n", out);
}

void print_judges(std::FILE* out, const std::string& detail) {
  boost::system::error_code ec;
  const boost::json::value judges = boost::json::parse(detail, ec);
  if (ec || !judges.is_array()) return;
  for (const boost::json::value& item : judges.as_array()) {
    const boost::json::object* j = item.if_object();
    if (!j) continue;
    const auto text = [j](std::string_view key) {
      const boost::json::value* v = j->if_contains(key);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    const auto flag = [j](std::string_view key) {
      const boost::json::value* v = j->if_contains(key);
      return v && v->is_bool() && v->as_bool();
    };
    const boost::json::value* difference = j->if_contains("score_difference");
    std::fprintf(out, "  %s (%s): ", text("judge").c_str(), text("family").empty() ? "family unknown" : text("family").c_str());
    if (!flag("valid")) {
      std::fputs("no valid verdict\n", out);
    } else {
      const auto winner = parse_pair_winner(text("winner")).value_or(PairWinner::tie);
      std::fprintf(out, "%s%s, A-B %s%s\n", winner == PairWinner::tie ? "tie" : (std::string(letter(winner)) + " better").c_str(),
                   flag("order_dependent") ? " (changed with the order: counted as a tie)" : "",
                   signed_number(difference && difference->is_number() ? difference->to_number<double>() : 0).c_str(),
                   flag("same_family") ? "  [same family as a candidate: self-preference bias possible]" : "");
    }
    std::fprintf(out, "    %s\n", text("reason").c_str());
  }
}

void print_detail(std::FILE* out, const PairDetail& d) {
  std::fprintf(out, "pair #%lld · %s · %s · %s%s\n", static_cast<long long>(d.pair_id), d.pair.task.c_str(),
               format_time(d.pair.created_unix_ms).c_str(), std::string(to_string(d.state)).c_str(),
               d.needs_review ? ", flagged for review" : "");
  if (!d.last_error.empty()) std::fprintf(out, "last error: %s\n", d.last_error.c_str());
  std::fputs("\nprompt:\n", out);
  print_indented(out, d.pair.prompt);
  const auto answer = [out](std::string_view name, const ShadowAnswer& a, std::string_view role) {
    std::fprintf(out, "\n%.*s: %s, %.0f ms, cost %.4f%s\n", static_cast<int>(name.size()), name.data(),
                 side(a, role).c_str(), a.total_ms, a.cost, a.clipped ? " (answer clipped)" : "");
    print_indented(out, render_answer({a.text, a.tool_calls}));
  };
  answer("A", d.pair.primary, "primary");
  answer("B", d.pair.shadow, "shadow");
  if (d.winner) {
    std::fprintf(out, "\njudges combined: %s, A-B %s%s\n", std::string(letter(*d.winner)).c_str(),
                 signed_number(d.score_difference.value_or(0)).c_str(),
                 d.same_family_judge ? " (a judge shares a candidate's family)" : "");
    print_judges(out, d.judges_detail);
  }
  if (d.human) {
    std::fprintf(out, "\nhuman verdict: %s%s%s (overrides the judges)\n", std::string(letter(*d.human)).c_str(),
                 d.human_note.empty() ? "" : " — ", d.human_note.c_str());
  } else if (d.needs_review) {
    std::fprintf(out, "\nno human verdict yet: llmroute review decide %lld A|B|tie [--note TEXT]\n",
                 static_cast<long long>(d.pair_id));
  }
}

}  // namespace

int run_review_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  Arguments args;
  if (const std::string error = parse_arguments(argc, argv, args); !error.empty()) {
    std::fprintf(stderr, "llmroute review: %s\n%s", error.c_str(), kUsage);
    return 2;
  }
  if (args.config_path.empty()) args.config_path = config::default_config_path();
  config::ConfigPtr config;
  try {
    config = config::load_config_file(args.config_path);
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  const std::string& path = config->records.path;
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "llmroute review: no records database at %s (nothing was judged yet)\n", path.c_str());
    return 1;
  }
  try {
    JudgeStore store(path, args.action == "decide" ? JudgeStore::Access::read_write : JudgeStore::Access::read_only);
    std::string error;
    if (args.action == "list") {
      const auto pairs = store.flagged(args.all, error);
      if (error.empty()) print_list(stdout, pairs, args.all);
    } else if (args.action == "show") {
      const auto detail = store.detail(args.pair_id, error);
      if (error.empty() && !detail) error = "no pair " + std::to_string(args.pair_id);
      if (error.empty()) print_detail(stdout, *detail);
    } else {
      const PairWinner winner = args.verdict == "A" ? PairWinner::primary : args.verdict == "B" ? PairWinner::shadow : PairWinner::tie;
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch());
      error = store.decide(args.pair_id, winner, args.note, now.count());
      if (error.empty())
        std::printf("pair #%lld: human verdict %s recorded; it overrides the judges\n",
                    static_cast<long long>(args.pair_id), args.verdict.c_str());
    }
    if (!error.empty()) {
      std::fprintf(stderr, "llmroute review: %s\n", error.c_str());
      return 1;
    }
    return 0;
  } catch (const records::RecordStoreError& e) {
    std::fprintf(stderr, "llmroute review: %s\n", e.what());
    return 1;
  }
}

}  // namespace llmroute::policies
