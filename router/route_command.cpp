// `llmroute route`: reads a request body, classifies it, decides its route, prints the decision and its trace.
#include "router/route_command.hpp"

#include "config/json_text.hpp"

#include <simdjson.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_loader.hpp"
#include "router/classifier.hpp"
#include "router/classify_command.hpp"
#include "router/conversation_pins.hpp"
#include "router/request_features.hpp"
#include "router/router.hpp"

namespace llmroute::router {

namespace {

constexpr std::string_view kUsage = R"(usage: llmroute route [options] [FILE|-]
Decides where one request body (a file, or standard input with '-' or no FILE) would be routed and
prints {"task","confidence","rule","candidates","reason","pin_new"} (or "refusal" instead of candidates).

options:
  --config FILE      config with the route table (default: config/default.yaml, else /etc/llmroute/config.yaml)
  --rules FILE       classifier rules (default: $LLMROUTE_RULES, ./router/rules.yaml, or the shipped file)
  --path P           the request path (default /v1/chat/completions); selects the wire format
  --header 'k: v'    a request header (repeatable), e.g. --header 'x-llmroute-route: local'
  --private          decide for a private user (local backends only)
  --user NAME        the user the conversation key is scoped to (default: none)
  --pinned REF       pretend the conversation is pinned to REF (backend/model)
  --unhealthy NAME   pretend backend NAME's circuit is open (repeatable)
  --explain          also print the features, the classification and every step of the decision
  --help             this text
exit status: 0 routed, 1 refused, 2 usage or input errors
)";

std::string default_config_path() {
  for (const char* candidate : {"config/default.yaml", "/etc/llmroute/config.yaml"})
    if (std::ifstream(candidate)) return candidate;
  return "config/default.yaml";
}

/// The body's top-level "model", as the proxy would read it.
std::string model_of(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) return {};
  std::string_view model;
  if (doc["model"].get_string().get(model)) return {};
  return std::string(model);
}

std::string decision_json(const config::Config& config, const Classification& verdict, const RouteDecision& d) {
  char confidence[32];
  std::snprintf(confidence, sizeof confidence, "%.3f", verdict.confidence);
  std::string out = "{\"task\":" + config::json_quote(to_string(verdict.kind)) + ",\"confidence\":" + confidence +
                    ",\"rule\":" + config::json_quote(verdict.rule);
  if (d.refusal) {
    out += ",\"refusal\":" + config::json_quote(*d.refusal);
  } else {
    out += ",\"candidates\":[";
    for (std::size_t i = 0; i < d.candidates.size(); ++i)
      out += (i ? "," : "") + config::json_quote(config.ref_name(d.candidates[i].target));
    out += "]";
  }
  out += ",\"reason\":" + config::json_quote(d.reason) + ",\"pin_new\":" + (d.pin_new ? "true" : "false") + "}";
  return out;
}

void print_explanation(const config::Config& config, const RequestFeatures& f, const Classification& verdict,
                       const RouteRequest& request, const RouteDecision& d) {
  std::cout << "features:\n"
            << "  wire " << to_string(f.wire) << ", client " << to_string(f.client) << ", " << f.message_count
            << " messages (" << f.user_messages << " user, " << f.assistant_messages << " assistant, "
            << f.system_messages << " system), " << f.tool_count << " tools, " << f.tool_calls << " tool calls, "
            << f.tool_results << " tool results" << (f.tool_continuation ? ", tool continuation" : "")
            << (f.has_images ? ", images" : "") << "\n"
            << "  ~" << f.estimated_input_tokens << " input tokens (" << f.content_tokens << " of them content), max_tokens "
            << (f.max_tokens ? std::to_string(*f.max_tokens) : std::string("unset")) << ", "
            << "up to " << reserved_output_tokens(config, f)
            << " reserved for the answer (at most a quarter of a model's context)" << (f.stream ? ", streamed" : "")
            << (f.thinking ? ", thinking" : "") << "\n";
  if (!f.session_id.empty()) std::cout << "  session " << f.session_id << "\n";
  std::string prompt = f.prompt.substr(0, 160);
  for (char& c : prompt)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  std::cout << "  prompt: " << prompt << (f.prompt.size() > 160 ? " …" : "") << "\n";
  char confidence[16];
  std::snprintf(confidence, sizeof confidence, "%.2f", verdict.confidence);
  std::cout << "classification: " << to_string(verdict.kind) << " (confidence " << confidence << ", rule " << verdict.rule
            << ")\n";
  std::cout << "conversation: "
            << (request.conversation_key.empty() ? std::string("no key") : std::string(request.conversation_key))
            << (request.pinned ? ", pinned to " + config.ref_name(*request.pinned) : std::string(", no pin")) << "\n";
  std::cout << "decision:\n";
  for (const std::string& line : d.trace) std::cout << "  " << line << "\n";
  std::cout << "reason: " << d.reason << "\n";
  if (!d.refusal && d.pin_new && !request.conversation_key.empty())
    std::cout << "pin: the model that answers becomes the conversation's pin\n";
}

}  // namespace

