// Finds the code a functional check runs inside a model's answer (fenced blocks, think blocks, truncation).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llmroute::benchmark {

/// The code of `answer` that belongs in `file_name`:
/// - `<think>…</think>` blocks are ignored (an unterminated one hides everything after it);
/// - among fenced blocks (``` or ~~~) whose language fits the file's extension (.py: python, py, python3;
///   .json: json; otherwise any) or that have no language, the longest wins; a fence left open by a
///   truncated answer runs to the end of the text, so the check sees the cut-off code;
/// - an answer without any fence is taken whole when it looks like the file's kind (.json: starts with
///   `{` or `[`; .py: anything non-empty).
/// nullopt when nothing fits.
std::optional<std::string> extract_code_block(std::string_view answer, std::string_view file_name);

/// `answer` without its `<think>…</think>` blocks.
std::string strip_think_blocks(std::string_view answer);

}  // namespace llmroute::benchmark
