// Wall-clock helpers. Stored times are RFC 3339 in UTC; calendar logic (schedules, next occurrence)
// runs in Asia/Tokyo, which has no daylight saving time (UTC+9 all year).
#ifndef IBASHO_COMMON_CLOCK_H_
#define IBASHO_COMMON_CLOCK_H_

#include <string>

namespace ibasho {

// e.g. "2026-11-26T07:30:15.123Z"
std::string NowRfc3339();
// The UTC time days ago, in the same format (for retention cutoffs).
std::string Rfc3339DaysAgo(int days);
// Today's date in Asia/Tokyo as "YYYY-MM-DD".
std::string TokyoToday();

}  // namespace ibasho

#endif  // IBASHO_COMMON_CLOCK_H_
