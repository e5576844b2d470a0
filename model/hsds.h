// Open Referral HSDS 3.0 exchange: a group is an organization; its activities are services, each
// with its location (service_at_locations), schedules (RRULE-style freq/byday) and the category
// codes as attributes of the "ibasho" taxonomy. Pure functions; thread-safe.
#ifndef IBASHO_MODEL_HSDS_H_
#define IBASHO_MODEL_HSDS_H_

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::model {

// The group as one HSDS organization object (contacts as given: filter them first).
nlohmann::json GroupToHsds(const registry::v1::Group& group);

// An HSDS organization back to a group. InvalidArgument names the field that is wrong
// (e.g. "services[0].schedules[1].byday"). The group's external_id is the organization id.
StatusOr<registry::v1::Group> GroupFromHsds(const nlohmann::json& organization);

}  // namespace ibasho::model

#endif  // IBASHO_MODEL_HSDS_H_
