// ibasho-line against the real gateway (sample data) and a fake LINE platform on loopback: the
// webhook's signature and redeliveries, each event type, Flex limits, failures, the delivery
// set-up, and push runs (500-user batching, push for one, a 429, a crash and resume).
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>

#include "clients/line/line_api.h"
#include "clients/line/subscriber_store.h"
#include "common/crypto.h"
#include "common/subprocess.h"
#include "tests/integration/cluster.h"
#include "tests/integration/fake_line.h"

namespace ibasho {
namespace {

using json = nlohmann::json;
using testing::Cluster;
using testing::FakeLine;
using testing::WaitUntil;

constexpr const char* kSecret = "test-channel-secret";
constexpr const char* kToken = "test-channel-token";
constexpr const char* kPublicUrl = "https://ibasho.example.jp";
constexpr const char* kReply = "/v2/bot/message/reply";
constexpr const char* kMulticast = "/v2/bot/message/multicast";
constexpr const char* kPushOne = "/v2/bot/message/push";
constexpr auto kWait = std::chrono::seconds(15);

class LineBotTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv("IBASHO_LINE_CHANNEL_SECRET", kSecret, 1);
    setenv("IBASHO_LINE_CHANNEL_TOKEN", kToken, 1);
    cluster_ = new Cluster();
    int rc = -1;
    cluster_->Ctl("load " IBASHO_SOURCE_DIR "/data/sample/groups.json", &rc);
    ASSERT_EQ(rc, 0);
    ASSERT_TRUE(WaitUntil([] { return cluster_->Call("GET", "/v1/search?page_size=1").body.value("total", 0) >= 60; },
                          std::chrono::seconds(20)));
  }
  static void TearDownTestSuite() { delete cluster_; }

  void SetUp() override {
    fake_ = std::make_unique<FakeLine>();
    bot_port_ = testing::FreePort();
    bot_ = StartBot(GatewayUrl(), bot_port_);
  }

  std::string GatewayUrl() const { return "http://127.0.0.1:" + std::to_string(cluster_->http_port()); }
  std::string Db() const { return dir_.File("line.db"); }

  std::unique_ptr<Subprocess> StartBot(const std::string& gateway, int port) {
    auto bot = std::make_unique<Subprocess>(
        std::vector<std::string>{IBASHO_BINARY_DIR "/clients/line/ibasho-line", "--port=" + std::to_string(port),
                                 "--gateway=" + gateway, "--line_api=" + fake_->url(), "--db=" + Db(),
                                 std::string("--public_url=") + kPublicUrl, "--gateway_timeout_s=2"},
        dir_.File("line-" + std::to_string(port) + ".log"));
    EXPECT_TRUE(
        WaitUntil([&] { return testing::HttpFetch(port, "GET", "/healthz").status == 200; }, std::chrono::seconds(10)));
    return bot;
  }

  // Sends events to the bot's webhook, signed unless signature is given.
  testing::HttpReply Post(const json& events, int port = 0, std::optional<std::string> signature = std::nullopt) {
    std::string body = json{{"destination", "Uxxxxxxxx"}, {"events", events}}.dump();
    std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
    std::string sig = signature.value_or(HmacSha256Base64(kSecret, body));
    if (!sig.empty()) headers["X-Line-Signature"] = sig;
    return testing::HttpFetch(port ? port : bot_port_, "POST", "/webhook", body, headers);
  }

  static json Event(const std::string& type, const std::string& user, json extra = json::object()) {
    static int n = 0;
    json e = {{"type", type},
              {"mode", "active"},
              {"timestamp", 1764800000000},
              {"webhookEventId", "01EVENT" + std::to_string(++n) + RandomHex(4)},
              {"deliveryContext", {{"isRedelivery", false}}},
              {"source", {{"type", "user"}, {"userId", user}}},
              {"replyToken", "rt-" + RandomHex(8)}};
    for (auto& [k, v] : extra.items()) e[k] = v;
    return e;
  }
  static json TextEvent(const std::string& user, const std::string& text) {
    return Event("message", user, {{"message", {{"id", "1"}, {"type", "text"}, {"text", text}}}});
  }
  static json PostbackEvent(const std::string& user, const std::string& data) {
    return Event("postback", user, {{"postback", {{"data", data}}}});
  }

