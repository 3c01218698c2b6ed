// Harness: a leading <think> section of streamed text separated into reasoning, whole and in pieces.
//
// Input: four bytes seeding the piece lengths, then the text.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "wire/think_splitter.hpp"

#include <string>

namespace llmroute::fuzz {

namespace {

struct Collected final : wire::ThinkSink {
  std::string text;
  std::string reasoning;
  void on_text(std::string_view t) override { text += t; }
  void on_reasoning(std::string_view t) override { reasoning += t; }
};

Collected split(std::string_view text, Splits* splits) {
  wire::ThinkSplitter splitter;
  Collected sink;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = splits == nullptr ? text.size() : splits->next();
    splitter.feed(text.substr(at, length), sink);
    at += length;
  }
  splitter.flush(sink);
  return sink;
}

}  // namespace

void fuzz_think_splitter(std::string_view bytes) {
  ControlBytes control(bytes);
  const std::uint32_t seed = control.take32();
  const Collected whole = split(bytes, nullptr);
  Splits splits(seed, 1 + seed % 12);
  const Collected pieces = split(bytes, &splits);
  require(whole.text == pieces.text && whole.reasoning == pieces.reasoning, "the split does not depend on the pieces");
  require(whole.text.size() + whole.reasoning.size() <= bytes.size(), "nothing is invented");
  if (bytes.find("<think>") == std::string_view::npos) require(whole.text == bytes, "text without <think> passes unchanged");
}

}  // namespace llmroute::fuzz
