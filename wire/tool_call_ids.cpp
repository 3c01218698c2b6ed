// Mistral's tool-call id rule, the hashed short ids, and their edits into a Conversation or a Chat body.
#include "wire/tool_call_ids.hpp"

#include <simdjson.h>

#include <cstdint>
#include <set>

namespace llmroute::wire {

namespace {

constexpr std::size_t kMistralIdLength = 9;
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool is_alphanumeric(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

/// FNV-1a, then murmur3's finaliser: FNV alone leaves ids that differ only in their last characters
/// (call_…01, call_…02) with hashes that differ only in their low bits.
std::uint64_t hash_of(std::string_view id, std::uint64_t attempt) {
  std::uint64_t hash = 14695981039346656037ull ^ (attempt * 0x9e3779b97f4a7c15ull);
  for (const char c : id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdull;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ull;
  hash ^= hash >> 33;
  return hash;
}

/// 9 base-62 digits of the hash: 62^9 ≈ 1.4e16 short ids.
std::string short_id(std::string_view id, std::uint64_t attempt) {
  std::uint64_t hash = hash_of(id, attempt);
  std::string out(kMistralIdLength, '0');
  for (std::size_t i = kMistralIdLength; i-- > 0;) {
    out[i] = kAlphabet[hash % kAlphabet.size()];
    hash /= kAlphabet.size();
  }
  return out;
}

/// A string literal starting at `offset` of `body`: its length with both quotes.
std::size_t literal_length(std::string_view body, std::size_t offset) {
  std::size_t i = offset + 1;
  while (i < body.size() && body[i] != '"') i += body[i] == '\\' ? 2 : 1;
  return i + 1 - offset;
}

/// One tool-call id found in a Chat body: its value and where its string literal sits.
struct FoundId {
  std::string id;
  std::size_t offset = 0;
  std::size_t length = 0;
};

/// Reads the string `value` into `found`; false when it is not a string.
bool read_id(simdjson::ondemand::value& value, std::string_view body, std::vector<FoundId>& found) {
  std::string_view id;
  if (value.get_string().get(id) != simdjson::SUCCESS) return false;
  const std::string_view raw = value.raw_json_token();
  // raw_json_token() points into the parsed buffer, which is a copy with the body's offsets.
  const auto offset = static_cast<std::size_t>(raw.data() - body.data());
  found.push_back(FoundId{std::string(id), offset, literal_length(body, offset)});
  return true;
}

/// Every id of `messages[].tool_calls[].id` and `messages[].tool_call_id`, in body order; false when the
/// body is not shaped as a Chat request.
bool find_ids(simdjson::ondemand::document& document, std::string_view body, std::vector<FoundId>& found) {
  simdjson::ondemand::object root;
  if (document.get_object().get(root) != simdjson::SUCCESS) return false;
  for (auto root_field : root) {
    std::string_view key;
    if (root_field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
    if (key != "messages") continue;
    simdjson::ondemand::array messages;
    if (root_field.value().get_array().get(messages) != simdjson::SUCCESS) return false;
    for (auto message_element : messages) {
      simdjson::ondemand::object message;
      if (message_element.get_object().get(message) != simdjson::SUCCESS) return false;
      for (auto message_field : message) {
        if (message_field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
        simdjson::ondemand::value value;
        if (message_field.value().get(value) != simdjson::SUCCESS) return false;
        if (key == "tool_call_id") {
          if (!read_id(value, body, found)) return false;
        } else if (key == "tool_calls") {
          simdjson::ondemand::array calls;
          // `"tool_calls": null` is what some clients send with plain text.
          if (value.get_array().get(calls) != simdjson::SUCCESS) continue;
          for (auto call_element : calls) {
            simdjson::ondemand::object call;
            if (call_element.get_object().get(call) != simdjson::SUCCESS) return false;
            for (auto call_field : call) {
              if (call_field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
              if (key != "id") continue;
              simdjson::ondemand::value id;
              if (call_field.value().get(id) != simdjson::SUCCESS || !read_id(id, body, found)) return false;
            }
          }
        }
      }
    }
  }
  return true;
}

}  // namespace

bool is_mistral_tool_id(std::string_view id) {
  if (id.size() != kMistralIdLength) return false;
  for (const char c : id)
    if (!is_alphanumeric(c)) return false;
  return true;
}

MistralToolIds::MistralToolIds(const std::vector<std::string_view>& ids) {
  std::set<std::string, std::less<>> taken;
  for (const std::string_view id : ids)
    if (is_mistral_tool_id(id)) taken.emplace(id);
  for (const std::string_view id : ids) {
    if (is_mistral_tool_id(id) || short_ids_.contains(id)) continue;
    std::string candidate = short_id(id, 0);
    for (std::uint64_t attempt = 1; taken.contains(candidate); ++attempt) candidate = short_id(id, attempt);
    taken.insert(candidate);
    short_ids_.emplace(std::string(id), std::move(candidate));
  }
}

std::string_view MistralToolIds::operator()(std::string_view id) const {
  const auto found = short_ids_.find(id);
  return found == short_ids_.end() ? id : std::string_view(found->second);
}

bool apply_mistral_tool_ids(Conversation& conversation) {
  std::vector<std::string_view> ids;
  for (const Message& message : conversation.messages)
    for (const Part& part : message.parts)
      if (part.kind == PartKind::tool_call || part.kind == PartKind::tool_result) ids.push_back(part.call_id);
  const MistralToolIds short_ids(ids);
  if (short_ids.empty()) return false;
  for (Message& message : conversation.messages) {
    for (Part& part : message.parts) {
      if (part.kind != PartKind::tool_call && part.kind != PartKind::tool_result) continue;
      // Assigned through a copy: the view may point into this very string.
      part.call_id = std::string(short_ids(part.call_id));
    }
  }
  return true;
}

std::vector<ByteEdit> mistral_tool_id_edits(std::string_view chat_body) {
  if (chat_body.find("\"tool_call") == std::string_view::npos) return {};
  thread_local simdjson::ondemand::parser parser;
  const simdjson::padded_string copy(chat_body);
  simdjson::ondemand::document document;
  if (parser.iterate(copy).get(document) != simdjson::SUCCESS) return {};
  std::vector<FoundId> found;
  const std::string_view body(copy.data(), copy.size());
  if (!find_ids(document, body, found)) return {};
  std::vector<std::string_view> ids;
  ids.reserve(found.size());
  for (const FoundId& f : found) ids.push_back(f.id);
  const MistralToolIds short_ids(ids);
  std::vector<ByteEdit> edits;
  if (short_ids.empty()) return edits;
  for (const FoundId& f : found) {
    const std::string_view id = short_ids(f.id);
    if (id == f.id) continue;
    std::string text = "\"";
    text += id;
    text += '"';
    edits.push_back(ByteEdit{f.offset, f.length, std::move(text)});
  }
  return edits;
}

}  // namespace llmroute::wire
