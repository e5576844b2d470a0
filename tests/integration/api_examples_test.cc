// Runs every example request in docs/openapi.yaml (x-ibasho-example) against the real system
// loaded with the sample data, and checks the documented status.
#include <gtest/gtest.h>

#include "services/gateway/openapi.h"
#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using json = nlohmann::json;
using testing::Cluster;
using testing::HttpResult;
using testing::WaitUntil;

std::string Fill(std::string target, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    std::string placeholder = "{" + name + "}";
    for (size_t at; (at = target.find(placeholder)) != std::string::npos;)
      target.replace(at, placeholder.size(), value);
  }
  return target;
}

TEST(ApiExamples, EveryDocumentedExampleAnswersAsDocumented) {
  Cluster c;
  int rc = -1;
  c.Ctl("load " IBASHO_SOURCE_DIR "/data/sample/groups.json", &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_TRUE(WaitUntil([&] { return c.Call("GET", "/hsds/services?per_page=1").body.value("total_items", 0) > 0; },
                        std::chrono::seconds(10)));
  json first = c.Call("GET", "/hsds/services?per_page=1").body["contents"][0];
  std::map<std::string, std::string> values = {
      {"group_id", c.Call("GET", "/v1/groups?page_size=1").body["groups"][0]["id"]},
      {"service_id", first["id"]},
      {"organization_id", first["organization_id"]},
  };

  json doc = json::parse(gateway::kOpenApiJson);
  int run = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (!op.is_object() || !op.contains("x-ibasho-example")) continue;
      const json& example = op["x-ibasho-example"];
      std::string target = Fill(example["target"], values);
      std::string token = example.value("token", "") == "admin" ? Cluster::kAdminToken : "";
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      HttpResult r = c.As(token, upper, target);
      EXPECT_EQ(r.status, example["status"].get<int>()) << upper << " " << target << ": " << r.raw.substr(0, 300);
      EXPECT_TRUE(op["responses"].contains(std::to_string(r.status)))
          << upper << " " << path << " answered " << r.status << ", which the document does not list";
      ++run;
    }
  }
  EXPECT_GE(run, 20);
}

}  // namespace
}  // namespace ibasho
