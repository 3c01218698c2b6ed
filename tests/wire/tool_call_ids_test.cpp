// Tests of Mistral's tool-call id rule: short ids in translated requests and edits of relayed Chat bodies.
#include "wire/tool_call_ids.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <set>

#include "wire/request_translation.hpp"
#include "wire_test_helpers.hpp"

namespace {

namespace json = boost::json;
using namespace llmroute::wire;
using namespace llmroute::wire::testing;

TranslateOptions mistral_options() {
  TranslateOptions options;
  options.request.tool_call_ids = ToolCallIds::mistral;
  return options;
}

json::object translated_for_mistral(WireFormat from, std::string_view body) {
  auto result = translate_request(from, WireFormat::chat, body, mistral_options());
  REQUIRE_MESSAGE(result.ok(), (result.ok() ? std::string() : result.error().message));
  return json::parse(result->body).as_object();
}

/// Every tool-call id of a Chat body: the calls' ids, and the tool messages' ids in their own list.
struct ChatIds {
  std::vector<std::string> calls;
  std::vector<std::string> results;
};

ChatIds ids_of(const json::object& body) {
  ChatIds ids;
  for (const auto& message : body.at("messages").as_array()) {
    const auto& m = message.as_object();
    if (const auto* calls = m.if_contains("tool_calls"); calls != nullptr && calls->is_array())
      for (const auto& call : calls->as_array()) ids.calls.emplace_back(call.at("id").as_string());
    if (const auto* id = m.if_contains("tool_call_id")) ids.results.emplace_back(id->as_string());
  }
  return ids;
}

std::string applied(std::string_view body, const std::vector<ByteEdit>& edits) {
  std::string out(body);
  for (auto edit = edits.rbegin(); edit != edits.rend(); ++edit) out.replace(edit->offset, edit->length, edit->text);
  return out;
}

/// An aider-shaped Chat history (litellm relays OpenAI's ids): two calls in one turn, their results, a question.
constexpr std::string_view kAiderBody = R"({"model": "devstral",
  "messages": [
    {"role": "system", "content": "You are aider."},
    {"role": "user", "content": "Fix the build"},
    {"role": "assistant", "content": null, "tool_calls": [
      {"id": "call_Xq3kZ9mN2pL8vR4tY6wB1cDe", "type": "function", "function": {"name": "read", "arguments": "{\"path\":\"a.c\"}"}},
      {"type": "function", "id": "call_7", "function": {"name": "read", "arguments": "{\"path\":\"b.c\"}"}}]},
    {"role": "tool", "tool_call_id": "call_Xq3kZ9mN2pL8vR4tY6wB1cDe", "content": "int a;"},
    {"tool_call_id": "call_7", "role": "tool", "content": "int b;"},
    {"role": "assistant", "content": "Both read.", "tool_calls": null},
    {"role": "user", "content": "Now call_7 again"}],
  "stream": true})";

}  // namespace

TEST_CASE("an id of exactly 9 letters and digits follows Mistral's rule; anything else does not") {
  CHECK(is_mistral_tool_id("9HxEI5Kcl"));
  CHECK(is_mistral_tool_id("000000000"));
  CHECK_FALSE(is_mistral_tool_id("toolu_01A09q90qw90lq917835lq9"));
  CHECK_FALSE(is_mistral_tool_id("call_abcd"));  // 9 characters, one of them '_'
  CHECK_FALSE(is_mistral_tool_id("abcdefgh"));
  CHECK_FALSE(is_mistral_tool_id("abcdefghij"));
  CHECK_FALSE(is_mistral_tool_id("abcd-fghi"));
  CHECK_FALSE(is_mistral_tool_id(""));
}

