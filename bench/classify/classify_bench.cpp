// llmroute-classify-bench: times request features + classification of a 100 KB Claude Code request
// against the router's target (<= 200 us per request) and prints the ratio.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "router/classifier.hpp"
#include "router/request_features.hpp"

namespace {

using llmroute::router::Classification;
using llmroute::router::ExtractError;
using llmroute::router::ExtractResult;
using llmroute::router::Headers;
using llmroute::router::RequestFeatures;
using llmroute::router::RequestParser;
using llmroute::router::RuleClassifier;

constexpr double kTargetMicros = 200.0;

constexpr const char* kUsage = R"(usage: llmroute-classify-bench [--rules FILE] [--runs N] [--kb N] [--body FILE --path P [--header 'k: v']...]
Times RequestParser::extract + RuleClassifier::classify on one request, repeated, and compares the
median with the target of 200 us per request. Without --body the request is a built-in Claude Code
request of --kb KB (default 100): system blocks, 25 tools with JSON schemas, CLAUDE.md and todo
system-reminders, and a Read/Grep/Bash tool loop ending in tool results (a tool continuation).
  --rules FILE   classifier rules (default router/rules.yaml, run from the source tree)
  --runs N       measured runs (default 20000; 10 % more are run first as warm-up)
Exit status: 0 the median meets the target, 1 it does not, 2 bad usage or unreadable input.
)";

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string text_block(std::string_view text) { return R"({"type":"text","text":")" + json_escape(text) + R"("})"; }

// A numbered source listing as Claude Code's Read tool returns it ("    12→code").
std::string file_listing(int lines, int seed) {
  static const char* kLines[] = {
      "export async function handler(req: Request): Promise<Response> {",
      "  const body = await req.json();",
      "  if (!body.items?.length) return json({ error: 'empty cart' }, 400);",
      "  const total = body.items.reduce((sum, item) => sum + item.price * item.qty, 0);",
      "  await db.query('INSERT INTO orders (user_id, total) VALUES ($1, $2)', [user.id, total]);",
      "  logger.info({ orderId, total }, 'order created');",
      "  return json({ id: orderId, total }, 201);",
      "}",
      "",
  };
  std::string out;
  for (int i = 0; i < lines; ++i) {
    char number[16];
    std::snprintf(number, sizeof number, "%6d\u2192", i + 1);
    out += number;
    out += kLines[(i + seed) % (sizeof kLines / sizeof kLines[0])];
    out += '\n';
  }
  return out;
}

// A Claude Code 2.x request of about `target_bytes`: the shape the proxy sees most often.
std::string claude_code_request(std::size_t target_bytes) {
  std::string system_prompt =
      "You are an interactive CLI tool that helps users with software engineering tasks. Use the instructions below "
      "and the tools available to you to assist the user.\n\n# Tone and style\nYou should be concise, direct, and to "
      "the point.\n\n# Task Management\nYou have access to the TodoWrite tools to help you manage and plan tasks.\n\n"
      "# Doing tasks\nThe user will primarily request you perform software engineering tasks.\n\n<env>\nWorking "
      "directory: /home/dev/shop\nIs directory a git repo: Yes\nPlatform: linux\n</env>\n";
  std::string system_text;
  while (system_text.size() < 12 * 1024) system_text += system_prompt;

  std::string body = R"({"model":"claude-sonnet-4-5-20250929","max_tokens":32000,"stream":true,)";
  body += R"("system":[)" + text_block("You are Claude Code, Anthropic's official CLI for Claude.") + "," +
          text_block(system_text) + "],";
  body += R"("tools":[)";
  for (int i = 0; i < 25; ++i) {
    if (i > 0) body += ',';
    std::string description = "Tool " + std::to_string(i) + ": ";
    while (description.size() < 1100) description += "Usage notes, constraints and examples for this tool. ";
    body += R"({"name":"Tool)" + std::to_string(i) + R"(","description":")" + json_escape(description) +
            R"(","input_schema":{"type":"object","properties":{"file_path":{"type":"string","description":"Absolute path"},"offset":{"type":"number"},"limit":{"type":"number"}},"required":["file_path"],"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}})";
  }
  body += R"(],"metadata":{"user_id":"{\"device_id\":\"a1b2\",\"session_id\":\"5f0c1d2e-0000-4000-8000-000000000001\"}"},)";
  body += R"("messages":[{"role":"user","content":[)";
  body += text_block("<system-reminder>\nAs you answer the user's questions, you can use the following context:\n"
                     "# claudeMd\nContents of /home/dev/shop/CLAUDE.md:\n- Use pnpm\n- Run pnpm test before committing\n"
                     "</system-reminder>\n") + ",";
  body += text_block("the checkout test fails since yesterday's merge, can you find out why and fix it?") + ",";
  body += text_block("<system-reminder>This is a reminder that your todo list is currently empty.</system-reminder>");
  body += "]}";
  // Read/result pairs until the body is `target_bytes` long: the last result is cut at a line end and
  // the remainder filled with JSON whitespace, so the size is exact.
  for (int step = 0;; ++step) {
    std::string id = "toolu_01" + std::to_string(100000 + step);
    std::string call = R"(,{"role":"assistant","content":[)" + text_block("Let me look at the relevant code.") +
                       R"(,{"type":"tool_use","id":")" + id +
                       R"(","name":"Read","input":{"file_path":"/home/dev/shop/src/routes/orders.ts"}}]})";
    std::string open = R"(,{"role":"user","content":[{"type":"tool_result","tool_use_id":")" + id + R"(","content":")";
    std::string close = R"("}]})";
    std::string result = json_escape(file_listing(120, step));
    std::size_t fixed = body.size() + call.size() + open.size() + close.size() + 2;  // 2: the closing "]}"
    if (fixed >= target_bytes) break;
    bool last = fixed + result.size() >= target_bytes;
    if (last) {
      std::size_t cut = result.rfind("\\n", target_bytes - fixed);
      result.resize(cut == std::string::npos ? 0 : cut + 2);
    }
    body += call + open + result + close;
    if (last) break;
  }
  if (body.size() + 2 < target_bytes) body.append(target_bytes - body.size() - 2, ' ');
  body += "]}";
  return body;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

