#include "model/hsds.h"

#include <gtest/gtest.h>

#include <regex>

#include "model/hsds_ids.h"
#include "model/json_mapping.h"

namespace ibasho::model {
namespace {

using nlohmann::json;

registry::v1::Group Sample() {
  registry::v1::Group g;
  EXPECT_TRUE(ParseJson(
                  R"({"id":"g_00000000000a","name":"石神井・小さなうち","name_kana":"シャクジイチイサナウチ",
    "website":"https://example.org","sector":"private","source":"ward","external_id":"row-7",
    "verified_at":"2026-11-01","updated_at":"2026-11-02T01:02:03.000Z","status":"published",
    "activities":[{"id":"a_0000000000b1","title":"居場所","description":"説明","categories":["futoukou","ibasho"],
      "ages":{"min":6,"max":15},"fee":{"free":false,"amount":500,"text":"1日500円"},"languages":["ja","en"],
      "schedule_text":"火・木 10時から",
      "location":{"name":"小さなうち","address":"東京都練馬区石神井町3-12-5","municipality":"練馬区","lat":35.74,"lon":139.6},
      "schedules":[{"byday":["tue","thu"],"opens":"10:00","closes":"16:00"},{"byday":["sat"],"nth":[2,4],"opens":"10:00"},
                   {"dates":["2026-12-13","2026-12-20"],"opens":"10:00","closes":"15:00"}],"status":"published"}],
    "contacts":[{"name":"受付","phone":"03-1111-0001","url":"https://example.org/c","visibility":"public"}]})",
                  &g)
                  .ok());
  return g;
}