  // Sends one event and returns the reply the bot sent for it.
  json Converse(const json& event) {
    size_t before = fake_->Calls(kReply).size();
    EXPECT_EQ(Post(json::array({event})).status, 200);
    EXPECT_TRUE(fake_->WaitForCalls(kReply, before + 1, kWait));
    for (const auto& c : fake_->Calls(kReply))
      if (c.body.value("replyToken", "") == event.value("replyToken", "")) return c.body;
    ADD_FAILURE() << "no reply for " << event.dump();
    return json::object();
  }

  // The quick reply actions of a reply's last message.
  static std::vector<json> QuickActions(const json& reply) {
    std::vector<json> out;
    const json& last = reply["messages"].back();
    if (last.contains("quickReply"))
      for (const auto& item : last["quickReply"]["items"]) out.push_back(item["action"]);
    return out;
  }
  static std::string AllText(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

  // Runs `ibasho-line push` and returns its last stdout line as JSON (its exit status in *rc).
  json Push(const std::vector<std::string>& extra = {}, int* rc = nullptr) {
    std::string cmd = std::string(IBASHO_BINARY_DIR "/clients/line/ibasho-line push --db=") + Db() +
                      " --gateway=" + GatewayUrl() + " --line_api=" + fake_->url() + " --public_url=" + kPublicUrl +
                      " --retry_backoff_ms=50";
    for (const auto& e : extra) cmd += " " + e;
    cmd += " > " + dir_.File("push.out") + " 2>> " + dir_.File("push.err");
    int status = std::system(cmd.c_str());
    if (rc) *rc = WEXITSTATUS(status);
    std::string out = testing::ReadFile(dir_.File("push.out"));
    size_t last = out.find_last_of('\n', out.size() >= 2 ? out.size() - 2 : 0);
    return json::parse(last == std::string::npos ? out : out.substr(last + 1), nullptr, false);
  }

  // Subscribes users directly in the bot's store (as the set-up conversation would).
  void Subscribe(const std::string& prefix, int count, const line::Selection& selection) {
    auto store = line::SubscriberStore::Open(Db());
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < count; ++i) {
      line::Profile p;
      p.user_id = prefix + std::to_string(i);
      p.active = selection;
      p.consented_at = "2026-12-01T00:00:00Z";
      ASSERT_TRUE((*store)->Put(p).ok());
    }
  }

  static Cluster* cluster_;
  testing::TempDir dir_;
  std::unique_ptr<FakeLine> fake_;
  int bot_port_ = 0;
  std::unique_ptr<Subprocess> bot_;
};
Cluster* LineBotTest::cluster_ = nullptr;

TEST_F(LineBotTest, BadAndMissingSignaturesAreRefusedAndGetNoReply) {
  json events = json::array({TextEvent("U1", "こども食堂")});
  EXPECT_EQ(Post(events, 0, std::string("")).status, 401);
  EXPECT_EQ(Post(events, 0, HmacSha256Base64("another-secret", "x")).status, 401);
  EXPECT_EQ(Post(events, 0, std::string("not base64 at all")).status, 401);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(fake_->Calls(kReply).empty());
  // A signed body that is not LINE's shape is a clear 400.
  std::string body = R"({"destination":"U"})";
  EXPECT_EQ(
      testing::HttpFetch(bot_port_, "POST", "/webhook", body, {{"X-Line-Signature", HmacSha256Base64(kSecret, body)}})
          .status,
      400);
}

