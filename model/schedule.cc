#include "model/schedule.h"

#include <algorithm>

#include "common/weekday.h"

namespace ibasho::model {

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

namespace {

// "9:00" → "09:00"; anything else as it is.
std::string PaddedTime(const std::string& hhmm) { return hhmm.size() == 4 && hhmm[1] == ':' ? "0" + hhmm : hhmm; }

}  // namespace

std::string TokyoDateTime(const CivilDate& date, const std::string& hhmm) {
  std::string out = FormatCivilDate(date);
  if (!hhmm.empty()) out += "T" + PaddedTime(hhmm) + "+09:00";
  return out;
}

std::vector<Occurrence> OccurrencesBetween(const Schedules& schedules, const CivilDate& first, const CivilDate& last) {
  std::vector<Occurrence> out;
  for (CivilDate day = first; day <= last; day = AddDays(day, 1)) {
    size_t day_start = out.size();
    for (const auto& s : schedules) {
      if (!OccursOn(s, day)) continue;
      Occurrence o{day, PaddedTime(s.opens()), PaddedTime(s.closes()), s.note()};
      bool same_time = false;
      for (size_t i = day_start; i < out.size(); ++i) same_time |= out[i].opens == o.opens;
      if (!same_time) out.push_back(std::move(o));
    }
    std::sort(out.begin() + day_start, out.end(),
              [](const Occurrence& a, const Occurrence& b) { return a.opens < b.opens; });
  }
  return out;
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
    if (earliest) return TokyoDateTime(day, earliest->opens());
  }
  return "";
}

}  // namespace ibasho::model
