// Open Referral HSDS 3.0 exchange. A group is an organization; each activity is a service with
// its location (service_at_locations), schedules (RRULE-style freq/byday, or one per date), fee
// (cost_options) and categories (attributes of the "ibasho" taxonomy). Every object has a stable
// UUID (model/hsds_ids.h). What HSDS has no field for is in the ibasho profile
// (docs/hsds-profile.md): service.schedule_text, contact.visibility, contact.url.
// Output validates against the HSDS 3.0 schemas. Pure functions; thread-safe.
#ifndef IBASHO_MODEL_HSDS_H_
#define IBASHO_MODEL_HSDS_H_

#include <nlohmann/json.hpp>

#include <string>

#include "common/status.h"
#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::model {

// The organization fully nested: identifiers, contacts (as given: filter them first) and every
// activity as a full service.
nlohmann::json OrganizationToHsds(const registry::v1::Group& group);
// Only the organization's one-to-one fields (list endpoints, service.organization).
nlohmann::json OrganizationSummaryToHsds(const registry::v1::Group& group);
// One activity of group as a service; full adds schedules, locations, costs, attributes,
// languages and the organization.
nlohmann::json ServiceToHsds(const registry::v1::Group& group, const registry::v1::Activity& activity, bool full);
// The activity's place as a service_at_location; full nests the location.
nlohmann::json ServiceAtLocationToHsds(const registry::v1::Group& group, const registry::v1::Activity& activity,
                                       bool full);
// The "ibasho" category taxonomy and its terms (one per category code).
nlohmann::json TaxonomyToHsds();
nlohmann::json TaxonomyTermToHsds(const std::string& code);
std::string TaxonomyTermUuid(const std::string& code);
// The category code of a taxonomy term UUID; empty when it is not one.
std::string CategoryOfTermUuid(const std::string& uuid);

// An HSDS organization back to a group. InvalidArgument names the field that is wrong
// (e.g. "services[0].schedules[1].byday"). The group's external_id is the organization id.
StatusOr<registry::v1::Group> GroupFromHsds(const nlohmann::json& organization);

}  // namespace ibasho::model

#endif  // IBASHO_MODEL_HSDS_H_
