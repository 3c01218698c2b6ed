// Tests of whole-body request translation between Chat Completions, Messages and Responses.
#include "wire/request_translation.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "wire_test_helpers.hpp"

namespace {

namespace json = boost::json;
using namespace llmroute::wire;
using namespace llmroute::wire::testing;

RequestTranslation translate(WireFormat from, WireFormat to, std::string_view body,
                             const TranslateOptions& options = {}) {
  auto result = translate_request(from, to, body, options);
  REQUIRE_MESSAGE(result.ok(), (result.ok() ? std::string() : result.error().message));
  return std::move(*result);
}

std::string error_of(WireFormat from, WireFormat to, std::string_view body) {
  auto result = translate_request(from, to, body);
  REQUIRE_FALSE(result.ok());
  return result.error().message;
}

json::object parsed(const std::string& body) { return json::parse(body).as_object(); }

bool has_note(const RequestTranslation& t, std::string_view text) {
  for (const auto& note : t.notes) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a Claude Code request becomes the chat request a local server expects") {
  const auto t = translate(WireFormat::messages, WireFormat::chat, read_golden("claude_code_request.json"));
  check_golden_json("claude_code_request.chat.json", t.body);
  CHECK(t.stream);
  CHECK(t.model == "claude-sonnet-4-5-20250929");
  CHECK(has_note(t, "web_search"));

  const auto body = parsed(t.body);
  const auto& messages = body.at("messages").as_array();
  // system blocks joined into one system message, cache_control gone
  CHECK(messages[0].at("role") == "system");
  CHECK(t.body.find("cache_control") == std::string::npos);
  // the tool result comes right after the assistant tool call, before the user's remaining text
  // the system-reminder and the question, two text blocks, are one string (some servers reject arrays)
  CHECK(messages[1].at("content").is_string());
  CHECK(messages[2].at("role") == "assistant");
  CHECK(messages[2].at("tool_calls").at(0).at("id") == "toolu_01A09q90qw90lq917835lq9");
  CHECK(messages[2].at("tool_calls").at(0).at("function").at("arguments") ==
        R"({"file_path":"/repo/src/main.cpp","limit":200})");
  CHECK(messages[2].at("reasoning_content") == "I should read the file first.");
  CHECK(messages[3].at("role") == "tool");
  CHECK(messages[3].at("content").is_string());
  CHECK(messages[4].at("role") == "user");
  // error results are prefixed, multi-block results joined into one string
  CHECK(messages[6].at("content") == "Error: main.cpp:2: error: 'x' was not declared in this scope");
  CHECK(messages[7].at("content") == "src/main.cpp:2\n(1 match)");
  // the trailing system entry stays in place
  CHECK(messages.back().at("role") == "system");
  CHECK(body.at("stream_options").at("include_usage") == true);
  CHECK(body.at("user") == "user_3f2a_account__session_9c1e");
  CHECK(body.at("stop").at(0) == "</answer>");
}

TEST_CASE("a Codex request becomes a chat request with flattened namespace tools and a name map") {
  const auto t = translate(WireFormat::responses, WireFormat::chat, read_golden("codex_request.json"));
  check_golden_json("codex_request.chat.json", t.body);
  const auto body = parsed(t.body);
  const auto& messages = body.at("messages").as_array();
  CHECK(messages[0].at("role") == "system");
  CHECK(messages[1].at("role") == "system");  // developer → system: local servers do not know "developer"
  // the assistant text and the two consecutive function calls form one assistant message
  CHECK(messages[4].at("role") == "assistant");
  CHECK(messages[4].at("content") == "I'll run the test first.");
  CHECK(messages[4].at("tool_calls").as_array().size() == 2);
  CHECK(messages[4].at("tool_calls").at(1).at("function").at("name") == "mcp__github__read_issue");
  CHECK(messages[5].at("role") == "tool");
  CHECK(messages[6].at("content") == "Issue 42: parser drops trailing commas");
  // a custom tool call is a function call whose arguments wrap the free-form input
  CHECK(json::parse(messages[7].at("tool_calls").at(0).at("function").at("arguments").as_string()).at("input") ==
        "*** Begin Patch\n*** Update File: parser.py\n@@\n-    return items\n+    return items + trailing\n*** End "
        "Patch");
  CHECK(body.at("response_format").at("json_schema").at("name") == "answer");
  CHECK(body.at("max_tokens") == 8000);
  CHECK(body.at("parallel_tool_calls") == false);
  CHECK(body.at("reasoning_effort") == "medium");

  CHECK(has_note(t, "web_search"));
  const auto* alias = t.tool_names.find_wire_name("mcp__github__read_issue");
  REQUIRE(alias != nullptr);
  CHECK(alias->namespace_name == "mcp__github");
  CHECK(alias->name == "read_issue");
  const auto* patch = t.tool_names.find_wire_name("apply_patch");
  REQUIRE(patch != nullptr);
  CHECK(patch->shape == ToolShape::custom);
  for (const auto& tool : body.at("tools").as_array()) {
    CHECK(tool.at("function").at("name").as_string().size() <= 64);
  }
}

TEST_CASE("an aider chat request becomes an Anthropic request with merged turns and cache breakpoints") {
  const auto t = translate(WireFormat::chat, WireFormat::messages, read_golden("aider_request.json"));
  check_golden_json("aider_request.messages.json", t.body);
  const auto body = parsed(t.body);
  CHECK(body.at("max_tokens") == 4096);
  CHECK(body.at("system").as_array().size() == 2);  // both system messages collected
  const auto& messages = body.at("messages").as_array();
  // two consecutive user messages merged into one turn
  CHECK(messages[2].at("role") == "user");
  CHECK(messages[2].at("content").as_array().size() == 3);
  CHECK(messages[2].at("content").at(2).at("source").at("media_type") == "image/png");
  CHECK(messages[3].at("content").at(0).at("type") == "tool_use");
  CHECK(messages[3].at("content").at(0).at("input").at("path") == "cli.py");
  CHECK(messages[4].at("content").at(0).at("type") == "tool_result");
  CHECK(body.at("stop_sequences").at(0) == "<<<END>>>");
  CHECK(body.at("metadata").at("user_id") == "alice");
  CHECK(has_note(t, "seed"));
  CHECK(t.include_usage);
}

TEST_CASE("a chat request becomes a Responses request for an openai-responses backend") {
  const auto t = translate(WireFormat::chat, WireFormat::responses, read_golden("aider_request.json"));
  check_golden_json("aider_request.responses.json", t.body);
  const auto body = parsed(t.body);
  CHECK(body.at("instructions") == "Act as an expert software developer.\nAlways use best practices when coding.");
  CHECK(body.at("tools").at(0).at("strict") == false);
  CHECK(body.at("store") == false);
  CHECK(has_note(t, "stop sequences dropped"));
}

TEST_CASE("a Codex request can go to Anthropic and a Claude Code request to a Responses backend") {
  const auto to_messages = translate(WireFormat::responses, WireFormat::messages, read_golden("codex_request.json"));
  const auto messages = parsed(to_messages.body);
  CHECK(messages.at("system").as_array().size() == 3);  // instructions, developer message, JSON-schema instruction
  CHECK(has_note(to_messages, "response_format emulated"));
  for (const auto& message : messages.at("messages").as_array()) {
    CHECK((message.at("role") == "user" || message.at("role") == "assistant"));
  }
  const auto to_responses =
      translate(WireFormat::messages, WireFormat::responses, read_golden("claude_code_request.json"));
  const auto responses = parsed(to_responses.body);
  CHECK(responses.at("input").at(0).at("role") == "user");
  CHECK(responses.at("max_output_tokens") == 32000);
}

TEST_CASE("chat user text after tool results stays after them; tool images move to a user message") {
  const auto body = R"({"model":"m","max_tokens":10,"messages":[
    {"role":"user","content":"go"},
    {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Shot","input":{}}]},
    {"role":"user","content":[{"type":"text","text":"before"},
      {"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"ok"},
        {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAA="}}]}]}]})";
  const auto t = translate(WireFormat::messages, WireFormat::chat, body);
  const auto result = parsed(t.body);
  const auto& messages = result.at("messages").as_array();
  REQUIRE(messages.size() == 4);
  CHECK(messages[2].at("role") == "tool");
  CHECK(messages[2].at("content") == "ok");
  CHECK(messages[3].at("role") == "user");
  CHECK(messages[3].at("content").at(0).at("image_url").at("url") == "data:image/png;base64,AAA=");
  CHECK(messages[3].at("content").at(1).at("text") == "before");
}

TEST_CASE("unsupported content is rejected with the exact path of the offending part") {
  CHECK(error_of(WireFormat::messages, WireFormat::chat,
                 R"({"model":"m","messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},
                    {"role":"user","content":"c"},{"role":"user","content":[{"type":"text","text":"x"},
                    {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}}]}]})") ==
        R"(messages[3].content[1]: unsupported block type "document")");
  CHECK(error_of(WireFormat::chat, WireFormat::messages,
                 R"({"model":"m","messages":[{"role":"function","content":"x"}]})") ==
        R"(messages[0].role: unsupported role "function")");
  CHECK(error_of(WireFormat::responses, WireFormat::chat,
                 R"({"model":"m","input":[{"type":"item_reference","id":"x"}]})") ==
        R"(input[0]: unsupported item type "item_reference")");
  CHECK(
      error_of(WireFormat::responses, WireFormat::chat, R"({"model":"m","previous_response_id":"resp_1","input":"hi"})")
          .starts_with("previous_response_id:"));
  CHECK(error_of(WireFormat::chat, WireFormat::messages, R"({"model":"m","messages":[],"n":2})").starts_with("n:"));
  // Legacy functions would be dropped without a word and the model could call nothing.
  CHECK(error_of(WireFormat::chat, WireFormat::messages,
                 R"({"model":"m","messages":[],"functions":[{"name":"f","parameters":{"type":"object"}}]})") ==
        "functions: legacy functions are not supported; use tools");
  CHECK(error_of(WireFormat::chat, WireFormat::messages, "{not json").starts_with("body is not valid JSON"));
  CHECK(error_of(WireFormat::chat, WireFormat::messages, "[1]") == "body must be a JSON object, not array");
}

TEST_CASE("a chat tool call without a function name is refused with its path, not sent on as a nameless tool") {
  // Anthropic refuses a tool_use (and a declared tool) without a name; the client learns where its request is wrong.
  const std::string body =
      R"({"model":"m","messages":[{"role":"user","content":"run"},{"role":"assistant","content":null,)"
      R"("tool_calls":[{"id":"c1","type":"function","function":{"arguments":"{}"}}]},)"
      R"({"role":"tool","tool_call_id":"c1","content":"out"}]})";
  for (const auto to : {WireFormat::messages, WireFormat::responses})
    CHECK(error_of(WireFormat::chat, to, body) == "messages[1].tool_calls[0].function.name: missing");
}

TEST_CASE("a request for log probabilities is refused rather than answered without them") {
  // Anthropic and translated answers carry no logprobs: "logprobs": null would break a client that asked.
  for (const auto to : {WireFormat::messages, WireFormat::responses}) {
    CHECK(error_of(WireFormat::chat, to, R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":true})") ==
          "logprobs: log probabilities cannot be translated to this backend");
    CHECK(error_of(WireFormat::chat, to, R"({"model":"m","messages":[],"logprobs":true,"top_logprobs":3})").starts_with("logprobs:"));
  }
  CHECK(error_of(WireFormat::responses, WireFormat::chat, R"({"model":"m","input":"x","top_logprobs":2})").starts_with("top_logprobs:"));
  CHECK(error_of(WireFormat::responses, WireFormat::messages,
                 R"({"model":"m","input":"x","include":["message.output_text.logprobs"]})").starts_with("include:"));
  // Asking for none is no request at all.
  const auto t = translate(WireFormat::chat, WireFormat::messages, R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":false})");
  CHECK_FALSE(has_note(t, "logprobs"));
  translate(WireFormat::responses, WireFormat::chat, R"({"model":"m","input":"x","include":["reasoning.encrypted_content"],"top_logprobs":0})");
}

TEST_CASE("a history with tool calls but no tools offered declares them for Anthropic, with tool_choice none") {
  // Codex compacts its history with no tools; Anthropic rejects tool_use blocks in a request without tools.
  const auto t = translate(WireFormat::responses, WireFormat::messages, R"({"model":"m","input":[
      {"role":"user","content":"fix the build"},
      {"type":"function_call","call_id":"call_1","name":"shell","arguments":"{\"command\":[\"make\"]}"},
      {"type":"function_call_output","call_id":"call_1","output":"ok"},
      {"type":"function_call","call_id":"call_2","name":"shell","arguments":"{}"},
      {"type":"function_call_output","call_id":"call_2","output":"ok"},
      {"role":"user","content":"Summarise the conversation so far."}]})");
  const auto body = parsed(t.body);
  REQUIRE(body.contains("tools"));
  CHECK(body.at("tools").as_array().size() == 1);
  CHECK(body.at("tools").at(0).at("name") == "shell");
  CHECK(body.at("tools").at(0).at("input_schema").at("type") == "object");
  CHECK(body.at("tool_choice") == json::value{{"type", "none"}});
  CHECK(has_note(t, "tool_choice none"));

