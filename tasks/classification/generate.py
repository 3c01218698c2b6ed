#!/usr/bin/env python3
# Writes the labelled classification set: one JSON Lines file per client, each line
# {"label","path","headers","body"} in the request shapes those clients send (fixed randomness).
#
# Shapes follow the clients' public sources: aider (prompts.py, coders/*_prompts.py, history.py, repo.py),
# Claude Code (system block arrays, tool schemas, <system-reminder>, title/compaction/quota/count_tokens
# side calls), Codex (Responses input items, developer role, namespace tools, x-codex-turn-metadata,
# x-openai-subagent), Qwen Code (OpenAI chat with tools, "setting up the context" first turn, chat
# compression), Continue (chat and /v1/completions fill-in-the-middle) and plain SDK calls.
# Usage: python3 tasks/classification/generate.py [OUT_DIR]   (default: this file's directory)

import json
import os
import random
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prompts import DIFF_1, FINAL_PROMPTS, LONG_CONTEXT_TASKS, MORE_PROMPTS, PROMPTS  # noqa: E402

rng = random.Random(20240611)


def uid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def hexid(n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def pick(seq):
    return seq[rng.randrange(len(seq))]


# ---------------------------------------------------------------- shared filler content

FILES = ["src/server.ts", "src/routes/orders.ts", "app/models.py", "app/views.py", "internal/store/pg.go",
         "lib/billing/invoice.rb", "src/main.rs", "src/components/UserList.tsx", "tests/test_api.py", "README.md"]


def file_listing(path, lines=40):
    body = []
    for i in range(lines):
        body.append(pick([
            "    const result = await db.query(sql, params);",
            "def handle(request):",
            "    return Response(status=200)",
            "  if (!user) throw new NotFoundError('user');",
            "    for item in items:",
            "func (s *Store) Get(ctx context.Context, id string) (*Order, error) {",
            "    logger.info('processing %s', item.id)",
            "import { z } from 'zod';",
            "}",
            "",
        ]))
    return "\n".join(f"{i + 1:>6}\u2192{line}" for i, line in enumerate(body))


def big_text(target_chars):
    para = ("The service receives an order, validates the cart, reserves stock in the warehouse system, "
            "charges the card through the payment provider and finally emits an OrderPlaced event. ")
    code = file_listing("x", 60)
    out = []
    n = 0
    while n < target_chars:
        chunk = pick([para * 8, code, "2024-05-0%d 12:0%d:11 INFO worker-%d job done in %dms\n" % (
            rng.randint(1, 9), rng.randint(0, 9), rng.randint(1, 8), rng.randint(10, 900)) * 40])
        out.append(chunk)
        n += len(chunk)
    return "\n".join(out)


# ---------------------------------------------------------------- Claude Code

CC_VERSIONS = ["1.0.98", "2.0.14", "2.0.27", "2.0.31", "2.0.50"]
CC_IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude."
CC_SYSTEM = ("You are an interactive CLI tool that helps users with software engineering tasks. Use the instructions "
             "below and the tools available to you to assist the user.\n\n"
             "IMPORTANT: Assist with defensive security tasks only.\n\n# Tone and style\nYou should be concise, direct, "
             "and to the point.\n\n# Proactiveness\n...\n\n# Following conventions\nWhen making changes to files, first "
             "understand the file's code conventions.\n\n# Task Management\nYou have access to the TodoWrite tools to "
             "help you manage and plan tasks.\n\n# Doing tasks\nThe user will primarily request you perform software "
             "engineering tasks. This includes solving bugs, adding new functionality, refactoring code, explaining "
             "code, and more.\n\n# Tool usage policy\n- When doing file search, prefer to use the Task tool.\n\n"
             "Here is useful information about the environment you are running in:\n<env>\nWorking directory: "
             "/home/dev/projects/shop\nIs directory a git repo: Yes\nPlatform: linux\nToday's date: 2025-10-14\n</env>\n"
             ) * 3


def schema(props, required=None):
    return {"type": "object", "properties": props, "required": required or list(props)[:1],
            "additionalProperties": False, "$schema": "http://json-schema.org/draft-07/schema#"}


S = {"type": "string"}
CC_TOOLS = [
    ("Task", "Launch a new agent to handle complex, multi-step tasks autonomously.",
     schema({"description": S, "prompt": S, "subagent_type": S})),
    ("Bash", "Executes a given bash command in a persistent shell session with optional timeout.",
     schema({"command": S, "timeout": {"type": "number"}, "description": S, "run_in_background": {"type": "boolean"}})),
    ("Glob", "Fast file pattern matching tool that works with any codebase size.", schema({"pattern": S, "path": S})),
    ("Grep", "A powerful search tool built on ripgrep.",
     schema({"pattern": S, "path": S, "glob": S, "output_mode": {"type": "string", "enum": ["content", "files_with_matches", "count"]},
             "-i": {"type": "boolean"}, "-n": {"type": "boolean"}, "head_limit": {"type": "number"}})),
    ("ExitPlanMode", "Use this tool when you are in plan mode and have finished presenting your plan.", schema({"plan": S})),
    ("Read", "Reads a file from the local filesystem.", schema({"file_path": S, "offset": {"type": "number"}, "limit": {"type": "number"}})),
    ("Edit", "Performs exact string replacements in files.",
     schema({"file_path": S, "old_string": S, "new_string": S, "replace_all": {"type": "boolean"}})),
    ("Write", "Writes a file to the local filesystem.", schema({"file_path": S, "content": S})),
    ("NotebookEdit", "Completely replaces the contents of a specific cell in a Jupyter notebook.",
     schema({"notebook_path": S, "cell_id": S, "new_source": S, "cell_type": S, "edit_mode": S})),
    ("WebFetch", "Fetches content from a specified URL and processes it using an AI model.", schema({"url": S, "prompt": S})),
    ("TodoWrite", "Use this tool to create and manage a structured task list for your current coding session.",
     schema({"todos": {"type": "array", "items": schema({"content": S, "status": S, "activeForm": S})}})),
    ("WebSearch", "Allows Claude to search the web and use the results to inform responses.",
     schema({"query": S, "allowed_domains": {"type": "array", "items": S}})),
    ("BashOutput", "Retrieves output from a running or completed background bash shell.", schema({"bash_id": S, "filter": S})),
    ("KillShell", "Kills a running background bash shell by its ID.", schema({"shell_id": S})),
    ("SlashCommand", "Execute a slash command within the main conversation.", schema({"command": S})),
    ("MultiEdit", "Makes multiple edits to a single file in one operation.",
     schema({"file_path": S, "edits": {"type": "array", "items": schema({"old_string": S, "new_string": S})}})),
    ("LS", "Lists files and directories in a given path.", schema({"path": S, "ignore": {"type": "array", "items": S}})),
    ("mcp__github__create_pull_request", "Create a new pull request in a GitHub repository.",
     schema({"owner": S, "repo": S, "title": S, "head": S, "base": S, "body": S})),
    ("mcp__github__get_issue", "Get details of a specific issue.", schema({"owner": S, "repo": S, "issue_number": {"type": "number"}})),
    ("mcp__github__list_commits", "Get list of commits of a branch.", schema({"owner": S, "repo": S, "sha": S})),
    ("mcp__github__search_code", "Search for code across GitHub repositories.", schema({"q": S, "per_page": {"type": "number"}})),
    ("mcp__postgres__query", "Run a read-only SQL query.", schema({"sql": S})),
    ("mcp__context7__resolve-library-id", "Resolves a package name to a Context7-compatible library ID.", schema({"libraryName": S})),
    ("mcp__context7__get-library-docs", "Fetches up-to-date documentation for a library.",
     schema({"context7CompatibleLibraryID": S, "topic": S, "tokens": {"type": "number"}})),
    ("mcp__playwright__browser_navigate", "Navigate to a URL.", schema({"url": S})),
]


def cc_tools():
    n = rng.randint(18, len(CC_TOOLS))
    return [{"name": name, "description": desc * rng.randint(3, 12), "input_schema": sch} for name, desc, sch in CC_TOOLS[:n]]


def cc_headers(session=None):
    h = {"user-agent": f"claude-cli/{pick(CC_VERSIONS)} (external, cli)", "anthropic-version": "2023-06-01",
         "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14",
         "x-app": "cli", "x-stainless-lang": "js", "x-stainless-package-version": "0.60.0", "content-type": "application/json"}
    if session and rng.random() < 0.4:
        h["x-claude-code-session-id"] = session
    return h


def cc_user_id(session):
    if rng.random() < 0.5:
        return f"user_{hexid(64)}_account_{uid()}_session_{session}"
    return json.dumps({"device_id": hexid(64), "account_uuid": uid(), "session_id": session})


CLAUDE_MD = ("<system-reminder>\nAs you answer the user's questions, you can use the following context:\n# claudeMd\n"
             "Codebase and user instructions are shown below.\n\nContents of /home/dev/projects/shop/CLAUDE.md:\n\n"
             "- Use pnpm, never npm.\n- Run `pnpm test` before committing.\n- Keep functions small; prefer pure helpers.\n"
             "      IMPORTANT: this context may or may not be relevant to your tasks.\n</system-reminder>\n")
TODO_REMINDER = ("<system-reminder>This is a reminder that your todo list is currently empty. DO NOT mention this to the "
                 "user explicitly because they are already aware.</system-reminder>")


def cc_first_user(prompt):
    blocks = [{"type": "text", "text": CLAUDE_MD}, {"type": "text", "text": prompt}]
    if rng.random() < 0.6:
        blocks.append({"type": "text", "text": TODO_REMINDER})
    if rng.random() < 0.5:
        blocks[-1]["cache_control"] = {"type": "ephemeral"}
    return {"role": "user", "content": blocks}


def cc_tool_loop(steps):
    msgs = []
    for _ in range(steps):
        tid = "toolu_01" + hexid(22)
        tool = pick(["Read", "Grep", "Bash", "Glob"])
        inp = {"Read": {"file_path": "/home/dev/projects/shop/" + pick(FILES)},
               "Grep": {"pattern": pick(["refreshSession", "def total", "TODO", "retry"]), "output_mode": "content"},
               "Bash": {"command": pick(["git status", "pnpm test --run", "git log --oneline -20", "ls -la src"]),
                        "description": "Inspect the repository"},
               "Glob": {"pattern": "**/*.ts"}}[tool]
        msgs.append({"role": "assistant", "content": [
            {"type": "text", "text": pick(["Let me look at the relevant code.", "I'll check that.", "Now let me run the tests."])},
            {"type": "tool_use", "id": tid, "name": tool, "input": inp}]})
        result = file_listing(inp.get("file_path", "x"), rng.randint(20, 120)) if tool == "Read" else pick([
            "src/routes/orders.ts:42:  const total = cart.items.reduce(...)",
            "On branch main\nChanges not staged for commit:\n  modified:   src/auth/session.ts",
            "PASS src/lib/format.test.ts (12 tests)\nFAIL src/routes/orders.test.ts\n  ● creates order with discount",
            "a1b2c3d fix: handle empty cart\n9f8e7d6 feat: add discount codes"])
        content = [{"type": "tool_result", "tool_use_id": tid, "content": result}]
        if rng.random() < 0.3:
            content.append({"type": "text", "text": "<system-reminder>\nThe TodoWrite tool hasn't been used recently.\n</system-reminder>"})
        msgs.append({"role": "user", "content": content})
    return msgs


def claude_code(label, prompt, shape):
    session = uid()
    messages = []
    if shape == "multi":
        messages.append(cc_first_user(pick(["look at the repo and get familiar with it", "what does this project do?",
                                             "run the tests", "hej, kan du kolla på koden?"])))
        messages.append({"role": "assistant", "content": [{"type": "text", "text": "Sure — I read through the project. It is a small shop backend..."}]})
        messages.append({"role": "user", "content": [{"type": "text", "text": prompt}]})
    else:
        messages.append(cc_first_user(prompt))
    if shape == "loop":
        messages += cc_tool_loop(rng.randint(1, 4))
    body = {"model": pick(["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-sonnet-4-20250514"]),
            "messages": messages,
            "system": [{"type": "text", "text": CC_IDENTITY, "cache_control": {"type": "ephemeral"}},
                       {"type": "text", "text": CC_SYSTEM, "cache_control": {"type": "ephemeral"}}],
            "tools": cc_tools(), "metadata": {"user_id": cc_user_id(session)},
            "max_tokens": pick([32000, 21333, 64000]), "stream": True}
    if rng.random() < 0.4:
        body["thinking"] = {"type": "enabled", "budget_tokens": pick([4000, 10000, 31999])}
    return {"label": label, "path": "/v1/messages?beta=true", "headers": cc_headers(session), "body": body}


def cc_side(label, system, messages, extra=None, path="/v1/messages?beta=true", tools=None):
    session = uid()
    body = {"model": pick(["claude-3-5-haiku-20241022", "claude-haiku-4-5-20251001"]),
            "max_tokens": 512, "messages": messages,
            "system": [{"type": "text", "text": CC_IDENTITY}] + ([{"type": "text", "text": system}] if system else []),
            "metadata": {"user_id": cc_user_id(session)}, "temperature": 0, "stream": False}
    if tools:
        body["tools"] = tools
    body.update(extra or {})
    return {"label": label, "path": path, "headers": cc_headers(session), "body": body}


def claude_code_background():
    out = []
    firsts = ["fix the flaky upload test", "Skriv dokumentation för billing-modulen", "add dark mode to settings page",
              "why is the worker leaking memory?", "review my PR about rate limiting"]
    for first in firsts[:3]:
        out.append(cc_side("background", "Generate a concise, sentence-case title (3-7 words) that captures the main topic "
                           "or goal of this coding session. The title should be clear enough that the user recognizes the "
                           "session in a list. Use sentence case.\n\nReturn JSON with a single \"title\" field.",
                           [{"role": "user", "content": first}],
                           {"output_format": {"type": "json_schema", "schema": {"type": "object", "properties": {"title": S},
                                                                               "required": ["title"]}}}))
    for first in firsts[3:]:
        out.append(cc_side("background", "Analyze if this message indicates a new conversation topic. If it does, extract a "
                           "2-3 word title that captures the new topic. Format your response as a JSON object with two fields: "
                           "'isNewTopic' (boolean) and 'title' (string, or null if isNewTopic is false).",
                           [{"role": "user", "content": first}]))
    # Compaction through the main conversation (same system and tools), the summary prompt last.
    conv = claude_code("background", "add pagination to the orders endpoint", "loop")
    conv["body"]["messages"].append({"role": "user", "content": [{"type": "text", "text":
        "Your task is to create a detailed summary of the conversation so far, paying close attention to the user's "
        "explicit requests and your previous actions.\nThis summary should be thorough in capturing technical details, "
        "code patterns, and architectural decisions that would be essential for continuing development work without "
        "losing context.\n\nBefore providing your final summary, wrap your analysis in <analysis> tags..."}]})
    out.append(conv)
    out.append(cc_side("background", "You are a helpful AI assistant tasked with summarizing conversations.",
                       [{"role": "user", "content": "Summarize: we added pagination, fixed the cursor bug, tests pass."}],
                       {"max_tokens": 20000}))
    out.append(cc_side("background", None, [{"role": "user", "content": "quota"}], {"max_tokens": 1}))
    count = claude_code("background", "explain the checkout flow", "single")
    count["path"] = "/v1/messages/count_tokens?beta=true"
    for key in ("stream", "max_tokens", "metadata", "thinking"):
        count["body"].pop(key, None)
    out.append(count)
    out.append(cc_side("background", "Your task is to process Bash commands that an AI coding agent wants to run.\n\nThis "
                       "policy spec defines how to determine the prefix of a Bash command:",
                       [{"role": "user", "content": "<policy_spec>\n# Claude Code Code Bash command prefix detection\n..."
                         "</policy_spec>\n\nCommand: git diff HEAD~1 -- src/auth"}]))
    warm = cc_side("background", "You are an agent for Claude Code. Given the user's message, you should use the tools "
                   "available to complete the task.", [{"role": "user", "content": [{"type": "text", "text": "Warmup"}]}],
                   tools=cc_tools())
    out.append(warm)
    return out


# ---------------------------------------------------------------- Codex (Responses API)

CODEX_VERSIONS = ["0.42.0", "0.46.0", "0.53.0", "0.58.0"]
CODEX_INSTRUCTIONS = ("You are Codex, based on GPT-5. You are running as a coding agent in the Codex CLI on a user's "
                      "computer.\n\n## General\n\n- The arguments to `shell` will be passed to execvp().\n- Always set "
                      "the `workdir` param when using the shell function.\n\n## Editing constraints\n\n- Default to ASCII "
                      "when editing or creating files.\n\n## Plan tool\n\nWhen using the planning tool: skip it for "
                      "straightforward tasks.\n\n## Presenting your work and final message\n\n...") * 6


def codex_tools():
    tools = [
        {"type": "function", "name": "shell", "description": "Runs a shell command and returns its output.", "strict": False,
         "parameters": {"type": "object", "properties": {"command": {"type": "array", "items": S}, "workdir": S,
                                                         "timeout_ms": {"type": "number"}}, "required": ["command"],
                        "additionalProperties": False}},
        {"type": "custom", "name": "apply_patch", "description": "Use the `apply_patch` tool to edit files.",
         "format": {"type": "grammar", "syntax": "lark", "definition": "start: begin_patch hunk+ end_patch\n..."}},
        {"type": "function", "name": "update_plan", "description": "Updates the task plan.", "strict": False,
         "parameters": {"type": "object", "properties": {"explanation": S, "plan": {"type": "array", "items": {
             "type": "object", "properties": {"step": S, "status": S}}}}, "required": ["plan"]}},
        {"type": "function", "name": "view_image", "description": "Attach a local image to the conversation.", "strict": False,
         "parameters": {"type": "object", "properties": {"path": S}, "required": ["path"]}},
    ]
    if rng.random() < 0.6:
        tools.append({"type": "namespace", "name": "mcp__linear", "description": "Linear issue tracker",
                      "tools": [{"type": "function", "name": "list_issues", "parameters": {"type": "object", "properties": {"team": S}}},
                                {"type": "function", "name": "get_issue", "parameters": {"type": "object", "properties": {"id": S}}},
                                {"type": "function", "name": "create_comment", "parameters": {"type": "object", "properties": {"id": S, "body": S}}}]})
    return tools


def codex_msg(role, text):
    kind = "output_text" if role == "assistant" else "input_text"
    return {"type": "message", "role": role, "content": [{"type": kind, "text": text}]}


def codex_context():
    items = [codex_msg("developer", "<permissions instructions>\nFilesystem sandboxing defines which files can be read or "
                       "written. `sandbox_mode` is `workspace-write`.\n</permissions instructions>")]
    if rng.random() < 0.5:
        items.append(codex_msg("user", "# AGENTS.md instructions for /home/dev/repo\n\n<INSTRUCTIONS>\n- Run `make test` "
                               "before finishing.\n- Prefer small commits.\n</INSTRUCTIONS>"))
    elif rng.random() < 0.5:
        items.append(codex_msg("user", "<user_instructions>\nAlways answer in English. Use 4-space indentation.\n</user_instructions>"))
    items.append(codex_msg("user", "<environment_context>\n  <cwd>/home/dev/repo</cwd>\n  <approval_policy>on-request"
                           "</approval_policy>\n  <sandbox_mode>workspace-write</sandbox_mode>\n  <network_access>restricted"
                           "</network_access>\n  <shell>zsh</shell>\n</environment_context>"))
    return items


def codex_loop(steps):
    items = []
    for _ in range(steps):
        cid = "call_" + hexid(24)
        items.append({"type": "reasoning", "summary": [], "encrypted_content": "gAAAAA" + hexid(120)})
        cmd = pick([["bash", "-lc", "rg -n 'retry' src"], ["bash", "-lc", "sed -n '1,120p' src/server.ts"],
                    ["bash", "-lc", "cargo test 2>&1 | tail -40"], ["bash", "-lc", "git diff --stat"]])
        items.append({"type": "function_call", "name": "shell", "arguments": json.dumps({"command": cmd, "workdir": "/home/dev/repo"}),
                      "call_id": cid})
        items.append({"type": "function_call_output", "call_id": cid,
                      "output": json.dumps({"output": file_listing("x", rng.randint(10, 60)), "metadata": {"exit_code": 0, "duration_seconds": 0.4}})})
    return items


def codex_headers(session, extra=None):
    ua = pick(["codex_cli_rs/{v} (Ubuntu 24.4.0; x86_64) xterm-256color", "codex_cli_rs/{v} (Mac OS 15.1.0; arm64) iTerm.app/3.5.10",
               "codex_exec/{v} (Ubuntu 22.4.0; x86_64) unknown", "codex-tui/{v} (Debian 12.0.0; x86_64) tmux"]).format(v=pick(CODEX_VERSIONS))
    h = {"user-agent": ua, "originator": "codex_exec" if "exec" in ua else "codex_cli_rs", "session_id": session,
         "conversation_id": session, "openai-beta": "responses=experimental", "accept": "text/event-stream",
         "content-type": "application/json"}
    if rng.random() < 0.6:
        h["x-codex-turn-metadata"] = json.dumps({"session_id": session, "thread_id": session, "turn_id": uid()})
    h.update(extra or {})
    return h


def codex(label, prompt, shape, extra_headers=None, instructions=None):
    session = uid()
    items = codex_context()
    if shape == "multi":
        items += [codex_msg("user", pick(["explain the repo layout", "run the tests and tell me what fails"])),
                  codex_msg("assistant", "The repository has a server in src/ and tests in tests/ ...")]
    items.append(codex_msg("user", prompt))
    if shape == "loop":
        items += codex_loop(rng.randint(1, 3))
    body = {"model": pick(["gpt-5-codex", "gpt-5", "gpt-5.1-codex"]), "instructions": instructions or CODEX_INSTRUCTIONS,
            "input": items, "tools": codex_tools(), "tool_choice": "auto", "parallel_tool_calls": False,
            "reasoning": {"effort": pick(["low", "medium", "high"]), "summary": "auto"}, "store": False, "stream": True,
            "include": ["reasoning.encrypted_content"], "prompt_cache_key": session}
    return {"label": label, "path": "/v1/responses", "headers": codex_headers(session, extra_headers), "body": body}


COMPACT_PROMPT = ("You are performing a CONTEXT CHECKPOINT COMPACTION. Create a handoff summary for another LLM that will "
                  "resume the task.\n\nInclude:\n- Goal / user objective\n- Current progress and key decisions made\n"
                  "- Important context, constraints, or user preferences\n- What remains to be done (clear next steps)")


def codex_background():
    out = []
    r = codex("background", "add retries to the uploader", "loop")
    r["body"]["input"].append(codex_msg("user", COMPACT_PROMPT))
    out.append(r)
    r = codex("background", "port the scheduler to tokio", "loop", {"x-openai-subagent": "compact"})
    out.append(r)
    r = codex("background", "fix the flaky test", "loop")
    r["path"] = "/v1/responses/compact"
    out.append(r)
    r = codex("background", "investigate slow startup", "single",
              {"x-codex-turn-metadata": json.dumps({"session_id": uid(), "request_kind": "compaction"})})
    out.append(r)
    r = codex("background", "rollout_context: /home/dev/.codex/sessions/2025/10/rollout.jsonl\n\nrendered conversation:\n"
              "[user] fix the build\n[assistant] ran cargo build ...", "single", {"x-openai-subagent": "memory_consolidation"},
              instructions="## Memory Phase 1 (Single Rollout, One-Shot)\nReturn exactly one JSON object with raw_memory and rollout_summary.")
    out.append(r)
    return out


def codex_review():
    out = []
    for target in ["the current code changes (staged, unstaged, and untracked files)", "the changes against the base branch 'main'",
                   "commit a1b2c3d"]:
        out.append(codex("code-review", f"Review {target} and provide prioritized findings.", "single",
                         {"x-openai-subagent": "review"},
                         instructions="# Review guidelines:\n\nYou are acting as a reviewer for a proposed code change made by "
                                      "another engineer.\n\nBelow are some default guidelines for determining whether the "
                                      "original author would appreciate the issue being flagged..."))
    return out


# ---------------------------------------------------------------- Qwen Code (OpenAI chat with tools)

QWEN_SYSTEM = ("You are Qwen Code, an interactive CLI agent developed by Alibaba Group, specializing in software "
               "engineering tasks. Your primary goal is to help users safely and efficiently, adhering strictly to the "
               "following instructions and utilizing your available tools.\n\n# Core Mandates\n\n- **Conventions:** "
               "Rigorously adhere to existing project conventions...\n\n# Primary Workflows\n\n## Software Engineering "
               "Tasks\n...") * 4


def qwen_tools():
    names = [("read_file", {"absolute_path": S, "offset": {"type": "number"}}), ("write_file", {"file_path": S, "content": S}),
             ("replace", {"file_path": S, "old_string": S, "new_string": S}), ("run_shell_command", {"command": S, "description": S}),
             ("glob", {"pattern": S}), ("search_file_content", {"pattern": S, "path": S}), ("list_directory", {"path": S}),
             ("read_many_files", {"paths": {"type": "array", "items": S}}), ("web_fetch", {"url": S, "prompt": S}),
             ("save_memory", {"fact": S}), ("todo_write", {"todos": {"type": "array", "items": {"type": "object"}}}),
             ("task", {"description": S, "prompt": S, "subagent_type": S})]
    return [{"type": "function", "function": {"name": n, "description": f"Tool {n}. " * 12,
                                              "parameters": {"type": "object", "properties": p, "required": list(p)[:1]}}}
            for n, p in names]


def qwen_env():
    return ("This is the Qwen Code. We are setting up the context for our chat.\nToday's date is Tuesday, October 14, 2025 "
            "(formatted according to the user's locale).\nMy operating system is: linux\nI'm currently working in the "
            "directory: /home/dev/app\nHere is the folder structure of the current working directories:\n\nShowing up to "
            "200 items (files + folders).\n\n/home/dev/app/\n├───package.json\n├───src/\n│   ├───index.ts\n│   └───routes/\n"
            "└───tests/")


def qwen(label, prompt, shape):
    msgs = [{"role": "system", "content": QWEN_SYSTEM}, {"role": "user", "content": qwen_env()},
            {"role": "assistant", "content": "Got it. Thanks for the context!"}]
    if shape == "multi":
        msgs += [{"role": "user", "content": "list the routes"}, {"role": "assistant", "content": "There are 4 routes: ..."}]
    msgs.append({"role": "user", "content": prompt})
    if shape == "loop":
        for _ in range(rng.randint(1, 3)):
            cid = "call_" + hexid(24)
            msgs.append({"role": "assistant", "content": "", "tool_calls": [{"id": cid, "type": "function", "function": {
                "name": "read_file", "arguments": json.dumps({"absolute_path": "/home/dev/app/" + pick(FILES)})}}]})
            msgs.append({"role": "tool", "tool_call_id": cid, "content": file_listing("x", rng.randint(10, 80))})
    body = {"model": pick(["qwen3-coder-plus", "qwen3-coder:30b", "Qwen/Qwen3-Coder-30B-A3B-Instruct"]), "messages": msgs,
            "tools": qwen_tools(), "stream": True, "stream_options": {"include_usage": True}, "temperature": 0,
            "max_tokens": pick([8192, 16384])}
    headers = {"user-agent": f"QwenCode/{pick(['0.0.14', '0.1.1', '0.2.0'])} (linux; x64)", "content-type": "application/json",
               "x-stainless-lang": "js"}
    return {"label": label, "path": "/v1/chat/completions", "headers": headers, "body": body}


def qwen_background():
    out = []
    r = qwen("background", "refactor the router", "loop")
    r["body"]["messages"] = [{"role": "system", "content": "You are the component that summarizes internal chat history into "
                              "a given structure.\n\nWhen the conversation history grows too large, you will be invoked to "
                              "distill the entire history into a concise, structured XML snapshot. First, think through the "
                              "entire history in a private <scratchpad>. Then generate the final <state_snapshot> XML object."}] \
        + r["body"]["messages"][1:] + [{"role": "user", "content": "First, reason in your scratchpad. Then, generate the <state_snapshot>."}]
    r["body"].pop("tools")
    out.append(r)
    r = qwen("background", "add tests", "single")
    r["body"]["messages"].append({"role": "assistant", "content": "I added the tests and"})
    r["body"]["messages"].append({"role": "user", "content": "Analyze *only* the content and structure of your immediately "
                                  "preceding response (your last turn in the conversation history). Based *strictly* on that "
                                  "response, determine who should logically speak next: the 'user' or the 'model' (you)."})
    r["body"]["response_format"] = {"type": "json_schema", "json_schema": {"name": "next_speaker", "schema": {"type": "object"}}}
    r["body"].pop("tools")
    out.append(r)
    return out


# ---------------------------------------------------------------- aider (OpenAI chat via litellm)

AIDER_MAIN = {
    "diff": ("Act as an expert software developer.\nAlways use best practices when coding.\nRespect and use existing "
             "conventions, libraries, etc that are already present in the code base.\n\nTake requests for changes to the "
             "supplied code.\nIf the request is ambiguous, ask questions.\n\nOnce you understand the request you MUST:\n\n"
             "1. Decide if you need to propose *SEARCH/REPLACE* edits to any files that haven't been added to the chat.\n"
             "2. Think step-by-step and explain the needed changes in a few short sentences.\n\n3. Describe each change "
             "with a *SEARCH/REPLACE block* per the examples below.\n\nAll changes to files must use this *SEARCH/REPLACE "
             "block* format.\nONLY EVER RETURN CODE IN A *SEARCH/REPLACE BLOCK*!\n"),
    "whole": ("Act as an expert software developer.\nTake requests for changes to the supplied code.\nIf the request is "
              "ambiguous, ask questions.\n\nOnce you understand the request you MUST:\n1. Determine if any code changes are "
              "needed.\n2. Explain any needed changes.\n3. If changes are needed, output a copy of each file that needs "
              "changes.\n"),
    "udiff": ("Act as an expert software developer.\nYou are diligent and tireless!\nYou NEVER leave comments describing code "
              "without implementing it!\nYou always COMPLETELY IMPLEMENT the needed code!\n\nAlways use best practices when "
              "coding.\n\nFor each file that needs to be changed, write out the changes similar to a unified diff like `diff "
              "-U0` would produce.\n"),
    "architect": ("Act as an expert architect engineer and provide direction to your editor engineer.\nStudy the change request "
                  "and the current code.\nDescribe how to modify the code to complete the request.\nThe editor engineer will "
                  "rely solely on your instructions, so make them unambiguous and complete.\nExplain all needed code changes "
                  "clearly and completely, but concisely.\nJust show the changes needed.\n\nDO NOT show the entire updated "
                  "function/file/etc!\n\nAlways reply to the user in the same language they are using.\n"),
    "ask": ("Act as an expert code analyst.\nAnswer questions about the supplied code.\nAlways reply to the user in the same "
            "language they are using.\n\nIf you need to describe code changes, do so *briefly*.\n"),
}
AIDER_REMINDER = {
    "diff": ("# *SEARCH/REPLACE block* Rules:\n\nEvery *SEARCH/REPLACE block* must use this format:\n1. The *FULL* file path "
             "alone on a line, verbatim.\n2. The opening fence and code language, eg: ```python\n3. The start of search "
             "block: <<<<<<< SEARCH\n...\nTo move code within a file, use 2 *SEARCH/REPLACE* blocks: 1 to delete it from its "
             "current location, 1 to insert it in the new location.\n\nIf you want to put code in a new file, use a "
             "*SEARCH/REPLACE block* with:\n- A new file path, including dir name if needed\n- An empty `SEARCH` section\n\n"
             "To rename files which have been added to the chat, use shell commands at the end of your response.\n\n"
             "You are diligent and tireless!\nONLY EVER RETURN CODE IN A *SEARCH/REPLACE BLOCK*!\n"),
    "whole": ("To suggest changes to a file you MUST return the entire content of the updated file.\nYou MUST use this *file "
              "listing* format:\n\npath/to/filename.js\n```\n// entire file content ...\n// ... goes in between\n```\n\nEvery "
              "*file listing* MUST use this format:\n- First line: the filename with any originally provided path; no extra "
              "markup, punctuation, comments, etc. **JUST** the filename with path.\n"),
    "udiff": ("# File editing rules:\n\nReturn edits similar to unified diffs that `diff -U0` would produce.\n\nMake sure you "
              "include the first 2 lines with the file paths.\nDon't include timestamps with the file paths.\n\nStart each hunk "
              "of changes with a `@@ ... @@` line.\nDon't include line numbers like `diff -U0` does.\nWhen editing a function, "
              "method, loop, etc use a hunk to replace the *entire* code block.\n"),
}
AIDER_EXAMPLES = [
    {"role": "user", "content": "Change get_factorial() to use math.factorial"},
    {"role": "assistant", "content": "To make this change we need to modify `mathweb/flask/app.py` to:\n\n1. Import the math "
     "package.\n2. Remove the existing factorial() function.\n3. Update get_factorial() to call math.factorial instead.\n\n"
     "mathweb/flask/app.py\n```python\n<<<<<<< SEARCH\nfrom flask import Flask\n=======\nimport math\nfrom flask import Flask\n"
     ">>>>>>> REPLACE\n```\n"},
    {"role": "user", "content": "Refactor hello() into its own file."},
    {"role": "assistant", "content": "To make this change we need to modify `main.py` and make a new file `hello.py`..."},
    {"role": "user", "content": "I switched to a new code base. Please don't consider the above files or try to edit them any longer."},
    {"role": "assistant", "content": "Ok."},
]
REPO_MAP = ("Here are summaries of some files present in my git repository.\nDo not propose changes to these files, treat "
            "them as *read-only*.\nIf you need to edit any of these files, ask me to *add them to the chat* first.\n\n"
            "app/models.py:\n⋮\n│class Order(Base):\n│    def total(self):\n⋮\napp/views.py:\n⋮\n│def create_order(request):\n"
            "⋮\n│def list_orders(request):\n")


def aider_headers():
    return {"user-agent": pick(["OpenAI/Python 1.99.9", "OpenAI/Python 1.82.0", "OpenAI/Python 1.61.1"]),
            "x-stainless-lang": "python", "x-stainless-package-version": "1.99.9", "x-stainless-runtime": "CPython",
            "content-type": "application/json"}


def aider(label, prompt, shape, fmt=None):
    fmt = fmt or pick(["diff", "diff", "whole", "udiff", "architect", "ask"])
    system = AIDER_MAIN[fmt]
    reminder = AIDER_REMINDER.get(fmt, "")
    msgs = [{"role": "system", "content": system + ("\n" + reminder if reminder else "")}]
    if fmt == "diff":
        msgs += AIDER_EXAMPLES
    msgs += [{"role": "user", "content": REPO_MAP}, {"role": "assistant", "content": "Ok, I won't try and edit those files without asking first."}]
    if shape == "multi":
        msgs += [{"role": "user", "content": "I spoke to you previously about a number of things.\nI asked you to add logging to "
                  "the order views and you added a logger in app/views.py."}, {"role": "assistant", "content": "Ok."}]
    if rng.random() < 0.7:
        path = pick(["app/views.py", "app/models.py", "src/server.ts"])
        msgs += [{"role": "user", "content": "I have *added these files to the chat* so you can go ahead and edit them.\n\n*Trust "
                  "this message as the true contents of these files!*\nAny other messages in the chat may contain outdated "
                  f"versions of the files' contents.\n\n{path}\n```\n{file_listing(path, rng.randint(20, 90))}\n```\n"},
                 {"role": "assistant", "content": "Ok, any changes I propose will be to those files."}]
    reminder_as_system = rng.random() < 0.4
    if reminder and not reminder_as_system:
        msgs.append({"role": "user", "content": prompt + "\n\n" + reminder})
    else:
        msgs.append({"role": "user", "content": prompt})
        if reminder:
            msgs.append({"role": "system", "content": reminder})
    body = {"model": pick(["anthropic/claude-sonnet-4-5", "deepseek/deepseek-chat", "gpt-4.1", "ollama_chat/qwen2.5-coder:32b"]),
            "messages": msgs, "temperature": 0, "stream": True}
    return {"label": label, "path": "/v1/chat/completions", "headers": aider_headers(), "body": body}


AIDER_COMMIT = ("You are an expert software engineer that generates concise, one-line Git commit messages based on the "
                "provided diffs.\nReview the provided context and diffs which are about to be committed to a git repo.\n"
                "Review the diffs carefully.\nGenerate a one-line commit message for those changes.\nThe commit message should "
                "be structured as follows: <type>: <description>\nUse these for <type>: fix, feat, build, chore, ci, docs, "
                "style, refactor, perf, test\n\nEnsure the commit message:\n- Starts with the appropriate prefix.\n- Is in the "
                "imperative mood (e.g., \"add feature\" not \"added feature\" or \"adding feature\").\n- Does not exceed 72 "
                "characters.\n\nReply only with the one-line commit message, without any additional text, explanations, or "
                "line breaks.")
AIDER_SUMMARIZE = ("*Briefly* summarize this partial conversation about programming.\nInclude less detail about older parts "
                   "and more detail about the most recent messages.\nStart a new paragraph every time the topic changes!\n\n"
                   "This is only part of a longer conversation so *DO NOT* conclude the summary with language like "
                   "\"Finally, ...\". Because the conversation continues after the summary.\n")


def aider_side():
    out = []
    from prompts import DIFF_2, DIFF_3  # noqa: E402
    for ctx, diff in [("USER: add VAT to invoice totals\nASSISTANT: I updated Invoice.total", DIFF_2),
                      ("USER: default concurrency to the number of CPUs", DIFF_3), ("", DIFF_1),
                      ("USER: refactor session refresh to send JSON\nASSISTANT: done", DIFF_1)]:
        content = (("\n" + ctx + "\n\n") if ctx else "") + diff
        out.append({"label": "commit-message", "path": "/v1/chat/completions", "headers": aider_headers(), "body": {
            "model": pick(["anthropic/claude-3-5-haiku-20241022", "gpt-4o-mini", "ollama_chat/qwen2.5-coder:7b"]),
            "messages": [{"role": "system", "content": AIDER_COMMIT}, {"role": "user", "content": content}], "temperature": 0}})
    for convo in ["# USER\nadd logging to the order views\n# ASSISTANT\nI added a logger to app/views.py ...",
                  "# USER\nwhy does the test fail?\n# ASSISTANT\nThe fixture uses the wrong timezone...\n# USER\nfix it",
                  "# USER\nrefactor the CSV export\n# ASSISTANT\nI split export() into build_rows() and write_csv()"]:
        out.append({"label": "background", "path": "/v1/chat/completions", "headers": aider_headers(), "body": {
            "model": "anthropic/claude-3-5-haiku-20241022",
            "messages": [{"role": "system", "content": AIDER_SUMMARIZE}, {"role": "user", "content": convo}]}})
    # Cache keep-alive ping: the cacheable prefix with max_tokens 1.
    ping = aider("background", "keep going", "single", "diff")
    ping["body"]["max_tokens"] = 1
    ping["body"]["messages"] = ping["body"]["messages"][:-1]
    out.append(ping)
    # Architect -> editor hand-off: the editor gets the architect's instructions as its only prompt.
    for label, instructions in [
        ("refactoring", "Refactor `load_users` in users.py: replace the manual open()/split loop with `csv.DictReader` "
                        "inside a `with` block, keep the same return shape, and remove the unused `f` variable."),
        ("simple-coding", "In cli.py add a `--verbose` flag to the argparse parser and, when it is set, call "
                          "`logging.basicConfig(level=logging.DEBUG)` before dispatching the subcommand."),
    ]:
        r = aider(label, instructions, "single", "diff")
        r["body"]["messages"][0]["content"] = ("Act as an expert software developer who edits source code.\n"
                                               "Describe each change with a *SEARCH/REPLACE block* per the examples below.\n"
                                               "ONLY EVER RETURN CODE IN A *SEARCH/REPLACE BLOCK*!\n")
        out.append(r)
    return out


# ---------------------------------------------------------------- Continue (chat and autocomplete)

CONTINUE_SYSTEM = ("<important_rules>\n  Always include the language and file name in the info string when you write code "
                   "blocks.\n  If you are editing \"src/main.py\" for example, your code block should start with "
                   "'```python src/main.py'\n</important_rules>")


def continue_chat(label, prompt, shape):
    ctx = ""
    if rng.random() < 0.5:
        path = pick(["src/lib/format.ts", "app/views.py", "internal/store/pg.go"])
        ctx = f"```{path.rsplit('.', 1)[1]} {path}\n{file_listing(path, rng.randint(10, 40))}\n```\n\n"
    msgs = [{"role": "system", "content": CONTINUE_SYSTEM}]
    if shape == "multi":
        msgs += [{"role": "user", "content": "what does this file do?"}, {"role": "assistant", "content": "It formats currency values..."}]
    msgs.append({"role": "user", "content": ctx + prompt})
    body = {"model": pick(["qwen2.5-coder:32b", "llama3.1:70b", "gpt-4o"]), "messages": msgs, "max_tokens": 4096,
            "stream": True, "temperature": 0.2}
    return {"label": label, "path": "/v1/chat/completions", "headers": {"content-type": "application/json"}, "body": body}


FIM_CASES = [
    ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"),
    ("<fim_prefix>", "<fim_suffix>", "<fim_middle>"),
    ("<PRE> ", " <SUF>", " <MID>"),
]


def continue_autocomplete():
    out = []
    snippets = [("def total(items):\n    return ", "\n\nprint(total([1, 2]))"),
                ("export function formatSek(amount: number) {\n  ", "\n}\n"),
                ("func (s *Store) Get(ctx context.Context, id string) (*Order, error) {\n\t", "\n}"),
                ("SELECT c.name, SUM(o.total) FROM customers c JOIN orders o ON ", "\nGROUP BY c.name"),
                ("class Cache {\n public:\n  std::optional<std::string> get(const std::string& key) {\n    ", "\n  }\n};"),
                ("fn parse_line(line: &str) -> Option<(String, u32)> {\n    let mut parts = ", "\n}"),
                ("const users = await db.user.findMany({\n  where: { ", " },\n});"),
                ("# Sort the dict by value, descending\nranked = ", "\n"),
                ("    if (!res.ok) {\n      ", "\n    }\n    return res.json();"),
                ("import React from 'react';\n\nexport function Button({ label, onClick }) {\n  return ", "\n}\n"),
                ("    for (let i = 0; i < rows.length; i++) {\n      ", "\n    }"),
                ("@app.get('/healthz')\ndef healthz():\n    ", "\n"),
                ("public String pad(String name, int width) {\n    ", "\n}"),
                ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  ", "\n")]
    for i, (prefix, suffix) in enumerate(snippets):
        header = f"// Path: {pick(['src/lib/format.ts', 'app/models.py', 'internal/store/pg.go'])}\n"
        if i % 4 == 3:
            body = {"model": "deepseek-coder:6.7b-base", "prompt": header + prefix, "suffix": suffix, "max_tokens": 256,
                    "temperature": 0.01, "stream": True, "stop": ["\n\n", "```"]}
        else:
            p, s, m = FIM_CASES[i % len(FIM_CASES)]
            body = {"model": pick(["qwen2.5-coder:1.5b", "starcoder2:3b", "codellama:7b-code"]),
                    "prompt": f"{p}{header}{prefix}{s}{suffix}{m}", "max_tokens": 256, "temperature": 0.01,
                    "stream": True, "stop": ["<|endoftext|>", "<|fim_pad|>", "\n\n\n"]}
        out.append({"label": "autocomplete", "path": "/v1/completions", "headers": {"content-type": "application/json"},
                    "body": body})
    # A plain prompt continuation on the legacy endpoint, no FIM tokens.
    out.append({"label": "autocomplete", "path": "/v1/completions?api-version=1", "headers": {"user-agent": "OpenAI/Python 1.51.0"},
                "body": {"model": "gpt-3.5-turbo-instruct", "prompt": "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n",
                         "max_tokens": 64}})
    out.append(continue_chat("background", "Reply with a title of at most six words for the conversation below. Reply with "
                             "the title only.\n\nUser: how do I add pagination to the orders list?\nAssistant: Use a cursor...",
                             "single"))
    return out


# ---------------------------------------------------------------- plain SDK calls

def sdk(label, prompt, shape):
    flavour = pick(["openai-py", "openai-js", "anthropic-py", "anthropic-js", "responses"])
    if flavour.startswith("openai"):
        ua = "OpenAI/Python 1.51.0" if flavour == "openai-py" else "OpenAI/JS 4.67.1"
        msgs = []
        if rng.random() < 0.6:
            msgs.append({"role": "system", "content": pick(["You are a helpful assistant.", "You are a senior engineer at a small co-op.",
                                                            "Du är en hjälpsam assistent."])})
        if shape == "multi":
            msgs += [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello! How can I help?"}]
        msgs.append({"role": "user", "content": prompt})
        if rng.random() < 0.15:
            msgs.append({"role": "system", "content": "Answer concisely."})
        body = {"model": pick(["gpt-4o-mini", "gpt-4.1", "llama3.1:8b"]), "messages": msgs}
        if rng.random() < 0.3:
            body["reasoning_effort"] = "medium"
        return {"label": label, "path": "/v1/chat/completions",
                "headers": {"user-agent": ua, "x-stainless-lang": "python" if "Python" in ua else "js"}, "body": body}
    if flavour == "responses":
        body = {"model": "gpt-5-mini", "input": prompt if rng.random() < 0.5 else [{"role": "user", "content": prompt}]}
        if rng.random() < 0.5:
            body["instructions"] = "You are a helpful assistant."
        return {"label": label, "path": "/v1/responses", "headers": {"user-agent": "OpenAI/Python 1.99.9"}, "body": body}
    ua = "Anthropic/Python 0.39.0" if flavour == "anthropic-py" else "Anthropic/JS 0.32.1"
    msgs = []
    if shape == "multi":
        msgs += [{"role": "user", "content": "hej"}, {"role": "assistant", "content": "Hej! Vad kan jag hjälpa till med?"}]
    msgs.append({"role": "user", "content": [{"type": "text", "text": prompt}] if rng.random() < 0.5 else prompt})
    body = {"model": "claude-sonnet-4-5", "max_tokens": 4096, "messages": msgs}
    if rng.random() < 0.5:
        body["system"] = "You are a careful assistant."
    return {"label": label, "path": "/v1/messages", "headers": {"user-agent": ua, "anthropic-version": "2023-06-01"}, "body": body}


# ---------------------------------------------------------------- long context

def long_context_requests():
    out = []
    for i, task in enumerate(LONG_CONTEXT_TASKS):
        size = rng.randint(110_000, 220_000)
        which = i % 4
        if which == 0:
            r = claude_code("long-context", task, "single")
            # The context arrives as tool results: whole files read into the conversation.
            loop = cc_tool_loop(2)
            for m in loop:
                if m["role"] == "user":
                    m["content"][0]["content"] = big_text(size // 2)
            r["body"]["messages"] += loop
        elif which == 1:
            r = sdk("long-context", task + "\n\n" + big_text(size), "single")
        elif which == 2:
            r = aider("long-context", task, "single")
            r["body"]["messages"].insert(-1, {"role": "user", "content": "I have *added these files to the chat* so you can go "
                                              "ahead and edit them.\n\n" + big_text(size)})
            r["body"]["messages"].insert(-1, {"role": "assistant", "content": "Ok, any changes I propose will be to those files."})
        else:
            r = codex("long-context", task + "\n\n" + big_text(size), "single")
        out.append(r)
    return out


# ---------------------------------------------------------------- assembly

CLIENTS_FOR = {
    "commit-message": ["claude_code", "codex", "qwen", "continue", "sdk", "aider"],
    "documentation": ["claude_code", "codex", "qwen", "aider", "continue", "sdk"],
    "status-report": ["claude_code", "codex", "qwen", "sdk"],
    "refactoring": ["claude_code", "codex", "aider", "qwen", "continue"],
    "debugging": ["claude_code", "codex", "aider", "qwen", "continue", "sdk"],
    "simple-coding": ["claude_code", "codex", "aider", "qwen", "continue", "sdk"],
    "multi-file": ["claude_code", "codex", "aider", "qwen", "sdk"],
    "architecture": ["claude_code", "codex", "aider", "sdk", "continue"],
    "code-review": ["claude_code", "codex", "aider", "continue", "sdk"],
    "reasoning": ["sdk", "claude_code", "continue", "codex"],
    "non-coding": ["sdk", "claude_code", "continue", "qwen"],
}
BUILDERS = {"claude_code": claude_code, "codex": codex, "qwen": qwen, "aider": aider, "continue": continue_chat, "sdk": sdk}
FILE_OF = {"claude_code": "claude-code", "codex": "codex", "qwen": "qwen-code", "aider": "aider", "continue": "continue",
           "sdk": "sdk"}


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    files = {name: [] for name in FILE_OF.values()}
    batches = [(label, prompts) for batch in (PROMPTS, MORE_PROMPTS, FINAL_PROMPTS) for label, prompts in batch.items()]
    for label, prompts in batches:
        clients = CLIENTS_FOR[label]
        for i, prompt in enumerate(prompts):
            client = clients[(i + rng.randrange(len(clients))) % len(clients)]
            shape = pick(["single", "single", "multi", "loop"]) if client in ("claude_code", "codex", "qwen") else pick(["single", "multi"])
            if client == "aider" and label in ("status-report", "non-coding", "reasoning"):
                client = "sdk"
            files[FILE_OF[client]].append(BUILDERS[client](label, prompt, shape))
    files["claude-code"] += claude_code_background()
    files["codex"] += codex_background() + codex_review()
    files["qwen-code"] += qwen_background()
    files["aider"] += aider_side()
    files["continue"] += continue_autocomplete()
    for r in long_context_requests():
        ua = r["headers"].get("user-agent", "")
        name = ("claude-code" if ua.startswith("claude-cli") else "codex" if "codex" in ua else
                "aider" if r["body"].get("messages", [{}])[0].get("content", "").startswith("Act as") else "sdk")
        files[name].append(r)
    total = 0
    for name, rows in files.items():
        rng.shuffle(rows)
        with open(os.path.join(out_dir, name + ".jsonl"), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        total += len(rows)
    counts = {}
    for rows in files.values():
        for row in rows:
            counts[row["label"]] = counts.get(row["label"], 0) + 1
    print(f"wrote {total} requests:", ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
