#include "common/weekday.h"

namespace ibasho {

const std::array<WeekdayInfo, 7>& Weekdays() {
  static const std::array<WeekdayInfo, 7> kWeekdays = {{
      {"mon", "月", "月曜日", "MO", "Monday"},
      {"tue", "火", "火曜日", "TU", "Tuesday"},
      {"wed", "水", "水曜日", "WE", "Wednesday"},
      {"thu", "木", "木曜日", "TH", "Thursday"},
      {"fri", "金", "金曜日", "FR", "Friday"},
      {"sat", "土", "土曜日", "SA", "Saturday"},
      {"sun", "日", "日曜日", "SU", "Sunday"},
  }};
  return kWeekdays;
}

int WeekdayIndex(std::string_view code) {
  for (size_t i = 0; i < Weekdays().size(); ++i)
    if (code == Weekdays()[i].code) return static_cast<int>(i);
  return -1;
}

int WeekdayIndexFromIcal(std::string_view ical) {
  for (size_t i = 0; i < Weekdays().size(); ++i)
    if (ical == Weekdays()[i].ical) return static_cast<int>(i);
  return -1;
}

const char* WeekdayLabel(std::string_view code) {
  int i = WeekdayIndex(code);
  return i < 0 ? nullptr : Weekdays()[i].label;
}

}  // namespace ibasho
