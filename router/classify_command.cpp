// `llmroute classify`: reads bodies, prints {"task","confidence","rule"}; evaluates a labelled set.
#include "router/classify_command.hpp"

#include "config/config_loader.hpp"
#include "config/json_text.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string_view>

#include "router/classifier.hpp"
#include "router/evaluation.hpp"
#include "router/request_features.hpp"

namespace llmroute::router {

namespace {

using config::json_escape;

constexpr std::string_view kUsage = R"(usage: llmroute classify [options] [FILE|-]
Classifies one request body (a file, or standard input with '-' or no FILE) and prints
{"task":...,"confidence":...,"rule":...}.

options:
  --config FILE      apply this config's routing.long_context_tokens, as `llmroute serve` does
                     (default: the rules' own threshold)
  --rules FILE       classifier rules (default: $LLMROUTE_RULES, ./router/rules.yaml, or the shipped file)
  --path P           the request path (default /v1/chat/completions); selects the wire format
  --header 'k: v'    a request header (repeatable), e.g. --header 'user-agent: claude-cli/2.0.14'
  --jsonl FILE       classify each line {"path","headers","body"} of FILE, one result per line
  --eval DIR         evaluate every *.jsonl in DIR whose lines carry a "label": accuracy,
                     per-kind precision/recall and the confusion matrix
  --split all|even|odd  with --eval: only lines with an even/odd index in each file (tune on one
                     half, report the other)
  --min-accuracy X   with --eval: exit 1 when accuracy is below X (0..1)
  --bench N          classify the input N times and print the mean time per request
  --explain          also print the request features and per-kind scores
  --help             this text
)";

std::string result_json(const Classification& c) {
  char confidence[32];
  std::snprintf(confidence, sizeof confidence, "%.3f", c.confidence);
  return std::string("{\"task\":\"") + std::string(to_string(c.kind)) + "\",\"confidence\":" + confidence +
         ",\"rule\":\"" + json_escape(c.rule) + "\"}";
}

std::string error_json(const ExtractError& e) {
  return "{\"error\":\"" + json_escape(e.message) + "\",\"offset\":" + std::to_string(e.offset) + "}";
}

bool parse_header(std::string_view spec, Headers& headers) {
  std::size_t colon = spec.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view value = spec.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  headers.add(std::string(spec.substr(0, colon)), std::string(value));
  return true;
}

/// Reads the whole of `text` as a number from `low` to `high` into `out`; false (out untouched) otherwise.
template <typename Number>
bool parse_number(std::string_view text, Number& out, Number low, Number high) {
  Number value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < low || value > high) return false;
  out = value;
  return true;
}

void print_explain(const RequestFeatures& f, const RuleClassifier& classifier) {
  std::cout << "  wire=" << to_string(f.wire) << " client=" << to_string(f.client) << " messages=" << f.message_count
            << " tools=" << f.tool_count << " tool_results=" << f.tool_results
            << " continuation=" << (f.tool_continuation ? "yes" : "no") << " content_tokens=" << f.content_tokens
            << " boilerplate_chars=" << f.boilerplate_chars << " fences=" << f.prompt_stats.code_fences
            << " diffs=" << f.prompt_stats.diff_markers << " tracebacks=" << f.prompt_stats.tracebacks
            << " paths=" << f.prompt_stats.file_paths << " code_lines=" << f.prompt_stats.code_lines << "\n";
  std::cout << "  prompt: " << json_escape(f.prompt.substr(0, 300)) << "\n  scores:";
  auto scores = classifier.scores(f);
  for (std::size_t k = 0; k < kAllTaskKinds.size(); ++k) {
    if (scores[k] != 0) std::cout << ' ' << to_string(kAllTaskKinds[k]) << '=' << scores[k];
  }
  std::cout << "\n";
}

int run_jsonl(const std::string& file, const RuleClassifier& classifier, bool explain) {
  const config::StartupFile input = read_command_input(file, "JSON Lines file");
  if (!input.text) {
    std::cerr << "llmroute classify: " << file << ": " << input.error << "\n";
    return 2;
  }
  const std::string* text = &*input.text;
  RequestParser parser;
  std::istringstream lines(*text);
  std::string line;
  std::size_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string why;
    auto req = parse_labelled_line(line, why);
    if (!req) {
      std::cout << "{\"error\":\"" << file << ":" << number << ": " << json_escape(why) << "\"}\n";
      continue;
    }
    ExtractResult result = parser.extract(req->path, req->headers, req->body);
    if (const auto* error = std::get_if<ExtractError>(&result)) {
      std::cout << error_json(*error) << "\n";
      continue;
    }
    const auto& features = std::get<RequestFeatures>(result);
    std::cout << result_json(classifier.classify(features)) << "\n";
    if (explain) print_explain(features, classifier);
  }
  return 0;
}

int run_eval(const std::string& dir, const RuleClassifier& classifier, Split split, double min_accuracy,
             bool explain) {
  std::string error;
  auto eval = evaluate_directory(dir, classifier, split, error);
  if (!eval) {
    std::cerr << "llmroute classify: " << error << "\n";
    return 2;
  }
  if (explain) {
    for (const std::string& miss : eval->misses) std::cout << "MISS " << miss << "\n";
  }
  std::cout << eval->report();
  return eval->accuracy() + 1e-9 < min_accuracy ? 1 : 0;
}

}  // namespace

