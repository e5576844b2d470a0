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

// The sessions as "date opens-closes" strings, for compact expectations.
std::vector<std::string> Sessions(const Schedules& schedules, const char* first, const char* last) {
  std::vector<std::string> out;
  for (const Occurrence& o : OccurrencesBetween(schedules, D(first), D(last))) {
    std::string s = FormatCivilDate(o.date);
    if (!o.opens.empty()) s += " " + o.opens + "-" + o.closes;
    out.push_back(s);
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(Occurrences, WeeklyAcrossMonthEnd) {
  Schedule s = Weekly({"sat"}, "9:30");
  s.set_closes("12:00");
  EXPECT_EQ(Sessions(Of({s}), "2026-11-25", "2026-12-12"),
            (Strings{"2026-11-28 09:30-12:00", "2026-12-05 09:30-12:00", "2026-12-12 09:30-12:00"}));
}

TEST(Occurrences, SecondAndFourthSaturday) {
  EXPECT_EQ(Sessions(Of({Nth("sat", {2, 4})}), "2026-12-01", "2027-01-31"),
            (Strings{"2026-12-12", "2026-12-26", "2027-01-09", "2027-01-23"}));
}

TEST(Occurrences, FifthWeekOnlyInMonthsThatHaveOne) {
  // Thursdays: December 2026 has five (31st), January 2027 four, April 2027 five (29th).
  EXPECT_EQ(Sessions(Of({Nth("thu", {5})}), "2026-12-01", "2027-04-30"), (Strings{"2026-12-31", "2027-04-29"}));
}

TEST(Occurrences, LastWeekdayOfFebruaryInALeapYear) {
  EXPECT_EQ(Sessions(Of({Nth("tue", {-1})}), "2028-02-01", "2028-03-31"), (Strings{"2028-02-29", "2028-03-28"}));
}

TEST(Occurrences, DatedSessionsAndValidityBounds) {
  Schedule dated;
  dated.add_dates("2026-12-24");
  dated.add_dates("2027-01-07");
  Schedule limited = Weekly({"mon"});
  limited.set_valid_from("2026-12-10");
  limited.set_valid_to("2026-12-21");
  EXPECT_EQ(Sessions(Of({dated, limited}), "2026-12-01", "2026-12-31"),
            (Strings{"2026-12-14", "2026-12-21", "2026-12-24"}));
}

TEST(Occurrences, SameDayByOpeningTimeWithoutDuplicates) {
  Schedule evening = Weekly({"sat"}, "17:00");
  Schedule morning = Weekly({"sat"}, "10:00");
  Schedule morning_again = Nth("sat", {1}, "10:00");
  EXPECT_EQ(Sessions(Of({evening, morning, morning_again}), "2026-12-05", "2026-12-05"),
            (Strings{"2026-12-05 10:00-", "2026-12-05 17:00-"}));
}

TEST(Occurrences, WeeksUnknownGivesNoSessions) {
  Schedule s = Weekly({"sat"});
  s.set_weeks_unknown(true);
  EXPECT_TRUE(Sessions(Of({s}), "2026-12-01", "2026-12-31").empty());
}

TEST(Occurrences, EmptyWhenLastIsBeforeFirst) {
  EXPECT_TRUE(Sessions(Of({Weekly({"sat"})}), "2026-12-31", "2026-12-01").empty());
}

}  // namespace
}  // namespace ibasho::model
