// The HSDS 3.0 export and the HSDA read endpoints over real municipal open data, each response
// validated against the HSDS 3.0 schemas in ../shared/hsds by tests/hsds/validate_hsds.py.
#include <gtest/gtest.h>

#include <fstream>

#include "common/url.h"
#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using json = nlohmann::json;
using testing::Cluster;
using testing::HttpResult;
using testing::WaitUntil;

const std::string kShared = IBASHO_SOURCE_DIR "/../shared/";

class HsdsApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    c = new Cluster({"--public_url=https://ibasho.example/"});
    // Each file is its own source: row ids of different files may be the same.
    for (const char* file : {"tokyo/131202_nerimaku_kodomosyokudo.csv", "kanagawa/140007_kodomoshokudo_20231105.csv"}) {
      std::string csv = testing::ReadFile(kShared + "data/opendata/kodomo-shokudo/" + file);
      ASSERT_FALSE(csv.empty()) << file;
      std::string name = std::string(file).substr(std::string(file).find('/') + 1);
      HttpResult r = c->Admin("POST", "/v1/sources/" + name.substr(0, 6) + "/import?filename=" + PercentEncode(name),
                              csv, {{"Content-Type", "text/csv"}});
      ASSERT_EQ(r.status, 200) << r.raw.substr(0, 300);
      imported += r.body["created"].get<int>();
    }
    ASSERT_GT(imported, 100);
    ASSERT_TRUE(WaitUntil([] { return c->Call("GET", "/hsds/services").body["total_items"] == imported; },
                          std::chrono::seconds(10)));
  }
  static void TearDownTestSuite() {
    delete c;
    c = nullptr;
  }

  // GETs target and saves the body for the validator as kind=file.
  json Fetch(const std::string& kind, const std::string& target) {
    HttpResult r = c->Call("GET", target);
    EXPECT_EQ(r.status, 200) << target << " " << r.raw.substr(0, 300);
    std::string file = c->dir().File("hsds-" + std::to_string(files.size()) + ".json");
    std::ofstream(file) << r.raw;
    files.push_back(kind + "=" + file);
    return r.body;
  }
  // Runs the validator over everything fetched; its report on failure.
  void ExpectAllValid() {
    std::string cmd = "python3 " IBASHO_SOURCE_DIR "/tests/hsds/validate_hsds.py " + kShared + "hsds/schema";
    for (const auto& f : files) cmd += " " + f;
    std::string out_file = c->dir().File("validate.out");
    int rc = std::system((cmd + " > " + out_file + " 2>&1").c_str());
    EXPECT_EQ(WEXITSTATUS(rc), 0) << testing::ReadFile(out_file);
  }

  static Cluster* c;
  static int imported;
  std::vector<std::string> files;
};
Cluster* HsdsApiTest::c = nullptr;
int HsdsApiTest::imported = 0;

TEST_F(HsdsApiTest, EveryExportedOrganizationIsValidHsds) {
  json doc = Fetch("export", "/v1/export/hsds.json");
  ASSERT_EQ(doc["organizations"].size(), static_cast<size_t>(imported));
  ExpectAllValid();
  // The same listing has the same ids in the next export.
  json again = c->Call("GET", "/v1/export/hsds.json").body;
  EXPECT_EQ(again["organizations"][0]["id"], doc["organizations"][0]["id"]);
  EXPECT_EQ(again["organizations"][0]["services"][0]["id"], doc["organizations"][0]["services"][0]["id"]);
}

TEST_F(HsdsApiTest, RootPointsAtTheProfileAndTheOpenApiDocument) {
  json root = Fetch("root", "/hsds");
  EXPECT_EQ(root["version"], "3.0.0");
  EXPECT_EQ(root["profile"], "https://ibasho.example/hsds/profile");
  EXPECT_EQ(root["openapi_url"], "https://ibasho.example/v1/openapi.json");
  files.clear();
}

