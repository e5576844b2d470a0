#include "search/schedule.h"

#include <cstdio>

#include "common/taxonomy.h"

namespace ibasho::search {
namespace {

// Days since 1970-01-01 (Howard Hinnant's civil-from-days algorithm, proleptic Gregorian).
long DaysFromCivil(const CivilDate& d) {
  int y = d.year - (d.month <= 2 ? 1 : 0);
  long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned mp = static_cast<unsigned>(d.month + (d.month > 2 ? -3 : 9));
  unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(d.day) - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

CivilDate CivilFromDays(long z) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = static_cast<long>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

}  // namespace

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::optional<CivilDate> ParseCivilDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  CivilDate d{std::stoi(std::string(s.substr(0, 4))), std::stoi(std::string(s.substr(5, 2))),
              std::stoi(std::string(s.substr(8, 2)))};
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > DaysInMonth(d.year, d.month)) return std::nullopt;
  return d;
}

std::string FormatCivilDate(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

CivilDate AddDays(const CivilDate& d, int days) { return CivilFromDays(DaysFromCivil(d) + days); }

int DayOfWeek(const CivilDate& d) {
  long z = DaysFromCivil(d);  // 1970-01-01 was a Thursday (3)
  return static_cast<int>(((z % 7) + 7 + 3) % 7);
}

bool OccursOn(const registry::v1::Schedule& s, const CivilDate& date) {
  if (s.weeks_unknown()) return false;
  std::string ymd = FormatCivilDate(date);
  if (!s.valid_from().empty() && ymd < s.valid_from()) return false;
  if (!s.valid_to().empty() && ymd > s.valid_to()) return false;
  for (const auto& d : s.dates())
    if (d == ymd) return true;
  int wd = DayOfWeek(date);
  bool weekday_match = false;
  for (const auto& code : s.byday()) weekday_match |= (WeekdayIndex(code) == wd);
  if (!weekday_match) return false;
  if (s.nth_size() == 0) return true;
  int nth = (date.day - 1) / 7 + 1;
  bool last = date.day + 7 > DaysInMonth(date.year, date.month);
  for (int n : s.nth())
    if (n == nth || (n == -1 && last)) return true;
  return false;
}

std::string NextOccurrence(const Schedules& schedules, const CivilDate& from, int horizon_days) {
  for (int i = 0; i <= horizon_days; ++i) {
    CivilDate day = AddDays(from, i);
    const registry::v1::Schedule* earliest = nullptr;
    for (const auto& s : schedules) {
      if (!OccursOn(s, day)) continue;
      if (!earliest || (!s.opens().empty() && (earliest->opens().empty() || s.opens() < earliest->opens())))
        earliest = &s;
    }
    if (earliest) {
      std::string out = FormatCivilDate(day);
      if (!earliest->opens().empty()) {
        std::string hhmm = earliest->opens();
        if (hhmm.size() == 4) hhmm = "0" + hhmm;
        out += "T" + hhmm + "+09:00";
      }
      return out;
    }
  }
  return "";
}

}  // namespace ibasho::search