  // Offered tools are left as they are; a history without tool calls gets none.
  const auto offered = parsed(translate(WireFormat::chat, WireFormat::messages, R"({"model":"m","messages":[
      {"role":"user","content":"x"},
      {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"a","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"c1","content":"ok"}],
      "tools":[{"type":"function","function":{"name":"b","parameters":{"type":"object"}}}]})").body);
  CHECK(offered.at("tools").as_array().size() == 1);
  CHECK_FALSE(offered.contains("tool_choice"));
  CHECK_FALSE(parsed(translate(WireFormat::chat, WireFormat::messages, R"({"model":"m","messages":[{"role":"user","content":"x"}]})").body)
                  .contains("tools"));
}

TEST_CASE("structured output a Messages client asks for reaches Chat and Responses backends as a JSON schema format") {
  // Claude Code asks its side calls (memory selection) for JSON this way, and parses the answer as JSON.
  constexpr std::string_view schema = R"({"type":"object","properties":{"selected":{"type":"array","items":{"type":"string"}}},"required":["selected"],"additionalProperties":false})";
  const std::string config = R"({"model":"m","max_tokens":256,"messages":[{"role":"user","content":"pick"}],
      "output_config":{"effort":"low","format":{"type":"json_schema","schema":)" + std::string(schema) + "}}}";
  const auto chat = parsed(translate(WireFormat::messages, WireFormat::chat, config).body);
  CHECK(chat.at("response_format").at("type") == "json_schema");
  CHECK(chat.at("response_format").at("json_schema").at("schema") == json::parse(schema));
  CHECK(chat.at("response_format").at("json_schema").at("name") == "response");
  const auto responses = parsed(translate(WireFormat::messages, WireFormat::responses, config).body);
  CHECK(responses.at("text").at("format").at("type") == "json_schema");
  CHECK(responses.at("text").at("format").at("schema") == json::parse(schema));

  // The deprecated spelling, and formats that cannot be honoured.
  const std::string deprecated = R"({"model":"m","max_tokens":256,"messages":[{"role":"user","content":"pick"}],
      "output_format":{"type":"json_schema","schema":)" + std::string(schema) + "}}";
  CHECK(parsed(translate(WireFormat::messages, WireFormat::chat, deprecated).body).at("response_format").at("type") == "json_schema");
  CHECK(error_of(WireFormat::messages, WireFormat::chat,
                 R"({"model":"m","max_tokens":9,"messages":[],"output_config":{"format":{"type":"xml"}}})") ==
        R"(output_config.format.type: unsupported value "xml")");
  // effort alone asks for no format.
  CHECK_FALSE(parsed(translate(WireFormat::messages, WireFormat::chat,
                               R"({"model":"m","max_tokens":9,"messages":[],"output_config":{"effort":"high"}})").body)
                  .contains("response_format"));
}

