// Parses llmroute-load's command line into LoadOptions; every bad input is a clear error.
#include "bench/load_options.hpp"

#include <charconv>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace llmroute::bench {
namespace {

constexpr std::string_view kUsage = R"(usage: llmroute-load --url http://127.0.0.1:PORT/v1/chat/completions [options]

  --url URL            target (plain http only)
  --concurrency N      keep-alive connections, one request in flight on each (default 1)
  --requests N         total measured requests (default 1000 unless --duration-s is given)
  --duration-s S       stop issuing requests after S seconds (fractions allowed)
  --warmup N           requests run before measuring, not recorded (default 0)
  --stream on|off      "stream" field of the built-in body (default on)
  --body FILE          send FILE as the body instead of the built-in chat request
  --header 'k: v'      extra request header (repeatable)
  --timeout-s S        per-request deadline (default 30)
  --hold S             hold mode: open --concurrency streams, keep them open S seconds
  --ready-file PATH    hold mode: written once all streams are open
  --json               one JSON object on stdout instead of the text summary

TTFT is the time to the first SSE data: event carrying content (the role-only first
chunk does not count); for a response that is not an event stream, it is the time to
the complete body.
)";

std::string_view take_value(int argc, char** argv, int& i) {
  if (i + 1 >= argc) {
    throw std::invalid_argument(std::string(argv[i]) + " needs a value");
  }
  return argv[++i];
}

template <typename Number>
Number parse_number(std::string_view flag, std::string_view text) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < Number{}) {
    throw std::invalid_argument(std::string(flag) + ": not a non-negative number: '" + std::string(text) + "'");
  }
  return value;
}

std::string read_file(std::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) {
    throw std::invalid_argument("--body: cannot read '" + std::string(path) + "'");
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string built_in_body(StreamMode stream) {
  return std::string(R"({"model":"sim-model","stream":)") + (stream == StreamMode::on ? "true" : "false") +
         R"(,"messages":[{"role":"user","content":"Write a one-line commit message for a typo fix."}]})";
}

}  // namespace

TargetUrl parse_target_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    throw std::invalid_argument("--url must start with http:// (got '" + std::string(url) + "')");
  }
  std::string_view rest = url.substr(kScheme.size());
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  TargetUrl parsed;
  parsed.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  auto colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    parsed.host = std::string(authority);
  } else {
    parsed.host = std::string(authority.substr(0, colon));
    auto port = parse_number<unsigned>("--url port", authority.substr(colon + 1));
    if (port == 0 || port > 65535) {
      throw std::invalid_argument("--url: port out of range");
    }
    parsed.port = static_cast<std::uint16_t>(port);
  }
  if (parsed.host.empty()) {
    throw std::invalid_argument("--url has no host");
  }
  return parsed;
}

LoadOptions parse_load_options(int argc, char** argv) {
  LoadOptions options;
  std::optional<std::string> body_file;
  bool have_url = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--url") {
      options.url = parse_target_url(take_value(argc, argv, i));
      have_url = true;
    } else if (flag == "--concurrency") {
      options.concurrency = parse_number<std::size_t>(flag, take_value(argc, argv, i));
    } else if (flag == "--requests") {
      options.requests = parse_number<std::size_t>(flag, take_value(argc, argv, i));
    } else if (flag == "--duration-s") {
      options.duration_s = parse_number<double>(flag, take_value(argc, argv, i));
    } else if (flag == "--warmup") {
      options.warmup = parse_number<std::size_t>(flag, take_value(argc, argv, i));
    } else if (flag == "--stream") {
      auto value = take_value(argc, argv, i);
      if (value != "on" && value != "off") {
        throw std::invalid_argument("--stream must be on or off");
      }
      options.stream = value == "on" ? StreamMode::on : StreamMode::off;
    } else if (flag == "--body") {
      body_file = std::string(take_value(argc, argv, i));
    } else if (flag == "--header") {
      auto header = take_value(argc, argv, i);
      if (header.find(':') == std::string_view::npos || header.find_first_of("\r\n") != std::string_view::npos) {
        throw std::invalid_argument("--header must look like 'name: value'");
      }
      options.headers.emplace_back(header);
    } else if (flag == "--timeout-s") {
      options.timeout_s = parse_number<double>(flag, take_value(argc, argv, i));
    } else if (flag == "--hold") {
      options.hold_s = parse_number<double>(flag, take_value(argc, argv, i));
    } else if (flag == "--ready-file") {
      options.ready_file = std::string(take_value(argc, argv, i));
    } else if (flag == "--json") {
      options.format = OutputFormat::json;
    } else {
      throw std::invalid_argument("unknown option '" + std::string(flag) + "'");
    }
  }
  if (!have_url) {
    throw std::invalid_argument("--url is required");
  }
  if (options.concurrency == 0) {
    throw std::invalid_argument("--concurrency must be at least 1");
  }
  if (options.timeout_s <= 0) {
    throw std::invalid_argument("--timeout-s must be positive");
  }
  if (options.hold_s && (options.requests || options.duration_s)) {
    throw std::invalid_argument("--hold cannot be combined with --requests or --duration-s");
  }
  if (!options.ready_file.empty() && !options.hold_s) {
    throw std::invalid_argument("--ready-file only applies to --hold");
  }
  if (!options.hold_s && !options.requests && !options.duration_s) {
    options.requests = 1000;
  }
  // Hold mode measures open streams, so its built-in body always asks for one.
  options.body = body_file ? read_file(*body_file) : built_in_body(options.hold_s ? StreamMode::on : options.stream);
  return options;
}

std::string_view load_usage() { return kUsage; }

}  // namespace llmroute::bench
