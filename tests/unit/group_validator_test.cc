#include "model/group_validator.h"

#include <gtest/gtest.h>

#include "model/json_mapping.h"

namespace ibasho::model {
namespace {

using registry::v1::Group;

Group Parse(const std::string& json) {
  Group g;
  Status s = ParseJson(json, &g);
  EXPECT_TRUE(s.ok()) << json << " → " << s.ToString();
  ApplyDefaults(&g);
  return g;
}

// What the API does with a body: parse (words of closed vocabularies are checked there), fill
// defaults, validate.
Status ParseAndValidate(const std::string& json) {
  Group g;
  Status s = ParseJson(json, &g);
  if (!s.ok()) return s;
  ApplyDefaults(&g);
  return ValidateGroup(g);
}

struct Case {
  const char* json;
  const char* field;  // "" when valid
};

TEST(GroupValidator, LongIdsAndTextsAreRefused) {
  Group g = Parse(R"({"name":"会","source":"s"})");
  g.set_external_id(std::string(7000, 'x'));
  EXPECT_EQ(ValidateGroup(g).field(), "external_id");
  g.set_external_id("x");
  g.set_description(std::string(30000, 'a'));
  EXPECT_EQ(ValidateGroup(g).field(), "description");
  g.set_description("");
  g.mutable_links()->set_line(std::string(5000, 'a'));
  EXPECT_EQ(ValidateGroup(g).field(), "links.line");
}

TEST(GroupValidator, Table) {
  const Case cases[] = {
      {R"({"name":"会"})", ""},
      {R"({"name":""})", "name"},
      {R"({"name":"会","name_kana":"カイ"})", ""},
      {R"({"name":"会","name_kana":"かい ノ カイ"})", ""},
      {R"({"name":"会","name_kana":"会"})", "name_kana"},
      {R"({"name":"会","status":"deleted"})", "status"},
      {R"({"name":"会","sector":"company"})", "sector"},
      {R"({"name":"会","verified_at":"2026-02-30"})", "verified_at"},
      {R"({"name":"会","external_id":"1"})", "source"},
      {R"({"name":"会","activities":[{"title":""}]})", "activities[0].title"},
      {R"({"name":"会","activities":[{"title":"a"},{"title":"b","categories":["ibasho","nope"]}]})",
       "activities[1].categories[1]"},
      {R"({"name":"会","activities":[{"title":"a","categories":["ibasho"],"inferred_categories":["ibasho"]}]})", ""},
      {R"({"name":"会","activities":[{"title":"a","categories":["ibasho"],"inferred_categories":["gakushu"]}]})",
       "activities[0].inferred_categories[0]"},
      {R"({"name":"会","activities":[{"title":"a","ages":{"min":10,"max":6}}]})", "activities[0].ages.max"},
      {R"({"name":"会","activities":[{"title":"a","location":{"lat":48.0,"lon":139.6}}]})",
       "activities[0].location.lat"},
      {R"({"name":"会","activities":[{"title":"a","location":{"lat":35.7,"lon":100.0}}]})",
       "activities[0].location.lon"},
      {R"({"name":"会","activities":[{"title":"a","schedules":[{"byday":["sat"],"opens":"10:00","closes":"16:00"}]}]})",
       ""},
      {R"({"name":"会","activities":[{"title":"a","schedules":[{"byday":["sat","xyz"]}]}]})",
       "activities[0].schedules[0].byday[1]"},
      {R"({"name":"会","activities":[{"title":"a","schedules":[{"byday":["sat"],"opens":"16:00","closes":"10:00"}]}]})",
       "activities[0].schedules[0].closes"},
      {R"({"name":"会","activities":[{"title":"a","schedules":[{"byday":["sat"],"opens":"25:99"}]}]})",
       "activities[0].schedules[0].opens"},
      {R"({"name":"会","activities":[{"title":"a","schedules":[{"byday":["sat"],"nth":[6]}]}]})",
       "activities[0].schedules[0].nth[0]"},
      {R"({"name":"会","activities":[{"title":"a","schedules":[{"nth":[2]}]}]})", "activities[0].schedules[0].byday"},
      {R"({"name":"会","activities":[{"title":"a","schedules":[{"dates":["2026/12/01"]}]}]})",
       "activities[0].schedules[0].dates[0]"},
      {R"({"name":"会","activities":[{"title":"a","schedules":[{}]}]})", "activities[0].schedules[0].byday"},
      {R"({"name":"会","contacts":[{"phone":"03","visibility":"secret"}]})", "contacts[0].visibility"},
      {R"({"name":"   "})", "name"},
      {R"({"name":"\u3000\u3000"})", "name"},
      {R"({"name":"会\u0000"})", "name"},
      {R"({"name":"会\u0007"})", "name"},
      {R"({"name":"会","description":"一行目\n二行目\tタブ"})", ""},
      {R"({"name":"会","website":"javascript:void 0"})", "website"},
      {R"({"name":"会","website":" JavaScript:void 0"})", "website"},
      {R"({"name":"会","website":"https://example.org/"})", ""},
      {R"({"name":"会","links":{"instagram":"@komaneri"}})", ""},
      {R"({"name":"会","links":{"x":"vbscript:msgbox"}})", "links.x"},
      {R"({"name":"会","contacts":[{"url":"data:text/html,<script>","visibility":"public"}]})", "contacts[0].url"},
      {R"({"name":"会","activities":[{"title":"a","categories":["ibasho","ibasho"]}]})", "activities[0].categories[1]"},
      {R"({"name":"会","activities":[{"title":" "}]})", "activities[0].title"},
  };
  for (const auto& c : cases) {
    Status s = ParseAndValidate(c.json);
    if (std::string(c.field).empty()) {
      EXPECT_TRUE(s.ok()) << c.json << " → " << s.ToString();
    } else {
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.json;
      EXPECT_EQ(s.field(), c.field) << c.json << " → " << s.ToString();
    }
  }
}

TEST(GroupValidator, DefaultsKeepContactsPrivateAndDeriveMunicipality) {
  Group g = Parse(R"({"name":"会","contacts":[{"phone":"03"}],
                     "activities":[{"title":"a","location":{"address":"東京都練馬区石神井町1-2-3"}}]})");
  EXPECT_EQ(g.status(), registry::v1::LISTING_STATUS_PUBLISHED);
  EXPECT_EQ(g.contacts(0).visibility(), registry::v1::VISIBILITY_STAFF);
  EXPECT_EQ(g.activities(0).location().municipality(), "練馬区");
  EXPECT_EQ(g.activities(0).status(), registry::v1::LISTING_STATUS_PUBLISHED);
}

TEST(GroupValidator, MunicipalityFromAddressTable) {
  const std::pair<const char*, const char*> cases[] = {
      {"東京都練馬区石神井町1-2-3", "練馬区"}, {"練馬区豊玉北6-12-1", "練馬区"},
      {"埼玉県和光市本町1-1", "和光市"},       {"東京都西多摩郡日の出町平井", "日の出町"},
      {"京都府京都市中京区", "京都市"},        {"沖縄県沖縄市中央1", "沖縄市"},
      {"東京都武蔵村山市本町1", "武蔵村山市"}, {"東京都町田市森野2", "町田市"},
      {"神奈川県横浜市中区", "横浜市"},        {"", ""},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(MunicipalityFromAddress(in), out) << in;
}

}  // namespace
}  // namespace ibasho::model
