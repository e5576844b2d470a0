#include "common/civil_date.h"

#include <cstdio>

namespace ibasho {

std::chrono::sys_days ToSysDays(const CivilDate& d) {
  return std::chrono::sys_days{std::chrono::year{d.year} / std::chrono::month{static_cast<unsigned>(d.month)} /
                               std::chrono::day{static_cast<unsigned>(d.day)}};
}

CivilDate FromSysDays(std::chrono::sys_days days) {
  std::chrono::year_month_day ymd{days};
  return CivilDate{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

int DaysInMonth(int year, int month) {
  std::chrono::year_month_day_last last{std::chrono::year{year} /
                                        std::chrono::month_day_last{std::chrono::month{static_cast<unsigned>(month)}}};
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

std::optional<CivilDate> ParseCivilDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y} / std::chrono::month{static_cast<unsigned>(m)} /
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return CivilDate{y, m, d};
}

std::string FormatCivilDate(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

CivilDate AddDays(const CivilDate& d, int days) { return FromSysDays(ToSysDays(d) + std::chrono::days{days}); }

int DayOfWeek(const CivilDate& d) {
  // iso_encoding: Monday 1 … Sunday 7.
  return static_cast<int>(std::chrono::weekday{ToSysDays(d)}.iso_encoding()) - 1;
}

std::string JapaneseDateTime(const std::string& when) {
  static constexpr const char* kWeekdays[] = {"月", "火", "水", "木", "金", "土", "日"};
  auto date = ParseCivilDate(when.substr(0, 10));
  if (!date) return "";
  std::string out =
      std::to_string(date->month) + "月" + std::to_string(date->day) + "日(" + kWeekdays[DayOfWeek(*date)] + ")";
  if (when.size() >= 16) out += " " + when.substr(11, 5);
  return out;
}

}  // namespace ibasho