TEST_CASE("a Claude Code history bound for a Mistral model has every tool-call id shortened, results still paired") {
  auto result = translate_request(WireFormat::messages, WireFormat::chat, read_golden("claude_code_request.json"),
                                  mistral_options());
  REQUIRE(result.ok());
  const ChatIds ids = ids_of(json::parse(result->body).as_object());
  REQUIRE(ids.calls.size() == 3);
  for (const auto& id : ids.calls) CHECK(is_mistral_tool_id(id));
  CHECK(std::set<std::string>(ids.calls.begin(), ids.calls.end()).size() == 3);
  CHECK(ids.results == ids.calls);
  bool noted = false;
  for (const auto& note : result->notes) noted = noted || note.find("tool-call ids shortened") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("a Codex history bound for a Mistral model keeps each function call paired with its output") {
  const ChatIds ids = ids_of(translated_for_mistral(WireFormat::responses, read_golden("codex_request.json")));
  REQUIRE(ids.calls.size() == 3);  // shell, the namespaced tool, the custom tool
  for (const auto& id : ids.calls) CHECK(is_mistral_tool_id(id));
  CHECK(std::set<std::string>(ids.calls.begin(), ids.calls.end()).size() == 3);
  CHECK(ids.results == ids.calls);
}

TEST_CASE("the same id gets the same short id in every request, so a growing history stays consistent") {
  const MistralToolIds first({"toolu_01A09q90qw90lq917835lq9"});
  const MistralToolIds later({"toolu_01B", "call_77", "toolu_01A09q90qw90lq917835lq9"});
  CHECK(first("toolu_01A09q90qw90lq917835lq9") == later("toolu_01A09q90qw90lq917835lq9"));
  CHECK(is_mistral_tool_id(first("toolu_01A09q90qw90lq917835lq9")));

  // Two turns of one conversation, translated separately: the earlier turn's ids are the same in both.
  const std::string body = read_golden("claude_code_request.json");
  const ChatIds turn = ids_of(translated_for_mistral(WireFormat::messages, body));
  const ChatIds again = ids_of(translated_for_mistral(WireFormat::messages, body));
  CHECK(turn.calls == again.calls);
}

TEST_CASE("ids that already follow the rule are sent as they are, next to shortened ones") {
  const MistralToolIds ids({"9HxEI5Kcl", "call_A1", "9HxEI5Kcl"});
  CHECK(ids("9HxEI5Kcl") == "9HxEI5Kcl");
  CHECK(ids("call_A1") != "call_A1");
  CHECK(is_mistral_tool_id(ids("call_A1")));
  CHECK(ids("an id it was not given") == "an id it was not given");
  CHECK(MistralToolIds({"9HxEI5Kcl", "abcDEF123"}).empty());
}

TEST_CASE("a short id that would equal another id of the same request is hashed again") {
  const std::string taken(MistralToolIds({"call_A1"})("call_A1"));
  // The backend's own (valid) id happens to be call_A1's short id: call_A1 must get another one.
  const MistralToolIds ids({taken, "call_A1"});
  CHECK(ids(taken) == taken);
  CHECK(ids("call_A1") != taken);
  CHECK(is_mistral_tool_id(ids("call_A1")));
  // Distinct ids never share a short id, however many there are.
  std::vector<std::string> many;
  for (int i = 0; i < 2000; ++i) many.push_back("call_" + std::to_string(i));
  const MistralToolIds lots(std::vector<std::string_view>(many.begin(), many.end()));
  std::set<std::string> shorts;
  for (const auto& id : many) shorts.emplace(lots(id));
  CHECK(shorts.size() == many.size());
}

TEST_CASE("without the Mistral option tool-call ids are sent as the client wrote them") {
  auto result = translate_request(WireFormat::messages, WireFormat::chat, read_golden("claude_code_request.json"));
  REQUIRE(result.ok());
  const ChatIds ids = ids_of(json::parse(result->body).as_object());
  CHECK(ids.calls == std::vector<std::string>{"toolu_01A09q90qw90lq917835lq9", "toolu_01B", "toolu_01C"});
}

TEST_CASE("a relayed Chat body gets edits of its tool-call ids only, every other byte as the client sent it") {
  const auto edits = mistral_tool_id_edits(kAiderBody);
  REQUIRE(edits.size() == 4);  // two calls, two results; the user's text mentioning call_7 is not an id
  const std::string edited = applied(kAiderBody, edits);

  const ChatIds ids = ids_of(json::parse(edited).as_object());
  for (const auto& id : ids.calls) CHECK(is_mistral_tool_id(id));
  CHECK(ids.results == ids.calls);
  CHECK(ids.calls[0] == std::string(MistralToolIds({"call_Xq3kZ9mN2pL8vR4tY6wB1cDe"})("call_Xq3kZ9mN2pL8vR4tY6wB1cDe")));

  // Put the old ids back into the edited bytes: the result is the client's body, byte for byte.
  std::string restored = edited;
  for (const auto& [from, to] : {std::pair{ids.calls[0], std::string("call_Xq3kZ9mN2pL8vR4tY6wB1cDe")},
                                 std::pair{ids.calls[1], std::string("call_7")}}) {
    for (auto at = restored.find(from); at != std::string::npos; at = restored.find(from, at + to.size()))
      restored.replace(at, from.size(), to);
  }
  CHECK(restored == kAiderBody);
}

TEST_CASE("a relayed Chat body needs no edits without tool calls, with valid ids, or when it is not a Chat request") {
  CHECK(mistral_tool_id_edits(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})").empty());
  CHECK(mistral_tool_id_edits(R"({"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"abcDEF123",)"
                              R"("type":"function","function":{"name":"f","arguments":"{}"}}]},)"
                              R"({"role":"tool","tool_call_id":"abcDEF123","content":"ok"}]})")
            .empty());
  CHECK(mistral_tool_id_edits(R"({"model":"m","messages":[{"role":"tool","tool_call_id":"call_1")").empty());
  CHECK(mistral_tool_id_edits(R"({"model":"m","messages":"tool_calls"})").empty());
}

TEST_CASE("an id written with JSON escapes is replaced as a whole literal") {
  const std::string body = R"({"messages":[{"role":"assistant","tool_calls":[{"id":"call\u005f1\"x","type":"function",)"
                           R"("function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_1\"x","content":"ok"}]})";
  const auto edits = mistral_tool_id_edits(body);
  REQUIRE(edits.size() == 2);
  const ChatIds ids = ids_of(json::parse(applied(body, edits)).as_object());
  CHECK(is_mistral_tool_id(ids.calls[0]));
  CHECK(ids.results == ids.calls);  // the same id however it was spelled
}