TEST_F(LineBotTest, TextSearchRepliesWithACarouselWithinLineLimits) {
  json reply = Converse(TextEvent("U1", "こども食堂"));
  const json& messages = reply["messages"];
  ASSERT_EQ(messages.size(), 2u) << AllText(reply);
  EXPECT_EQ(messages[0]["type"], "text");
  EXPECT_NE(messages[0]["text"].get<std::string>().find("件"), std::string::npos);
  const json& flex = messages[1];
  ASSERT_EQ(flex["type"], "flex");
  EXPECT_LE(flex["altText"].get<std::string>().size(), 400u * 3);
  const json& bubbles = flex["contents"]["contents"];
  ASSERT_GT(bubbles.size(), 0u);
  EXPECT_LE(bubbles.size(), 10u);
  for (const auto& b : bubbles) {
    EXPECT_LE(b.dump().size(), line::kMaxBubbleJsonBytes);
    EXPECT_EQ(b["footer"]["contents"][0]["action"]["uri"].get<std::string>().rfind(std::string(kPublicUrl) + "/a/", 0),
              0u);
  }
  EXPECT_LE(flex.dump().size(), line::kMaxFlexJsonBytes);
  auto actions = QuickActions(reply);
  EXPECT_LE(actions.size(), line::kMaxQuickReplyItems);
  bool has_location = false;
  for (const auto& a : actions) {
    EXPECT_LE(a.value("label", "").size(), line::kMaxActionLabelChars * 3) << a.dump();
    has_location |= a["type"] == "location";
    if (a["type"] == "postback") EXPECT_LE(a["data"].get<std::string>().size(), line::kMaxPostbackDataBytes);
  }
  EXPECT_TRUE(has_location);
  auto calls = fake_->Calls(kReply);
  EXPECT_EQ(calls.back().authorization, std::string("Bearer ") + kToken);
}

TEST_F(LineBotTest, WorriesAndKanaWorkAsOnTheWeb) {
  for (const char* text : {"がっこういきたくない", "学校、行きたくない", "ふとうこう"}) {
    json reply = Converse(TextEvent("U2", text));
    ASSERT_EQ(reply["messages"].size(), 2u) << text << " " << AllText(reply);
    EXPECT_EQ(reply["messages"][1]["type"], "flex") << text;
  }
}

TEST_F(LineBotTest, EnglishFindsJapaneseListingsAndSaysHow) {
  json reply = Converse(TextEvent("U2en", "food for children"));
  ASSERT_EQ(reply["messages"].size(), 2u) << AllText(reply);
  EXPECT_NE(reply["messages"][0]["text"].get<std::string>().find("Searched in Japanese as"), std::string::npos);
}

TEST_F(LineBotTest, LocationFindsThePlacesNearestFirst) {
  json reply = Converse(Event(
      "message", "U3",
      {{"message",
        {{"id", "2"}, {"type", "location"}, {"latitude", 35.7377}, {"longitude", 139.6541}, {"address", "練馬"}}}}));
  ASSERT_EQ(reply["messages"].size(), 2u) << AllText(reply);
  EXPECT_NE(AllText(reply["messages"][1]).find("（約"), std::string::npos);
  EXPECT_NE(reply["messages"][0]["text"].get<std::string>().find("近くの場所"), std::string::npos);
}

TEST_F(LineBotTest, NextPagePostbackShowsTheNextTen) {
  json first = Converse(TextEvent("U4", ""));  // help, no search
  EXPECT_EQ(first["messages"][0]["type"], "text");
  json reply = Converse(TextEvent("U4", "子ども"));
  std::string data;
  for (const auto& a : QuickActions(reply))
    if (a["type"] == "postback" && a.value("label", "") == "次の10件") data = a["data"];
  ASSERT_FALSE(data.empty()) << AllText(reply);
  json next = Converse(PostbackEvent("U4", data));
  EXPECT_NE(next["messages"][0]["text"].get<std::string>().find("11〜"), std::string::npos) << AllText(next);
}

