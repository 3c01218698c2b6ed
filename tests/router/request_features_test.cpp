// Feature extraction for each client's request shape: prompt resolution, wrappers, counts, identity.
#include <doctest/doctest.h>

#include <string>

#include "router/request_features.hpp"

using namespace llmroute::router;

namespace {

RequestFeatures features_of(std::string_view path, const Headers& headers, const std::string& body) {
  ExtractResult result = extract_features(path, headers, body);
  const auto* error = std::get_if<ExtractError>(&result);
  if (error != nullptr) FAIL("extraction failed: " << error->message << " at " << error->offset);
  return std::get<RequestFeatures>(result);
}

const Headers kClaudeCode{{"User-Agent", "claude-cli/2.0.14 (external, cli)"}};

}  // namespace

TEST_CASE("the wire format comes from the path, ignoring the query string") {
  CHECK(wire_format_of("/v1/messages?beta=true") == WireFormat::messages);
  CHECK(wire_format_of("/v1/messages/count_tokens?beta=true") == WireFormat::count_tokens);
  CHECK(wire_format_of("/v1/chat/completions") == WireFormat::chat_completions);
  CHECK(wire_format_of("/v1/completions") == WireFormat::completions);
  CHECK(wire_format_of("/v1/responses") == WireFormat::responses);
  CHECK(wire_format_of("/v1/responses/compact") == WireFormat::responses_compact);
  CHECK(wire_format_of("/healthz") == WireFormat::unknown);
}

TEST_CASE("a Claude Code request yields the user's words without system reminders") {
  std::string body = R"({"model":"claude-sonnet-4-5","max_tokens":32000,"stream":true,
    "system":[{"type":"text","text":"You are Claude Code, Anthropic's official CLI for Claude."},
              {"type":"text","text":"You are an interactive CLI tool."}],
    "tools":[{"name":"Bash","description":"Run","input_schema":{"type":"object"}},
             {"name":"Read","description":"Read","input_schema":{"type":"object"}}],
    "metadata":{"user_id":"user_abc_account_123_session_5f0c-11"},
    "thinking":{"type":"enabled","budget_tokens":4000},
    "messages":[{"role":"user","content":[
      {"type":"text","text":"<system-reminder>\nAs you answer, use CLAUDE.md\n</system-reminder>\n"},
      {"type":"text","text":"fix the flaky upload test"},
      {"type":"text","text":"<system-reminder>todo list is empty</system-reminder>"}]}]})";
  RequestFeatures f = features_of("/v1/messages?beta=true", kClaudeCode, body);
  CHECK(f.client == ClientKind::claude_code);
  CHECK(f.wire == WireFormat::messages);
  CHECK(f.prompt == "fix the flaky upload test");
  CHECK(f.first_user_message == "fix the flaky upload test");
  CHECK(f.tool_count == 2);
  CHECK(f.system_messages == 1);
  CHECK(f.system_text.find("You are Claude Code") == 0);
  CHECK(f.thinking);
  CHECK(f.stream);
  REQUIRE(f.max_tokens.has_value());
  CHECK(*f.max_tokens == 32000);
  CHECK(f.session_id == "5f0c-11");
  CHECK_FALSE(f.tool_continuation);
}

TEST_CASE("a tool continuation resolves to the prompt that started the loop") {
  std::string body = R"({"messages":[
    {"role":"user","content":[{"type":"text","text":"why does the login test fail?"}]},
    {"role":"assistant","content":[{"type":"text","text":"Let me look."},
      {"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"/a.ts"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"line 1\nline 2"},
      {"type":"text","text":"<system-reminder>The TodoWrite tool hasn't been used</system-reminder>"}]},
    {"role":"assistant","content":[{"type":"tool_use","id":"t2","name":"Bash","input":{"command":"npm test"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"t2","content":[{"type":"text","text":"FAIL login"}]}]}],
    "metadata":{"user_id":"{\"device_id\":\"d\",\"session_id\":\"abc-123\"}"}})";
  RequestFeatures f = features_of("/v1/messages", kClaudeCode, body);
  CHECK(f.tool_continuation);
  CHECK(f.prompt == "why does the login test fail?");
  CHECK(f.tool_results == 2);
  CHECK(f.tool_calls == 2);
  CHECK(f.message_count == 5);
  CHECK(f.user_messages == 3);
  CHECK(f.tool_result_chars == std::string("line 1\nline 2FAIL login").size());
  CHECK(f.session_id == "abc-123");
}