TEST_CASE("tool choice maps between Anthropic and OpenAI spellings") {
  const auto with_choice = [](std::string_view choice) {
    return std::string(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],)") +
           R"("tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":)" + std::string(choice) + "}";
  };
  const auto chat_choice = [&](std::string_view choice) {
    return json::serialize(
        parsed(translate(WireFormat::messages, WireFormat::chat, with_choice(choice)).body).at("tool_choice"));
  };
  CHECK(chat_choice(R"({"type":"auto"})") == R"("auto")");
  CHECK(chat_choice(R"({"type":"any"})") == R"("required")");
  CHECK(chat_choice(R"({"type":"none"})") == R"("none")");
  CHECK(chat_choice(R"({"type":"tool","name":"f"})") == R"({"type":"function","function":{"name":"f"}})");
  const auto no_parallel = parsed(translate(WireFormat::messages, WireFormat::chat,
                                            with_choice(R"({"type":"auto","disable_parallel_tool_use":true})"))
                                      .body);
  CHECK(no_parallel.at("parallel_tool_calls") == false);

  const auto back = parsed(
      translate(
          WireFormat::chat, WireFormat::messages,
          R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],
          "tool_choice":"required","parallel_tool_calls":false})")
          .body);
  CHECK(json::serialize(back.at("tool_choice")) == R"({"type":"any","disable_parallel_tool_use":true})");
  CHECK(json::serialize(back.at("tools").at(0).at("input_schema")) == R"({"type":"object","properties":{}})");
}

