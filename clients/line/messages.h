// The messages ibasho-line sends, as LINE Messaging API JSON: Flex carousels of listings, texts,
// quick replies. Every builder keeps within LINE's limits (line_api.h), whatever the listing
// says. Pure functions; thread-safe.
#ifndef IBASHO_CLIENTS_LINE_MESSAGES_H_
#define IBASHO_CLIENTS_LINE_MESSAGES_H_

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace ibasho::line {

using nlohmann::json;

// A Flex carousel of at most max_bubbles listings (search results or events of the gateway's
// API), each with its name, categories, next date, area and fee, a button to its page under
// public_url and, when it has a public phone, one to call. alt_text is what notifications show.
json ListingsCarousel(const json& listings, const std::string& alt_text, const std::string& public_url,
                      size_t max_bubbles = 10);

json Text(const std::string& text);

// Quick reply buttons on a message (at most kMaxQuickReplyItems are kept).
void AddQuickReplies(json* message, const std::vector<json>& actions);
// Actions; labels are cut to LINE's 20 characters.
json MessageAction(const std::string& label, const std::string& text);
json PostbackAction(const std::string& label, const std::map<std::string, std::string>& data,
                    const std::string& display_text = "");
json LocationAction(const std::string& label);

// Postback data as a form string ("a=page&q=…"), within kMaxPostbackDataBytes: values are cut
// (whole characters) until it fits.
std::string PostbackData(const std::map<std::string, std::string>& fields);
// The fields of postback data (unknown or malformed parts are dropped).
std::map<std::string, std::string> ParsePostbackData(const std::string& data);

}  // namespace ibasho::line

#endif  // IBASHO_CLIENTS_LINE_MESSAGES_H_
