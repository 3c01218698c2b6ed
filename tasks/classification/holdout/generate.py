#!/usr/bin/env python3
# Writes a held-out batch of labelled requests (tasks/classification/holdout/<batch>/*.jsonl) from
# <batch>_prompts.py, wrapping each prompt in one client's request shape (fixed randomness per batch).
#
# The shapes are written independently of ../generate.py, from the clients' public sources: Claude Code 2.x
# (system block arrays, IDE and CLAUDE.md system-reminders, TodoWrite/Edit/Bash loops, slash commands, the
# "Summarize this coding conversation" title call, isNewTopic, file-path extraction, compaction, quota,
# count_tokens, sub-agent warmup), Codex (Responses input items, developer permissions, AGENTS.md,
# environment_context, reasoning items, namespace tools, turn metadata, the memento and checkpoint
# compactions, the review sub-agent), Qwen Code (chat with tools, context set-up turn, state_snapshot
# compression, next-speaker check), Continue (chat with code context parts, ChatDescriber titles, FIM
# autocomplete), aider (diff/whole/udiff/architect/ask/editor formats, commit and summary calls, cache
# keep-alive pings) and plain SDK calls.
# Usage: python3 tasks/classification/holdout/generate.py batch1

import importlib
import json
import os
import random
import sys
import uuid

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

batch_name = sys.argv[1] if len(sys.argv) > 1 else "batch1"
prompts = importlib.import_module(batch_name + "_prompts")
rng = random.Random("holdout-" + batch_name)
S = {"type": "string"}


def pick(seq):
    return seq[rng.randrange(len(seq))]


