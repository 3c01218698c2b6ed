// Tests of the readable conversation handed to judges.
#include "wire/prompt_text.hpp"

#include <doctest/doctest.h>

namespace {

using llmroute::wire::readable_conversation;

TEST_CASE("a chat conversation reads as role: text blocks, with tool calls and images named") {
  const std::string body = R"({"model":"m","messages":[
    {"role":"system","content":"Be brief."},
    {"role":"user","content":[{"type":"text","text":"What is in "},{"type":"image_url","image_url":{"url":"x"}}]},
    {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"read_file","arguments":"{\"path\":\"a.txt\"}"}}]},
    {"role":"tool","tool_call_id":"c1","content":"hello"}]})";
  CHECK(readable_conversation(body, 10'000) ==
        "system: Be brief.\n\nuser: What is in [image]\n\nassistant: \n[tool call read_file {\"path\":\"a.txt\"}]\n\ntool: hello");
}

TEST_CASE("a long conversation keeps its end and says the start is cut") {
  const std::string body = R"({"messages":[{"role":"user","content":")" + std::string(100, '.') + R"(0123456789abcdefghij"}]})";
  const std::string text = readable_conversation(body, 70);
  CHECK(text.size() == 70);
  CHECK(text.starts_with("[… the start of the conversation is cut …]\n"));
  CHECK(text.ends_with("abcdefghij"));
}

TEST_CASE("a body that is not a chat request reads as nothing") {
  CHECK(readable_conversation("not json", 100).empty());
  CHECK(readable_conversation(R"({"input":"responses shape"})", 100).empty());
}

}  // namespace