TEST_F(LineBotTest, NothingFoundStillAnswersWithSuggestions) {
  json reply = Converse(TextEvent("U5", "zzqxvqq"));
  ASSERT_EQ(reply["messages"].size(), 1u);
  EXPECT_NE(reply["messages"][0]["text"].get<std::string>().find("見つかりませんでした"), std::string::npos);
  EXPECT_GE(QuickActions(reply).size(), 4u);
}

TEST_F(LineBotTest, ARedeliveredEventIsAnsweredOnce) {
  json event = TextEvent("U6", "プレーパーク");
  Converse(event);
  json again = event;
  again["deliveryContext"]["isRedelivery"] = true;
  EXPECT_EQ(Post(json::array({again})).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  int replies = 0;
  for (const auto& c : fake_->Calls(kReply)) replies += c.body["replyToken"] == event["replyToken"];
  EXPECT_EQ(replies, 1);
}

TEST_F(LineBotTest, LongNamesStayWithinFlexLimits) {
  std::string long_name(80, 'x');  // with the rest, just under the registry's 300 bytes for a name
  for (int i = 0; i < 60; ++i) long_name += "長";
  json group = {{"name", "とても長い名前の会" + long_name},
                {"activities", json::array({{{"title", "ながいなまえの居場所" + long_name},
                                             {"description", "長い名前の確認です。"},
                                             {"categories", json::array({"ibasho"})}}})}};
  auto created = cluster_->Admin("POST", "/v1/groups", group.dump());
  ASSERT_EQ(created.status, 201) << created.raw;
  ASSERT_TRUE(WaitUntil([] { return cluster_->Search("ながいなまえの居場所").body.value("total", 0) > 0; }, kWait));
  json reply = Converse(TextEvent("U7", "ながいなまえの居場所"));
  ASSERT_EQ(reply["messages"].size(), 2u);
  for (const auto& b : reply["messages"][1]["contents"]["contents"]) {
    EXPECT_LE(b.dump().size(), line::kMaxBubbleJsonBytes);
    EXPECT_LE(b["body"]["contents"][0]["text"].get<std::string>().size(), 60u * 3);
  }
}

TEST_F(LineBotTest, AGatewayThatIsDownGetsAnApologyNotSilence) {
  int port = testing::FreePort();
  auto orphan = StartBot("http://127.0.0.1:" + std::to_string(testing::FreePort()), port);
  json event = TextEvent("U8", "こども食堂");
  ASSERT_EQ(Post(json::array({event}), port).status, 200);
  ASSERT_TRUE(fake_->WaitForCalls(kReply, 1, kWait));
  json reply = fake_->Calls(kReply).back().body;
  EXPECT_NE(reply["messages"][0]["text"].get<std::string>().find("ごめんなさい"), std::string::npos);
}

TEST_F(LineBotTest, FollowGreetsAndSetUpChangeAndStopAProfile) {
  json hello = Converse(Event("follow", "U9"));
  EXPECT_NE(hello["messages"][0]["text"].get<std::string>().find("配信設定"), std::string::npos);

  json ages = Converse(TextEvent("U9", "配信設定"));
  EXPECT_NE(ages["messages"][0]["text"].get<std::string>().find("年齢"), std::string::npos);
  Converse(PostbackEvent("U9", "a=setup&s=age&v=elementary"));
  json topics = Converse(PostbackEvent("U9", "a=setup&s=next"));
  EXPECT_NE(topics["messages"][0]["text"].get<std::string>().find("分野"), std::string::npos);
  EXPECT_LE(QuickActions(topics).size(), line::kMaxQuickReplyItems);
  Converse(PostbackEvent("U9", "a=setup&s=topic&v=kodomo_shokudo"));
  json area = Converse(PostbackEvent("U9", "a=setup&s=next"));
  bool nerima = false;
  for (const auto& a : QuickActions(area)) nerima |= a.value("label", "") == "練馬区";
  EXPECT_TRUE(nerima) << AllText(area);
  json confirm = Converse(PostbackEvent("U9", "a=setup&s=area&v=%E7%B7%B4%E9%A6%AC%E5%8C%BA"));
  EXPECT_NE(confirm["messages"][0]["text"].get<std::string>().find("小学生"), std::string::npos);
  json done = Converse(PostbackEvent("U9", "a=setup&s=consent"));
  EXPECT_NE(done["messages"][0]["text"].get<std::string>().find("登録しました"), std::string::npos);
  {
    auto store = line::SubscriberStore::Open(Db());
    auto p = (*store)->Get("U9");
    ASSERT_TRUE(p.ok() && p->has_value());
    EXPECT_EQ((*p)->active.ages, std::vector<std::string>{"elementary"});
    EXPECT_EQ((*p)->active.topics, std::vector<std::string>{"kodomo_shokudo"});
    EXPECT_EQ((*p)->active.area, "練馬区");
    EXPECT_FALSE((*p)->consented_at.empty());
  }
  // Changing: a cancelled change keeps what was agreed.
  Converse(TextEvent("U9", "配信設定"));
  Converse(PostbackEvent("U9", "a=setup&s=age&v=high_school"));
  Converse(PostbackEvent("U9", "a=setup&s=cancel"));
  {
    auto store = line::SubscriberStore::Open(Db());
    EXPECT_EQ((*(*store)->Get("U9"))->active.ages, std::vector<std::string>{"elementary"});
  }
  json stopped = Converse(TextEvent("U9", "配信停止"));
  EXPECT_NE(stopped["messages"][0]["text"].get<std::string>().find("削除"), std::string::npos);
  auto store = line::SubscriberStore::Open(Db());
  EXPECT_FALSE((*(*store)->Get("U9")).has_value());
}

TEST_F(LineBotTest, UnfollowDeletesTheProfile) {
  Subscribe("Ugone", 1, {});
  ASSERT_EQ(Post(json::array({Event("unfollow", "Ugone0")})).status, 200);
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto store = line::SubscriberStore::Open(Db());
        return store.ok() && !(*(*store)->Get("Ugone0")).has_value();
      },
      kWait));
}

