#include "model/schedule.h"

#include <gtest/gtest.h>

namespace ibasho::model {
namespace {

using registry::v1::Schedule;

CivilDate D(const char* s) { return *ParseCivilDate(s); }

Schedules Of(std::initializer_list<Schedule> list) {
  Schedules out;
  for (const auto& s : list) *out.Add() = s;
  return out;
}

Schedule Weekly(std::initializer_list<const char*> days, const char* opens = "") {
  Schedule s;
  for (const char* d : days) s.add_byday(d);
  s.set_opens(opens);
  return s;
}

Schedule Nth(const char* day, std::initializer_list<int> nth, const char* opens = "") {
  Schedule s = Weekly({day}, opens);
  for (int n : nth) s.add_nth(n);
  return s;
}

struct NextCase {
  const char* name;
  Schedules schedules;
  const char* from;
  const char* expected;
};

TEST(Schedule, NextOccurrenceTable) {
  Schedule dated;
  dated.add_dates("2027-01-05");
  dated.set_opens("10:00");
  Schedule limited = Weekly({"mon"});
  limited.set_valid_from("2026-12-01");
  Schedule ended = Weekly({"mon"});
  ended.set_valid_to("2026-11-01");
  const NextCase cases[] = {
      {"weekly later this week", Of({Weekly({"sat"}, "10:00")}), "2026-11-26", "2026-11-28T10:00+09:00"},
      {"weekly today", Of({Weekly({"thu"})}), "2026-11-26", "2026-11-26"},
      {"weekly across month end", Of({Weekly({"tue"})}), "2026-11-30", "2026-12-01"},
      {"weekly across year end", Of({Weekly({"fri"})}), "2026-12-31", "2027-01-01"},
      {"second saturday next month", Of({Nth("sat", {2})}), "2026-11-26", "2026-12-12"},
      {"2nd and 4th saturday", Of({Nth("sat", {2, 4})}), "2026-11-15", "2026-11-28"},
      {"last saturday", Of({Nth("sat", {-1})}), "2026-11-01", "2026-11-28"},
      {"last saturday of a 5-saturday month", Of({Nth("sat", {-1})}), "2027-01-01", "2027-01-30"},
      {"fifth thursday skips months without one", Of({Nth("thu", {5})}), "2026-11-27", "2026-12-31"},
      {"leap day is a tuesday", Of({Nth("tue", {-1})}), "2028-02-20", "2028-02-29"},
      {"dated event", Of({dated}), "2026-11-26", "2027-01-05T10:00+09:00"},
      {"dated event in the past", Of({dated}), "2027-01-06", ""},
      {"valid_from delays", Of({limited}), "2026-11-26", "2026-12-07"},
      {"valid_to ended", Of({ended}), "2026-11-26", ""},
      {"earliest of several", Of({Weekly({"sun"}, "18:00"), Weekly({"fri"}, "09:00")}), "2026-11-26",
       "2026-11-27T09:00+09:00"},
      {"same day picks earliest opening", Of({Weekly({"sat"}, "17:30"), Weekly({"sat"}, "12:00")}), "2026-11-28",
       "2026-11-28T12:00+09:00"},
  };
  for (const auto& c : cases) EXPECT_EQ(NextOccurrence(c.schedules, D(c.from)), c.expected) << c.name;
}

}  // namespace
}  // namespace ibasho::model