def uid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def hexid(n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


# ---------------------------------------------------------------- filler

SOURCE_LINES = [
    "export async function handler(req: Request): Promise<Response> {",
    "  const body = await req.json();",
    "  if (!body.items?.length) return json({ error: 'empty' }, 400);",
    "class InvoiceService:",
    "    def __init__(self, repo, clock):",
    "        self.repo = repo",
    "func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {",
    "\tctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)",
    "\tdefer cancel()",
    "    let total: Decimal = lines.iter().map(|l| l.amount).sum();",
    "    return total.quantize(Decimal('0.01'))",
    "}",
    "",
]


def numbered_file(lines):
    return "\n".join(f"{i + 1:>6}\t{pick(SOURCE_LINES)}" for i in range(lines))


def log_lines(n):
    levels = ["INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"]
    svcs = ["gateway", "orders", "payments", "inventory", "mailer"]
    out = []
    for i in range(n):
        out.append(f"2025-11-0{rng.randint(1, 9)}T0{rng.randint(0, 9)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}Z "
                   f"{pick(levels)} {pick(svcs)} req={hexid(8)} latency_ms={rng.randint(2, 4000)} "
                   f"msg=\"{pick(['upstream timeout', 'retrying', 'ok', 'pool exhausted', 'cache miss', 'handled'])}\"")
    return "\n".join(out)


def prose(n_chars):
    sentences = ["The supplier shall deliver the goods within thirty days of the purchase order.",
                 "Payment is due forty-five days after a correct invoice has been received.",
                 "Either party may terminate the agreement with three months' written notice.",
                 "The supplier is liable for defects discovered within twenty-four months of delivery.",
                 "Confidential information must not be disclosed to third parties without consent."]
    out = []
    n = 0
    while n < n_chars:
        s = pick(sentences)
        out.append(s)
        n += len(s) + 1
    return " ".join(out)


def big_mixed(n_chars):
    out = []
    n = 0
    while n < n_chars:
        chunk = pick([numbered_file(80), log_lines(60), prose(3000)])
        out.append(chunk)
        n += len(chunk)
    return "\n\n".join(out)


# ---------------------------------------------------------------- Claude Code 2.x

CC_IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude."
CC_SYSTEM = ("\nYou are an interactive CLI tool that helps users with software engineering tasks. Use the instructions below "
             "and the tools available to you to assist the user.\n\nIMPORTANT: Assist with defensive security tasks only. "
             "Refuse to create, modify, or improve code that may be used maliciously.\n\n# Tone and style\nYou should be "
             "concise, direct, and to the point, while providing complete information.\n\n# Professional objectivity\n"
             "Prioritize technical accuracy and truthfulness over validating the user's beliefs.\n\n# Task Management\nYou "
             "have access to the TodoWrite tools to help you manage and plan tasks.\n\n# Doing tasks\nThe user will primarily "
             "request you perform software engineering tasks.\n- Use the TodoWrite tool to plan the task if required\n\n"
             "# Tool usage policy\n- When doing file search, prefer to use the Task tool in order to reduce context usage.\n"
             "\n<env>\nWorking directory: /Users/kim/code/ledger\nIs directory a git repo: Yes\nPlatform: darwin\nOS Version: "
             "Darwin 24.6.0\nToday's date: 2025-11-04\n</env>\nYou are powered by the model named Sonnet 4.5.\n\ngitStatus: "
             "This is the git status at the start of the conversation.\nCurrent branch: feature/export\n\nMain branch: main\n"
             "\nStatus:\nM src/export/csv.ts\n\nRecent commits:\n1f2e3d4 wip export\n") * 2

CC_TOOL_NAMES = ["Task", "Bash", "Glob", "Grep", "ExitPlanMode", "Read", "Edit", "Write", "NotebookEdit", "WebFetch",
                 "TodoWrite", "WebSearch", "BashOutput", "KillShell", "Skill", "SlashCommand",
                 "mcp__ide__getDiagnostics", "mcp__ide__executeCode", "mcp__linear__list_issues",
                 "mcp__linear__create_issue", "mcp__sentry__get_issue"]


def cc_tools():
    n = rng.randint(16, len(CC_TOOL_NAMES))
    return [{"name": name, "description": f"{name} tool. " + "Usage notes and constraints for this tool. " * rng.randint(4, 20),
             "input_schema": {"type": "object", "properties": {"arg": S, "description": S}, "required": ["arg"],
                              "additionalProperties": False, "$schema": "http://json-schema.org/draft-07/schema#"}}
            for name in CC_TOOL_NAMES[:n]]


def cc_headers(session):
    h = {"user-agent": f"claude-cli/{pick(['2.0.21', '2.0.28', '2.0.37', '2.0.55'])} (external, {pick(['cli', 'vscode', 'sdk-cli'])})",
         "anthropic-version": "2023-06-01", "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14",
         "x-app": "cli", "x-stainless-lang": "js", "x-stainless-runtime": "node", "content-type": "application/json"}
    if rng.random() < 0.5:
        h["x-claude-code-session-id"] = session
    return h


def cc_metadata(session):
    return {"user_id": json.dumps({"device_id": hexid(64), "account_uuid": uid(), "session_id": session})}


REMINDER_CLAUDE_MD = ("<system-reminder>\nAs you answer the user's questions, you can use the following context:\n# claudeMd\n"
                      "Codebase and user instructions are shown below. Be sure to adhere to these instructions.\n\nContents "
                      "of /Users/kim/code/ledger/CLAUDE.md (project instructions, checked into the codebase):\n\n## Build\n"
                      "- `npm run build` then `npm test`\n- Use zod for validation\n\n      IMPORTANT: this context may or "
                      "may not be relevant to your tasks. You should not respond to this context unless it is highly "
                      "relevant to your task.\n</system-reminder>\n")
REMINDER_IDE = ("<system-reminder>\nThe user opened the file /Users/kim/code/ledger/src/export/csv.ts in the IDE. This may "
                "or may not be related to the current task.\n</system-reminder>")
REMINDER_SELECTION = ("<ide_selection>The user selected the lines 12 to 30 from /Users/kim/code/ledger/src/export/csv.ts:\n"
                      "export function toCsv(rows: Row[]) {\n  return rows.map(r => r.join(',')).join('\\n');\n}\n\nThis may "
                      "or may not be related to the current task.</ide_selection>")
REMINDER_TODO = ("<system-reminder>\nThis is a reminder that your todo list is currently empty. DO NOT mention this to the "
                 "user explicitly because they are already aware. If you are working on tasks that would benefit from a "
                 "todo list please use the TodoWrite tool to create one.\n</system-reminder>")


def cc_user_blocks(text, first=True):
    blocks = []
    if first:
        blocks.append({"type": "text", "text": REMINDER_CLAUDE_MD})
    if rng.random() < 0.3:
        blocks.append({"type": "text", "text": pick([REMINDER_IDE, REMINDER_SELECTION])})
    blocks.append({"type": "text", "text": text})
    if first and rng.random() < 0.5:
        blocks.append({"type": "text", "text": REMINDER_TODO})
    blocks[-1]["cache_control"] = {"type": "ephemeral"}
    return blocks


def cc_loop(steps):
    msgs = []
    for _ in range(steps):
        tid = "toolu_01" + hexid(22)
        tool = pick(["Read", "Grep", "Bash", "TodoWrite", "Edit"])
        inp = {"Read": {"file_path": "/Users/kim/code/ledger/src/" + pick(["export/csv.ts", "db/pool.ts", "api/routes.ts"])},
               "Grep": {"pattern": pick(["TODO", "retry", "export function"]), "output_mode": "files_with_matches"},
               "Bash": {"command": pick(["npm test -- --silent", "git diff --stat", "git log --oneline -15"]),
                        "description": pick(["Run tests", "Show changes", "Recent history"])},
               "TodoWrite": {"todos": [{"content": "Inspect the code", "status": "in_progress", "activeForm": "Inspecting the code"}]},
               "Edit": {"file_path": "/Users/kim/code/ledger/src/export/csv.ts", "old_string": "a", "new_string": "b"}}[tool]
        text = pick(["", "Let me check the code first.", "I'll look at how this is wired up."])
        content = ([{"type": "text", "text": text}] if text else []) + [{"type": "tool_use", "id": tid, "name": tool, "input": inp}]
        msgs.append({"role": "assistant", "content": content})
        result = {"Read": numbered_file(rng.randint(30, 150)),
                  "Grep": "Found 3 files\nsrc/export/csv.ts\nsrc/api/routes.ts\nsrc/db/pool.ts",
                  "Bash": pick(["Tests: 41 passed, 2 failed, 43 total", " src/export/csv.ts | 12 ++++--\n 1 file changed",
                                "1f2e3d4 wip export\n0a9b8c7 add pool metrics"]),
                  "TodoWrite": "Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress.",
                  "Edit": "The file /Users/kim/code/ledger/src/export/csv.ts has been updated."}[tool]
        blocks = [{"type": "tool_result", "tool_use_id": tid, "content": result}]
        if rng.random() < 0.25:
            blocks.append({"type": "text", "text": "<system-reminder>\nThe TodoWrite tool hasn't been used recently.\n</system-reminder>"})
        msgs.append({"role": "user", "content": blocks})
    return msgs


def cc_body(messages, tools=True, **extra):
    body = {"model": pick(["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-haiku-4-5-20251001"]),
            "max_tokens": pick([32000, 64000]), "messages": messages,
            "system": [{"type": "text", "text": CC_IDENTITY, "cache_control": {"type": "ephemeral"}},
                       {"type": "text", "text": CC_SYSTEM, "cache_control": {"type": "ephemeral"}}],
            "stream": True}
    if tools:
        body["tools"] = cc_tools()
    if rng.random() < 0.4:
        body["thinking"] = {"type": "enabled", "budget_tokens": pick([4000, 12000, 31999])}
    body.update(extra)
    return body


def claude_code(label, prompt, shape):
    session = uid()
    msgs = []
    if shape == "multi":
        msgs.append({"role": "user", "content": cc_user_blocks(pick(["hey, have a look around the repo first",
                                                                      "what's in src/export?", "run the tests"]))})
        msgs.append({"role": "assistant", "content": [{"type": "text", "text": "I looked through the project: a ledger service with an export module ..."}]})
        msgs.append({"role": "user", "content": cc_user_blocks(prompt, first=False)})
    else:
        msgs.append({"role": "user", "content": cc_user_blocks(prompt)})
    if shape == "loop":
        msgs += cc_loop(rng.randint(1, 5))
    body = cc_body(msgs)
    body["metadata"] = cc_metadata(session)
    return {"label": label, "path": "/v1/messages?beta=true", "headers": cc_headers(session), "body": body}


def claude_code_command(label, command, shape):
    name = command.lstrip("/")
    expanded = ("\n      You are an expert code reviewer. Follow these steps:\n\n      1. If no PR number is provided in the "
                "args, use Bash(\"gh pr list\") to show open PRs\n      2. If a PR number is provided, use Bash(\"gh pr view "
                "<number>\") to get PR details\n      3. Use Bash(\"gh pr diff <number>\") to get the diff\n      4. Analyze the "
                "changes and provide a thorough code review\n    ")
    r = claude_code(label, "x", "single")
    r["body"]["messages"][-1]["content"] = [
        {"type": "text", "text": REMINDER_CLAUDE_MD},
        {"type": "text", "text": f"<command-message>{name} is running…</command-message>\n<command-name>{command}</command-name>"},
        {"type": "text", "text": expanded, "cache_control": {"type": "ephemeral"}}]
    return r


def claude_code_multi(label, prompt, shape):
    return claude_code(label, prompt, "multi")


def cc_side(label, system, messages, tools=None, path="/v1/messages?beta=true", **extra):
    session = uid()
    body = {"model": "claude-haiku-4-5-20251001", "max_tokens": 512, "messages": messages,
            "system": [{"type": "text", "text": CC_IDENTITY}] + ([{"type": "text", "text": system}] if system else []),
            "temperature": 0, "metadata": cc_metadata(session), "stream": False}
    if tools:
        body["tools"] = tools
    body.update(extra)
    return {"label": label, "path": path, "headers": cc_headers(session), "body": body}


# ---------------------------------------------------------------- Codex

CODEX_INSTRUCTIONS = ("You are Codex, based on GPT-5. You are running as a coding agent in the Codex CLI on a user's "
                      "computer.\n\n## General\n\n- When searching for text or files, prefer using `rg` or `rg --files`.\n\n"
                      "## Editing constraints\n\n- Default to ASCII when editing or creating files.\n- You may be in a dirty "
                      "git worktree.\n\n## Plan tool\n\nWhen using the planning tool:\n- Skip using the planning tool for "
                      "straightforward tasks.\n\n## Special user requests\n\n- If the user makes a simple request (such as "
                      "asking for the time) which you can fulfill by running a terminal command, you should do so.\n") * 4


def codex_tools():
    tools = [{"type": "function", "name": "shell_command", "description": "Runs a shell command and returns its output.",
              "strict": False, "parameters": {"type": "object", "properties": {"command": S, "workdir": S,
                                                                                "timeout_ms": {"type": "number"}},
                                              "required": ["command"], "additionalProperties": False}},
             {"type": "custom", "name": "apply_patch", "description": "Use the `apply_patch` tool to edit files.",
              "format": {"type": "grammar", "syntax": "lark", "definition": "start: begin_patch hunk+ end_patch"}},
             {"type": "function", "name": "update_plan", "description": "Updates the task plan.", "strict": False,
              "parameters": {"type": "object", "properties": {"plan": {"type": "array", "items": {"type": "object"}}},
                             "required": ["plan"]}}]
    if rng.random() < 0.5:
        tools.append({"type": "namespace", "name": "mcp__github", "description": "GitHub",
                      "tools": [{"type": "function", "name": "get_pull_request", "parameters": {"type": "object", "properties": {"n": S}}},
                                {"type": "function", "name": "list_issues", "parameters": {"type": "object", "properties": {"q": S}}}]})
    return tools


def cmsg(role, text):
    return {"type": "message", "role": role, "content": [{"type": "output_text" if role == "assistant" else "input_text", "text": text}]}


def codex_prefix():
    items = [cmsg("developer", "<permissions instructions>\nFilesystem sandboxing defines which files can be read or written. "
                  "`sandbox_mode` is `workspace-write`. Network access is restricted.\n</permissions instructions>")]
    if rng.random() < 0.6:
        items.append(cmsg("user", "# AGENTS.md instructions for /home/sam/src/shop\n\n<INSTRUCTIONS>\n- use pnpm\n- run "
                          "`pnpm lint && pnpm test` before you say you are done\n</INSTRUCTIONS>"))
    items.append(cmsg("user", "<environment_context>\n  <cwd>/home/sam/src/shop</cwd>\n  <approval_policy>on-request"
                      "</approval_policy>\n  <sandbox_mode>workspace-write</sandbox_mode>\n  <network_access>restricted"
                      "</network_access>\n  <shell>bash</shell>\n</environment_context>"))
    return items


def codex_loop(steps):
    items = []
    for _ in range(steps):
        cid = "call_" + hexid(24)
        items.append({"type": "reasoning", "summary": [{"type": "summary_text", "text": "**Inspecting files**"}],
                      "content": None, "encrypted_content": "gAAAAAB" + hexid(160)})
        items.append({"type": "function_call", "name": "shell_command", "call_id": cid,
                      "arguments": json.dumps({"command": pick(["rg -n export src", "sed -n '1,160p' src/api/routes.ts",
                                                                 "pnpm test 2>&1 | tail -30"]), "workdir": "/home/sam/src/shop"})})
        items.append({"type": "function_call_output", "call_id": cid,
                      "output": "Exit code: 0\nWall time: 0.3 seconds\nOutput:\n" + numbered_file(rng.randint(15, 90))})
    return items


def codex_headers(session, extra=None):
    v = pick(["0.58.0", "0.63.0", "0.66.0"])
    ua = pick([f"codex_cli_rs/{v} (Ubuntu 24.4.0; x86_64) WezTerm/20240203", f"codex_cli_rs/{v} (Mac OS 15.6.1; arm64) ghostty/1.2.0",
               f"codex_exec/{v} (Debian 12.0.0; x86_64) unknown"])
    h = {"user-agent": ua, "originator": "codex_exec" if "exec" in ua else "codex_cli_rs", "session_id": session,
         "openai-beta": "responses=experimental", "accept": "text/event-stream", "content-type": "application/json"}
    if rng.random() < 0.7:
        h["x-codex-turn-metadata"] = json.dumps({"turn_id": uid(), "sandbox": "workspace-write"})
    h.update(extra or {})
    return h


def codex(label, prompt, shape, extra_headers=None, instructions=None):
    session = uid()
    items = codex_prefix()
    if shape == "multi":
        items += [cmsg("user", pick(["summarize the repo layout", "what does pnpm test cover?"])),
                  cmsg("assistant", "The repo is a pnpm workspace with an API and a web app ...")]
    items.append(cmsg("user", prompt))
    if shape == "loop":
        items += codex_loop(rng.randint(1, 4))
    body = {"model": pick(["gpt-5-codex", "gpt-5.1-codex", "gpt-5.1"]), "instructions": instructions or CODEX_INSTRUCTIONS,
            "input": items, "tools": codex_tools(), "tool_choice": "auto", "parallel_tool_calls": False,
            "reasoning": {"effort": pick(["medium", "high"]), "summary": "auto"}, "store": False, "stream": True,
            "include": ["reasoning.encrypted_content"], "prompt_cache_key": session}
    return {"label": label, "path": "/v1/responses", "headers": codex_headers(session, extra_headers), "body": body}


# ---------------------------------------------------------------- Qwen Code

QWEN_SYSTEM = ("You are Qwen Code, an interactive CLI agent developed by Alibaba Group, specializing in software engineering "
               "tasks. Your primary goal is to help users safely and efficiently, adhering strictly to the following "
               "instructions and utilizing your available tools.\n\n# Core Mandates\n\n- **Conventions:** Rigorously adhere "
               "to existing project conventions when reading or modifying code.\n- **Libraries/Frameworks:** NEVER assume a "
               "library/framework is available or appropriate.\n\n# Task Management\nYou have access to the todo_write tool "
               "...\n\n# Primary Workflows\n\n## Software Engineering Tasks\n...") * 3


def qwen_tools():
    names = ["read_file", "write_file", "edit", "run_shell_command", "glob", "search_file_content", "list_directory",
             "read_many_files", "web_fetch", "save_memory", "todo_write", "task"]
    return [{"type": "function", "function": {"name": n, "description": f"The {n} tool. " * 10,
                                              "parameters": {"type": "object", "properties": {"path": S}, "required": []}}}
            for n in names]


def qwen_setup():
    return ("This is the Qwen Code. We are setting up the context for our chat.\nToday's date is Wednesday, November 5, 2025 "
            "(formatted according to the user's locale).\nMy operating system is: darwin\nI'm currently working in the "
            "directory: /Users/lea/work/api\nHere is the folder structure of the current working directories:\n\nShowing up "
            "to 20 items (files + folders).\n\n/Users/lea/work/api/\n├───go.mod\n├───cmd/\n└───internal/")


def qwen(label, prompt, shape):
    msgs = [{"role": "system", "content": QWEN_SYSTEM}, {"role": "user", "content": qwen_setup()},
            {"role": "assistant", "content": "Got it. Thanks for the context!"}]
    if shape == "multi":
        msgs += [{"role": "user", "content": "where is the http server started?"},
                 {"role": "assistant", "content": "In cmd/api/main.go, via internal/server.New ..."}]
    msgs.append({"role": "user", "content": prompt})
    if shape == "loop":
        for _ in range(rng.randint(1, 3)):
            cid = "call_" + hexid(20)
            msgs.append({"role": "assistant", "content": None, "tool_calls": [{"id": cid, "type": "function", "function": {
                "name": pick(["read_file", "search_file_content"]), "arguments": json.dumps({"path": "/Users/lea/work/api/internal/server/server.go"})}}]})
            msgs.append({"role": "tool", "tool_call_id": cid, "content": numbered_file(rng.randint(10, 70))})
    body = {"model": pick(["qwen3-coder-plus", "qwen3-coder:30b"]), "messages": msgs, "tools": qwen_tools(), "stream": True,
            "stream_options": {"include_usage": True}, "temperature": 0, "top_p": 1, "max_tokens": pick([8192, 32768])}
    h = {"user-agent": f"QwenCode/{pick(['0.1.4', '0.2.1'])} (darwin; arm64)", "content-type": "application/json",
         "x-stainless-lang": "js"}
    return {"label": label, "path": "/v1/chat/completions", "headers": h, "body": body}


# ---------------------------------------------------------------- Continue

CONTINUE_SYSTEM = ("<important_rules>\n  You are in chat mode.\n\n  If the user asks to make changes to files offer that they "
                   "can use the Apply Button on the code block, or switch to Agent Mode to make the suggested updates "
                   "automatically.\n\n  Always include the language and file name in the info string when you write code "
                   "blocks.\n</important_rules>")


def continue_chat(label, prompt, shape):
    parts = []
    if rng.random() < 0.5:
        path = pick(["src/export/csv.ts", "internal/server/server.go", "app/services/invoice.py"])
        parts.append({"type": "text", "text": f"```{path.rsplit('.', 1)[1]} {path}\n{numbered_file(rng.randint(8, 40))}\n```"})
    parts.append({"type": "text", "text": prompt})
    msgs = [{"role": "system", "content": CONTINUE_SYSTEM}]
    if shape == "multi":
        msgs += [{"role": "user", "content": "what does this file do?"}, {"role": "assistant", "content": "It builds the CSV export ..."}]
    msgs.append({"role": "user", "content": parts if len(parts) > 1 or rng.random() < 0.5 else prompt})
    body = {"model": pick(["qwen2.5-coder:32b", "devstral:24b", "gpt-4.1"]), "messages": msgs, "max_tokens": 4096,
            "temperature": 0.1, "stream": True}
    return {"label": label, "path": "/v1/chat/completions", "headers": {"content-type": "application/json"}, "body": body}


# ---------------------------------------------------------------- aider

AIDER_SYSTEMS = {
    "diff": ("Act as an expert software developer.\nAlways use best practices when coding.\nRespect and use existing "
             "conventions, libraries, etc that are already present in the code base.\nReply in English.\n\nTake requests "
             "for changes to the supplied code.\nIf the request is ambiguous, ask questions.\n\nOnce you understand the "
             "request you MUST:\n\n1. Decide if you need to propose *SEARCH/REPLACE* edits to any files that haven't been "
             "added to the chat.\n2. Think step-by-step and explain the needed changes in a few short sentences.\n3. Describe "
             "each change with a *SEARCH/REPLACE block* per the examples below.\n"),
    "whole": ("Act as an expert software developer.\nTake requests for changes to the supplied code.\nIf the request is "
              "ambiguous, ask questions.\n\nAlways reply to the user in English.\n\nOnce you understand the request you "
              "MUST:\n1. Determine if any code changes are needed.\n2. Explain any needed changes.\n3. If changes are needed, "
              "output a copy of each file that needs changes.\n"),
    "udiff": ("Act as an expert software developer.\nYou are diligent and tireless!\nYou NEVER leave comments describing "
              "code without implementing it!\nYou always COMPLETELY IMPLEMENT the needed code!\n\nAlways use best practices "
              "when coding.\n\nFor each file that needs to be changed, write out the changes similar to a unified diff like "
              "`diff -U0` would produce.\n"),
    "architect": ("Act as an expert architect engineer and provide direction to your editor engineer.\nStudy the change "
                  "request and the current code.\nDescribe how to modify the code to complete the request.\nThe editor "
                  "engineer will rely solely on your instructions, so make them unambiguous and complete.\nExplain all "
                  "needed code changes clearly and completely, but concisely.\nJust show the changes needed.\n\nDO NOT show "
                  "the entire updated function/file/etc!\n\nAlways reply to the user in English.\n"),
    "ask": ("Act as an expert code analyst.\nAnswer questions about the supplied code.\nAlways reply to the user in English."
            "\n\nIf you need to describe code changes, do so *briefly*.\n"),
    "editor-diff": ("Act as an expert software developer who edits source code.\nAlways use best practices when coding.\n"
                    "Describe each change with a *SEARCH/REPLACE block* per the examples below.\nAll changes to files must "
                    "use this *SEARCH/REPLACE block* format.\nONLY EVER RETURN CODE IN A *SEARCH/REPLACE BLOCK*!\n"),
}
AIDER_REMINDERS = {
    "diff": ("# *SEARCH/REPLACE block* Rules:\n\nEvery *SEARCH/REPLACE block* must use this format:\n1. The *FULL* file "
             "path alone on a line, verbatim. No bold asterisks, no quotes around it, no escaping of characters, etc.\n2. "
             "The opening fence and code language, eg: ```python\n3. The start of search block: <<<<<<< SEARCH\n4. A "
             "contiguous chunk of lines to search for in the existing source code\n5. The dividing line: =======\n6. The "
             "lines to replace into the source code\n7. The end of the replace block: >>>>>>> REPLACE\n8. The closing "
             "fence: ```\n\nONLY EVER RETURN CODE IN A *SEARCH/REPLACE BLOCK*!\n"),
    "editor-diff": ("# *SEARCH/REPLACE block* Rules:\n\nEvery *SEARCH/REPLACE block* must use this format:\n1. The *FULL* "
                    "file path alone on a line, verbatim.\n...\nONLY EVER RETURN CODE IN A *SEARCH/REPLACE BLOCK*!\n"),
    "whole": ("To suggest changes to a file you MUST return the entire content of the updated file.\nYou MUST use this "
              "*file listing* format:\n\npath/to/filename.js\n```\n// entire file content ...\n// ... goes in between\n```\n"),
    "udiff": ("# File editing rules:\n\nReturn edits similar to unified diffs that `diff -U0` would produce.\n\nMake sure "
              "you include the first 2 lines with the file paths.\nDon't include timestamps with the file paths.\n"),
}
AIDER_EXAMPLES = [
    {"role": "user", "content": "Change get_factorial() to use math.factorial"},
    {"role": "assistant", "content": "To make this change we need to modify `mathweb/flask/app.py` to:\n\n1. Import the math "
     "package.\n2. Remove the existing factorial() function.\n3. Update get_factorial() to call math.factorial instead.\n"},
    {"role": "user", "content": "Refactor hello() into its own file."},
    {"role": "assistant", "content": "To make this change we need to modify `main.py` and make a new file `hello.py` ..."},
    {"role": "user", "content": "I switched to a new code base. Please don't consider the above files or try to edit them any longer."},
    {"role": "assistant", "content": "Ok."},
]
AIDER_COMMIT = ("You are an expert software engineer that generates concise, one-line Git commit messages based on the "
                "provided diffs.\nReview the provided context and diffs which are about to be committed to a git repo.\n"
                "Review the diffs carefully.\nGenerate a one-line commit message for those changes.\nThe commit message "
                "should be structured as follows: <type>: <description>\nUse these for <type>: fix, feat, build, chore, ci, "
                "docs, style, refactor, perf, test\n\nEnsure the commit message:\n- Starts with the appropriate prefix.\n- "
                "Is in the imperative mood (e.g., \"add feature\" not \"added feature\" or \"adding feature\").\n- Does not "
                "exceed 72 characters.\n\nReply only with the one-line commit message, without any additional text, "
                "explanations, or line breaks.")
AIDER_SUMMARY = ("*Briefly* summarize this partial conversation about programming.\nInclude less detail about older parts "
                 "and more detail about the most recent messages.\nStart a new paragraph every time the topic changes!\n\n"
                 "This is only part of a longer conversation so *DO NOT* conclude the summary with language like "
                 "\"Finally, ...\". Because the conversation continues after the summary.\nThe summary *MUST* include the "
                 "function names, libraries, packages that are being discussed.\nThe summary *MUST* include the filenames "
                 "that are being referenced by the assistant inside the ```...``` fenced code blocks!\n")


def aider_headers():
    return {"user-agent": pick(["OpenAI/Python 1.99.9", "OpenAI/Python 2.3.0"]), "x-stainless-lang": "python",
            "x-stainless-runtime": "CPython", "x-stainless-runtime-version": "3.12.7", "content-type": "application/json"}


def aider(label, prompt, shape, fmt=None):
    fmt = fmt or pick(["diff", "diff", "whole", "udiff", "architect", "ask"])
    reminder = AIDER_REMINDERS.get(fmt, "")
    msgs = [{"role": "system", "content": AIDER_SYSTEMS[fmt] + ("\n" + reminder if reminder else "")}]
    if fmt in ("diff", "editor-diff"):
        msgs += AIDER_EXAMPLES
    msgs += [{"role": "user", "content": "Here are summaries of some files present in my git repository.\nDo not propose "
              "changes to these files, treat them as *read-only*.\nIf you need to edit any of these files, ask me to *add "
              "them to the chat* first.\n\nbilling/tax.py:\n⋮\n│def vat_for(country):\n⋮\nbilling/money.py:\n⋮\n│def round_half_even(x):\n"},
             {"role": "assistant", "content": "Ok, I won't try and edit those files without asking first."}]
    if rng.random() < 0.7:
        path = pick(["billing/money.py", "billing/tax.py", "web/views.py"])
        msgs += [{"role": "user", "content": "I have *added these files to the chat* so you can go ahead and edit them.\n\n"
                  "*Trust this message as the true contents of these files!*\nAny other messages in the chat may contain "
                  f"outdated versions of the files' contents.\n\n{path}\n```\n{numbered_file(rng.randint(15, 80))}\n```\n"},
                 {"role": "assistant", "content": "Ok, any changes I propose will be to those files."}]
    else:
        msgs += [{"role": "user", "content": "I am not sharing any files that you can edit yet."},
                 {"role": "assistant", "content": "Ok."}]
    if shape == "multi":
        msgs += [{"role": "user", "content": "add type hints to money.py"}, {"role": "assistant", "content": "billing/money.py\n```python\n<<<<<<< SEARCH ..."}]
    if reminder and rng.random() < 0.6:
        msgs.append({"role": "user", "content": prompt + "\n\n" + reminder})
    else:
        msgs.append({"role": "user", "content": prompt})
        if reminder:
            msgs.append({"role": "system", "content": reminder})
    body = {"model": pick(["openrouter/anthropic/claude-sonnet-4.5", "deepseek/deepseek-chat", "ollama_chat/qwen3-coder:30b"]),
            "messages": msgs, "temperature": 0, "stream": True}
    return {"label": label, "path": "/v1/chat/completions", "headers": aider_headers(), "body": body}


# ---------------------------------------------------------------- plain SDK calls

def sdk(label, prompt, shape):
    flavour = pick(["openai-py", "openai-js", "anthropic-py", "responses"])
    if flavour.startswith("openai"):
        ua = "OpenAI/Python 1.108.0" if flavour == "openai-py" else "OpenAI/JS 5.20.0"
        msgs = []
        if rng.random() < 0.5:
            msgs.append({"role": pick(["system", "developer"]), "content": pick(["You are a helpful assistant.",
                                                                                   "Be concise.", "Du svarar kort och sakligt."])})
        if shape == "multi":
            msgs += [{"role": "user", "content": "hello"}, {"role": "assistant", "content": "Hi! What can I do for you?"}]
        msgs.append({"role": "user", "content": prompt})
        body = {"model": pick(["gpt-4.1-mini", "gpt-5-mini", "qwen3:32b"]), "messages": msgs}
        if rng.random() < 0.3:
            body["temperature"] = 0.3
        return {"label": label, "path": "/v1/chat/completions",
                "headers": {"user-agent": ua, "x-stainless-lang": "python" if "Python" in ua else "js"}, "body": body}
    if flavour == "responses":
        body = {"model": "gpt-5-mini", "input": prompt if rng.random() < 0.5 else [{"role": "user", "content": prompt}]}
        if rng.random() < 0.5:
            body["instructions"] = "Answer in plain text."
        return {"label": label, "path": "/v1/responses", "headers": {"user-agent": "OpenAI/Python 1.108.0"}, "body": body}
    msgs = []
    if shape == "multi":
        msgs += [{"role": "user", "content": "hej"}, {"role": "assistant", "content": "Hej! Hur kan jag hjälpa dig?"}]
    msgs.append({"role": "user", "content": prompt if rng.random() < 0.5 else [{"type": "text", "text": prompt}]})
    body = {"model": "claude-sonnet-4-5", "max_tokens": 2048, "messages": msgs}
    return {"label": label, "path": "/v1/messages", "headers": {"user-agent": "Anthropic/Python 0.69.0", "anthropic-version": "2023-06-01"},
            "body": body}


# ---------------------------------------------------------------- side requests and client-named tasks

def side(label, arg, kind):
    if kind == "aider_commit":
        return {"label": label, "path": "/v1/chat/completions", "headers": aider_headers(), "body": {
            "model": pick(["openrouter/anthropic/claude-haiku-4.5", "ollama_chat/qwen2.5-coder:7b"]),
            "messages": [{"role": "system", "content": AIDER_COMMIT},
                         {"role": "user", "content": "# Diffs:\n" + arg if rng.random() < 0.5 else arg}], "temperature": 0}}
    if kind == "aider_summary":
        return {"label": label, "path": "/v1/chat/completions", "headers": aider_headers(), "body": {
            "model": "openrouter/anthropic/claude-haiku-4.5",
            "messages": [{"role": "system", "content": AIDER_SUMMARY}, {"role": "user", "content": arg}]}}
    if kind == "aider_ping":
        r = aider(label, arg, "single", "diff")
        r["body"]["messages"] = r["body"]["messages"][:-1] if r["body"]["messages"][-1]["role"] == "user" else r["body"]["messages"][:-2]
        r["body"]["max_tokens"] = 1
        r["body"]["stream"] = False
        return r
    if kind == "cc_title_json":
        return cc_side(label, "Generate a concise, sentence-case title (3-7 words) that captures the main topic or goal of "
                       "this coding session. The title should be clear enough that the user recognizes the session in a "
                       "list. Use sentence case: capitalize only the first word and proper nouns.\n\nReturn JSON with a "
                       "single \"title\" field.", [{"role": "user", "content": arg}],
                       output_format={"type": "json_schema", "schema": {"type": "object", "properties": {"title": S},
                                                                        "required": ["title"], "additionalProperties": False}})
    if kind == "cc_title_short":
        return cc_side(label, "Summarize this coding conversation in under 50 characters.\nCapture the main task, key files, "
                       "problems addressed, and current status.",
                       [{"role": "user", "content": "Please write a 5-10 word title for the following conversation:\n\n" + arg +
                         "\n\nRespond with the title for the conversation and nothing else."}])
    if kind == "cc_topic":
        return cc_side(label, "Analyze if this message indicates a new conversation topic. If it does, extract a 2-3 word "
                       "title that captures the new topic. Format your response as a JSON object with two fields: "
                       "'isNewTopic' (boolean) and 'title' (string, or null if isNewTopic is false). Only include these "
                       "fields, no other text.", [{"role": "user", "content": [{"type": "text", "text": arg}]}])
    if kind == "cc_compact":
        r = claude_code(label, arg, "loop")
        r["body"]["messages"].append({"role": "user", "content": [{"type": "text", "text":
            "Your task is to create a detailed summary of the conversation so far, paying close attention to the user's "
            "explicit requests and your previous actions.\nThis summary should be thorough in capturing technical details, "
            "code patterns, and architectural decisions that would be essential for continuing development work without "
            "losing context.\n\nBefore providing your final summary, wrap your analysis in <analysis> tags to organize your "
            "thoughts and ensure you've covered all necessary points.\n\nAdditional Instructions:\nfocus on the rate limiter "
            "config and the failing test"}]})
        r["body"].pop("thinking", None)
        return r
    if kind == "cc_quota":
        return cc_side(label, None, [{"role": "user", "content": arg}], max_tokens=1)
    if kind == "cc_count_tokens":
        r = claude_code(label, arg, "single")
        r["path"] = "/v1/messages/count_tokens?beta=true"
        for key in ("stream", "max_tokens", "metadata", "thinking"):
            r["body"].pop(key, None)
        return r
    if kind == "cc_filepaths":
        return cc_side(label, "Extract any file paths that this command reads or modifies. For commands like \"git diff\" "
                       "and \"cat\", include the paths of files being shown. Use paths verbatim -- don't add any slashes or "
                       "try to resolve them. Do not try to infer paths that were not explicitly listed in the command "
                       "output.\nFormat your response as:\n<filepaths>\npath/to/file1\npath/to/file2\n</filepaths>\n\nIf no "
                       "files are read or modified, return empty filepaths tags:\n<filepaths>\n</filepaths>\n\nDo not include "
                       "any other text in your response.", [{"role": "user", "content": arg}])
    if kind == "cc_warmup":
        r = cc_side(label, "You are a file search specialist for Claude Code, Anthropic's official CLI for Claude. You excel "
                    "at thoroughly navigating and exploring codebases.", [{"role": "user", "content": [{"type": "text", "text": arg}]}],
                    tools=cc_tools())
        r["headers"]["x-claude-code-agent-id"] = uid()
        return r
    if kind == "codex_memento":
        return codex(label, arg, "loop", instructions="You have exceeded the maximum number of tokens, please stop coding and "
                     "instead write a short memento message for the next agent. Your note should:\n- Summarize what you "
                     "finished and what still needs work. If there was a recent update_plan call, repeat its steps verbatim.\n"
                     "- List outstanding TODOs with file paths / line numbers so they're easy to find.\n- Flag code that needs "
                     "more tests (edge cases, performance, integration, etc.).\n- Record any open bugs, quirks, or setup steps "
                     "that will make it easier for the next agent to pick up where you left off.")
    if kind == "codex_compact_kind":
        return codex(label, arg, "loop", {"x-codex-turn-metadata": json.dumps({"turn_id": uid(), "request_kind": "compaction"})})
    if kind == "codex_compact_subagent":
        return codex(label, arg, "loop", {"x-openai-subagent": "compact"})
    if kind == "codex_compact_endpoint":
        r = codex(label, arg, "loop")
        r["path"] = "/v1/responses/compact"
        return r
    if kind == "codex_review":
        return codex(label, f"Review the code changes against the base branch '{arg.split(chr(39))[1]}'. Start by finding the "
                     "merge diff between the current branch and its upstream. Provide prioritized, actionable findings.",
                     "single", {"x-openai-subagent": "review"},
                     instructions="# Review guidelines:\n\nYou are acting as a reviewer for a proposed code change made by "
                                  "another engineer.\n\nBelow are some default guidelines for determining whether the "
                                  "original author would appreciate the issue being flagged.")
    if kind == "qwen_compress":
        r = qwen(label, arg, "loop")
        r["body"]["messages"] = [{"role": "system", "content": "You are the component that summarizes internal chat history "
                                  "into a given structure.\n\nWhen the conversation history grows too large, you will be "
                                  "invoked to distill the entire history into a concise, structured XML snapshot."}] + \
            r["body"]["messages"][1:] + [{"role": "user", "content": "First, reason in your scratchpad. Then, generate the <state_snapshot>."}]
        r["body"].pop("tools")
        return r
    if kind == "qwen_next_speaker":
        r = qwen(label, arg, "single")
        r["body"]["messages"] += [{"role": "assistant", "content": "I'll add the endpoint now. First"},
                                  {"role": "user", "content": "Analyze *only* the content and structure of your immediately "
                                   "preceding response (your last turn in the conversation history). Based *strictly* on "
                                   "that response, determine who should logically speak next: the 'user' or the 'model' (you)."}]
        r["body"]["response_format"] = {"type": "json_schema", "json_schema": {"name": "next_speaker", "schema": {"type": "object"}}}
        r["body"].pop("tools")
        r["body"]["stream"] = False
        return r
    if kind == "continue_title":
        return {"label": label, "path": "/v1/chat/completions", "headers": {"content-type": "application/json"}, "body": {
            "model": "qwen2.5-coder:7b", "max_tokens": 16, "stream": False, "messages": [{"role": "user", "content":
                "Given the following... please reply with a title for the chat that is 3-4 words in length, all words used "
                "should be directly related to the content of the chat, avoid using verbs unless they are directly related "
                "to the content of the chat, no additional text or explanation, you don't need ending punctuation.\n\n" + arg}]}}
    if kind == "lc_paste_sdk":
        r = sdk(label, arg + "\n\n" + log_lines(1800), "single")
        return r
    if kind == "lc_paste_anthropic":
        return {"label": label, "path": "/v1/messages", "headers": {"user-agent": "Anthropic/Python 0.69.0"}, "body": {
            "model": "claude-sonnet-4-5", "max_tokens": 4096,
            "messages": [{"role": "user", "content": [{"type": "text", "text": prose(130_000)}, {"type": "text", "text": arg}]}]}}
    if kind == "lc_codex":
        return codex(label, arg + "\n\n" + big_mixed(140_000), "single")
    if kind == "lc_cc_tools":
        r = claude_code(label, arg, "single")
        loop = cc_loop(3)
        for m in loop:
            if m["role"] == "user":
                m["content"][0]["content"] = big_mixed(50_000)
        r["body"]["messages"] += loop
        return r
    if kind == "lc_aider":
        r = aider(label, arg, "single", "diff")
        r["body"]["messages"].insert(-1 if r["body"]["messages"][-1]["role"] == "user" else -2, {"role": "user", "content":
            "I have *added these files to the chat* so you can go ahead and edit them.\n\n" + big_mixed(160_000)})
        return r
    if kind == "lc_qwen_tools":
        r = qwen(label, arg, "loop")
        r["body"]["messages"][-1]["content"] = log_lines(1500)
        return r
    prefix, suffix = arg
    header = f"// Path: {pick(['src/util.ts', 'lib/money.rs', 'app/text.php', 'reports/q.sql'])}\n"
    if kind == "fim_qwen":
        body = {"model": "qwen2.5-coder:1.5b-base", "prompt": f"<|fim_prefix|>{header}{prefix}<|fim_suffix|>{suffix}<|fim_middle|>"}
    elif kind == "fim_starcoder":
        body = {"model": "starcoder2:3b", "prompt": f"<fim_prefix>{header}{prefix}<fim_suffix>{suffix}<fim_middle>"}
    elif kind == "fim_codestral":
        body = {"model": "codestral-latest", "prompt": f"[SUFFIX]{suffix}[PREFIX]{header}{prefix}"}
    elif kind == "fim_deepseek":
        body = {"model": "deepseek-coder-v2:16b-lite-base", "prompt": f"<｜fim▁begin｜>{header}{prefix}<｜fim▁hole｜>{suffix}<｜fim▁end｜>"}
    elif kind == "suffix_param":
        body = {"model": "gpt-3.5-turbo-instruct", "prompt": prefix, "suffix": suffix or "\nORDER BY 2 DESC;"}
    else:
        body = {"model": "davinci-002", "prompt": prefix}
    body.update({"max_tokens": 128, "temperature": 0.01, "stream": kind != "plain_completion"})
    return {"label": label, "path": "/v1/completions", "headers": {"content-type": "application/json"}, "body": body}


# ---------------------------------------------------------------- assembly

CLIENTS_FOR = {
    "commit-message": ["claude_code", "codex", "qwen", "continue", "sdk"],
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
BUILDERS = {"claude_code": claude_code, "claude_code_command": claude_code_command, "claude_code_multi": claude_code_multi,
            "codex": codex, "qwen": qwen, "aider": aider, "continue": continue_chat, "sdk": sdk}


def file_of(request):
    ua = request["headers"].get("user-agent", "")
    if ua.startswith("claude-cli"):
        return "claude-code"
    if "codex" in ua:
        return "codex"
    if ua.startswith("QwenCode"):
        return "qwen-code"
    msgs = request["body"].get("messages") or [{}]
    first = msgs[0].get("content") if isinstance(msgs[0], dict) else None
    if isinstance(first, str) and (first.startswith("Act as") or first.startswith("You are an expert software engineer that")
                                   or first.startswith("*Briefly*")):
        return "aider"
    if "user-agent" not in request["headers"]:
        return "continue"
    return "sdk"


def main():
    out_dir = os.path.join(HERE, batch_name)
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    counters = {}
    for entry in prompts.BATCH:
        label, prompt = entry[0], entry[1]
        if len(entry) > 2:
            client = entry[2]
        else:
            clients = CLIENTS_FOR[label]
            n = counters.get(label, rng.randrange(len(clients)))
            counters[label] = n + 1
            client = clients[n % len(clients)]
        if client in ("claude_code", "codex", "qwen"):
            shape = pick(["single", "single", "multi", "loop", "loop"])
        else:
            shape = pick(["single", "single", "multi"])
        rows.append(BUILDERS[client](label, prompt, shape))
    for label, arg, kind in prompts.SIDE:
        rows.append(side(label, arg, kind))
    files = {}
    for r in rows:
        files.setdefault(file_of(r), []).append(r)
    for name, items in files.items():
        rng.shuffle(items)
        with open(os.path.join(out_dir, name + ".jsonl"), "w", encoding="utf-8") as f:
            for r in items:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = {}
    for r in rows:
        counts[r["label"]] = counts.get(r["label"], 0) + 1
    print(f"wrote {len(rows)} requests to {out_dir}:", ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