TEST_CASE("system entries anywhere in a chat, even last, are skipped when finding the prompt") {
  std::string body = R"({"messages":[
    {"role":"system","content":"Act as an expert software developer."},
    {"role":"user","content":"Change get_factorial() to use math.factorial"},
    {"role":"assistant","content":"Ok."},
    {"role":"user","content":"I switched to a new code base. Please don't consider the above files."},
    {"role":"assistant","content":"Ok."},
    {"role":"user","content":"rename usr_mgr to user_manager\n\n# *SEARCH/REPLACE block* Rules:\n\nEvery block..."},
    {"role":"system","content":"# *SEARCH/REPLACE block* Rules: reminder"}]})";
  Headers aider{{"user-agent", "OpenAI/Python 1.99.9"}};
  RequestFeatures f = features_of("/v1/chat/completions", aider, body);
  CHECK(f.prompt == "rename usr_mgr to user_manager");
  CHECK(f.client == ClientKind::aider);
  CHECK(f.system_messages == 2);
  // aider's worked examples come before "I switched to a new code base": not the user's first message.
  CHECK(f.first_user_message == "rename usr_mgr to user_manager");
}

TEST_CASE("role tool messages in a chat count as results and make a continuation") {
  std::string body = R"({"messages":[
    {"role":"system","content":"You are Qwen Code"},
    {"role":"user","content":"This is the Qwen Code. We are setting up the context for our chat.\nToday's date is..."},
    {"role":"assistant","content":"Got it. Thanks for the context!"},
    {"role":"user","content":"add a health endpoint"},
    {"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function","function":{"name":"read_file","arguments":"{}"}}]},
    {"role":"tool","tool_call_id":"c1","content":"export const app = express();"}],
    "tools":[{"type":"function","function":{"name":"read_file","parameters":{}}}],"stream":true})";
  Headers qwen{{"User-Agent", "QwenCode/0.0.14 (linux; x64)"}};
  RequestFeatures f = features_of("/v1/chat/completions", qwen, body);
  CHECK(f.client == ClientKind::qwen_code);
  CHECK(f.prompt == "add a health endpoint");
  CHECK(f.first_user_message == "add a health endpoint");
  CHECK(f.tool_continuation);
  CHECK(f.tool_results == 1);
  CHECK(f.tool_calls == 1);
  CHECK(f.tool_count == 1);
}

TEST_CASE("a Codex Responses request skips developer items and environment context") {
  std::string body = R"({"model":"gpt-5-codex","instructions":"You are Codex, based on GPT-5.",
    "input":[
      {"type":"message","role":"developer","content":[{"type":"input_text","text":"<permissions instructions>x</permissions instructions>"}]},
      {"type":"message","role":"user","content":[{"type":"input_text","text":"# AGENTS.md instructions for /repo\n\n<INSTRUCTIONS>\nrun make test\n</INSTRUCTIONS>"}]},
      {"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>\n  <cwd>/repo</cwd>\n</environment_context>"}]},
      {"type":"message","role":"user","content":[{"type":"input_text","text":"add retries to the uploader"}]},
      {"type":"reasoning","summary":[],"encrypted_content":"gAAAA"},
      {"type":"function_call","name":"shell","arguments":"{\"command\":[\"ls\"]}","call_id":"c1"},
      {"type":"function_call_output","call_id":"c1","output":"src\ntests"}],
    "tools":[{"type":"function","name":"shell","parameters":{}},{"type":"custom","name":"apply_patch"},
             {"type":"namespace","name":"mcp__linear","tools":[{"type":"function","name":"a"},{"type":"function","name":"b"}]}],
    "reasoning":{"effort":"high","summary":"auto"},"text":{"format":{"type":"json_schema","name":"x"}},
    "prompt_cache_key":"cache-key-1","stream":true})";
  Headers codex{{"user-agent", "codex_cli_rs/0.46.0 (Ubuntu 24.4.0; x86_64) xterm-256color"},
                {"x-codex-turn-metadata", R"({"session_id":"s-1","request_kind":"compaction"})"},
                {"x-openai-subagent", "review"}};
  RequestFeatures f = features_of("/v1/responses", codex, body);
  CHECK(f.client == ClientKind::codex);
  CHECK(f.prompt == "add retries to the uploader");
  CHECK(f.tool_continuation);
  CHECK(f.tool_count == 4);  // shell, apply_patch and the two tools inside the namespace
  CHECK(f.system_messages == 2);
  CHECK(f.reasoning_effort == "high");
  CHECK(f.thinking);
  CHECK(f.json_schema_output);
  CHECK(f.codex_request_kind == "compaction");
  CHECK(f.subagent == "review");
  CHECK(f.session_id == "cache-key-1");
}

