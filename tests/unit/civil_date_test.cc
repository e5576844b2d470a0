#include "common/civil_date.h"

#include <gtest/gtest.h>

#include "common/clock.h"

namespace ibasho {
namespace {

CivilDate D(const char* s) { return *ParseCivilDate(s); }

TEST(CivilDate, ParsesOnlyRealDates) {
  EXPECT_TRUE(ParseCivilDate("2028-02-29"));
  EXPECT_FALSE(ParseCivilDate("2026-02-29"));
  EXPECT_FALSE(ParseCivilDate("2026-13-01"));
  EXPECT_FALSE(ParseCivilDate("2026-1-01"));
  EXPECT_FALSE(ParseCivilDate("abcd-ef-gh"));
}

TEST(CivilDate, DayOfWeek) {
  EXPECT_EQ(DayOfWeek(D("2026-11-26")), 3);  // Thursday
  EXPECT_EQ(DayOfWeek(D("2000-01-01")), 5);  // Saturday
  EXPECT_EQ(DayOfWeek(D("2028-02-29")), 1);  // Tuesday
}

TEST(CivilDate, AddDaysCrossesMonthYearAndLeapDay) {
  EXPECT_EQ(FormatCivilDate(AddDays(D("2026-12-31"), 1)), "2027-01-01");
  EXPECT_EQ(FormatCivilDate(AddDays(D("2028-02-28"), 1)), "2028-02-29");
  EXPECT_EQ(FormatCivilDate(AddDays(D("2027-02-28"), 1)), "2027-03-01");
  EXPECT_EQ(FormatCivilDate(AddDays(D("2026-03-01"), -1)), "2026-02-28");
}

TEST(CivilDate, DaysInMonthKnowsLeapYears) {
  EXPECT_EQ(DaysInMonth(2028, 2), 29);
  EXPECT_EQ(DaysInMonth(2100, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(2026, 12), 31);
}

TEST(Clock, TokyoTodayIsNineHoursAheadOfUtc) {
  using namespace std::chrono;
  ManualClock clock(sys_days{year{2026} / 12 / 3} + hours(14) + minutes(59));
  EXPECT_EQ(clock.TokyoToday(), "2026-12-03");  // 23:59 in Tokyo
  clock.Advance(minutes(1));
  EXPECT_EQ(clock.TokyoToday(), "2026-12-04");
  EXPECT_EQ(clock.NowRfc3339(), "2026-12-03T15:00:00.000Z");
  EXPECT_EQ(clock.Rfc3339DaysAgo(3), "2026-11-30T15:00:00.000Z");
}

TEST(Rfc3339, ParsesTimesDatesAndOffsetsIntoUtc) {
  struct Case {
    const char* text;
    const char* utc;  // empty: rejected
  };
  const Case cases[] = {
      {"2026-12-01T10:00:00Z", "2026-12-01T10:00:00.000Z"},
      {"2026-12-01T10:00:00.25Z", "2026-12-01T10:00:00.250Z"},
      {"2026-12-01T19:00:00+09:00", "2026-12-01T10:00:00.000Z"},
      {"2026-12-01T01:00:00-02:30", "2026-12-01T03:30:00.000Z"},
      {"2026-12-01", "2026-11-30T15:00:00.000Z"},  // a date is midnight in Tokyo
      {"2026-12-01T10:00:00", ""},
      {"2026-12-01T10:00Z", ""},
      {"2026-02-30T10:00:00Z", ""},
      {"2026-12-01T24:00:00Z", ""},
      {"2026-12-01T10:00:00.Z", ""},
      {"yesterday", ""},
      {"", ""},
  };
  for (const auto& c : cases) {
    std::chrono::system_clock::time_point t;
    bool ok = ParseRfc3339(c.text, &t);
    EXPECT_EQ(ok, *c.utc != '\0') << c.text;
    if (ok) {
      EXPECT_EQ(FormatRfc3339(t), c.utc) << c.text;
    }
  }
}

TEST(CivilDate, JapaneseDateTimeWithWeekday) {
  EXPECT_EQ(JapaneseDateTime("2026-12-05T12:00+09:00"), "12月5日(土) 12:00");
  EXPECT_EQ(JapaneseDateTime("2027-01-01"), "1月1日(金)");
  EXPECT_EQ(JapaneseDateTime(""), "");
  EXPECT_EQ(JapaneseDateTime("not a date"), "");
}

}  // namespace
}  // namespace ibasho
