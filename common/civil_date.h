// Civil (calendar) dates in Asia/Tokyo, on C++20 <chrono> calendar types. Japan has no daylight
// saving time, so schedules need no time zone arithmetic beyond "today in Tokyo" (common/clock.h).
// All functions are pure and thread-safe.
#ifndef IBASHO_COMMON_CIVIL_DATE_H_
#define IBASHO_COMMON_CIVIL_DATE_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ibasho {

struct CivilDate {
  int year = 1970;
  int month = 1;
  int day = 1;
  auto operator<=>(const CivilDate&) const = default;
};

// Parses exactly "YYYY-MM-DD"; nullopt when malformed or not a real date (2026-02-29).
std::optional<CivilDate> ParseCivilDate(std::string_view s);
// True when s is a real date written as "YYYY-MM-DD".
inline bool IsCivilDate(std::string_view s) { return ParseCivilDate(s).has_value(); }
std::string FormatCivilDate(const CivilDate& d);
CivilDate AddDays(const CivilDate& d, int days);
// 0 = Monday … 6 = Sunday (the index into common/weekday.h's table).
int DayOfWeek(const CivilDate& d);
int DaysInMonth(int year, int month);

// "2026-12-09T17:30+09:00" → 「12月9日(水) 17:30」; a date alone → 「12月9日(水)」; "" when when
// does not start with a date.
std::string JapaneseDateTime(const std::string& when);

std::chrono::sys_days ToSysDays(const CivilDate& d);
CivilDate FromSysDays(std::chrono::sys_days days);

}  // namespace ibasho

#endif  // IBASHO_COMMON_CIVIL_DATE_H_
