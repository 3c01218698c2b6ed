// Strict verdict parsing: a reply either is the documented JSON object or is invalid, with the reason why.
#include "policies/judge_verdict.hpp"

#include <boost/json.hpp>

namespace llmroute::policies {

namespace {

namespace json = boost::json;

/// The reply without surrounding whitespace and without one enclosing ``` fence (```json or bare).
std::string_view unfenced(std::string_view text) {
  auto trim = [](std::string_view t) {
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
    return t;
  };
  text = trim(text);
  if (!text.starts_with("```") || text.size() < 6 || !text.ends_with("```")) return text;
  const std::string_view inside = text.substr(3, text.size() - 6);
  const auto newline = inside.find('\n');
  if (newline == std::string_view::npos) return trim(inside);
  const std::string_view language = trim(inside.substr(0, newline));
  // A fence of another language is not a verdict: left as it is, it fails as "not JSON".
  if (!language.empty() && language != "json") return text;
  return trim(inside.substr(newline + 1));
}

/// The reply as a JSON object, or an error.
const json::object* parse_object(std::string_view reply, json::value& storage, std::string& error) {
  const std::string_view text = unfenced(reply);
  if (text.empty()) {
    error = "the reply is empty";
    return nullptr;
  }
  boost::system::error_code ec;
  storage = json::parse(text, ec);
  if (ec) {
    error = "the reply is not JSON (" + ec.message() + ")";
    return nullptr;
  }
  if (!storage.is_object()) {
    error = "the reply is not a JSON object";
    return nullptr;
  }
  return &storage.as_object();
}

/// Rejects keys outside `allowed`.
bool only_keys(const json::object& object, std::initializer_list<std::string_view> allowed, std::string_view where,
               std::string& error) {
  for (const auto& entry : object) {
    bool known = false;
    for (std::string_view key : allowed) known = known || entry.key() == key;
    if (!known) {
      error = std::string(where) + " has an unexpected key '" + std::string(entry.key()) + "'";
      return false;
    }
  }
  return true;
}

std::optional<RubricScores> parse_scores(const json::value* value, std::string_view where, std::string& error) {
  const json::object* object = value ? value->if_object() : nullptr;
  if (!object) {
    error = std::string(where) + " must be an object with correctness, completeness and clarity";
    return std::nullopt;
  }
  if (!only_keys(*object, {"correctness", "completeness", "clarity"}, where, error)) return std::nullopt;
  RubricScores scores;
  for (const Criterion& c : kCriteria) {
    const json::value* score = object->if_contains(c.name);
    std::int64_t number = -1;
    if (score && score->is_int64()) number = score->as_int64();
    else if (score && score->is_uint64()) number = static_cast<std::int64_t>(std::min<std::uint64_t>(score->as_uint64(), 3));
    if (number < 0 || number > 2) {
      error = std::string(where) + "." + std::string(c.name) + " must be the integer 0, 1 or 2";
      return std::nullopt;
    }
    scores.*c.score = static_cast<int>(number);
  }
  return scores;
}

std::optional<std::string> parse_reason(const json::object& object, std::string& error) {
  const json::value* reason = object.if_contains("reason");
  if (!reason || !reason->is_string()) {
    error = "reason must be a string";
    return std::nullopt;
  }
  return std::string(reason->as_string());
}

}  // namespace

std::string_view to_string(Winner winner) {
  switch (winner) {
    case Winner::a: return "A";
    case Winner::b: return "B";
    case Winner::tie: return "tie";
  }
  return "tie";
}

std::optional<Winner> parse_winner(std::string_view text) {
  if (text == "A") return Winner::a;
  if (text == "B") return Winner::b;
  if (text == "tie") return Winner::tie;
  return std::nullopt;
}

VerdictParse<PairwiseVerdict> parse_pairwise_verdict(std::string_view reply) {
  VerdictParse<PairwiseVerdict> out;
  json::value storage;
  const json::object* root = parse_object(reply, storage, out.error);
  if (!root || !only_keys(*root, {"winner", "scores", "reason"}, "the verdict", out.error)) return out;
  const json::value* winner_value = root->if_contains("winner");
  const auto winner = winner_value && winner_value->is_string() ? parse_winner(winner_value->as_string()) : std::nullopt;
  if (!winner) {
    out.error = "winner must be \"A\", \"B\" or \"tie\"";
    return out;
  }
  const json::value* scores_value = root->if_contains("scores");
  const json::object* scores = scores_value ? scores_value->if_object() : nullptr;
  if (!scores) {
    out.error = "scores must be an object with A and B";
    return out;
  }
  if (!only_keys(*scores, {"A", "B"}, "scores", out.error)) return out;
  const auto a = parse_scores(scores->if_contains("A"), "scores.A", out.error);
  if (!a) return out;
  const auto b = parse_scores(scores->if_contains("B"), "scores.B", out.error);
  if (!b) return out;
  auto reason = parse_reason(*root, out.error);
  if (!reason) return out;
  // A verdict contradicting its own scores cannot be trusted either way.
  const double a_score = weighted_score(*a), b_score = weighted_score(*b);
  if ((*winner == Winner::a && a_score < b_score) || (*winner == Winner::b && b_score < a_score)) {
    out.error = "the winner " + std::string(to_string(*winner)) + " has the lower weighted score";
    return out;
  }
  out.verdict = PairwiseVerdict{*winner, *a, *b, std::move(*reason)};
  return out;
}

VerdictParse<AbsoluteVerdict> parse_absolute_verdict(std::string_view reply) {
  VerdictParse<AbsoluteVerdict> out;
  json::value storage;
  const json::object* root = parse_object(reply, storage, out.error);
  if (!root || !only_keys(*root, {"scores", "reason"}, "the verdict", out.error)) return out;
  const auto scores = parse_scores(root->if_contains("scores"), "scores", out.error);
  if (!scores) return out;
  auto reason = parse_reason(*root, out.error);
  if (!reason) return out;
  out.verdict = AbsoluteVerdict{*scores, std::move(*reason)};
  return out;
}

}  // namespace llmroute::policies
