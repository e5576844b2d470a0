#include "services/gateway/api_error.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ibasho::gateway {
namespace {

using nlohmann::json;

TEST(ApiError, BodyHasTheAip193Shape) {
  json j = json::parse(ApiErrorJson(400, "INVALID_ARGUMENT", "bad \"quote\"", "q"));
  const json& e = j["error"];
  EXPECT_EQ(e["code"], 400);
  EXPECT_EQ(e["status"], "INVALID_ARGUMENT");
  EXPECT_EQ(e["message"], "bad \"quote\"");
  ASSERT_EQ(e["details"].size(), 2u);
  EXPECT_EQ(e["details"][0]["@type"], "type.googleapis.com/google.rpc.ErrorInfo");
  EXPECT_EQ(e["details"][0]["reason"], "INVALID_FIELD");
  EXPECT_EQ(e["details"][0]["domain"], "ibasho");
  EXPECT_EQ(e["details"][1]["@type"], "type.googleapis.com/google.rpc.BadRequest");
  EXPECT_EQ(e["details"][1]["fieldViolations"][0]["field"], "q");
  EXPECT_EQ(e["details"][1]["fieldViolations"][0]["description"], "bad \"quote\"");
}

TEST(ApiError, NoFieldNoBadRequestDetail) {
  json e = json::parse(ApiErrorJson(404, "NOT_FOUND", "no route"))["error"];
  ASSERT_EQ(e["details"].size(), 1u);
  EXPECT_EQ(e["details"][0]["reason"], "NOT_FOUND");
}

TEST(ApiError, ReasonsForEachStatus) {
  struct Case {
    int http;
    const char* status;
    const char* field;
    const char* reason;
  };
  const Case cases[] = {
      {400, "INVALID_ARGUMENT", "", "INVALID_REQUEST"}, {400, "INVALID_ARGUMENT", "q", "INVALID_FIELD"},
      {401, "UNAUTHENTICATED", "", "UNAUTHENTICATED"},  {403, "PERMISSION_DENIED", "", "PERMISSION_DENIED"},
      {405, "UNIMPLEMENTED", "", "METHOD_NOT_ALLOWED"}, {409, "ABORTED", "", "CONCURRENT_CHANGE"},
      {409, "ALREADY_EXISTS", "", "ALREADY_EXISTS"},    {412, "FAILED_PRECONDITION", "", "VERSION_MISMATCH"},
      {413, "INVALID_ARGUMENT", "", "BODY_TOO_LARGE"},  {429, "RESOURCE_EXHAUSTED", "", "RATE_LIMITED"},
      {503, "UNAVAILABLE", "", "UNAVAILABLE"},          {500, "INTERNAL", "", "INTERNAL"},
  };
  for (const auto& c : cases) EXPECT_EQ(ReasonFor(c.http, c.status, c.field), c.reason) << c.http << " " << c.status;
}

TEST(ApiError, AcceptLanguagePreferringJapanese) {
  struct Case {
    const char* header;
    bool japanese;
  };
  const Case cases[] = {
      {"ja", true},           {"ja-JP", true},     {"JA-jp,en;q=0.5", true}, {"en, ja;q=0.9", false},
      {"en;q=0.4, ja", true}, {"", false},         {"ja;q=0", false},        {"jav", false},
      {"*", false},           {"ja;q=bad", false},
  };
  for (const auto& c : cases) EXPECT_EQ(PrefersJapanese(c.header), c.japanese) << c.header;
}

TEST(ApiError, JapaneseMessageKeepsTheEnglishDetail) {
  std::string english = ApiErrorJson(400, "INVALID_ARGUMENT", "page_size must be 1..50", "page_size");
  json e = json::parse(LocalizeErrorJson(english))["error"];
  EXPECT_EQ(e["code"], 400);
  EXPECT_EQ(e["status"], "INVALID_ARGUMENT");
  EXPECT_NE(e["message"].get<std::string>().find("page_size"), std::string::npos);
  EXPECT_NE(e["message"].get<std::string>().find("入力内容に誤り"), std::string::npos);
  EXPECT_EQ(e["details"][0]["metadata"]["message_en"], "page_size must be 1..50");
  EXPECT_EQ(e["details"][1]["locale"], "ja-JP");
  EXPECT_EQ(e["details"][2]["fieldViolations"][0]["description"], "page_size must be 1..50");
  // Localising twice changes nothing; bodies that are not errors pass through.
  EXPECT_EQ(LocalizeErrorJson(LocalizeErrorJson(english)), LocalizeErrorJson(english));
  EXPECT_EQ(LocalizeErrorJson(R"({"results":[]})"), R"({"results":[]})");
  EXPECT_EQ(LocalizeErrorJson("not json"), "not json");
}

}  // namespace
}  // namespace ibasho::gateway
