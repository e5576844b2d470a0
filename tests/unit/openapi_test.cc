// docs/openapi.yaml describes exactly the routes the gateway serves.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <set>

#include "services/gateway/gateway.h"
#include "services/gateway/openapi.h"

namespace ibasho::gateway {
namespace {

using nlohmann::json;

std::set<std::string> DocumentedRoutes(const json& doc) {
  std::set<std::string> out;
  for (const auto& [path, item] : doc["paths"].items()) {
    std::string pattern = std::regex_replace(path, std::regex("\\{[^}]+\\}"), "{}");
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out.insert(upper + " " + pattern);
    }
  }
  return out;
}

TEST(OpenApi, DocumentsEveryRouteAndNoOther) {
  json doc = json::parse(kOpenApiJson);
  ASSERT_EQ(doc["openapi"], "3.1.0");
  std::set<std::string> documented = DocumentedRoutes(doc);
  std::vector<std::string> served = Gateway::RouteSignatures();
  for (const auto& route : served) EXPECT_TRUE(documented.count(route)) << route << " is served but not documented";
  std::set<std::string> served_set(served.begin(), served.end());
  for (const auto& route : documented) EXPECT_TRUE(served_set.count(route)) << route << " is documented but not served";
}

TEST(OpenApi, ErrorsReferToTheErrorShape) {
  json doc = json::parse(kOpenApiJson);
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      ASSERT_TRUE(op.contains("responses")) << method << " " << path;
      for (const auto& [code, response] : op["responses"].items()) {
        // A web page's "not found" is the page itself (it tells the visitor); every API error
        // is the error shape.
        const bool html_page = response.contains("content") && response["content"].contains("text/html");
        if ((code[0] == '4' || code[0] == '5') && !html_page)
          EXPECT_EQ(response.value("$ref", ""), "#/components/responses/Error") << method << " " << path << " " << code;
      }
    }
}

}  // namespace
}  // namespace ibasho::gateway