TEST_F(HsdsApiTest, ListsAndItemsAreValidAndPageCorrectly) {
  json services = Fetch("page:services", "/hsds/services?per_page=50");
  EXPECT_EQ(services["total_items"], imported);
  EXPECT_EQ(services["size"], 50);
  EXPECT_EQ(services["first_page"], true);
  EXPECT_EQ(services["last_page"], false);
  EXPECT_EQ(services["total_pages"], (imported + 49) / 50);
  json last = Fetch("page:services", "/hsds/services?per_page=50&page=" + std::to_string((imported + 49) / 50));
  EXPECT_EQ(last["last_page"], true);
  EXPECT_EQ(last["size"], imported % 50 == 0 ? 50 : imported % 50);
  json beyond = Fetch("page:services", "/hsds/services?per_page=50&page=1000");
  EXPECT_EQ(beyond["empty"], true);

  std::string service_id = services["contents"][0]["id"];
  std::string organization_id = services["contents"][0]["organization_id"];
  json service = Fetch("service", "/hsds/services/" + service_id);
  EXPECT_EQ(service["id"], service_id);
  EXPECT_EQ(service["organization"]["id"], organization_id);
  ASSERT_FALSE(service["service_at_locations"].empty());

  json of_org = Fetch("page:services", "/hsds/services?organization_id=" + organization_id);
  ASSERT_GE(of_org["total_items"], 1);
  for (const auto& s : of_org["contents"]) EXPECT_EQ(s["organization_id"], organization_id);
  json org = Fetch("organization", "/hsds/organizations/" + organization_id);
  EXPECT_EQ(org["id"], organization_id);

  json orgs = Fetch("page:organizations", "/hsds/organizations?per_page=20");
  EXPECT_EQ(orgs["total_items"], imported);
  Fetch("page:organizations", "/hsds/organizations?per_page=5&full=true");

  json sals = Fetch("page:service_at_locations", "/hsds/service_at_locations?per_page=10");
  std::string sal_id = sals["contents"][0]["id"];
  json sal = Fetch("service_at_location", "/hsds/service_at_locations/" + sal_id);
  EXPECT_EQ(sal["location"]["id"], sal["location_id"]);

  json taxonomies = Fetch("page:taxonomies", "/hsds/taxonomies");
  EXPECT_EQ(taxonomies["total_items"], 1);
  json terms = Fetch("page:taxonomy_terms", "/hsds/taxonomy_terms?per_page=100");
  std::string shokudo;
  for (const auto& t : terms["contents"])
    if (t["code"] == "kodomo_shokudo") shokudo = t["id"];
  ASSERT_FALSE(shokudo.empty());
  Fetch("taxonomy_term", "/hsds/taxonomy_terms/" + shokudo);
  json by_term = Fetch("page:services", "/hsds/services?taxonomy_term_id=" + shokudo + "&per_page=5");
  EXPECT_GT(by_term["total_items"], 0);
  json searched = Fetch("page:services", "/hsds/services?search=" + PercentEncode("石神井") + "&per_page=5");
  EXPECT_GT(searched["total_items"], 0);
  EXPECT_LT(searched["total_items"], imported);
  json none_since = Fetch("page:services", "/hsds/services?modified_after=2099-01-01");
  EXPECT_EQ(none_since["total_items"], 0);
  json all_since = Fetch("page:services", "/hsds/services?modified_after=2000-01-01&per_page=3");
  EXPECT_EQ(all_since["total_items"], imported);
  ExpectAllValid();
}

TEST_F(HsdsApiTest, UnknownIdsAreNotFoundAndBadParametersNamed) {
  for (const char* target : {"/hsds/services/ac148810-d857-441c-9679-408f346de14b", "/hsds/services/nope",
                             "/hsds/organizations/g_000000000000", "/hsds/taxonomy_terms/x", "/hsds/taxonomies/x",
                             "/hsds/service_at_locations/y"})
    EXPECT_EQ(c->Call("GET", target).status, 404) << target;
  HttpResult bad = c->Call("GET", "/hsds/services?per_page=0");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["details"][1]["fieldViolations"][0]["field"], "per_page");
  EXPECT_EQ(c->Call("GET", "/hsds/services?modified_after=soon").status, 400);
}

TEST_F(HsdsApiTest, AnExportImportsBackAsAnotherSource) {
  json doc = c->Call("GET", "/v1/export/hsds.json").body;
  json first_ten = json::array();
  for (size_t i = 0; i < 10; ++i) first_ten.push_back(doc["organizations"][i]);
  HttpResult r = c->Admin("POST", "/v1/sources/mirror/import?dry_run=true", json{{"organizations", first_ten}}.dump(),
                          {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.raw.substr(0, 400);
  EXPECT_EQ(r.body["created"], 10) << r.raw.substr(0, 400);
  EXPECT_EQ(r.body["rejected"].size(), 0u) << r.raw.substr(0, 400);
}

}  // namespace
}  // namespace ibasho
