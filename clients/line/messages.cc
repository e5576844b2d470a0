#include "clients/line/messages.h"

#include "clients/line/line_api.h"

#include <cstdio>

#include "common/civil_date.h"
#include "common/taxonomy.h"
#include "common/url.h"
#include "common/utf8.h"
#include "services/gateway/http_server.h"

namespace ibasho::line {
namespace {

constexpr size_t kMaxTitleChars = 60;
constexpr size_t kMaxLineChars = 80;
constexpr const char* kAccent = "#1f5f8b";
constexpr const char* kMuted = "#555555";
constexpr const char* kNext = "#7a2e0e";

json TextComponent(const std::string& text, const char* size, const char* color = nullptr, bool bold = false) {
  json t = {{"type", "text"}, {"text", text.empty() ? " " : text}, {"size", size}, {"wrap", true}, {"maxLines", 3}};
  if (color) t["color"] = color;
  if (bold) t["weight"] = "bold";
  return t;
}

std::string FeeText(const json& fee) {
  if (!fee.is_object()) return "";
  std::string text = fee.value("text", "");
  if (!text.empty()) return text;
  if (fee.value("free", false)) return "無料";
  int amount = fee.value("amount", 0);
  return amount > 0 ? std::to_string(amount) + "円" : "";
}

std::string Categories(const json& codes) {
  std::string out;
  for (const auto& c : codes) {
    if (!c.is_string()) continue;
    const char* label = CategoryLabel(c.get<std::string>());
    if (!label) continue;
    out += (out.empty() ? "" : "・") + std::string(label);
  }
  return out;
}

// tel: URI of a phone number as written (digits and + only); "" when it has too few digits.
std::string TelUri(const std::string& phone) {
  std::string digits;
  for (char c : phone)
    if ((c >= '0' && c <= '9') || c == '+') digits += c;
  return digits.size() >= 6 ? "tel:" + digits : "";
}

json Bubble(const json& item, const std::string& public_url) {
  const std::string id = item.value("activity_id", "");
  json body = json::array();
  body.push_back(TextComponent(TruncateUtf8(item.value("title", ""), kMaxTitleChars), "md", nullptr, true));
  const std::string group = item.value("group_name", "");
  if (!group.empty() && group != item.value("title", ""))
    body.push_back(TextComponent(TruncateUtf8(group, kMaxLineChars), "xs", kMuted));
  if (std::string cats = Categories(item.value("categories", json::array())); !cats.empty())
    body.push_back(TextComponent(TruncateUtf8(cats, kMaxLineChars), "xs", kAccent));
  // A search result has next_occurrence; an event its start.
  std::string when = item.value("next_occurrence", item.value("start", ""));
  body.push_back(
      TextComponent(when.empty() ? "日程はお問い合わせください" : "次回 " + JapaneseDateTime(when), "sm", kNext, true));
  std::string place = item.value("address", "");
  if (place.empty()) place = item.value("municipality", "");
  if (place.starts_with("東京都")) place = place.substr(std::string("東京都").size());
  if (item.contains("distance_m") && item["distance_m"].is_number()) {
    const double m = item["distance_m"].get<double>();
    char distance[48];
    if (m < 1000)
      std::snprintf(distance, sizeof distance, "（約%dm）", static_cast<int>(m / 10) * 10);
    else
      std::snprintf(distance, sizeof distance, "（約%.1fkm）", m / 1000);
    place += distance;
  }
  if (!place.empty()) body.push_back(TextComponent("場所 " + TruncateUtf8(place, kMaxLineChars), "sm"));
  if (std::string fee = FeeText(item.value("fee", json::object())); !fee.empty())
    body.push_back(TextComponent("費用 " + TruncateUtf8(fee, kMaxLineChars), "sm"));

  json footer = json::array();
  std::string page = public_url + "/a/" + PercentEncode(id);
  if (page.size() <= kMaxUriBytes)
    footer.push_back({{"type", "button"},
                      {"style", "primary"},
                      {"height", "sm"},
                      {"color", kAccent},
                      {"action", {{"type", "uri"}, {"label", "くわしく見る"}, {"uri", page}}}});
  std::string tel = TelUri(item.value("contact", json::object()).value("phone", ""));
  if (!tel.empty())
    footer.push_back({{"type", "button"},
                      {"style", "secondary"},
                      {"height", "sm"},
                      {"action", {{"type", "uri"}, {"label", "電話する"}, {"uri", tel}}}});
  json bubble = {{"type", "bubble"},
                 {"size", "kilo"},
                 {"body", {{"type", "box"}, {"layout", "vertical"}, {"spacing", "sm"}, {"contents", body}}}};
  if (!footer.empty())
    bubble["footer"] = {{"type", "box"}, {"layout", "vertical"}, {"spacing", "sm"}, {"contents", footer}};
  return bubble;
}

}  // namespace

json ListingsCarousel(const json& listings, const std::string& alt_text, const std::string& public_url,
                      size_t max_bubbles) {
  json bubbles = json::array();
  size_t bytes = 0;
  for (const auto& item : listings) {
    if (bubbles.size() >= std::min(max_bubbles, kMaxCarouselBubbles)) break;
    json bubble = Bubble(item, public_url);
    size_t size = bubble.dump().size();
    if (size > kMaxBubbleJsonBytes || bytes + size > kMaxFlexJsonBytes - 1000) break;
    bytes += size;
    bubbles.push_back(std::move(bubble));
  }
  return {{"type", "flex"},
          {"altText", TruncateUtf8(alt_text, kMaxAltTextChars)},
          {"contents", {{"type", "carousel"}, {"contents", bubbles}}}};
}

json Text(const std::string& text) { return {{"type", "text"}, {"text", TruncateUtf8(text, 5000)}}; }

void AddQuickReplies(json* message, const std::vector<json>& actions) {
  json items = json::array();
  for (const auto& a : actions) {
    if (items.size() >= kMaxQuickReplyItems) break;
    items.push_back({{"type", "action"}, {"action", a}});
  }
  if (!items.empty()) (*message)["quickReply"] = {{"items", items}};
}

json MessageAction(const std::string& label, const std::string& text) {
  return {{"type", "message"}, {"label", TruncateUtf8(label, kMaxActionLabelChars)}, {"text", TruncateUtf8(text, 300)}};
}

json PostbackAction(const std::string& label, const std::map<std::string, std::string>& data,
                    const std::string& display_text) {
  json a = {{"type", "postback"}, {"label", TruncateUtf8(label, kMaxActionLabelChars)}, {"data", PostbackData(data)}};
  if (!display_text.empty()) a["displayText"] = TruncateUtf8(display_text, 300);
  return a;
}

json LocationAction(const std::string& label) {
  return {{"type", "location"}, {"label", TruncateUtf8(label, kMaxActionLabelChars)}};
}

std::string PostbackData(const std::map<std::string, std::string>& fields) {
  std::map<std::string, std::string> values = fields;
  for (size_t max_chars = 300;; max_chars = max_chars * 2 / 3) {
    std::string out;
    for (const auto& [k, v] : values)
      out += (out.empty() ? "" : "&") + k + "=" + PercentEncode(TruncateUtf8(v, max_chars, ""));
    if (out.size() <= kMaxPostbackDataBytes || max_chars == 0) return out.substr(0, kMaxPostbackDataBytes);
  }
}

std::map<std::string, std::string> ParsePostbackData(const std::string& data) {
  gateway::HttpRequest request;
  if (!gateway::ParseTarget("/?" + data, &request).ok()) return {};
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : request.query) out.emplace(k, v);
  return out;
}

}  // namespace ibasho::line
