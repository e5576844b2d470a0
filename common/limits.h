// Every request limit of the API in one place. The gateway checks them to answer 400 before a
// call; the services check them again because gRPC callers exist too. Change a limit here only.
#ifndef IBASHO_COMMON_LIMITS_H_
#define IBASHO_COMMON_LIMITS_H_

#include <cstddef>

namespace ibasho::limits {

// GET /v1/search: results per page, and the query's length in bytes.
inline constexpr int kMaxSearchPageSize = 100;
inline constexpr int kDefaultSearchPageSize = 10;
inline constexpr int kMaxQueryBytes = 1000;
inline constexpr int kMaxAge = 120;

// GET /v1/suggest
inline constexpr int kMaxSuggestions = 20;
inline constexpr int kDefaultSuggestions = 8;

// GET /v1/events, /v1/calendar.ics (and Search.Events): the longest range, and sessions returned.
inline constexpr int kMaxEventDays = 92;
inline constexpr int kDefaultEventDays = 31;
inline constexpr int kMaxEvents = 2000;
inline constexpr int kDefaultEvents = 500;
// A detail page (/v1/activities/{id}) and its calendar list this many days of sessions.
inline constexpr int kDefaultUpcomingDays = 62;
// GET /guide: listings in one printed guide.
inline constexpr int kMaxGuideListings = 300;

// GET /v1/groups (and the registry's ListGroups)
inline constexpr int kMaxGroupsPageSize = 500;
inline constexpr int kDefaultGroupsPageSize = 50;

// GET /v1/changes (and ListChanges / WatchChanges batches)
inline constexpr int kMaxChangesPageSize = 1000;
inline constexpr int kDefaultChangesPageSize = 100;
inline constexpr int kDefaultWatchBatch = 256;

// Upserts per UpsertGroups call (imports are sent in chunks of this size).
inline constexpr int kMaxUpsertBatch = 500;
// Groups in one POST …/groups:batch request.
inline constexpr int kMaxBatchItems = 1000;

// GET /v1/admin/stale
inline constexpr int kMaxStaleGroups = 1000;
inline constexpr int kMaxStaleDays = 36500;  // older_than: a century

// Listings (model/group_validator).
inline constexpr size_t kMaxTextBytes = 20000;      // descriptions, notes
inline constexpr size_t kMaxShortTextBytes = 1000;  // names, addresses, URLs, phone numbers…
inline constexpr size_t kMaxIdBytes = 200;          // external_id, source
inline constexpr int kMaxActivitiesPerGroup = 200;
inline constexpr int kMaxContactsPerGroup = 50;
inline constexpr int kMaxCategoriesPerActivity = 11;  // one of each

}  // namespace ibasho::limits

#endif  // IBASHO_COMMON_LIMITS_H_