TEST_F(LineBotTest, LogsHoldNoMessageTextAndNoUserId) {
  Converse(TextEvent("Uprivate-user-id", "ひみつの相談 ねりま"));
  bot_.reset();  // flush and stop
  std::string log = testing::ReadFile(dir_.File("line-" + std::to_string(bot_port_) + ".log"));
  EXPECT_NE(log.find("\"event\":\"message\""), std::string::npos);
  EXPECT_EQ(log.find("Uprivate-user-id"), std::string::npos);
  EXPECT_EQ(log.find("ひみつの相談"), std::string::npos);
}

TEST_F(LineBotTest, PushSendsOneDigestPerSubscriberInBatchesOf500) {
  Subscribe("Ushokudo", 1100, {{}, {"kodomo_shokudo"}, ""});
  Subscribe("Ubaby", 3, {{"preschool"}, {}, "練馬区"});
  Subscribe("Ualone", 1, {{"elementary"}, {"ibasho"}, ""});
  int rc = -1;
  json dry = Push({"--dry_run"}, &rc);
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(dry["users"], 1104);
  EXPECT_TRUE(fake_->Calls(kMulticast).empty());
  EXPECT_EQ(testing::ReadFile(dir_.File("push.out")).find("Ushokudo"), std::string::npos);  // hashed

  json report = Push({}, &rc);
  ASSERT_EQ(rc, 0) << testing::ReadFile(dir_.File("push.err"));
  EXPECT_EQ(report["digests"], 3);
  EXPECT_EQ(report["batches"], 5);  // 500 + 500 + 100, 3, and 1 alone
  EXPECT_EQ(report["sent_batches"], 5);
  auto calls = fake_->Calls(kMulticast);
  ASSERT_EQ(calls.size(), 4u);
  auto alone = fake_->Calls(kPushOne);
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(alone[0].body["to"], "Ualone0");
  for (const auto& c : calls) {
    EXPECT_LE(c.body["to"].size(), 500u);
    EXPECT_EQ(c.authorization, std::string("Bearer ") + kToken);
    EXPECT_FALSE(c.retry_key.empty());
    EXPECT_EQ(c.body["messages"][1]["type"], "flex");
  }
  auto deliveries = fake_->Deliveries();
  EXPECT_EQ(deliveries.size(), 1104u);
  for (const auto& [user, n] : deliveries) EXPECT_EQ(n, 1) << user;
}