TEST(HsdsIds, UuidsAreVersion8AndLeadBackToTheirIds) {
  std::string u = HsdsUuid(HsdsKind::kSchedule, "g_3f9a1c07b2de", "a_0123456789ab", 17);
  EXPECT_TRUE(std::regex_match(u, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << u;
  auto ref = ParseHsdsUuid(u);
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->kind, HsdsKind::kSchedule);
  EXPECT_EQ(ref->group_id, "g_3f9a1c07b2de");
  EXPECT_EQ(ref->activity_id, "a_0123456789ab");
  EXPECT_EQ(ref->index, 17);
  EXPECT_EQ(HsdsUuid(HsdsKind::kService, "g_3f9a1c07b2de", "a_0123456789ab"),
            HsdsUuid(HsdsKind::kService, "g_3f9a1c07b2de", "a_0123456789ab"));
  EXPECT_NE(HsdsUuid(HsdsKind::kService, "g_3f9a1c07b2de", "a_0123456789ab"),
            HsdsUuid(HsdsKind::kLocation, "g_3f9a1c07b2de", "a_0123456789ab"));
  auto org = ParseHsdsUuid(HsdsUuid(HsdsKind::kOrganization, "g_3f9a1c07b2de"));
  ASSERT_TRUE(org.has_value());
  EXPECT_EQ(org->activity_id, "");
}

TEST(HsdsIds, OtherStringsAreNotOurs) {
  for (const char* s : {"", "g_3f9a1c07b2de", "ac148810-d857-441c-9679-408f346de14b",
                        "3f9a1c07-b2de-8ff0-8000-000000000000", "3F9A1C07-B2DE-8010-8000-000000000000"})
    EXPECT_FALSE(ParseHsdsUuid(s).has_value()) << s;
  // Ids that are not the registry's own still get a stable UUID.
  EXPECT_EQ(HsdsUuid(HsdsKind::kOrganization, "legacy-7"), HsdsUuid(HsdsKind::kOrganization, "legacy-7"));
}

TEST(Hsds, OrganizationHasEveryRequiredFieldAndIdentifier) {
  json org = OrganizationToHsds(Sample());
  EXPECT_EQ(org["id"], HsdsUuid(HsdsKind::kOrganization, "g_00000000000a"));
  EXPECT_EQ(org["legal_status"], "private");
  ASSERT_EQ(org["organization_identifiers"].size(), 2u);
  EXPECT_EQ(org["organization_identifiers"][0]["identifier"], "g_00000000000a");
  EXPECT_EQ(org["organization_identifiers"][1]["identifier_scheme"], "ward");
  EXPECT_EQ(org["organization_identifiers"][1]["identifier"], "row-7");
  const json& svc = org["services"][0];
  EXPECT_EQ(svc["status"], "active");
  EXPECT_EQ(svc["assured_date"], "2026-11-01");
  EXPECT_EQ(svc["last_modified"], "2026-11-02T01:02:03.000Z");
  EXPECT_EQ(svc["schedule_text"], "火・木 10時から");
  EXPECT_EQ(svc["cost_options"][0]["amount"], 500);
  EXPECT_EQ(svc["cost_options"][0]["currency"], "JPY");
  EXPECT_EQ(svc["attributes"][0]["taxonomy_term"]["code"], "futoukou");
  EXPECT_EQ(svc["attributes"][0]["taxonomy_term_id"], TaxonomyTermUuid("futoukou"));
  EXPECT_EQ(svc["languages"].size(), 2u);
  const json& address = svc["service_at_locations"][0]["location"]["addresses"][0];
  EXPECT_EQ(address["state_province"], "東京都");
  EXPECT_EQ(address["city"], "練馬区");
  EXPECT_EQ(address["address_type"], "physical");
  EXPECT_EQ(address["country"], "JP");
  EXPECT_EQ(org["contacts"][0]["phones"][0]["number"], "03-1111-0001");
  EXPECT_EQ(org["contacts"][0]["visibility"], "public");
}

TEST(Hsds, SchedulesAreRulesOrOnePerDate) {
  json s = OrganizationToHsds(Sample())["services"][0]["schedules"];
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0]["byday"], "TU,TH");
  EXPECT_EQ(s[0]["freq"], "WEEKLY");
  EXPECT_EQ(s[1]["byday"], "2SA,4SA");
  EXPECT_EQ(s[1]["freq"], "MONTHLY");
  EXPECT_EQ(s[2]["valid_from"], "2026-12-13");
  EXPECT_EQ(s[3]["valid_to"], "2026-12-20");
  std::set<std::string> ids;
  for (const auto& one : s) ids.insert(one["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 4u);
}

TEST(Hsds, TaxonomyTermsLeadBackToCategories) {
  EXPECT_EQ(CategoryOfTermUuid(TaxonomyTermUuid("kodomo_shokudo")), "kodomo_shokudo");
  EXPECT_EQ(CategoryOfTermUuid(HsdsUuid(HsdsKind::kService, "g_3f9a1c07b2de", "a_0123456789ab")), "");
  EXPECT_EQ(TaxonomyTermToHsds("gakushu")["name"], "学習支援");
}

TEST(Hsds, GroupRoundTripsThroughAnOrganization) {
  registry::v1::Group g = Sample();
  json org = OrganizationToHsds(g);
  auto back = GroupFromHsds(org);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  const auto& a = back->activities(0);
  EXPECT_EQ(back->name(), g.name());
  EXPECT_EQ(back->external_id(), org["id"]);
  EXPECT_EQ(std::vector<std::string>(a.categories().begin(), a.categories().end()),
            (std::vector<std::string>{"futoukou", "ibasho"}));
  EXPECT_EQ(a.schedules(1).nth(1), 4);
  EXPECT_EQ(a.schedules(2).dates(0), "2026-12-13");
  EXPECT_EQ(a.schedules(3).dates(0), "2026-12-20");
  EXPECT_EQ(a.location().address(), "東京都練馬区石神井町3-12-5");
  EXPECT_EQ(a.fee().amount(), 500);
  EXPECT_EQ(a.fee().text(), "1日500円");
  EXPECT_EQ(a.schedule_text(), "火・木 10時から");
  EXPECT_EQ(back->contacts(0).phone(), "03-1111-0001");
  json bad = org;
  bad["services"][0]["schedules"][0]["byday"] = "XX";
  EXPECT_EQ(GroupFromHsds(bad).status().field(), "services[0].schedules[0].byday");
  bad = org;
  bad["services"][0]["cost_options"][0]["amount"] = "500";
  EXPECT_EQ(GroupFromHsds(bad).status().field(), "services[0].cost_options[0].amount");
}

}  // namespace
TEST(HsdsImport, MisshapenServicesAreErrorsNotCrashes) {
  auto odd = GroupFromHsds(json::parse(R"({"id":"o1","name":"会","services":[{"name":"a"},"not an object"]})"));
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().field(), "services[1]");
  // Locations of the wrong shape are left out, not dereferenced.
  auto places = GroupFromHsds(json::parse(R"({"id":"o2","name":"会","services":[
      {"name":"a","service_at_locations":{"location":1}},
      {"name":"b","service_at_locations":[{"location":{"name":"公民館","addresses":"x"}}]},
      {"name":"c","service_at_locations":["s"]}]})"));
  ASSERT_TRUE(places.ok()) << places.status().ToString();
  ASSERT_EQ(places->activities_size(), 3);
  EXPECT_FALSE(places->activities(0).has_location());
  EXPECT_EQ(places->activities(1).location().name(), "公民館");
  EXPECT_EQ(places->activities(1).location().address(), "");
  EXPECT_FALSE(places->activities(2).has_location());
}

}  // namespace ibasho::model