TEST_CASE("a Codex session id header wins over the prompt cache key") {
  Headers codex{{"user-agent", "codex_exec/0.46.0"}, {"session_id", "sess-9"}};
  RequestFeatures f = features_of("/v1/responses", codex, R"({"input":"hello","prompt_cache_key":"k"})");
  CHECK(f.session_id == "sess-9");
  CHECK(f.prompt == "hello");
}

TEST_CASE("fill-in-the-middle completions are recognised by their tokens or a suffix") {
  RequestFeatures fim = features_of("/v1/completions", {}, R"({"prompt":"<|fim_prefix|>def f():\n    <|fim_suffix|>\n<|fim_middle|>"})");
  CHECK(fim.wire == WireFormat::completions);
  CHECK(fim.fill_in_middle);
  RequestFeatures suffix = features_of("/v1/completions", {}, R"({"prompt":"def f():","suffix":"\n    return x"})");
  CHECK(suffix.fill_in_middle);
  RequestFeatures plain = features_of("/v1/completions", {}, R"({"prompt":["Once upon a time"]})");
  CHECK_FALSE(plain.fill_in_middle);
  CHECK(plain.prompt == "Once upon a time");
}

TEST_CASE("structure of the prompt is counted: fences, diffs, tracebacks and paths") {
  std::string body = R"({"messages":[{"role":"user","content":"crash in src/app/main.py:\n```\nTraceback (most recent call last):\n  File \"main.py\", line 3\nValueError: bad\n```\n\ndiff --git a/x.py b/x.py\n@@ -1,2 +1,2 @@\n-x = 1;\n+x = 2;"}]})";
  RequestFeatures f = features_of("/v1/chat/completions", {}, body);
  CHECK(f.prompt_stats.code_fences == 1);
  CHECK(f.prompt_stats.diff_markers == 2);
  CHECK(f.prompt_stats.tracebacks >= 2);
  CHECK(f.prompt_stats.file_paths >= 2);
  CHECK(f.prompt_stats.code_lines >= 1);
}

TEST_CASE("client content and client boilerplate are measured apart") {
  std::string big(40000, 'x');
  std::string body = R"({"system":")" + std::string(8000, 's') + R"(","tools":[{"name":"t","input_schema":{"description":")" +
                     std::string(4000, 'd') + R"("}}],"messages":[{"role":"user","content":")" + big + R"("}]})";
  RequestFeatures f = features_of("/v1/messages", {}, body);
  CHECK(f.content_chars == 40000);
  CHECK(f.content_tokens == 10000);
  CHECK(f.boilerplate_chars >= 12000);
  CHECK(f.estimated_input_tokens >= 13000);
  CHECK(f.prompt_chars == 40000);
  CHECK(f.prompt.size() < 9000);  // head and tail kept
}