std::string default_rules_path() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("LLMROUTE_RULES"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  if (fs::exists("router/rules.yaml", ec)) return "router/rules.yaml";
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    fs::path candidate = dir / "router" / "rules.yaml";
    if (fs::exists(candidate, ec)) return candidate.string();
  }
  return {};
}

config::StartupFile read_command_input(const std::string& file, std::string_view noun) {
  if (file == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    return {text.str(), {}};
  }
  // Far beyond any context window: a larger file is a wrong path, not a request.
  constexpr std::size_t kMaxInputBytes = std::size_t{1} << 30;
  return config::read_startup_file(file, noun, kMaxInputBytes);
}

int run_classify_command(int argc, char** argv) {
  std::string rules_path;
  std::string config_path;
  std::string path = "/v1/chat/completions";
  Headers headers;
  std::string jsonl;
  std::string eval_dir;
  std::string input;
  Split split = Split::all;
  double min_accuracy = 0;
  long bench = 0;
  bool explain = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view name) -> std::optional<std::string> {
      if (i + 1 >= argc) {
        std::cerr << "llmroute classify: " << name << " needs a value\n";
        return std::nullopt;
      }
      return std::string(argv[++i]);
    };
    std::optional<std::string> v;
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--explain") {
      explain = true;
    } else if (arg == "--config" || arg == "--rules" || arg == "--path" || arg == "--header" || arg == "--jsonl" || arg == "--eval" ||
               arg == "--split" || arg == "--min-accuracy" || arg == "--bench") {
      if (!(v = value(arg))) return 2;
      if (arg == "--config") config_path = *v;
      if (arg == "--rules") rules_path = *v;
      if (arg == "--path") path = *v;
      if (arg == "--jsonl") jsonl = *v;
      if (arg == "--eval") eval_dir = *v;
      if (arg == "--header" && !parse_header(*v, headers)) {
        std::cerr << "llmroute classify: --header wants 'name: value', got '" << *v << "'\n";
        return 2;
      }
      if (arg == "--split") {
        if (*v == "all") split = Split::all;
        else if (*v == "even") split = Split::even;
        else if (*v == "odd") split = Split::odd;
        else {
          std::cerr << "llmroute classify: --split is all, even or odd\n";
          return 2;
        }
      }
      if (arg == "--min-accuracy" && !parse_number(*v, min_accuracy, 0.0, std::numeric_limits<double>::max())) {
        std::cerr << "llmroute classify: --min-accuracy expects a share such as 0.8, got '" << *v << "'\n";
        return 2;
      }
      if (arg == "--bench" && !parse_number(*v, bench, 1L, 1000000000L)) {
        std::cerr << "llmroute classify: --bench expects a whole number from 1 up, got '" << *v << "'\n";
        return 2;
      }
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      std::cerr << "llmroute classify: unknown option " << arg << "\n" << kUsage;
      return 2;
    } else if (!input.empty()) {
      std::cerr << "llmroute classify: one request body at a time, got '" << input << "' and '" << arg << "'\n";
      return 2;
    } else {
      input = std::string(arg);
    }
  }
  if (rules_path.empty()) rules_path = default_rules_path();
  if (rules_path.empty()) {
    std::cerr << "llmroute classify: no rules file found; pass --rules FILE or set LLMROUTE_RULES\n";
    return 2;
  }
  std::optional<RuleClassifier> classifier;
  try {
    classifier.emplace(RuleClassifier::from_file(rules_path));
  } catch (const config::ConfigError& e) {  // file:line:col: key.path: what, as config errors
    std::cerr << e.what() << "\n";
    return 2;
  }
  if (!config_path.empty()) {
    try {
      const config::ConfigPtr config = config::load_config_file(config_path);
      if (config->routing.long_context_tokens)
        classifier.emplace(classifier->with_long_context_tokens(*config->routing.long_context_tokens));
    } catch (const config::ConfigError& e) {
      std::cerr << e.what() << "\n";
      return 2;
    }
  }
  if (!eval_dir.empty()) return run_eval(eval_dir, *classifier, split, min_accuracy, explain);
  if (!jsonl.empty()) return run_jsonl(jsonl, *classifier, explain);

  config::StartupFile read = read_command_input(input.empty() ? "-" : input, "request body file");
  if (!read.text) {
    std::cerr << "llmroute classify: " << input << ": " << read.error << "\n";
    return 2;
  }
  std::string* body = &*read.text;
  RequestParser parser;
  ExtractResult result = parser.extract(path, headers, *body);
  if (const auto* error = std::get_if<ExtractError>(&result)) {
    std::cout << error_json(*error) << "\n";
    return 2;
  }
  const auto& features = std::get<RequestFeatures>(result);
  Classification verdict = classifier->classify(features);
  std::cout << result_json(verdict) << "\n";
  if (explain) print_explain(features, *classifier);
  if (bench > 0) {
    body->reserve(body->size() + simdjson::SIMDJSON_PADDING);
    auto start = std::chrono::steady_clock::now();
    std::size_t sink = 0;
    for (long i = 0; i < bench; ++i) {
      ExtractResult again = parser.extract(path, headers, *body);
      if (const auto* f = std::get_if<RequestFeatures>(&again)) sink += static_cast<std::size_t>(classifier->classify(*f).kind);
    }
    double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    std::printf("bench: %ld runs, %zu bytes, %.1f us per extract+classify (checksum %zu)\n", bench, body->size(),
                us / static_cast<double>(bench), sink);
  }
  return 0;
}

}  // namespace llmroute::router
