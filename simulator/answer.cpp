// The deterministic token sequence of one answer: text, think block, or a scripted tool call.
#include "simulator/answer.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "simulator/json_text.hpp"

namespace llmroute::simulator {
namespace {

using Sentence = std::span<const std::string_view>;

// Tokens are written JSON-escaped, as they go on the wire. The bank deliberately exercises what
// trips relays: quotes, backslashes, tabs, newlines, code fences and multi-byte UTF-8.
constexpr std::string_view kIntro[] = {"Here", " is", " a", " simulated", " answer", "."};
constexpr std::string_view kMistake[] = {" [sim-mistake]", " Note", ":", " 2", " +", " 2", " =", " 5", "."};
constexpr std::string_view kS1[] = {" The", " function", " reads", " the",   " configuration", " file",
                                    " and", " returns",  " a",     " typed", " value",         "."};
constexpr std::string_view kS2[] = {" Check", " the", " error", " path", " first", ",",
                                    " then",  " the", " happy", " path", "."};
constexpr std::string_view kS3[] = {
    "\\n\\n", "```", "python", "\\n",      "def",       " load", "(",     "path", "):",  "\\n",  "    ",  "with",
    " open",  "(",   "path",   ",",        " encoding", "=",     "\\\"",  "utf",  "-8",  "\\\"", ")",     " as",
    " f",     ":",   "\\n",    "        ", "return",    " f",    ".read", "()",   "\\n", "```",  "\\n\\n"};
constexpr std::string_view kS4[] = {" Keep", " the",  " change", " small", " and", " add",
                                    " a",    " test", " for",    " it",    "."};
constexpr std::string_view kS5[] = {" This",   " avoids", " a",   " race",   " between", " the",
                                    " reader", " and",    " the", " writer", "."};
constexpr std::string_view kS6[] = {" Paths", " like", " C:\\\\",  "temp",         "\\\\",
                                    "out",    " need", " escaped", " backslashes", "."};
constexpr std::string_view kS7[] = {" Unicode",    " such",   " as",     " caf",     "\u00e9", " and",
                                    " na\u00efve", " \u2713", " passes", " through", "."};
constexpr std::string_view kS8[] = {"\\n\\n", "-", " Step", " 1", ":", " run",  " `",   "make", " test", "`",
                                    "\\n",    "-", " Step", " 2", ":", " read", " the", " log", "\\n\\n"};
constexpr std::string_view kS9[] = {" A", " tab", "\\t", "separated", " line", " is", " fine", " too", "."};
constexpr std::string_view kS10[] = {" The", " fix", " is",    " a",   " one", "-line", " change",
                                     " in",  " `",   "parser", ".cpp", "`",    "."};
constexpr std::string_view kS11[] = {" Finally", ",",     " update", " the",   " docs", " so",
                                     " the",     " next", " reader", " knows", " why",  "."};
constexpr std::array<Sentence, 11> kAnswerBank{kS1, kS2, kS3, kS4, kS5, kS6, kS7, kS8, kS9, kS10, kS11};

constexpr std::string_view kThinkStart[] = {"Let", " me", " think", " about", " what", " is", " being", " asked", "."};
constexpr std::string_view kT1[] = {" The", " user", " wants", " a", " small", " fix", "."};
constexpr std::string_view kT2[] = {" I", " should", " check", " the", " edge", " cases", "."};
constexpr std::string_view kT3[] = {" First", ",", " read", " the", " code", " around", " the", " bug", "."};
constexpr std::array<Sentence, 3> kThinkBank{kT1, kT2, kT3};

constexpr std::string_view kThinkOpen = "<think>\\n";
constexpr std::string_view kThinkClose = "\\n</think>\\n\\n";
constexpr std::string_view kThinkEmpty = "<think>\\n</think>\\n\\n";

/// splitmix64: tiny, fast, and good enough to pick sentences.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

/// Appends `count` pieces of `kind`: `first` in full, then sentences drawn from `bank`.
void append_prose(std::vector<Piece>& pieces, PieceKind kind, int count, Sentence first, std::span<const Sentence> bank,
                  Random& random) {
  Sentence sentence = first;
  std::size_t at = 0;
  for (int i = 0; i < count; ++i) {
    if (at == sentence.size()) {
      sentence = bank[random.next() % bank.size()];
      at = 0;
    }
    pieces.push_back({kind, sentence[at++]});
  }
}

/// Appends the think block. Only a separate reasoning field is reported as reasoning tokens:
/// inline <think> text is plain output to the server, which is the trap the proxy must see.
void append_think_block(Answer& answer, const AnswerSpec& spec, Random& random) {
  const int count = spec.think_tokens;
  if (count <= 0) return;
  if (spec.think_style == ThinkStyle::field) {
    append_prose(answer.pieces, PieceKind::reasoning, count, kThinkStart, kThinkBank, random);
    return;
  }
  if (count == 1) {
    answer.pieces.push_back({PieceKind::content, kThinkEmpty});
    return;
  }
  answer.pieces.push_back({PieceKind::content, kThinkOpen});
  append_prose(answer.pieces, PieceKind::content, count - 2, kThinkStart, kThinkBank, random);
  answer.pieces.push_back({PieceKind::content, kThinkClose});
}

/// Applies max_tokens: keeps the first `limit` pieces and reports finish_reason "length".
void truncate(Answer& answer, const AnswerSpec& spec) {
  if (spec.max_tokens && answer.pieces.size() > static_cast<std::size_t>(*spec.max_tokens)) {
    answer.pieces.resize(static_cast<std::size_t>(*spec.max_tokens));
    answer.finish = FinishReason::length;
  }
}

/// Where characters start in `escaped` (JSON string content): a stop string matches at one of them, never
/// inside an escape sequence such as \n or \u001b.
std::vector<bool> character_starts(std::string_view escaped) {
  std::vector<bool> starts(escaped.size() + 1, false);
  for (std::size_t i = 0; i < escaped.size();) {
    starts[i] = true;
    if (escaped[i] != '\\') ++i;
    else i += i + 1 < escaped.size() && escaped[i + 1] == 'u' ? 6 : 2;
  }
  starts[escaped.size()] = true;
  return starts;
}

/// Ends the answer before the first of `spec.stop` its content contains, when that ends within max_tokens (else
/// the cut at max_tokens comes first). Returns the tokens generated up to the end of the stop string; nullopt,
/// with the answer as it was, when no stop string applies.
std::optional<std::size_t> end_at_stop_string(Answer& answer, const AnswerSpec& spec) {
  if (spec.stop.empty()) return std::nullopt;
  std::string content;  // escaped, as the pieces hold it
  std::vector<std::size_t> offsets(answer.pieces.size(), 0);
  for (std::size_t i = 0; i < answer.pieces.size(); ++i) {
    offsets[i] = content.size();
    if (answer.pieces[i].kind == PieceKind::content) content += answer.pieces[i].text;
  }
  const std::vector<bool> starts = character_starts(content);
  std::size_t at = std::string::npos;
  std::size_t end = 0;
  const std::string* matched = nullptr;
  for (const std::string& stop : spec.stop) {
    const std::string escaped = json_escaped(stop);
    for (auto found = content.find(escaped); found != std::string::npos && found < at; found = content.find(escaped, found + 1)) {
      if (!starts[found]) continue;
      at = found;
      end = found + escaped.size();
      matched = &stop;
      break;
    }
  }
  if (matched == nullptr) return std::nullopt;
  std::size_t generated = 0;  // every piece up to the one that holds the stop string's last byte
  for (std::size_t i = 0; i < answer.pieces.size(); ++i)
    if (answer.pieces[i].kind == PieceKind::content && offsets[i] < end) generated = i + 1;
  if (spec.max_tokens && generated > static_cast<std::size_t>(*spec.max_tokens)) return std::nullopt;

  std::vector<Piece> kept;
  for (std::size_t i = 0; i < answer.pieces.size(); ++i) {
    const Piece& piece = answer.pieces[i];
    if (piece.kind != PieceKind::content || offsets[i] + piece.text.size() <= at) {
      kept.push_back(piece);
      continue;
    }
    // The piece the stop string starts in keeps what comes before it.
    if (offsets[i] < at) kept.push_back({PieceKind::content, answer.owned.emplace_back(piece.text.substr(0, at - offsets[i]))});
    break;
  }
  answer.pieces = std::move(kept);
  answer.finish = FinishReason::stop;
  answer.stop_sequence = *matched;
  return generated;
}

int count_reasoning(const Answer& answer) {
  int count = 0;
  for (const auto& piece : answer.pieces) count += piece.kind == PieceKind::reasoning ? 1 : 0;
  return count;
}

std::uint64_t seed_of(const AnswerSpec& spec) { return spec.seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL; }

}  // namespace

std::string Answer::joined(PieceKind kind) const {
  std::size_t size = 0;
  for (const auto& piece : pieces) {
    if (piece.kind == kind) size += piece.text.size();
  }
  std::string text;
  text.reserve(size);
  for (const auto& piece : pieces) {
    if (piece.kind == kind) text.append(piece.text);
  }
  return text;
}

Answer build_text_answer(const AnswerSpec& spec) {
  Answer answer;
  Random random(seed_of(spec));
  append_think_block(answer, spec, random);

  int remaining = spec.quality == Quality::poor ? spec.tokens / 2 + spec.tokens % 2 : spec.tokens;
  answer.pieces.reserve(answer.pieces.size() + static_cast<std::size_t>(remaining));
  if (!spec.name.empty() && remaining > 0) {
    std::string& name_token = answer.owned.emplace_back("[");
    append_json_escaped(name_token, spec.name);
    name_token += "] ";
    answer.pieces.push_back({PieceKind::content, name_token});
    --remaining;
  }
  if (spec.quality == Quality::poor) {
    // The mistake comes first so even a truncated poor answer shows it.
    const int count = std::min<int>(remaining, static_cast<int>(std::size(kMistake)));
    append_prose(answer.pieces, PieceKind::content, count, kMistake, kAnswerBank, random);
    remaining -= count;
  }
  append_prose(answer.pieces, PieceKind::content, remaining, kIntro, kAnswerBank, random);

  const std::optional<std::size_t> generated = end_at_stop_string(answer, spec);
  if (!generated) truncate(answer, spec);
  answer.completion_tokens = static_cast<int>(generated.value_or(answer.pieces.size()));
  answer.reasoning_tokens = count_reasoning(answer);
  return answer;
}

Answer build_tool_call_answer(const ToolSpec& tool, const AnswerSpec& spec) {
  Answer answer;
  Random random(seed_of(spec));
  append_think_block(answer, spec, random);
  const int think_pieces = static_cast<int>(answer.pieces.size());

  ToolCall call;
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int i = 0; i < 24; ++i) call.id_suffix += kAlphabet[random.next() % (sizeof kAlphabet - 1)];
  call.name = tool.name;

