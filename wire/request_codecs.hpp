// Parsers from each wire format's request body into a Conversation, and renderers back out.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "wire/conversation.hpp"
#include "wire/wire_format.hpp"

namespace llmroute::wire {

Translated<Conversation> parse_chat_request(const boost::json::object& body);
Translated<Conversation> parse_messages_request(const boost::json::object& body);
Translated<Conversation> parse_responses_request(const boost::json::object& body);

/// Renderers add to `conversation.notes` whatever the target format cannot express.
Translated<std::string> render_chat_request(Conversation& conversation, const RequestOptions& options);
Translated<std::string> render_messages_request(Conversation& conversation, const RequestOptions& options);
Translated<std::string> render_responses_request(Conversation& conversation, const RequestOptions& options);

/// Splits a `data:` URL into media type and base64 payload; false for other URLs.
bool split_data_url(std::string_view url, std::string& media_type, std::string& base64);

/// The text parts of a list joined with `separator` (images and other parts skipped).
std::string joined_text(const std::vector<Part>& parts, std::string_view separator);

}  // namespace llmroute::wire
