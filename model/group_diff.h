// Field-level differences between two versions of a group, as the audit log records them and the
// dry runs of partner writes report them. Pure functions; thread-safe.
#ifndef IBASHO_MODEL_GROUP_DIFF_H_
#define IBASHO_MODEL_GROUP_DIFF_H_

#include <google/protobuf/repeated_field.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::model {

// The group without what the store maintains (version, created_at, updated_at).
registry::v1::Group WithoutBookkeeping(registry::v1::Group group);

// True when the two differ only in what the store maintains.
bool SameContent(const registry::v1::Group& a, const registry::v1::Group& b);

// Changed leaves with paths like "activities[0].schedules[1].opens" and JSON text values ("" when
// absent), ignoring bookkeeping; sorted by path.
std::vector<registry::v1::FieldChange> DiffGroups(const registry::v1::Group& before, const registry::v1::Group& after);

// [{"path":…,"before":…,"after":…}, …]
nlohmann::json DiffToJson(const google::protobuf::RepeatedPtrField<registry::v1::FieldChange>& diff);
nlohmann::json DiffToJson(const std::vector<registry::v1::FieldChange>& diff);
// The reverse of DiffToJson; entries that are not objects with string fields are skipped.
std::vector<registry::v1::FieldChange> DiffFromJson(const nlohmann::json& j);

}  // namespace ibasho::model

#endif  // IBASHO_MODEL_GROUP_DIFF_H_
