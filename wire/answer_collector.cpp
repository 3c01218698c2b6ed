// Answer reassembly from stream events and its text/tool-call views.
#include "wire/answer_collector.hpp"

#include <boost/json/parse.hpp>

#include "wire/json_writer.hpp"

namespace llmroute::wire {

std::string_view AnswerCollector::take(std::string_view delta) {
  if (delta.size() > room_) {
    clipped_ = true;
    delta = delta.substr(0, room_);
  }
  room_ -= delta.size();
  return delta;
}

void AnswerCollector::append(ItemKind kind, std::string_view delta) {
  delta = take(delta);
  if (delta.empty()) return;
  if (items_.empty() || items_.back().kind != kind) items_.push_back(make_item(kind));
  items_.back().text.append(delta);
}

void AnswerCollector::text(std::string_view delta) { append(ItemKind::text, delta); }

void AnswerCollector::reasoning(std::string_view delta) { append(ItemKind::reasoning, delta); }

void AnswerCollector::tool_begin(std::size_t slot, std::string_view id, std::string_view name) {
  if (slot >= tool_item_.size()) tool_item_.resize(slot + 1, kNoItem);
  OutputItem item = make_item(ItemKind::tool_call);
  item.call_id = id;
  item.name = name;
  tool_item_[slot] = items_.size();
  items_.push_back(std::move(item));
}

void AnswerCollector::tool_arguments(std::size_t slot, std::string_view delta) {
  if (slot >= tool_item_.size() || tool_item_[slot] >= items_.size()) return;
  items_[tool_item_[slot]].arguments.append(take(delta));
}

AnswerCollector collect_items(const std::vector<OutputItem>& items, std::size_t max_bytes) {
  AnswerCollector collector(max_bytes);
  std::size_t slot = 0;
  for (const OutputItem& item : items) {
    switch (item.kind) {
      case ItemKind::text: collector.text(item.text); break;
      case ItemKind::reasoning: collector.reasoning(item.text); break;
      case ItemKind::tool_call:
        collector.tool_begin(slot, item.call_id, item.name);
        collector.tool_arguments(slot++, item.arguments);
        break;
    }
  }
  return collector;
}

namespace {

std::string joined(const std::vector<OutputItem>& items, ItemKind kind) {
  std::string out;
  for (const OutputItem& item : items)
    if (item.kind == kind) out += item.text;
  return out;
}

}  // namespace

std::string answer_text(const std::vector<OutputItem>& items) { return joined(items, ItemKind::text); }

std::string answer_reasoning(const std::vector<OutputItem>& items) { return joined(items, ItemKind::reasoning); }

std::string tool_calls_json(const std::vector<OutputItem>& items) {
  std::string out;
  JsonWriter w(out);
  bool any = false;
  for (const OutputItem& item : items) {
    if (item.kind != ItemKind::tool_call) continue;
    if (!any) w.begin_array();
    any = true;
    w.begin_object().member("id", item.call_id).member("name", item.name).key("arguments");
    boost::system::error_code ec;
    const boost::json::value arguments = boost::json::parse(item.arguments, ec);
    if (ec) w.string(item.arguments);
    else w.value(arguments);
    w.end_object();
  }
  if (any) w.end_array();
  return out;
}

}  // namespace llmroute::wire