TEST_F(LineBotTest, PushRetriesA429AndResumesAfterACrash) {
  Subscribe("Ua", 1200, {});
  // First a 429 with Retry-After, then the third multicast is slow and the run is killed during it.
  fake_->FailMulticasts(1, 429, 1);
  fake_->DelayMulticast(3, std::chrono::milliseconds(3000));
  Subprocess push({IBASHO_BINARY_DIR "/clients/line/ibasho-line", "push", "--db=" + Db(), "--gateway=" + GatewayUrl(),
                   "--line_api=" + fake_->url(), std::string("--public_url=") + kPublicUrl, "--retry_backoff_ms=50"},
                  dir_.File("push-killed.log"));
  ASSERT_TRUE(WaitUntil([&] { return fake_->Calls(kMulticast).size() >= 2; }, kWait));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the third call is in flight
  push.Stop(SIGKILL);
  ASSERT_TRUE(WaitUntil([&] { return fake_->Calls(kMulticast).size() >= 3; }, kWait));  // LINE took it

  int rc = -1;
  json report = Push({}, &rc);
  ASSERT_EQ(rc, 0) << testing::ReadFile(dir_.File("push.err"));
  EXPECT_TRUE(report["resumed"].get<bool>());
  EXPECT_EQ(report["already_sent"], 1);  // the call in flight at the crash: same retry key, 409
  auto deliveries = fake_->Deliveries();
  EXPECT_EQ(deliveries.size(), 1200u);
  for (const auto& [user, n] : deliveries) ASSERT_EQ(n, 1) << user;
  EXPECT_EQ(fake_->Calls(kMulticast)[0].status, 429);
}

TEST_F(LineBotTest, ASecondRunDeliversWhatIsNewForTheProfile) {
  Subscribe("Unew", 2, {{"junior_high"}, {"gakushu"}, ""});
  int rc = -1;
  Push({}, &rc);  // the first run finds where the change feed ends
  ASSERT_EQ(rc, 0);
  json group = {
      {"name", "新しい学習会"},
      {"activities", json::array({{{"title", "中学生の新しい学習会"},
                                   {"categories", json::array({"gakushu"})},
                                   {"ages", {{"min", 12}, {"max", 15}}},
                                   {"location", {{"address", "東京都練馬区豊玉北6-12-1"}, {"municipality", "練馬区"}}},
                                   {"schedules", json::array({{{"dates", json::array({"2099-01-01"})}}})}}})}};
  ASSERT_EQ(cluster_->Admin("POST", "/v1/groups", group.dump()).status, 201);
  ASSERT_TRUE(WaitUntil([] { return cluster_->Search("中学生の新しい学習会").body.value("total", 0) > 0; }, kWait));
  size_t before = fake_->Calls(kMulticast).size();
  json report = Push({}, &rc);
  ASSERT_EQ(rc, 0);
  auto calls = fake_->Calls(kMulticast);
  ASSERT_GT(calls.size(), before);
  EXPECT_NE(AllText(calls.back().body).find("中学生の新しい学習会"), std::string::npos);
}

}  // namespace
}  // namespace ibasho
