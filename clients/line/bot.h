// The LINE bot's conversation: the webhook (signature, redeliveries, a quick 200) and each event
// (text → search, location → nearby, postback → next page / filter / delivery set-up, follow →
// greeting, unfollow → forget). Replies go through LINE's reply API within the token's life.
// Thread-safe: HandleWebhook may run on many threads; events run on the bot's worker threads.
#ifndef IBASHO_CLIENTS_LINE_BOT_H_
#define IBASHO_CLIENTS_LINE_BOT_H_

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "clients/line/gateway_client.h"
#include "clients/line/line_api.h"
#include "clients/line/subscriber_store.h"
#include "services/gateway/http_server.h"

namespace ibasho::line {

struct BotOptions {
  std::string channel_secret;
  std::string public_url = "http://127.0.0.1:8080";  // links in messages, without a trailing slash
  int workers = 4;
  size_t max_queued_events = 1000;  // beyond: 503, and LINE redelivers later
};

class Bot {
 public:
  // The store, gateway and LINE API must outlive the bot.
  Bot(BotOptions options, SubscriberStore* store, const GatewayClient* gateway, const LineApi* line);
  // Handles what is queued, then stops the workers.
  ~Bot();
  Bot(const Bot&) = delete;
  Bot& operator=(const Bot&) = delete;

  // POST /webhook. 401 (and nothing else done) unless X-Line-Signature matches the raw body; 400
  // for a body that is not LINE's JSON; otherwise 200 at once, new events queued for the workers
  // (redeliveries of a handled webhookEventId are dropped).
  gateway::HttpResponse HandleWebhook(const gateway::HttpRequest& request);
  // Handles one event now. Never throws.
  void HandleEvent(const nlohmann::json& event);

  // A short, salted hash of a LINE user id: what logs show instead of the id.
  std::string UserHash(const std::string& user_id) const;

 private:
  using Fields = std::map<std::string, std::string>;
  void Work();
  void Dispatch(const nlohmann::json& event, const std::string& user, const std::string& reply_token,
                std::string* outcome);
  // Search (fields: q, c category, n near "LAT,LON", p page token) → the reply's messages.
  nlohmann::json SearchReply(const Fields& fields, std::string* outcome);
  nlohmann::json OnPostback(const std::string& user, const Fields& fields, std::string* outcome);
  nlohmann::json OnSetup(const std::string& user, const Fields& fields, std::string* outcome);
  nlohmann::json Stop(const std::string& user);
  nlohmann::json SetupPrompt(const Profile& profile);
  nlohmann::json Greeting() const;
  nlohmann::json Help() const;
  void Reply(const std::string& reply_token, const nlohmann::json& messages, std::string* outcome);

  BotOptions options_;
  SubscriberStore* store_;
  const GatewayClient* gateway_;
  const LineApi* line_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<nlohmann::json> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace ibasho::line

#endif  // IBASHO_CLIENTS_LINE_BOT_H_
