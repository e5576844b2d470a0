#include <string_view>

#include "common/taxonomy.h"
#include "common/weekday.h"
#include "model/hsds.h"
#include "model/hsds_ids.h"
#include "model/json_mapping.h"

namespace ibasho::model {
namespace {

using nlohmann::json;
using registry::v1::Activity;
using registry::v1::Group;
using registry::v1::Schedule;

constexpr char kTaxonomyName[] = "ibasho";
constexpr int kJst = 9;  // hours east of UTC; Japan has no summer time

// "東京都" from "東京都練馬区…": the prefecture an address starts with, or empty.
std::string Prefecture(const std::string& address) {
  for (std::string_view suffix : {"都", "道", "府", "県"}) {
    // Prefecture names are two or three characters before the suffix (北海道, 神奈川県).
    for (size_t chars : {2u, 3u}) {
      size_t at = chars * 3;  // every character of a prefecture name is 3 bytes in UTF-8
      if (address.size() >= at + suffix.size() && address.compare(at, suffix.size(), suffix) == 0)
        return address.substr(0, at + suffix.size());
    }
  }
  return "";
}

std::string ByDay(const Schedule& s) {
  std::string byday;
  for (const auto& d : s.byday()) {
    int wd = WeekdayIndex(d);
    if (wd < 0) continue;  // validated groups have none
    if (s.nth_size() == 0) {
      byday += (byday.empty() ? "" : ",") + std::string(Weekdays()[wd].ical);
    } else {
      for (int n : s.nth()) byday += (byday.empty() ? "" : ",") + std::to_string(n) + Weekdays()[wd].ical;
    }
  }
  return byday;
}

json ScheduleBase(const std::string& id, const std::string& service_id, const Schedule& s) {
  json out = {{"id", id}, {"service_id", service_id}, {"timezone", kJst}};
  if (!s.opens().empty()) out["opens_at"] = s.opens();
  if (!s.closes().empty()) out["closes_at"] = s.closes();
  if (!s.note().empty()) out["description"] = s.note();
  return out;
}

// A schedule with dates becomes one HSDS schedule per date; a weekly or monthly one, one rule.
void AddSchedules(const Group& g, const Activity& a, const std::string& service_id, json* out) {
  int index = 0;
  for (const auto& s : a.schedules()) {
    if (s.dates_size() > 0) {
      for (const auto& date : s.dates()) {
        json one = ScheduleBase(HsdsUuid(HsdsKind::kSchedule, g.id(), a.id(), index++), service_id, s);
        one["valid_from"] = date;
        one["valid_to"] = date;
        one["dtstart"] = date;
        out->push_back(std::move(one));
      }
      continue;
    }
    json rule = ScheduleBase(HsdsUuid(HsdsKind::kSchedule, g.id(), a.id(), index++), service_id, s);
    rule["freq"] = s.nth_size() > 0 || s.weeks_unknown() ? "MONTHLY" : "WEEKLY";
    rule["byday"] = ByDay(s);
    if (!s.valid_from().empty()) rule["valid_from"] = s.valid_from();
    if (!s.valid_to().empty()) rule["valid_to"] = s.valid_to();
    out->push_back(std::move(rule));
  }
}

json LocationToHsds(const Group& g, const Activity& a) {
  const auto& l = a.location();
  const std::string id = HsdsUuid(HsdsKind::kLocation, g.id(), a.id());
  json location = {{"id", id}, {"location_type", l.online() ? "virtual" : "physical"}};
  if (!l.name().empty()) location["name"] = l.name();
  if (!l.nearest_station().empty()) location["transportation"] = l.nearest_station();
  if (l.lat() != 0 || l.lon() != 0) {
    location["latitude"] = l.lat();
    location["longitude"] = l.lon();
  }
  if (!l.online() && !l.address().empty()) {
    std::string prefecture = Prefecture(l.address());
    location["addresses"] = json::array({{{"id", HsdsUuid(HsdsKind::kAddress, g.id(), a.id())},
                                          {"location_id", id},
                                          {"address_1", l.address()},
                                          {"city", l.municipality()},
                                          {"state_province", prefecture},
                                          {"postal_code", l.postal_code()},
                                          {"country", "JP"},
                                          {"address_type", "physical"}}});
  }
  return location;
}

json CostOptions(const Group& g, const Activity& a, const std::string& service_id) {
  json out = json::array();
  if (!a.has_fee()) return out;
  const auto& fee = a.fee();
  json option = {
      {"id", HsdsUuid(HsdsKind::kCostOption, g.id(), a.id())}, {"service_id", service_id}, {"currency", "JPY"}};
  if (fee.free() || fee.amount() > 0) option["amount"] = fee.free() ? 0 : fee.amount();
  if (!fee.text().empty()) option["amount_description"] = fee.text();
  option["option"] = fee.free() ? "無料" : "参加費";
  out.push_back(std::move(option));
  return out;
}

json ContactToHsds(const Group& g, const registry::v1::Contact& c, int index) {
  const std::string id = HsdsUuid(HsdsKind::kContact, g.id(), "", index);
  json out = {{"id", id},
              {"organization_id", HsdsUuid(HsdsKind::kOrganization, g.id())},
              {"visibility", EnumWord(c.visibility())}};
  if (!c.name().empty()) out["name"] = c.name();
  if (!c.role().empty()) out["title"] = c.role();
  if (!c.email().empty()) out["email"] = c.email();
  if (!c.url().empty()) out["url"] = c.url();
  out["phones"] = json::array();
  if (!c.phone().empty())
    out["phones"].push_back(
        {{"id", HsdsUuid(HsdsKind::kPhone, g.id(), "", index)}, {"contact_id", id}, {"number", c.phone()}});
  return out;
}

int CategoryIndex(const std::string& code) {
  const auto& all = Categories();
  for (size_t i = 0; i < all.size(); ++i)
    if (code == all[i].code) return static_cast<int>(i) + 1;
  return 0;
}

}  // namespace

std::string TaxonomyTermUuid(const std::string& code) {
  return HsdsUuid(HsdsKind::kTaxonomyTerm, "", "", CategoryIndex(code));
}

std::string CategoryOfTermUuid(const std::string& uuid) {
  auto ref = ParseHsdsUuid(uuid);
  if (!ref || ref->kind != HsdsKind::kTaxonomyTerm || !ref->group_id.empty()) return "";
  const auto& all = Categories();
  return ref->index >= 1 && ref->index <= static_cast<int>(all.size()) ? all[ref->index - 1].code : "";
}

json TaxonomyToHsds() {
  return {{"id", HsdsUuid(HsdsKind::kTaxonomy, "")},
          {"name", kTaxonomyName},
          {"description", "ibasho の活動の分類（こどもの居場所・学習支援・こども食堂など）"},
          {"version", "1"}};
}

json TaxonomyTermToHsds(const std::string& code) {
  const char* label = CategoryLabel(code);
  return {{"id", TaxonomyTermUuid(code)},
          {"code", code},
          {"name", label ? label : code},
          {"description", label ? label : code},
          {"taxonomy", kTaxonomyName},
          {"taxonomy_id", HsdsUuid(HsdsKind::kTaxonomy, "")},
          {"language", "ja"}};
}

json OrganizationSummaryToHsds(const Group& g) {
  json org = {{"id", HsdsUuid(HsdsKind::kOrganization, g.id())}, {"name", g.name()}, {"description", g.description()}};
  if (!g.name_kana().empty()) org["alternate_name"] = g.name_kana();
  if (!g.website().empty()) org["website"] = g.website();
  if (!g.sector().empty()) org["legal_status"] = g.sector();
  return org;
}

json ServiceToHsds(const Group& g, const Activity& a, bool full) {
  const std::string id = HsdsUuid(HsdsKind::kService, g.id(), a.id());
  json svc = {{"id", id},
              {"organization_id", HsdsUuid(HsdsKind::kOrganization, g.id())},
              {"name", a.title()},
              {"description", a.description()},
              {"status", a.status() == registry::v1::LISTING_STATUS_PUBLISHED &&
                                 g.status() == registry::v1::LISTING_STATUS_PUBLISHED
                             ? "active"
                             : "inactive"}};
  if (!a.fee().text().empty()) svc["fees_description"] = a.fee().text();
  if (a.has_ages()) {
    svc["minimum_age"] = a.ages().min();
    if (a.ages().max() > 0) svc["maximum_age"] = a.ages().max();
  }
  if (!g.verified_at().empty()) svc["assured_date"] = g.verified_at();
  if (!g.updated_at().empty()) svc["last_modified"] = g.updated_at();
  if (!a.schedule_text().empty()) svc["schedule_text"] = a.schedule_text();
  if (!full) return svc;
  svc["organization"] = OrganizationSummaryToHsds(g);
  svc["schedules"] = json::array();
  AddSchedules(g, a, id, &svc["schedules"]);
  svc["cost_options"] = CostOptions(g, a, id);
  svc["attributes"] = json::array();
  int k = 0;
  for (const auto& code : a.categories())
    svc["attributes"].push_back({{"id", HsdsUuid(HsdsKind::kAttribute, g.id(), a.id(), k++)},
                                 {"link_id", id},
                                 {"link_type", "category"},
                                 {"link_entity", "service"},
                                 {"taxonomy_term_id", TaxonomyTermUuid(code)},
                                 {"taxonomy_term", TaxonomyTermToHsds(code)}});
  svc["languages"] = json::array();
  k = 0;
  for (const auto& code : a.languages())
    svc["languages"].push_back(
        {{"id", HsdsUuid(HsdsKind::kLanguage, g.id(), a.id(), k++)}, {"service_id", id}, {"code", code}});
  svc["service_at_locations"] = json::array({ServiceAtLocationToHsds(g, a, /*full=*/true)});
  return svc;
}

json ServiceAtLocationToHsds(const Group& g, const Activity& a, bool full) {
  json sal = {{"id", HsdsUuid(HsdsKind::kServiceAtLocation, g.id(), a.id())},
              {"service_id", HsdsUuid(HsdsKind::kService, g.id(), a.id())},
              {"location_id", HsdsUuid(HsdsKind::kLocation, g.id(), a.id())}};
  if (full) sal["location"] = LocationToHsds(g, a);
  return sal;
}

json OrganizationToHsds(const Group& g) {
  json org = OrganizationSummaryToHsds(g);
  const std::string id = org["id"];
  org["organization_identifiers"] = json::array({{{"id", HsdsUuid(HsdsKind::kOrganizationIdentifier, g.id(), "", 0)},
                                                  {"organization_id", id},
                                                  {"identifier_scheme", "ibasho"},
                                                  {"identifier_type", "ibasho group id"},
                                                  {"identifier", g.id()}}});
  if (!g.external_id().empty())
    org["organization_identifiers"].push_back({{"id", HsdsUuid(HsdsKind::kOrganizationIdentifier, g.id(), "", 1)},
                                               {"organization_id", id},
                                               {"identifier_scheme", g.source()},
                                               {"identifier_type", "partner record id"},
                                               {"identifier", g.external_id()}});
  org["contacts"] = json::array();
  for (int i = 0; i < g.contacts_size(); ++i) org["contacts"].push_back(ContactToHsds(g, g.contacts(i), i));
  org["services"] = json::array();
  for (const auto& a : g.activities()) {
    json svc = ServiceToHsds(g, a, /*full=*/true);
    svc.erase("organization");  // it is the parent
    org["services"].push_back(std::move(svc));
  }
  return org;
}

}  // namespace ibasho::model
