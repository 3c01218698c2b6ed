// JudgeStore's column lists and row conversions, shared by its queue and review halves (internal header).
#pragma once

#include "policies/judge_store.hpp"
#include "records/sqlite_row.hpp"

#include <string_view>

namespace llmroute::policies {

/// Both answers' columns, primary then shadow, in the order bind_answer and read_answer use.
inline constexpr std::string_view kAnswerColumns =
    "primary_id, primary_backend, primary_model, primary_location, primary_text, primary_tool_calls, "
    "primary_clipped, primary_ms, primary_cost, shadow_id, shadow_backend, shadow_model, shadow_location, "
    "shadow_text, shadow_tool_calls, shadow_clipped, shadow_ms, shadow_cost";

/// The columns read_call reads, in order.
inline constexpr std::string_view kCallColumns =
    "start_ms, judge, judge_family, same_family, call_order, attempt, outcome, reply, note, latency_ms, "
    "input_tokens, output_tokens, cost";

void bind_answer(records::SqliteBinder& bind, const ShadowAnswer& answer);
ShadowAnswer read_answer(records::SqliteReader& read);

/// "valid", "invalid" (answered, not the strict JSON) or "failed" (no answer).
std::string_view call_outcome(const StoredCall& call);
/// A judge_calls row (kCallColumns); the reading is the reply parsed again, as a replay would.
StoredCall read_call(sqlite3_stmt* row);

}  // namespace llmroute::policies
