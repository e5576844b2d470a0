#include "model/hsds.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/taxonomy.h"
#include "common/weekday.h"
#include "model/json_mapping.h"

namespace ibasho::model {
namespace {

using nlohmann::json;
using registry::v1::Activity;
using registry::v1::Group;
using registry::v1::Schedule;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// The first element of j[key] when that is a non-empty array, else null.
const json* First(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it != j.end() && it->is_array() && !it->empty() ? &(*it)[0] : nullptr;
}

Status ParseSchedule(const json& j, const std::string& path, Activity* a) {
  Schedule s;
  s.set_opens(Str(j, "opens_at"));
  s.set_closes(Str(j, "closes_at"));
  s.set_note(Str(j, "description"));
  std::string freq = Str(j, "freq"), byday = Str(j, "byday");
  if (byday.empty()) {
    // A dated session (valid_from .. valid_to as individual days is out of scope: use the first).
    if (Str(j, "valid_from").empty()) return InvalidArgument("a schedule needs byday or valid_from", path + ".byday");
    s.add_dates(Str(j, "valid_from"));
    if (!Str(j, "valid_to").empty() && Str(j, "valid_to") != Str(j, "valid_from")) s.add_dates(Str(j, "valid_to"));
  } else {
    s.set_valid_from(Str(j, "valid_from"));
    s.set_valid_to(Str(j, "valid_to"));
    std::set<int> nth;
    std::vector<std::string> days;
    size_t start = 0;
    while (start <= byday.size()) {
      size_t comma = byday.find(',', start);
      if (comma == std::string::npos) comma = byday.size();
      std::string item = byday.substr(start, comma - start);
      start = comma + 1;
      if (item.empty()) continue;
      if (item.size() < 2 || WeekdayIndexFromIcal(item.substr(item.size() - 2)) < 0)
        return InvalidArgument("byday item \"" + item + "\" is not like MO or 2SA", path + ".byday");
      std::string day = Weekdays()[WeekdayIndexFromIcal(item.substr(item.size() - 2))].code;
      std::string n = item.substr(0, item.size() - 2);
      if (!n.empty()) {
        try {
          nth.insert(std::stoi(n));
        } catch (const std::exception&) {
          return InvalidArgument("byday item \"" + item + "\" has a bad week number", path + ".byday");
        }
      }
      if (std::find(days.begin(), days.end(), day) == days.end()) days.push_back(day);
    }
    if (freq == "MONTHLY" && nth.empty()) s.set_weeks_unknown(true);
    for (const auto& d : days) s.add_byday(d);
    for (int n : nth) s.add_nth(n);
  }
  *a->add_schedules() = std::move(s);
  return Status::Ok();
}

// The first cost option is the fee: its amount (0 is free) and description.
Status ParseFee(const json& svc, const std::string& path, Activity* a) {
  const json options = svc.value("cost_options", json::array());
  if (!options.is_array()) return InvalidArgument("cost_options must be an array", path + ".cost_options");
  if (options.empty() && Str(svc, "fees_description").empty()) return Status::Ok();
  auto* fee = a->mutable_fee();
  fee->set_text(Str(svc, "fees_description"));
  if (options.empty() || !options[0].is_object()) return Status::Ok();
  const json& option = options[0];
  if (fee->text().empty()) fee->set_text(Str(option, "amount_description"));
  if (option.contains("amount")) {
    if (!option["amount"].is_number())
      return InvalidArgument("amount must be a number", path + ".cost_options[0].amount");
    double amount = option["amount"].get<double>();
    if (amount < 0 || amount > 1e7) return InvalidArgument("amount is out of range", path + ".cost_options[0].amount");
    fee->set_amount(static_cast<int>(amount));
    fee->set_free(amount == 0);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Group> GroupFromHsds(const json& org) {
  if (!org.is_object()) return InvalidArgument("an organization must be a JSON object");
  Group g;
  g.set_name(Str(org, "name"));
  g.set_name_kana(Str(org, "alternate_name"));
  g.set_description(Str(org, "description"));
  g.set_website(Str(org, "website"));
  g.set_external_id(Str(org, "id"));
  if (org.contains("ibasho") && org["ibasho"].is_object()) {
    g.set_sector(Str(org["ibasho"], "sector"));
    g.set_verified_at(Str(org["ibasho"], "verified_at"));
  }
  if (org.contains("contacts") && org["contacts"].is_array()) {
    for (const auto& c : org["contacts"]) {
      auto* contact = g.add_contacts();
      contact->set_name(Str(c, "name"));
      contact->set_role(Str(c, "title"));
      contact->set_email(Str(c, "email"));
      contact->set_url(Str(c, "url"));
      registry::v1::Visibility visibility = registry::v1::VISIBILITY_PUBLIC;
      if (!Str(c, "visibility").empty() && !EnumFromWord(Str(c, "visibility"), &visibility))
        return InvalidArgument("visibility must be public, network or staff", "contacts.visibility");
      contact->set_visibility(visibility);
      if (c.contains("phones") && c["phones"].is_array() && !c["phones"].empty())
        contact->set_phone(Str(c["phones"][0], "number"));
    }
  }
  if (org.contains("services") && !org["services"].is_array())
    return InvalidArgument("services must be an array", "services");
  int i = 0;
  for (const auto& svc : org.value("services", json::array())) {
    std::string path = "services[" + std::to_string(i++) + "]";
    if (!svc.is_object()) return InvalidArgument("each service must be an object", path);
    Activity* a = g.add_activities();
    a->set_title(Str(svc, "name"));
    a->set_description(Str(svc, "description"));
    a->set_status(Str(svc, "status") == "active" || Str(svc, "status").empty() ? registry::v1::LISTING_STATUS_PUBLISHED
                                                                               : registry::v1::LISTING_STATUS_DRAFT);
    a->set_schedule_text(Str(svc, "schedule_text"));
    if (svc.contains("minimum_age") || svc.contains("maximum_age")) {
      if ((svc.contains("minimum_age") && !svc["minimum_age"].is_number()) ||
          (svc.contains("maximum_age") && !svc["maximum_age"].is_number()))
        return InvalidArgument("ages must be numbers", path + ".minimum_age");
      a->mutable_ages()->set_min(svc.value("minimum_age", 0));
      a->mutable_ages()->set_max(svc.value("maximum_age", 0));
    }
    Status fee = ParseFee(svc, path, a);
    if (!fee.ok()) return fee;
    for (const auto& attr : svc.value("attributes", json::array())) {
      if (!attr.is_object() || !attr.contains("taxonomy_term") || !attr["taxonomy_term"].is_object()) continue;
      const auto& term = attr["taxonomy_term"];
      if (CategoryLabel(Str(term, "code"))) a->add_categories(Str(term, "code"));
    }
    int k = 0;
    for (const auto& s : svc.value("schedules", json::array())) {
      Status st = ParseSchedule(s, path + ".schedules[" + std::to_string(k++) + "]", a);
      if (!st.ok()) return st;
    }
    const json* sal = First(svc, "service_at_locations");
    if (sal && sal->is_object() && sal->contains("location") && (*sal)["location"].is_object()) {
      const json& l = (*sal)["location"];
      auto* loc = a->mutable_location();
      loc->set_name(Str(l, "name"));
      loc->set_online(Str(l, "location_type") == "virtual");
      loc->set_nearest_station(Str(l, "transportation"));
      if (l.contains("latitude") && l["latitude"].is_number()) loc->set_lat(l["latitude"]);
      if (l.contains("longitude") && l["longitude"].is_number()) loc->set_lon(l["longitude"]);
      if (const json* address = First(l, "addresses")) {
        loc->set_address(Str(*address, "address_1"));
        loc->set_municipality(Str(*address, "city"));
        loc->set_postal_code(Str(*address, "postal_code"));
      }
    }
  }
  return g;
}

}  // namespace ibasho::model
