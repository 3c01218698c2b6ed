// Conversation keys and the in-process pin store: TTL since last use, bounded size, config resolution.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "config/config_loader.hpp"
#include "router/conversation_pins.hpp"

using namespace llmroute;
using namespace llmroute::router;
using namespace std::chrono_literals;

namespace {

const PinClock::time_point kStart{std::chrono::hours(1000)};

}  // namespace

TEST_CASE("a conversation key prefers the client's session, with a subagent's own id") {
  RequestFeatures f;
  f.system_text = "You are Claude Code";
  f.first_user_message = "fix the bug";
  f.session_id = "0b6c-session";
  CHECK(conversation_key(f, "ann") == "ann|session:0b6c-session");
  f.agent_id = "agent-7";
  CHECK(conversation_key(f, "ann") == "ann|session:0b6c-session/agent:agent-7");
  CHECK(conversation_key(f, "bob") != conversation_key(f, "ann"));
}

TEST_CASE("a session id of any length makes a short conversation key, still one per session") {
  RequestFeatures f;
  f.session_id = std::string(1 << 20, 'k');  // a client may send a megabyte prompt_cache_key
  const std::string key = conversation_key(f, "ann");
  CHECK(key.starts_with("ann|session-hash:"));
  CHECK(key.size() == std::string("ann|session-hash:").size() + 16);
  CHECK(conversation_key(f, "ann") == key);
  f.session_id.back() = 'j';
  CHECK(conversation_key(f, "ann") != key);
  f.session_id = std::string(200, 's');  // ordinary ids are kept as they are
  CHECK(conversation_key(f, "ann") == "ann|session:" + f.session_id);
}

TEST_CASE("without a session the key hashes the system text and the first user message") {
  RequestFeatures first_turn;
  first_turn.system_text = "Act as an expert software developer.";
  first_turn.first_user_message = "add a --verbose flag";
  RequestFeatures later_turn = first_turn;
  later_turn.prompt = "now document it";
  later_turn.user_messages = 3;
  const std::string key = conversation_key(first_turn, "ann");
  CHECK(key.starts_with("ann|start:"));
  CHECK(key.size() == std::string("ann|start:").size() + 16);
  CHECK(conversation_key(later_turn, "ann") == key);
  RequestFeatures other = first_turn;
  other.first_user_message = "add a --quiet flag";
  CHECK(conversation_key(other, "ann") != key);
  CHECK(conversation_key(RequestFeatures{}, "ann").empty());
}

TEST_CASE("a pin lives for its TTL since last use") {
  MemoryPinStore pins(2h, 100);
  pins.put("c1", "claude/sonnet", kStart);
  CHECK(pins.get("c1", kStart + 1h) == "claude/sonnet");
  // The read at +1h extended it: still there at +2h30, gone two hours after its last use.
  CHECK(pins.get("c1", kStart + 2h + 30min) == "claude/sonnet");
  CHECK_FALSE(pins.get("c1", kStart + 4h + 30min).has_value());
  CHECK(pins.size() == 0);
  CHECK_FALSE(pins.get("never", kStart).has_value());
}

TEST_CASE("putting a pin again replaces its target and renews it") {
  MemoryPinStore pins(10min, 100);
  pins.put("c1", "box/big-local", kStart);
  pins.put("c1", "claude/sonnet", kStart + 9min);
  CHECK(pins.get("c1", kStart + 15min) == "claude/sonnet");
  CHECK(pins.size() == 1);
}

TEST_CASE("a full store forgets the least recently used conversation") {
  MemoryPinStore pins(1h, 3);
  pins.put("a", "x/1", kStart);
  pins.put("b", "x/2", kStart + 1s);
  pins.put("c", "x/3", kStart + 2s);
  CHECK(pins.get("a", kStart + 3s) == "x/1");  // a is now the most recently used
  pins.put("d", "x/4", kStart + 4s);
  CHECK(pins.size() == 3);
  CHECK_FALSE(pins.get("b", kStart + 5s).has_value());
  CHECK(pins.get("a", kStart + 5s) == "x/1");
  CHECK(pins.get("c", kStart + 5s) == "x/3");
  CHECK(pins.get("d", kStart + 5s) == "x/4");
}

TEST_CASE("pins are stored by name and resolved against the config in use") {
  const auto config = config::load_config_text(R"(backends:
  - name: box
    url: http://127.0.0.1:11434/v1
    models: [big, small]
)",
                                               "pins.yaml");
  MemoryPinStore pins(1h, 10);
  pin_model(pins, *config, "k", config::ModelRef{0, 1}, kStart);
  CHECK(pins.get("k", kStart) == "box/small");
  CHECK(pinned_model(pins, *config, "k", kStart) == config::ModelRef{0, 1});
  CHECK_FALSE(pinned_model(pins, *config, "", kStart).has_value());
  // A model that left the config after a reload is no pin at all.
  pins.put("gone", "box/removed", kStart);
  CHECK_FALSE(pinned_model(pins, *config, "gone", kStart).has_value());
  CHECK_FALSE(pinned_model(pins, *config, "k", kStart + 2h).has_value());
}
