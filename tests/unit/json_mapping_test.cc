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

TEST(JsonMapping, ErrorBodyShape) {
  auto j = nlohmann::json::parse(ErrorJson("INVALID_ARGUMENT", "bad \"quote\"", "q"));
  EXPECT_EQ(j["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(j["error"]["message"], "bad \"quote\"");
  EXPECT_EQ(j["error"]["field"], "q");
}

}  // namespace
}  // namespace ibasho
