#include "model/json_mapping.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho {
namespace {

using registry::v1::Group;

struct Case {
  const char* body;
  const char* field;
};

TEST(JsonMapping, BadBodiesNameTheField) {
  const Case cases[] = {
      {R"({"name": 5})", "name"},
      {R"({"name": "x", "activities": [{"title": "t", "ages": {"min": "ten"}}]})", "activities[0].ages.min"},
      {R"({"name": "x", "nickname": "y"})", "nickname"},
      {R"({"name": "x", "version": 1.5})", "version"},
      {R"({"name": "x", "status": "deleted"})", "status"},
      {R"({"name": "x", "activities": [{"title": "t", "fee": {"free": "true"}}]})", "activities[0].fee.free"},
      {R"({"name": "x", "activities": [{"title": "t", "location": {"online": 1}}]})", "activities[0].location.online"},
      {R"({"name": "x", "status": 1})", "status"},
      {R"({"name": "x", "status": "LISTING_STATUS_PUBLISHED"})", "status"},
      {R"({"name": "x", "contacts": [{"visibility": "public"}, {"visibility": "secret"}]})", "contacts[1].visibility"},
      {R"({"name": "x", "activities": [{"title": "t", "status": true}]})", "activities[0].status"},
  };
  for (const auto& c : cases) {
    Group g;
    Status s = ParseJson(c.body, &g);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_EQ(s.field(), c.field) << c.body << " → " << s.ToString();
  }
}

TEST(JsonMapping, RejectsNonObjectsAndInvalidUtf8) {
  Group g;
  EXPECT_FALSE(ParseJson("[1,2]", &g).ok());
  EXPECT_FALSE(ParseJson("{\"name\": ", &g).ok());
  EXPECT_FALSE(ParseJson("{\"name\": \"\xff\"}", &g).ok());
  EXPECT_FALSE(ParseJson("", &g).ok());
}

TEST(JsonMapping, RoundTripsSnakeCase) {
  Group g;
  ASSERT_TRUE(
      ParseJson(R"({"name":"会","name_kana":"カイ","activities":[{"title":"t","schedule_text":"毎週土曜"}]})", &g)
          .ok());
  auto j = nlohmann::json::parse(ToJson(g));
  EXPECT_EQ(j["name_kana"], "カイ");
  EXPECT_EQ(j["activities"][0]["schedule_text"], "毎週土曜");
  EXPECT_FALSE(j.contains("nameKana"));
}

TEST(JsonMapping, ClosedVocabulariesAreLowerCaseWords) {
  Group g;
  ASSERT_TRUE(ParseJson(R"({"name":"会","status":"pending_review","contacts":[{"visibility":"network"}]})", &g).ok());
  EXPECT_EQ(g.status(), registry::v1::LISTING_STATUS_PENDING_REVIEW);
  EXPECT_EQ(g.contacts(0).visibility(), registry::v1::VISIBILITY_NETWORK);
  auto j = nlohmann::json::parse(ToJson(g));
  EXPECT_EQ(j["status"], "pending_review");
  EXPECT_EQ(j["contacts"][0]["visibility"], "network");
  // Unspecified is "" (the default) and is accepted as such.
  Group empty;
  ASSERT_TRUE(ParseJson(R"({"name":"会","status":""})", &empty).ok());
  EXPECT_EQ(empty.status(), registry::v1::LISTING_STATUS_UNSPECIFIED);
  EXPECT_EQ(nlohmann::json::parse(ToJson(empty, /*print_defaults=*/true))["status"], "");
  EXPECT_EQ(EnumWord(registry::v1::UPSERT_RESULT_UNCHANGED), "unchanged");
  registry::v1::Role role;
  EXPECT_TRUE(EnumFromWord("partner", &role));
  EXPECT_EQ(role, registry::v1::ROLE_PARTNER);
  EXPECT_FALSE(EnumFromWord("root", &role));
}

TEST(JsonMapping, StringsThatLookLikeEnumNamesStayAsWritten) {
  Group g;
  g.set_name("LISTING_STATUS_DRAFT");
  g.set_status(registry::v1::LISTING_STATUS_DRAFT);
  auto j = nlohmann::json::parse(ToJson(g));
  EXPECT_EQ(j["name"], "LISTING_STATUS_DRAFT");
  EXPECT_EQ(j["status"], "draft");
}

TEST(JsonMapping, StoredDocumentsReadInEitherForm) {
  Group g;
  g.set_name("会");
  g.set_status(registry::v1::LISTING_STATUS_ARCHIVED);
  Group from_stored, from_api;
  ASSERT_TRUE(ParseStoredJson(ToStoredJson(g), &from_stored));
  ASSERT_TRUE(ParseStoredJson(ToJson(g), &from_api));  // written before enums existed
  EXPECT_EQ(from_stored.status(), registry::v1::LISTING_STATUS_ARCHIVED);
  EXPECT_EQ(from_api.status(), registry::v1::LISTING_STATUS_ARCHIVED);
  EXPECT_FALSE(ParseStoredJson("{not json", &from_api));
}

TEST(JsonMapping, DeepNestingIsRejectedBeforeParsing) {
  std::string deep = R"({"name":"x","description":)" + std::string(60000, '[') + std::string(60000, ']') + "}";
  Group g;
  Status s = ParseJson(deep, &g);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("nests deeper"), std::string::npos) << s.message();
  EXPECT_TRUE(JsonDepthWithin(R"({"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})", 3));
  EXPECT_FALSE(JsonDepthWithin("[[[[", 3));
  EXPECT_TRUE(JsonDepthWithin("[[[]]]", 3));
}

}  // namespace
}  // namespace ibasho
