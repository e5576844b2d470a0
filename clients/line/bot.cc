#include "clients/line/bot.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "clients/line/messages.h"
#include "common/crypto.h"
#include "common/normalizer.h"
#include "common/url.h"
#include "services/gateway/api_error.h"

namespace ibasho::line {
namespace {

using nlohmann::json;

constexpr int kPageSize = 10;

// The words offered when nothing was found, and with the greeting.
const std::vector<std::string>& ExampleWords() {
  static const std::vector<std::string> kWords = {"居場所",   "こども食堂",   "学校に行きたくない",
                                                  "学習支援", "プレーパーク", "子育て 相談"};
  return kWords;
}

std::vector<json> ExampleActions() {
  std::vector<json> actions = {LocationAction("近くを探す")};
  for (const auto& w : ExampleWords()) actions.push_back(MessageAction(w, w));
  return actions;
}

}  // namespace

Bot::Bot(BotOptions options, SubscriberStore* store, const GatewayClient* gateway, const LineApi* line)
    : options_(std::move(options)), store_(store), gateway_(gateway), line_(line) {
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { Work(); });
}

Bot::~Bot() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : workers_) t.join();
}

std::string Bot::UserHash(const std::string& user_id) const {
  return Sha256Hex(options_.channel_secret + "\n" + user_id).substr(0, 16);
}

gateway::HttpResponse Bot::HandleWebhook(const gateway::HttpRequest& req) {
  gateway::HttpResponse r;
  if (!VerifySignature(options_.channel_secret, req.body, req.Header("x-line-signature"))) {
    r.status = 401;
    r.body = gateway::ApiErrorJson(401, "UNAUTHENTICATED", "bad or missing X-Line-Signature");
    spdlog::warn("line: webhook with a bad or missing signature from {}", req.peer);
    return r;
  }
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("events") || !body["events"].is_array()) {
    r.status = 400;
    r.body =
        gateway::ApiErrorJson(400, "INVALID_ARGUMENT", "not a LINE webhook body: it needs an events array", "events");
    return r;
  }
  // Room first: an event is recorded as handled only once it is queued (LINE redelivers a 503).
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() + body["events"].size() > options_.max_queued_events) {
      r.status = 503;
      r.body = gateway::ApiErrorJson(503, "UNAVAILABLE", "too many events waiting; LINE will redeliver");
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
  }
  std::vector<json> fresh;
  bool store_failed = false;
  for (const auto& event : body["events"]) {
    if (!event.is_object()) continue;
    const std::string id = event.value("webhookEventId", "");
    if (!id.empty()) {
      StatusOr<bool> first = store_->FirstDelivery(id);
      if (!first.ok()) {
        store_failed = true;
        break;
      }
      if (!*first) continue;
    }
    fresh.push_back(event);
  }
  {
    // What was recorded is handled now; a redelivery skips it and brings the rest.
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& e : fresh) queue_.push_back(std::move(e));
  }
  ready_.notify_all();
  if (store_failed) {
    r.status = 503;
    r.body = gateway::ApiErrorJson(503, "UNAVAILABLE", "the profile store is unavailable");
    return r;
  }
  r.body = "{}";
  return r;
}

void Bot::Work() {
  for (;;) {
    json event;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      event = std::move(queue_.front());
      queue_.pop_front();
    }
    HandleEvent(event);
  }
}