TEST_CASE("request options choose the max tokens field, reasoning history and cache breakpoints") {
  TranslateOptions options;
  options.request.max_tokens_field = MaxTokensField::max_completion_tokens;
  options.request.reasoning_history = ReasoningHistory::drop;
  options.model = "qwen3-coder:30b";
  const auto t = translate(WireFormat::messages, WireFormat::chat, read_golden("claude_code_request.json"), options);
  const auto body = parsed(t.body);
  CHECK(body.at("max_completion_tokens") == 32000);
  CHECK_FALSE(body.contains("max_tokens"));
  CHECK(t.body.find("reasoning_content") == std::string::npos);
  CHECK(body.at("model") == "qwen3-coder:30b");

  TranslateOptions plain;
  plain.request.cache_breakpoints = CacheBreakpoints::none;
  const auto no_cache = translate(WireFormat::chat, WireFormat::messages, read_golden("aider_request.json"), plain);
  CHECK(no_cache.body.find("cache_control") == std::string::npos);
}

TEST_CASE("temperature above Anthropic's range is clamped and reported") {
  const auto t =
      translate(WireFormat::chat, WireFormat::messages,
                R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":1.5,"max_tokens":9})");
  const auto body = parsed(t.body);
  CHECK(body.at("temperature").to_number<double>() == 1.0);
  CHECK(body.at("max_tokens") == 9);
  CHECK(has_note(t, "temperature"));
}