TEST_CASE("images, JSON-schema output and Claude Code session headers are noticed") {
  std::string body = R"({"output_format":{"type":"json_schema","schema":{}},"messages":[{"role":"user","content":[
    {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}},
    {"type":"text","text":"what is in this screenshot?"}]}]})";
  Headers headers{{"user-agent", "claude-cli/2.0.31 (external, cli)"}, {"X-Claude-Code-Session-Id", "cc-7"},
                  {"x-claude-code-agent-id", "agent-2"}};
  RequestFeatures f = features_of("/v1/messages", headers, body);
  CHECK(f.has_images);
  CHECK(f.json_schema_output);
  CHECK(f.session_id == "cc-7");
  CHECK(f.agent_id == "agent-2");
}

TEST_CASE("Claude Code slash commands keep their name as part of the prompt") {
  std::string body = R"({"messages":[{"role":"user","content":"<command-message>review is running…</command-message>\n<command-name>/review</command-name>\n<command-args>PR 42</command-args>"}]})";
  RequestFeatures f = features_of("/v1/messages", kClaudeCode, body);
  CHECK(f.command_name == "/review");
  CHECK(f.prompt == "/review PR 42");
}

TEST_CASE("malformed JSON is an error value with the byte offset") {
  ExtractResult broken = extract_features("/v1/chat/completions", {}, R"({"messages":[{"role":"user" "content":"x"}]})");
  const auto* error = std::get_if<ExtractError>(&broken);
  REQUIRE(error != nullptr);
  CHECK(error->offset > 0);
  CHECK(error->offset <= 40);
  CHECK(error->message.find("malformed JSON") == 0);
  ExtractResult empty = extract_features("/v1/chat/completions", {}, "");
  CHECK(std::holds_alternative<ExtractError>(empty));
  ExtractResult not_object = extract_features("/v1/chat/completions", {}, "[1,2]");
  CHECK(std::holds_alternative<ExtractError>(not_object));
}

TEST_CASE("valid JSON with a field of the wrong type is an error naming the field and its byte, not malformed JSON") {
  const std::string body = R"({"model":"m","messages":[{"role":"user","content":"x"},0.5]})";
  ExtractResult result = extract_features("/v1/chat/completions", {}, body);
  const auto* error = std::get_if<ExtractError>(&result);
  REQUIRE(error != nullptr);
  CHECK(error->offset == body.find("0.5"));
  CHECK(error->message == "\"messages\" has a value of the wrong type at byte " + std::to_string(body.find("0.5")));
  ExtractResult system = extract_features("/v1/messages", {}, R"({"system":[{"type":{"a":1},"text":"s"}]})");
  REQUIRE(std::holds_alternative<ExtractError>(system));
  CHECK(std::get<ExtractError>(system).message.find("\"system\" has a value of the wrong type") == 0);
}

TEST_CASE("a body read into a string with spare capacity is parsed in place, and a tight one is copied") {
  RequestParser parser;
  std::string roomy = R"({"messages":[{"role":"user","content":"hej"}]})";
  roomy.reserve(roomy.size() + simdjson::SIMDJSON_PADDING);
  std::string tight = roomy;
  tight.shrink_to_fit();
  for (const std::string* body : {&roomy, &tight}) {
    ExtractResult result = parser.extract("/v1/chat/completions", {}, *body);
    REQUIRE(std::holds_alternative<RequestFeatures>(result));
    CHECK(std::get<RequestFeatures>(result).prompt == "hej");
  }
}

TEST_CASE("Claude Code's IDE context blocks are not part of the prompt") {
  std::string body = R"({"messages":[{"role":"user","content":[
      {"type":"text","text":"<ide_opened_file>The user opened the file /src/a.ts in the IDE.</ide_opened_file>"},
      {"type":"text","text":"<ide_selection>The user selected lines 1 to 3:\nconst x = 1;\n</ide_selection>\nrename x to count"}]}]})";
  RequestFeatures f = features_of("/v1/messages?beta=true", kClaudeCode, body);
  CHECK(f.prompt == "rename x to count");
}
