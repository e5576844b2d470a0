// Stable HSDS 3.0 identifiers: every object ibasho exports gets a UUID (RFC 9562 version 8)
// computed from the registry ids it stands for, so the same listing always has the same UUIDs
// and a UUID leads back to its group and activity without a lookup table:
//
//   gggggggg-gggg-8KK0-8iii-aaaaaaaaaaaa
//   g: the group id's 12 hex digits   K: the object kind   i: index (schedule, contact…)
//   a: the activity id's 12 hex digits (zeros for objects of the organization)
//
// Registry ids are "g_" / "a_" + 12 hex digits; any other id is hashed (then not reversible).
// Pure functions; thread-safe.
#ifndef IBASHO_MODEL_HSDS_IDS_H_
#define IBASHO_MODEL_HSDS_IDS_H_

#include <optional>
#include <string>
#include <string_view>

namespace ibasho::model {

enum class HsdsKind {
  kOrganization = 1,
  kService = 2,
  kLocation = 3,
  kServiceAtLocation = 4,
  kSchedule = 5,
  kContact = 6,
  kPhone = 7,
  kAddress = 8,
  kAttribute = 9,
  kOrganizationIdentifier = 10,
  kCostOption = 11,
  kLanguage = 12,
  kTaxonomy = 13,
  kTaxonomyTerm = 14,
};

// index must be below 4096.
std::string HsdsUuid(HsdsKind kind, const std::string& group_id, const std::string& activity_id = "", int index = 0);

struct HsdsRef {
  HsdsKind kind;
  std::string group_id;     // "g_…"; empty for taxonomy objects
  std::string activity_id;  // "a_…"; empty for objects of the organization
  int index = 0;
};
// The ids a UUID made by HsdsUuid stands for; nullopt for any other string.
std::optional<HsdsRef> ParseHsdsUuid(std::string_view uuid);

}  // namespace ibasho::model

#endif  // IBASHO_MODEL_HSDS_IDS_H_