TEST_CASE("the same format passes the body through, replacing only the model when asked") {
  const std::string body = R"({"model":"a","stream":true,"stream_options":{"include_usage":true},"messages":[]})";
  const auto same = translate(WireFormat::chat, WireFormat::chat, body);
  CHECK(same.body == body);
  CHECK(same.stream);
  CHECK(same.include_usage);
  TranslateOptions options;
  options.model = "b";
  const auto renamed = translate(WireFormat::chat, WireFormat::chat, body, options);
  CHECK(parsed(renamed.body).at("model") == "b");
}

TEST_CASE("numbers keep their short form and deep schemas survive translation") {
  std::string deep = R"({"type":"object"})";
  for (int i = 0; i < 60; ++i) deep = R"({"type":"object","properties":{"x":)" + deep + "}}";
  const auto t = translate(WireFormat::chat, WireFormat::messages,
                           R"({"model":"m","temperature":0.7,"top_p":0.95,"messages":[{"role":"user","content":"x"}],
                               "tools":[{"type":"function","function":{"name":"f","parameters":)" +
                               deep + "}}]}");
  CHECK(t.body.find(R"("temperature":0.7)") != std::string::npos);
  CHECK(t.body.find(R"("top_p":0.95)") != std::string::npos);
}

TEST_CASE("the answer context carries the tool names and the usage request of the translated request") {
  const auto t = translate(WireFormat::responses, WireFormat::chat, read_golden("codex_request.json"));
  const auto context = answer_context(t, "abc", 1735689600);
  CHECK(context.request_id == "abc");
  CHECK(context.created == 1735689600);
  CHECK(context.tool_names.find_wire_name("mcp__github__read_issue") != nullptr);
  CHECK_FALSE(context.include_usage);
  CHECK(answer_context(translate(WireFormat::chat, WireFormat::messages, read_golden("aider_request.json")), "x", 0)
            .include_usage);
}

TEST_CASE("unsigned thinking blocks are stripped from a body bound for Anthropic, signed ones kept") {
  CHECK_FALSE(strip_unsigned_thinking(read_golden("claude_code_request.json")).has_value());
  const auto stripped = strip_unsigned_thinking(R"({"model":"m","messages":[{"role":"assistant","content":[
      {"type":"thinking","thinking":"local","signature":""},{"type":"thinking","thinking":"cloud","signature":"Eq"},
      {"type":"text","text":"hi"}]}]})");
  REQUIRE(stripped.has_value());
  const auto content = parsed(*stripped).at("messages").at(0).at("content").as_array();
  REQUIRE(content.size() == 2);
  CHECK(content[0].at("thinking") == "cloud");
}