double percentile(std::vector<double> sorted, double p) {
  std::size_t at = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[at];
}

}  // namespace

int main(int argc, char** argv) {
  std::string rules_path = "router/rules.yaml";
  std::string body_file;
  std::string path = "/v1/messages?beta=true";
  Headers headers;
  long runs = 20000;
  long kb = 100;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* value = nullptr;
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if ((arg == "--rules" || arg == "--body" || arg == "--path" || arg == "--runs" || arg == "--kb" ||
                arg == "--header") &&
               (value = next()) != nullptr) {
      if (arg == "--rules") rules_path = value;
      if (arg == "--body") body_file = value;
      if (arg == "--path") path = value;
      if (arg == "--runs") runs = std::atol(value);
      if (arg == "--kb") kb = std::atol(value);
      if (arg == "--header") {
        std::string h = value;
        std::size_t colon = h.find(':');
        if (colon == std::string::npos) {
          std::cerr << "llmroute-classify-bench: --header wants 'name: value'\n";
          return 2;
        }
        std::size_t start = h.find_first_not_of(' ', colon + 1);
        headers.add(h.substr(0, colon), start == std::string::npos ? "" : h.substr(start));
      }
    } else {
      std::cerr << "llmroute-classify-bench: bad argument " << arg << "\n" << kUsage;
      return 2;
    }
  }
  if (runs < 1 || kb < 1) {
    std::cerr << "llmroute-classify-bench: --runs and --kb must be positive\n";
    return 2;
  }

  std::optional<RuleClassifier> classifier;
  try {
    classifier = RuleClassifier::from_file(rules_path);
  } catch (const std::exception& e) {
    std::cerr << "llmroute-classify-bench: " << e.what() << "\n";
    return 2;
  }
  std::string body;
  std::string what;
  if (body_file.empty()) {
    body = claude_code_request(static_cast<std::size_t>(kb) * 1024);
    headers.add("user-agent", "claude-cli/2.0.37 (external, cli)");
    headers.add("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14");
    what = "built-in Claude Code request";
  } else {
    auto text = read_file(body_file);
    if (!text) {
      std::cerr << "llmroute-classify-bench: cannot read " << body_file << "\n";
      return 2;
    }
    body = std::move(*text);
    what = body_file;
  }
  // The proxy parses in place from a body read with spare capacity; so does the benchmark.
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);

  RequestParser parser;
  auto run_once = [&](Classification& out, RequestFeatures* features) {
    ExtractResult result = parser.extract(path, headers, body);
    if (const auto* error = std::get_if<ExtractError>(&result)) {
      std::cerr << "llmroute-classify-bench: the body does not parse: " << error->message << " at byte "
                << error->offset << "\n";
      std::exit(2);
    }
    out = classifier->classify(std::get<RequestFeatures>(result));
    if (features != nullptr) *features = std::move(std::get<RequestFeatures>(result));
  };

  Classification last;
  RequestFeatures features;
  run_once(last, &features);
  for (long i = 0; i < runs / 10; ++i) run_once(last, nullptr);
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(runs));
  for (long i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    run_once(last, nullptr);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  double mean = 0;
  for (double m : micros) mean += m;
  mean /= static_cast<double>(micros.size());
  std::sort(micros.begin(), micros.end());
  double median = percentile(micros, 0.5);

#ifndef NDEBUG
  std::cout << "warning: not an optimised build (NDEBUG unset): build with -DCMAKE_BUILD_TYPE=Release for numbers of record\n";
#endif
  std::printf("classify bench: %s, %.1f KB, %u tools, %u messages, %u tool results%s; %ld runs after %ld warm-up\n",
              what.c_str(), static_cast<double>(body.size()) / 1024.0, features.tool_count, features.message_count,
              features.tool_results, features.tool_continuation ? " (tool continuation)" : "", runs, runs / 10);
  std::printf("result: %s (rule %s, confidence %.2f)\n", std::string(to_string(last.kind)).c_str(), last.rule.c_str(),
              last.confidence);
  std::printf("extract + classify per request: min %.1f us, median %.1f us, p99 %.1f us, mean %.1f us\n", micros.front(),
              median, percentile(micros, 0.99), mean);
  bool pass = median <= kTargetMicros;
  std::printf("%s: median %.1f us vs target %.0f us -> ratio %.2f (target <= 1.00)\n", pass ? "PASS" : "FAIL", median,
              kTargetMicros, median / kTargetMicros);
  return pass ? 0 : 1;
}
