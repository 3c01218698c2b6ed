// Harness: the proxy's one scan of a client's request body for model/stream, and the splices it forwards.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "proxy/request_body.hpp"

#include <string>

namespace llmroute::fuzz {

namespace {

void check_spliced(const proxy::SplicedBody& spliced, std::string_view what) {
  const std::string joined = spliced.joined();
  require(joined.size() == spliced.size(), "a spliced body's size is the size of its pieces");
  require(is_json_object(joined), what);
}

}  // namespace

void fuzz_request_body(std::string_view bytes) {
  for (const bool padded : {true, false}) {
    std::string buffer(bytes);
    if (padded) buffer.reserve(buffer.size() + proxy::json_padding());
    simdjson::ondemand::document document;
    const proxy::ScanResult scan =
        proxy::scan_request_body(buffer, padded ? buffer.capacity() : buffer.size(), document);
    if (!scan.body) {
      require(!scan.error.empty(), "a refused body says why");
      continue;
    }
    const proxy::RequestBody& body = *scan.body;
    require(is_json_object(bytes), "a body the scan accepts is one JSON object");
    if (body.model_span) {
      require(body.model_span->offset + body.model_span->length <= bytes.size(), "the model's span is inside the body");
      bool ok = false;
      const auto model = parse_json(bytes.substr(body.model_span->offset, body.model_span->length), ok);
      require(ok && model.is_string() && model.get_string() == body.model, "the model's span holds the model's string");
      proxy::SplicedBody spliced(bytes);
      spliced.replace(*body.model_span, proxy::json_quote("local/qwen \"coder\"\x01"));
      check_spliced(spliced, "a body with its model replaced is one JSON object");
    }
    if (body.closing_brace) {
      require(bytes[*body.closing_brace] == '}', "the closing brace is a brace");
      proxy::SplicedBody spliced(bytes);
      if (body.stream_options_span) spliced.replace(*body.stream_options_span, R"({"include_usage":true})");
      proxy::append_member(spliced, bytes, *body.closing_brace, R"("x_added":{"a":[1]})");
      check_spliced(spliced, "a body with a member added is one JSON object");
    }
  }
}

}  // namespace llmroute::fuzz