int run_route_command(int argc, char** argv) {
  std::string config_path, rules_path, input, user, pinned_text;
  std::string path = "/v1/chat/completions";
  Headers headers;
  std::vector<std::string> unhealthy;
  bool explain = false;
  UserPolicy policy = UserPolicy::standard;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "--explain") {
      explain = true;
    } else if (arg == "--private") {
      policy = UserPolicy::private_user;
    } else if (arg == "--config" || arg == "--rules" || arg == "--path" || arg == "--header" || arg == "--user" ||
               arg == "--pinned" || arg == "--unhealthy") {
      if (i + 1 >= argc) {
        std::cerr << "llmroute route: " << arg << " needs a value\n";
        return 2;
      }
      const std::string value = argv[++i];
      if (arg == "--config") config_path = value;
      if (arg == "--rules") rules_path = value;
      if (arg == "--path") path = value;
      if (arg == "--user") user = value;
      if (arg == "--pinned") pinned_text = value;
      if (arg == "--unhealthy") unhealthy.push_back(value);
      if (arg == "--header") {
        const auto colon = value.find(':');
        if (colon == std::string::npos || colon == 0) {
          std::cerr << "llmroute route: --header wants 'name: value', got '" << value << "'\n";
          return 2;
        }
        const auto start = value.find_first_not_of(' ', colon + 1);
        headers.add(value.substr(0, colon), start == std::string::npos ? "" : value.substr(start));
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::cerr << "llmroute route: unknown option " << arg << "\n" << kUsage;
      return 2;
    } else if (!input.empty()) {
      std::cerr << "llmroute route: one request body at a time, got '" << input << "' and '" << arg << "'\n";
      return 2;
    } else {
      input = std::string(arg);
    }
  }

  config::ConfigPtr config;
  try {
    config = config::load_config_file(config_path.empty() ? default_config_path() : config_path);
  } catch (const config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  if (rules_path.empty()) rules_path = default_rules_path();
  if (rules_path.empty()) {
    std::cerr << "llmroute route: no rules file found; pass --rules FILE or set LLMROUTE_RULES\n";
    return 2;
  }
  std::optional<RuleClassifier> classifier;
  try {
    classifier.emplace(RuleClassifier::from_file(rules_path));
    if (config->routing.long_context_tokens)
      classifier.emplace(classifier->with_long_context_tokens(*config->routing.long_context_tokens));
  } catch (const config::ConfigError& e) {  // file:line:col: key.path: what, as config errors
    std::cerr << e.what() << "\n";
    return 2;
  }

  RouteRequest request;
  request.explain = explain;
  if (!pinned_text.empty()) {
    request.pinned = config->find_ref(pinned_text);
    if (!request.pinned) {
      std::cerr << "llmroute route: --pinned " << pinned_text << " is not a configured backend/model\n";
      return 2;
    }
  }
  std::vector<bool> healthy(config->backends.size(), true);
  for (const std::string& name : unhealthy) {
    std::size_t b = 0;
    while (b < config->backends.size() && config->backends[b].name != name) ++b;
    if (b == config->backends.size()) {
      std::cerr << "llmroute route: --unhealthy " << name << " is not a configured backend\n";
      return 2;
    }
    healthy[b] = false;
  }

  const config::StartupFile read = read_command_input(input.empty() ? "-" : input, "request body file");
  if (!read.text) {
    std::cerr << "llmroute route: " << input << ": " << read.error << "\n";
    return 2;
  }
  const std::string* body = &*read.text;
  ExtractResult extracted = extract_features(path, headers, *body);
  if (const auto* error = std::get_if<ExtractError>(&extracted)) {
    std::cerr << "llmroute route: the body is not a request: " << error->message << " (byte " << error->offset << ")\n";
    return 2;
  }
  const RequestFeatures& features = std::get<RequestFeatures>(extracted);
  const Classification verdict = classifier->classify(features);
  const std::string model = model_of(*body);
  const std::string key = conversation_key(features, user);

  request.features = &features;
  request.classification = verdict;
  request.requested_model = model;
  request.route_header = headers.find(kRouteHeader);
  request.policy = policy;
  request.conversation_key = key;
  request.healthy = [&healthy](std::size_t backend) { return healthy[backend]; };

  const RouteDecision decision = decide_route(*config, request);
  std::cout << decision_json(*config, verdict, decision) << "\n";
  if (explain) print_explanation(*config, features, verdict, request, decision);
  return decision.refusal ? 1 : 0;
}

}  // namespace llmroute::router
