#include "clients/line/messages.h"

#include <gtest/gtest.h>

#include "clients/line/line_api.h"
#include "common/crypto.h"

namespace ibasho::line {
namespace {

TEST(LineSignature, OnlyTheChannelSecretsHmacOfTheRawBodyPasses) {
  const std::string body = R"({"destination":"U","events":[]})";
  const std::string good = HmacSha256Base64("secret", body);
  const struct {
    const char* name;
    std::string secret, body, signature;
    bool ok;
  } cases[] = {
      {"right", "secret", body, good, true},
      {"another secret", "other", body, good, false},
      {"body changed by a byte", "secret", body + " ", good, false},
      {"missing", "secret", body, "", false},
      {"no secret configured", "", body, HmacSha256Base64("", body), false},
      {"truncated", "secret", body, good.substr(0, good.size() - 1), false},
  };
  for (const auto& c : cases) EXPECT_EQ(VerifySignature(c.secret, c.body, c.signature), c.ok) << c.name;
}

TEST(LineMessages, PostbackDataFitsAndRoundTrips) {
  std::map<std::string, std::string> fields = {{"a", "page"}, {"q", "こども食堂 土曜"}, {"p", "10"}};
  EXPECT_EQ(ParsePostbackData(PostbackData(fields)), fields);
  std::string long_query;
  for (int i = 0; i < 400; ++i) long_query += "あ";
  std::string data = PostbackData({{"a", "page"}, {"q", long_query}, {"p", "20"}});
  EXPECT_LE(data.size(), kMaxPostbackDataBytes);
  auto parsed = ParsePostbackData(data);
  EXPECT_EQ(parsed["a"], "page");
  EXPECT_EQ(parsed["p"], "20");
  EXPECT_TRUE(long_query.starts_with(parsed["q"]));  // cut at a whole character
  EXPECT_TRUE(ParsePostbackData("%zz=1").empty());
}

TEST(LineMessages, ActionLabelsAreCutToTwentyCharacters) {
  json a = MessageAction("とても長いラベルの名前がここに二十文字以上ある", "x");
  EXPECT_LE(a["label"].get<std::string>().size(), 20u * 3);
  EXPECT_EQ(PostbackAction("短い", {{"a", "x"}})["label"], "短い");
}

TEST(LineMessages, QuickRepliesStopAtThirteen) {
  json m = Text("x");
  std::vector<json> actions(20, MessageAction("a", "a"));
  AddQuickReplies(&m, actions);
  EXPECT_EQ(m["quickReply"]["items"].size(), kMaxQuickReplyItems);
}

TEST(LineMessages, CarouselKeepsWithinBubbleCountAndSize) {
  json listings = json::array();
  std::string huge(5000, 'z');
  for (int i = 0; i < 15; ++i)
    listings.push_back({{"activity_id", "a_" + std::to_string(i)},
                        {"title", huge},
                        {"group_name", huge},
                        {"categories", json::array({"ibasho", "kodomo_shokudo"})},
                        {"address", huge},
                        {"fee", {{"text", huge}}},
                        {"contact", {{"phone", "03-1234-5678"}}},
                        {"next_occurrence", "2026-12-05T12:00+09:00"}});
  json flex = ListingsCarousel(listings, std::string(1000, 'y'), "https://ibasho.example.jp");
  EXPECT_EQ(flex["contents"]["contents"].size(), 10u);
  EXPECT_EQ(flex["altText"].get<std::string>().size(), 399u + 3);  // 399 'y' and "…"
  EXPECT_LE(flex.dump().size(), kMaxFlexJsonBytes);
  const json& bubble = flex["contents"]["contents"][0];
  EXPECT_LE(bubble.dump().size(), kMaxBubbleJsonBytes);
  EXPECT_EQ(bubble["footer"]["contents"][0]["action"]["uri"], "https://ibasho.example.jp/a/a_0");
  EXPECT_EQ(bubble["footer"]["contents"][1]["action"]["uri"], "tel:0312345678");
  EXPECT_NE(bubble.dump().find("次回 12月5日(土) 12:00"), std::string::npos);
}

TEST(LineMessages, EventsShowTheirStartAndNoPhoneMeansNoCallButton) {
  json flex = ListingsCarousel(json::array({{{"activity_id", "a_1"}, {"title", "t"}, {"start", "2026-12-24"}}}), "x",
                               "https://x");
  const json& bubble = flex["contents"]["contents"][0];
  EXPECT_NE(bubble.dump().find("次回 12月24日(木)"), std::string::npos);
  EXPECT_EQ(bubble["footer"]["contents"].size(), 1u);
}

TEST(LineApi, RetryKeysAreVersionFourUuids) {
  std::string a = RandomUuid(), b = RandomUuid();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
}

}  // namespace
}  // namespace ibasho::line