  std::string_view value = "\"README.md\"";
  if (tool.argument_kind == ArgumentKind::integer) value = "1";
  if (tool.argument_kind == ArgumentKind::boolean) value = "true";
  if (tool.argument.empty()) {
    call.arguments_json = "{}";
    answer.pieces.push_back({PieceKind::tool_arguments, answer.owned.emplace_back("{")});
    answer.pieces.push_back({PieceKind::tool_arguments, answer.owned.emplace_back("}")});
  } else {
    std::string key = "{";
    append_json_string(key, tool.argument);
    key += ':';
    call.arguments_json = key;
    call.arguments_json.append(value);
    call.arguments_json += '}';
    answer.pieces.push_back({PieceKind::tool_arguments, answer.owned.emplace_back(json_escaped(key))});
    answer.pieces.push_back({PieceKind::tool_arguments, answer.owned.emplace_back(json_escaped(value))});
    answer.pieces.push_back({PieceKind::tool_arguments, answer.owned.emplace_back("}")});
  }
  answer.tool_call = std::move(call);
  answer.finish = FinishReason::tool_calls;
  answer.reasoning_tokens = count_reasoning(answer);
  // Real tokenizers spend roughly one token per four bytes of arguments, plus the name.
  answer.completion_tokens =
      think_pieces + 1 + static_cast<int>((answer.tool_call->arguments_json.size() + tool.name.size()) / 4);
  return answer;
}

Answer build_verbatim_answer(std::string_view text, const AnswerSpec& spec) {
  Answer answer;
  Random random(seed_of(spec));
  append_think_block(answer, spec, random);

  // Escape every piece into one string first and take views afterwards, so no growth moves
  // the text under a view.
  std::string& escaped = answer.owned.emplace_back();
  std::vector<std::size_t> ends;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = std::min(at + 4, text.size());
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    append_json_escaped(escaped, text.substr(at, end - at));
    ends.push_back(escaped.size());
    at = end;
  }
  std::size_t begin = 0;
  for (const auto end : ends) {
    answer.pieces.push_back({PieceKind::content, std::string_view(escaped).substr(begin, end - begin)});
    begin = end;
  }

  truncate(answer, spec);
  answer.completion_tokens = static_cast<int>(answer.pieces.size());
  answer.reasoning_tokens = count_reasoning(answer);
  return answer;
}

}  // namespace llmroute::simulator
