// The one weekday table: API codes, the kanji open data uses, labels, and iCalendar names, in
// calendar order from Monday (index 0) to Sunday (6), matching DayOfWeek in civil_date.h.
#ifndef IBASHO_COMMON_WEEKDAY_H_
#define IBASHO_COMMON_WEEKDAY_H_

#include <array>
#include <string_view>

namespace ibasho {

struct WeekdayInfo {
  const char* code;     // mon … sun (API, index terms)
  const char* kanji;    // 月 … 日 (open data: 「第2・4金」)
  const char* label;    // 月曜日 … (facet labels)
  const char* ical;     // MO … SU (RFC 5545 BYDAY)
  const char* english;  // Monday …
};

const std::array<WeekdayInfo, 7>& Weekdays();
// 0 = mon … 6 = sun, or -1 when the code is unknown.
int WeekdayIndex(std::string_view code);
// The same for an iCalendar name (MO … SU); -1 when unknown.
int WeekdayIndexFromIcal(std::string_view ical);
// Japanese label such as 月曜日, or nullptr when the code is unknown.
const char* WeekdayLabel(std::string_view code);

}  // namespace ibasho

#endif  // IBASHO_COMMON_WEEKDAY_H_
