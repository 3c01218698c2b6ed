// The config file's grammar: one function per section, each strict about its keys.
#include "config/config_loader.hpp"

#include "config/access_config_loader.hpp"
#include "config/config_text.hpp"
#include "config/host_port.hpp"
#include "config/startup_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

namespace llmroute::config {

namespace {

std::pair<std::string, std::uint16_t> parse_listen(const NodeAt& at) {
  const std::string s = at.as_string();
  const auto address = parse_host_port(s);
  if (!address) at.fail("expected HOST:PORT with a port from 0 to 65535, found '" + s + "'");
  return {address->host, address->port};
}

/// A deadline of 0 would fail every request at once (408 or 504), not switch the limit off.
std::chrono::milliseconds request_deadline(const NodeAt& at) {
  const auto value = at.as_duration();
  if (value.count() <= 0) at.fail("must be more than 0 (a request could never meet it)");
  return value;
}

/// A string the proxy sends or looks up, where an empty one can only be a mistake.
std::string non_empty_string(const NodeAt& at) {
  std::string value = at.as_string();
  if (value.empty()) at.fail("must not be empty");
  return value;
}

Timeouts load_timeouts(Section s) {
  Timeouts t;
  if (auto v = s.optional("client_read")) t.client_read = request_deadline(*v);
  if (auto v = s.optional("upstream_connect")) t.upstream_connect = request_deadline(*v);
  if (auto v = s.optional("upstream_first_byte")) t.upstream_first_byte = request_deadline(*v);
  if (auto v = s.optional("upstream_idle")) t.upstream_idle = request_deadline(*v);
  if (auto v = s.optional("total")) t.total = request_deadline(*v);
  if (auto v = s.optional("shutdown_grace")) t.shutdown_grace = v->as_duration();
  s.finish();
  return t;
}

ServerConfig load_server(Section s) {
  ServerConfig server;
  if (auto v = s.optional("listen")) std::tie(server.listen_host, server.listen_port) = parse_listen(*v);
  if (auto v = s.optional("max_body_bytes")) {
    // The body is read into memory whole: a client may make the proxy reserve this much.
    server.max_body_bytes = v->as_size();
    if (server.max_body_bytes < 1024 || server.max_body_bytes > (1u << 30)) v->fail("must be between 1KiB and 1GiB");
  }
  if (auto v = s.optional("max_header_bytes")) {
    const auto size = v->as_size();
    if (size < 1024 || size > (16u << 20)) v->fail("must be between 1KiB and 16MiB");
    server.max_header_bytes = static_cast<std::uint32_t>(size);
  }
  if (auto v = s.optional("busy_poll_us")) server.busy_poll = std::chrono::microseconds(v->as_int(0, 10'000));
  if (auto v = s.optional("timeouts")) server.timeouts = load_timeouts(Section(*v));
  s.finish();
  return server;
}

Price load_price(Section s) {
  Price p;
  if (auto v = s.optional("input")) p.input = v->as_double(0);
  if (auto v = s.optional("output")) p.output = v->as_double(0);
  if (auto v = s.optional("cache_read")) p.cache_read = v->as_double(0);
  if (auto v = s.optional("cache_write")) p.cache_write = v->as_double(0);
  s.finish();
  return p;
}

/// Clients ask for these by name to choose a route, so no model may take them.
void reject_reserved_model_name(const NodeAt& at, const std::string& name) {
  if (name == "auto" || name == "local" || name == "cloud")
    at.fail("'" + name + "' is reserved for routing (auto, local, cloud)");
}

ModelConfig load_model(const NodeAt& at) {
  ModelConfig m;
  if (at.node.IsScalar()) {  // shorthand: `models: [qwen3-coder]`
    m.name = m.upstream_name = at.as_string();
    reject_reserved_model_name(at, m.name);
    m.mistral_tool_ids = looks_like_mistral(m);
    return m;
  }
  Section s(at);
  m.name = s.required("name").as_string();
  reject_reserved_model_name(s.required("name"), m.name);
  m.upstream_name = m.name;
  if (auto v = s.optional("upstream_name")) m.upstream_name = non_empty_string(*v);
  if (auto v = s.optional("context_tokens")) m.context_tokens = static_cast<std::uint32_t>(v->as_int(256, 100'000'000));
  if (auto v = s.optional("tools")) m.tools = v->as_bool();
  if (auto v = s.optional("vision")) m.vision = v->as_bool();
  if (auto v = s.optional("price")) m.price = load_price(Section(*v));
  if (auto v = s.optional("family")) {
    m.family = v->as_string();
    if (m.family.empty()) v->fail("must not be empty (leave the key out when the family is unknown)");
  }
  std::size_t tool_ids = 0;  // auto
  if (auto v = s.optional("mistral_tool_ids")) tool_ids = v->as_choice({"auto", "on", "off"});
  m.mistral_tool_ids = tool_ids == 1 || (tool_ids == 0 && looks_like_mistral(m));
  s.finish();
  if (m.name.empty()) at.fail("name must not be empty");
  return m;
}

BackendConfig load_backend(Section s) {
  BackendConfig b;
  b.name = s.required("name").as_string();
  if (b.name.empty() || b.name.find('/') != std::string::npos)
    s.required("name").fail("a backend name must be non-empty and contain no '/'");
  if (auto v = s.optional("kind"))
    b.kind = static_cast<BackendKind>(v->as_choice({"openai", "anthropic", "openai-responses"}));
  if (auto v = s.optional("location")) b.location = static_cast<Location>(v->as_choice({"local", "cloud"}));
  const NodeAt url = s.required("url");
  b.url = url.as_string();
  if (std::string error = parse_backend_url(b); !error.empty()) url.fail(error);
  if (auto v = s.optional("api_key_env")) b.api_key_env = non_empty_string(*v);
  if (auto v = s.optional("verify_tls")) b.verify_tls = v->as_bool();
  if (auto v = s.optional("max_idle_connections"))
    b.max_idle_connections = static_cast<std::uint32_t>(v->as_int(0, 100'000));
  if (auto v = s.optional("health_path")) b.health_path = v->as_string();
  if (auto v = s.optional("tokenize_path")) {
    b.tokenize_path = v->as_string();
    if (b.tokenize_path.empty() || b.tokenize_path.front() != '/') v->fail("tokenize_path must start with '/' (e.g. /tokenize)");
  }
  if (auto v = s.optional("max_concurrency")) b.max_concurrency = static_cast<std::uint32_t>(v->as_int(0, 100'000));
  const NodeAt models = s.required("models");
  for (const NodeAt& item : sequence_items(models)) b.models.push_back(load_model(item));
  if (b.models.empty()) models.fail("a backend needs at least one model");
  s.finish();
  return b;
}

}  // namespace

ModelRef resolve_model_ref(const Config& config, const NodeAt& at) {
  const std::string ref = at.as_string();
  const auto slash = ref.find('/');
  if (slash == std::string::npos) {
    if (auto found = config.find_model(ref)) return *found;
    at.fail("no model named '" + ref + "' (write backend/model or a configured model name)");
  }
  const std::string backend = ref.substr(0, slash), model = ref.substr(slash + 1);
  for (std::size_t b = 0; b < config.backends.size(); ++b) {
    if (config.backends[b].name != backend) continue;
    for (std::size_t m = 0; m < config.backends[b].models.size(); ++m)
      if (config.backends[b].models[m].name == model) return ModelRef{b, m};
    at.fail("backend '" + backend + "' has no model '" + model + "'");
  }
  at.fail("no backend named '" + backend + "'");
}

namespace {

/// `tasks:` maps task kind names to ordered candidates: a list of `backend/model`, or one as a string.
std::array<std::vector<ModelRef>, kTaskKindNames.size()> load_route_table(const Config& config, const NodeAt& at) {
  if (!at.node.IsMap()) at.fail("expected a mapping of task kind to a list of backend/model candidates");
  std::array<std::vector<ModelRef>, kTaskKindNames.size()> tasks;
  std::set<std::string> seen;
  for (auto entry = at.node.begin(); entry != at.node.end(); ++entry) {
    const NodeAt key = at.child(entry->first.IsScalar() ? entry->first.Scalar() : "?", entry->first);
    const std::string name = key.as_string();
    std::size_t index = 0;
    while (index < kTaskKindNames.size() && kTaskKindNames[index] != name) ++index;
    if (index == kTaskKindNames.size()) {
      std::string known;
      for (std::string_view kind : kTaskKindNames) known += (known.empty() ? "" : ", ") + std::string(kind);
      key.fail("unknown task kind '" + name + "' (task kinds: " + known + ")");
    }
    if (!seen.insert(name).second) key.fail("task kind '" + name + "' is listed twice");
    const NodeAt value = at.child(name, entry->second);
    std::vector<NodeAt> items;
    if (value.node.IsScalar()) items.push_back(value);
    else items = sequence_items(value);
    if (items.empty()) value.fail("needs at least one backend/model candidate");
    for (const NodeAt& item : items) {
      const ModelRef ref = resolve_model_ref(config, item);
      for (const ModelRef& earlier : tasks[index])
        if (earlier == ref) item.fail("'" + item.as_string() + "' is listed twice");
      tasks[index].push_back(ref);
    }
  }
  return tasks;
}

HealthConfig load_health(Section s) {
  HealthConfig h;
  if (auto v = s.optional("failures")) h.failures = static_cast<std::uint32_t>(v->as_int(1, 1'000'000));
  if (auto v = s.optional("cooldown")) {
    h.cooldown = v->as_duration();
    if (h.cooldown.count() <= 0) v->fail("must be more than 0");
  }
  if (auto v = s.optional("probe_interval")) h.probe_interval = v->as_duration();
  if (auto v = s.optional("max_cooldown")) {
    h.max_cooldown = v->as_duration();
    if (h.max_cooldown < h.cooldown) v->fail("must be at least the cooldown");
  } else {
    h.max_cooldown = std::max(h.max_cooldown, h.cooldown);
  }
  s.finish();
  return h;
}

void load_routing(Config& config, Section s) {
  config.default_model = resolve_model_ref(config, s.required("default"));
  RoutingConfig& r = config.routing;
  if (auto v = s.optional("tasks")) r.tasks = load_route_table(config, *v);
  if (auto v = s.optional("long_context_tokens"))
    r.long_context_tokens = static_cast<std::uint32_t>(v->as_int(1, 10'000'000));
  if (auto v = s.optional("output_reserve_tokens"))
    r.output_reserve_tokens = static_cast<std::uint32_t>(v->as_int(0, 10'000'000));
  if (auto v = s.optional("pin_ttl")) {
    r.pin_ttl = v->as_duration();
    if (r.pin_ttl.count() <= 0) v->fail("must be more than 0");
  }
  if (auto v = s.optional("max_pins")) r.max_pins = static_cast<std::size_t>(v->as_int(1, 100'000'000));
  if (auto v = s.optional("health")) r.health = load_health(Section(*v));
  s.finish();
}

CostConfig load_cost(const Config& config, Section s) {
  CostConfig c;
  if (auto v = s.optional("hardware_price")) c.hardware_price = v->as_double(0);
  if (auto v = s.optional("amortisation_months")) {
    c.amortisation_months = v->as_double(0);
    if (c.amortisation_months == 0) v->fail("must be more than 0");
  }
  if (auto v = s.optional("power_watts")) c.power_watts = v->as_double(0);
  if (auto v = s.optional("electricity_price_per_kwh")) c.electricity_price_per_kwh = v->as_double(0);
  if (auto v = s.optional("busy_hours_per_day")) {
    c.busy_hours_per_day = v->as_double(0);
    if (c.busy_hours_per_day == 0 || c.busy_hours_per_day > 24) v->fail("must be more than 0 and at most 24");
  }
  if (auto v = s.optional("baseline")) {
    c.baseline = resolve_model_ref(config, *v);
    // A baseline without a price would make every cloud-equivalent cost a silent 0.
    if (!config.model(*c.baseline).price) v->fail("the baseline model has no price");
  }
  s.finish();
  return c;
}

RecordsConfig load_records(Section s) {
  RecordsConfig r;
  if (auto v = s.optional("enabled")) r.enabled = v->as_bool();
  if (auto v = s.optional("path")) {
    r.path = v->as_string();
    if (r.path.empty()) v->fail("must not be empty");
  }
  if (auto v = s.optional("retention")) r.retention = v->as_duration();
  if (auto v = s.optional("queue_capacity")) r.queue_capacity = static_cast<std::size_t>(v->as_int(1, 10'000'000));
  s.finish();
  return r;
}

ConfigPtr load(const YAML::Node& root, const std::string& name) {
  auto config = std::make_shared<Config>();
  config->source_path = name;
  const NodeAt top{&config->source_path, "", root};
  if (root.IsNull()) top.fail("the file is empty");
  Section s(top);
  if (auto v = s.optional("server")) config->server = load_server(Section(*v));
  if (auto v = s.optional("currency")) config->currency = non_empty_string(*v);
  const NodeAt backends = s.required("backends");
  std::set<std::string> backend_names, model_names;
  for (const NodeAt& item : sequence_items(backends)) {
    BackendConfig b = load_backend(Section(item));
    if (!backend_names.insert(b.name).second) item.fail("duplicate backend name '" + b.name + "'");
    for (const auto& m : b.models)
      if (!model_names.insert(m.name).second) item.fail("model name '" + m.name + "' is used by two backends");
    config->backends.push_back(std::move(b));
  }
  if (config->backends.empty()) backends.fail("at least one backend is needed");
  if (auto v = s.optional("routing")) load_routing(*config, Section(*v));
  if (auto v = s.optional("cost")) config->cost = load_cost(*config, Section(*v));
  if (auto v = s.optional("records")) config->records = load_records(Section(*v));
  load_access(*config, s);
  if (auto v = s.optional("scheduling")) config->scheduling = load_scheduling(Section(*v));
  if (auto v = s.optional("judging")) config->judging = load_judging(*config, Section(*v));
  if (auto v = s.optional("quota_store")) config->quota_store = load_quota_store(*v);
  if (auto v = s.optional("shadow")) config->shadow = load_shadow(*config, Section(*v));
  s.finish();
  return config;
}

}  // namespace

std::string parse_backend_url(BackendConfig& b) {
  std::string_view rest = b.url;
  if (rest.starts_with("http://")) {
    b.scheme = Scheme::http;
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    b.scheme = Scheme::https;
    rest.remove_prefix(8);
  } else {
    return "expected a URL starting with http:// or https://, found '" + b.url + "'";
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  b.base_path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!b.base_path.empty() && b.base_path.back() == '/') b.base_path.pop_back();
  unsigned port = b.scheme == Scheme::https ? 443 : 80;
  if (authority.starts_with('[')) {  // [::1]:8080
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address in '" + b.url + "'";
    b.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') return "unexpected text after the IPv6 address in '" + b.url + "'";
    if (!authority.empty()) authority.remove_prefix(1);
    else authority = {};
    if (!authority.empty()) {
      auto [end, ec] = std::from_chars(authority.data(), authority.data() + authority.size(), port);
      if (ec != std::errc{} || end != authority.data() + authority.size() || port == 0 || port > 65535)
        return "bad port in '" + b.url + "'";
    }
  } else {
    const auto colon = authority.find(':');
    b.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      const std::string_view p = authority.substr(colon + 1);
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
      if (ec != std::errc{} || end != p.data() + p.size() || port == 0 || port > 65535)
        return "bad port in '" + b.url + "'";
    }
  }
  if (b.host.empty()) return "no host in '" + b.url + "'";
  b.port = static_cast<std::uint16_t>(port);
  b.host_header = b.host.find(':') != std::string::npos ? "[" + b.host + "]" : b.host;
  if (port != (b.scheme == Scheme::https ? 443u : 80u)) b.host_header += ":" + std::to_string(port);
  return {};
}

ConfigPtr load_config_text(const std::string& text, const std::string& name) {
  if (const auto fault = find_text_fault(text))
    throw ConfigError(name + ":" + std::to_string(fault->line) + ":" + std::to_string(fault->column) + ": (top level): " + fault->what);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                      ": (yaml): " + e.msg);
  }
  return load(root, name);
}

std::string default_config_path() {
  for (const char* candidate : {"config/default.yaml", "/etc/llmroute/config.yaml"})
    if (std::ifstream(candidate)) return candidate;
  return "config/default.yaml";
}

ConfigPtr load_config_file(const std::string& path) {
  // What is wrong with the file itself points at its start: every config error has the same shape.
  const auto file_error = [&path](const std::string& what) { return ConfigError(path + ":1:1: (top level): " + what); };
  // A bound, so that a wrong path (/dev/zero, a log, the records database) is named instead of read until memory runs out.
  constexpr std::size_t kMaxConfigBytes = 16u << 20;
  const StartupFile file = read_startup_file(path, "config file", kMaxConfigBytes);
  if (!file.text) throw file_error(file.error);
  return load_config_text(*file.text, path);
}

}  // namespace llmroute::config
