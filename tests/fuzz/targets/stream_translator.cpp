// Harness: a backend's event stream translated for a client of every format, fed in pieces whose lengths come
// from the input, then ended cleanly or by a failure.
//
// Input: one selector byte (backend, client, how the stream ends, options), four bytes seeding the piece
// lengths, then the upstream bytes.
#include "client_stream_check.hpp"
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "wire/stream_translator.hpp"

#include <string>

namespace llmroute::fuzz {

namespace {

constexpr wire::WireFormat kFormats[] = {wire::WireFormat::chat, wire::WireFormat::messages,
                                         wire::WireFormat::responses};

struct Run {
  std::string out;
  wire::StreamSummary summary;
};

struct Setup {
  wire::WireFormat backend;
  wire::WireFormat client;
  wire::StreamEnd end;
  wire::TranslationContext context;
  bool keep_answer;
};

Run translate(const Setup& setup, std::string_view upstream, Splits* splits) {
  wire::StreamTranslator translator(setup.backend, setup.client, setup.context);
  if (setup.keep_answer) translator.keep_answer(1024);
  Run run;
  if (splits == nullptr) {
    translator.feed(upstream, run.out);
  } else {
    for (std::size_t at = 0; at < upstream.size();) {
      const std::size_t length = splits->next();
      translator.feed(upstream.substr(at, length), run.out);
      at += length;
    }
  }
  translator.finish(run.out, setup.end, "the upstream connection broke");
  const std::size_t finished = run.out.size();
  translator.finish(run.out, setup.end, "again");
  require(run.out.size() == finished, "finish() twice adds nothing the second time");
  run.summary = translator.summary();
  return run;
}

bool same_summary(const wire::StreamSummary& a, const wire::StreamSummary& b) {
  return a.upstream_id == b.upstream_id && a.model == b.model && a.text_bytes == b.text_bytes &&
         a.reasoning_bytes == b.reasoning_bytes && a.argument_bytes == b.argument_bytes &&
         a.tool_calls == b.tool_calls && a.finish_reason == b.finish_reason && a.usage.input == b.usage.input &&
         a.usage.output == b.usage.output && a.ended == b.ended && a.error == b.error;
}

}  // namespace

void fuzz_stream_translator(std::string_view bytes) {
  ControlBytes control(bytes);
  const unsigned selector = control.take();
  const std::uint32_t seed = control.take32();
  Setup setup{kFormats[selector % 3], kFormats[selector / 3 % 3],
              selector / 9 % 2 != 0 ? wire::StreamEnd::upstream_failed : wire::StreamEnd::clean, {},
              selector / 72 % 2 != 0};
  setup.context.request_id = "req";
  setup.context.think_tags = selector / 18 % 2 != 0 ? wire::ThinkTags::keep : wire::ThinkTags::split;
  setup.context.include_usage = selector / 36 % 2 != 0;
  if (selector / 144 % 2 != 0) {
    setup.context.model = "client-model";
    setup.context.created = 1700000000;
    setup.context.input_tokens_hint = 42;
  }

  const Run whole = translate(setup, bytes, nullptr);
  Splits splits(seed, 1 + seed % 64);
  const Run pieces = translate(setup, bytes, &splits);
  require(whole.out == pieces.out, "the client stream does not depend on how the upstream bytes were split");
  require(same_summary(whole.summary, pieces.summary), "the summary does not depend on how the bytes were split");

  if (setup.backend == setup.client) {
    wire::StreamTranslator observer(setup.backend, setup.client, setup.context);
    observer.observe(bytes);
    std::string unused;
    observer.finish(unused, setup.end, "the upstream connection broke");
    require(same_summary(observer.summary(), whole.summary), "observe() sums up a stream as feed() does");
  } else {
    const ClientRead read = check_client_stream(setup.client, whole.out);
    require(read.text_bytes == whole.summary.text_bytes, "the client reads every byte of text the summary counts");
    require(read.reasoning_bytes == whole.summary.reasoning_bytes, "the client reads every byte of reasoning the summary counts");
  }
}

}  // namespace llmroute::fuzz