void Bot::HandleEvent(const json& event) {
  const auto start = std::chrono::steady_clock::now();
  std::string type = "?", user, outcome = "ignored";
  try {
    type = event.value("type", "?");
    user = event.value("source", json::object()).value("userId", "");
    Dispatch(event, user, event.value("replyToken", ""), &outcome);
  } catch (const std::exception& e) {
    outcome = std::string("failed: ") + e.what();
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // No message text and no user id in clear (the hash lets one follow a conversation).
  spdlog::info(R"({{"service":"line","event":"{}","user":"{}","outcome":"{}","latency_ms":{:.1f}}})", type,
               user.empty() ? "" : UserHash(user), outcome, ms);
}

void Bot::Dispatch(const json& event, const std::string& user, const std::string& reply_token, std::string* outcome) {
  const std::string type = event.value("type", "");
  if (type == "unfollow") {
    Status st = store_->Delete(user);
    *outcome = st.ok() ? "profile deleted" : "delete failed";
    return;
  }
  json reply;
  if (type == "follow") {
    reply = Greeting();
    *outcome = "greeted";
  } else if (type == "message") {
    const json& message = event.value("message", json::object());
    const std::string kind = message.value("type", "");
    if (kind == "text") {
      // Normalised as search will (width, case, spaces: 「 配信設定　」 is 配信設定, HELP is help).
      const std::string text = Normalize(message.value("text", ""));
      if (text == "配信設定") {
        reply = OnSetup(user, {{"s", "start"}}, outcome);
      } else if (text == "配信停止") {
        reply = Stop(user);
        *outcome = "stopped";
      } else if (text == "ヘルプ" || text == "help" || text == "使い方" || text.empty()) {
        reply = Help();
        *outcome = "help";
      } else {
        reply = SearchReply({{"q", text}}, outcome);
      }
    } else if (kind == "location") {
      char near[64];
      std::snprintf(near, sizeof near, "%.5f,%.5f", message.value("latitude", 0.0), message.value("longitude", 0.0));
      reply = SearchReply({{"n", near}}, outcome);
    } else {
      reply = Help();
      *outcome = "help for " + kind;
    }
  } else if (type == "postback") {
    reply = OnPostback(user, ParsePostbackData(event.value("postback", json::object()).value("data", "")), outcome);
  } else {
    return;  // join, leave, memberJoined…: nothing to say
  }
  if (!reply_token.empty() && !reply.empty()) Reply(reply_token, reply, outcome);
}

json Bot::SearchReply(const Fields& f, std::string* outcome) {
  auto get = [&](const char* key) {
    auto it = f.find(key);
    return it == f.end() ? std::string() : it->second;
  };
  const std::string q = get("q"), category = get("c"), near = get("n"), page = get("p");
  std::string target = "/v1/search?page_size=" + std::to_string(kPageSize);
  if (!q.empty()) target += "&q=" + PercentEncode(q);
  if (!category.empty()) target += "&category=" + PercentEncode(category);
  if (!near.empty()) target += "&near=" + PercentEncode(near) + "&sort=distance";
  if (!page.empty()) target += "&page_token=" + PercentEncode(page);
  StatusOr<json> found = gateway_->Get(target);
  if (!found.ok()) {
    *outcome = found.status().code() == StatusCode::kInvalidArgument ? "bad search" : "gateway failed";
    json sorry = Text(found.status().code() == StatusCode::kInvalidArgument
                          ? "その言葉ではさがせませんでした。短い言葉でもう一度お試しください。"
                          : "ごめんなさい、いま情報を読み込めません。少し時間をおいて、もう一度お送りください。");
    AddQuickReplies(&sorry, ExampleActions());
    return json::array({sorry});
  }
  const int total = found->value("total", 0);
  const json& results = found->value("results", json::array());
  const std::string shown = !q.empty() ? "「" + q + "」" : !near.empty() ? "近くの場所" : "掲載";
  if (total == 0 || results.empty()) {
    *outcome = "no results";
    json none = Text(
        shown +
        "に合う場所は見つかりませんでした。\n言葉を短くする、ひらがなで書く、位置情報を送る、などをお試しください。"
        "\n例: 居場所、こども食堂、学習支援、子育て 相談");
    AddQuickReplies(&none, ExampleActions());
    return json::array({none});
  }
  int offset = 0;
  for (char c : page) offset = c >= '0' && c <= '9' ? offset * 10 + (c - '0') : offset;
  std::string summary = shown + "の結果 " + std::to_string(total) + "件（" + std::to_string(offset + 1) + "〜" +
                        std::to_string(offset + static_cast<int>(results.size())) + "件目）";
  const json& interpretation = found->value("interpretation", json::object());
  if (const std::string translated = interpretation.value("translated", ""); !translated.empty())
    summary += "\nSearched in Japanese as 「" + translated + "」";
  else if (!interpretation.value("categories", json::array()).empty() && !q.empty())
    summary += "\n言葉から分野を考えて探しました。";
  json text = Text(summary);
  json carousel = ListingsCarousel(results, summary, options_.public_url);
  std::vector<json> actions = {LocationAction("近くを探す")};
  if (const std::string next = found->value("next_page_token", ""); !next.empty())
    actions.push_back(
        PostbackAction("次の10件", {{"a", "page"}, {"q", q}, {"c", category}, {"n", near}, {"p", next}}, "次の10件"));
  if (category.empty())
    for (const auto& facet : found->value("facets", json::object()).value("category", json::array())) {
      if (actions.size() >= 8) break;
      actions.push_back(PostbackAction(facet.value("label", ""),
                                       {{"a", "filter"}, {"q", q}, {"c", facet.value("value", "")}, {"n", near}},
                                       facet.value("label", "")));
    }
  actions.push_back(MessageAction("配信設定", "配信設定"));
  AddQuickReplies(&carousel, actions);
  *outcome = "results " + std::to_string(results.size());
  return json::array({text, carousel});
}

json Bot::OnPostback(const std::string& user, const Fields& f, std::string* outcome) {
  auto it = f.find("a");
  const std::string action = it == f.end() ? "" : it->second;
  if (action == "page" || action == "filter") return SearchReply(f, outcome);
  if (action == "setup") return OnSetup(user, f, outcome);
  *outcome = "unknown postback";
  return Help();
}

json Bot::Greeting() const {
  json hello = Text(
      "友だち追加ありがとうございます。\n"
      "子どもと家族のための、地域の居場所・支援をさがせます。\n\n"
      "・「こども食堂 土曜」「学校に行きたくない」のように、ふだんの言葉で送ってください（ひらがなでも大丈夫）\n"
      "・位置情報を送ると、近くの場所を近い順にさがします\n"
      "・お子さんの年齢や関心に合う新着・近日の予定は「配信設定」からお届けします（いつでも「配信停止」できます）");
  std::vector<json> actions = {MessageAction("配信設定", "配信設定")};
  for (const json& a : ExampleActions()) actions.push_back(a);
  AddQuickReplies(&hello, actions);
  return json::array({hello});
}

json Bot::Help() const {
  json help = Text(
      "知りたいことを言葉で送ってください。例:「こども食堂 土曜」「不登校」「プレーパーク」。\n"
      "位置情報を送ると近くの場所をさがします。\n「配信設定」で新着のお知らせ、「配信停止」で停止できます。");
  AddQuickReplies(&help, ExampleActions());
  return json::array({help});
}

void Bot::Reply(const std::string& reply_token, const json& messages, std::string* outcome) {
  json batch = json::array();
  for (const auto& m : messages)
    if (batch.size() < kMaxMessagesPerCall) batch.push_back(m);
  LineCall call = line_->Reply(reply_token, batch);
  if (!call.ok()) *outcome += "; reply failed " + std::to_string(call.status);
}

}  // namespace ibasho::line