TEST_CASE("a max tokens limit caps what the client asked for, and fills it in when the client asked nothing") {
  TranslateOptions options;
  options.request.max_tokens_limit = 8192;
  const auto capped =
      translate(WireFormat::messages, WireFormat::chat, read_golden("claude_code_request.json"), options);
  CHECK(parsed(capped.body).at("max_tokens") == 8192);
  CHECK(has_note(capped, "max_tokens capped to 8192"));
  const auto filled = translate(WireFormat::responses, WireFormat::chat, R"({"model":"m","input":"hi"})", options);
  CHECK(parsed(filled.body).at("max_tokens") == 8192);
  CHECK(filled.notes.empty());
  options.request.max_tokens_limit = 100000;
  const auto untouched =
      translate(WireFormat::messages, WireFormat::chat, read_golden("claude_code_request.json"), options);
  CHECK(parsed(untouched.body).at("max_tokens") == 32000);
}

TEST_CASE("a max_tokens beyond any integer (1e300) counts as absent instead of wrapping around to a negative number") {
  TranslateOptions options;
  options.request.max_tokens_limit = 8192;
  const auto t = translate(WireFormat::messages, WireFormat::chat,
                           R"({"model":"m","max_tokens":1e300,"messages":[{"role":"user","content":"hi"}]})", options);
  CHECK(parsed(t.body).at("max_tokens") == 8192);
}

TEST_CASE("cache_control a chat client put on its parts is kept and no automatic breakpoints are added") {
  const auto t = translate(WireFormat::chat, WireFormat::messages, R"({"model":"m","messages":[
      {"role":"system","content":[{"type":"text","text":"big prompt","cache_control":{"type":"ephemeral"}}]},
      {"role":"user","content":"q1"},{"role":"assistant","content":"a1"},{"role":"user","content":"q2"}]})");
  const auto body = parsed(t.body);
  CHECK(body.at("system").at(0).as_object().contains("cache_control"));
  CHECK(t.body.find("cache_control") == t.body.rfind("cache_control"));  // exactly one breakpoint
}
