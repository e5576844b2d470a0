#include <gtest/gtest.h>

#include "services/gateway/http_server.h"

namespace ibasho::gateway {
namespace {

TEST(HttpTarget, DecodesPathAndRepeatedParameters) {
  HttpRequest r;
  ASSERT_TRUE(ParseTarget("/v1/search?q=%E5%AD%A6%E6%A0%A1+%E5%9C%9F%E6%9B%9C&category=a&category=b", &r).ok());
  EXPECT_EQ(r.path, "/v1/search");
  EXPECT_EQ(r.Param("q"), "学校 土曜");
  EXPECT_EQ(r.Params("category"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.Param("missing", "x"), "x");
}

TEST(HttpTarget, BadPercentEncodingIsAnError) {
  HttpRequest r;
  Status s = ParseTarget("/v1/search?q=%E5%AD%G", &r);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "q");
  HttpRequest r2;
  EXPECT_FALSE(ParseTarget("/v1/search?q=%", &r2).ok());
}

TEST(HttpTarget, EmptyAndValuelessParameters) {
  HttpRequest r;
  ASSERT_TRUE(ParseTarget("/x?&a&b=&&", &r).ok());
  EXPECT_EQ(r.query.count("a"), 1u);
  EXPECT_EQ(r.Param("b", "unset"), "");
}

}  // namespace
}  // namespace ibasho::gateway
