#include "model/icalendar.h"

#include <gtest/gtest.h>

namespace ibasho::model {
namespace {

CalendarEvent Session(const char* date, const char* opens = "", const char* closes = "") {
  CalendarEvent e;
  e.activity_id = "act1";
  e.summary = "こども食堂";
  e.date = *ParseCivilDate(date);
  e.opens = opens;
  e.closes = closes;
  return e;
}

CalendarOptions Options() {
  CalendarOptions o;
  o.dtstamp = "20261203T000000Z";
  return o;
}

TEST(ICalendar, EscapesTextSpecials) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"a,b", "a\\,b"},
      {"a;b", "a\\;b"},
      {"a\\b", "a\\\\b"},
      {"line1\nline2", "line1\\nline2"},
      {"crlf\r\nnext", "crlf\\nnext"},
      {"tab\tbell\a", "tabbell"},
      {"居場所、です", "居場所、です"},
  };
  for (const auto& c : cases) EXPECT_EQ(EscapeICalText(c.in), c.out) << c.in;
}

TEST(ICalendar, FoldsAt75OctetsWithoutSplittingCharacters) {
  std::string line = "SUMMARY:";
  for (int i = 0; i < 60; ++i) line += "あ";  // 3 octets each
  std::string folded = FoldICalLine(line);
  ASSERT_TRUE(folded.ends_with("\r\n"));
  std::string unfolded;
  size_t start = 0;
  while (start < folded.size()) {
    size_t end = folded.find("\r\n", start);
    std::string part = folded.substr(start, end - start);
    EXPECT_LE(part.size(), 75u);
    if (start > 0) {
      ASSERT_EQ(part[0], ' ');
      part = part.substr(1);
    }
    // Every piece is whole UTF-8: it never starts with a continuation byte.
    ASSERT_FALSE(part.empty());
    EXPECT_NE(static_cast<unsigned char>(part[0]) & 0xc0, 0x80);
    unfolded += part;
    start = end + 2;
  }
  EXPECT_EQ(unfolded, line);
}

TEST(ICalendar, ShortLinesAreNotFolded) { EXPECT_EQ(FoldICalLine("VERSION:2.0"), "VERSION:2.0\r\n"); }

TEST(ICalendar, TimedEventInTokyo) {
  std::string ics = RenderICalendar({Session("2026-12-05", "10:00", "15:30")}, Options());
  EXPECT_NE(ics.find("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), std::string::npos);
  EXPECT_NE(ics.find("TZID:Asia/Tokyo\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART;TZID=Asia/Tokyo:20261205T100000\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTEND;TZID=Asia/Tokyo:20261205T153000\r\n"), std::string::npos);
  EXPECT_NE(ics.find("UID:act1-20261205T1000@ibasho\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTSTAMP:20261203T000000Z\r\n"), std::string::npos);
  EXPECT_TRUE(ics.ends_with("END:VCALENDAR\r\n"));
}

TEST(ICalendar, AllDayEventEndsNextDay) {
  std::string ics = RenderICalendar({Session("2026-12-31")}, Options());
  EXPECT_NE(ics.find("DTSTART;VALUE=DATE:20261231\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTEND;VALUE=DATE:20270101\r\n"), std::string::npos);
  EXPECT_NE(ics.find("UID:act1-20261231@ibasho\r\n"), std::string::npos);
}

TEST(ICalendar, NoEndWhenClosingTimeUnknown) {
  std::string ics = RenderICalendar({Session("2026-12-05", "10:00")}, Options());
  EXPECT_EQ(ics.find("DTEND"), std::string::npos);
}

TEST(ICalendar, UidsAreStableAndDistinctPerSession) {
  EXPECT_EQ(EventUid(Session("2026-12-05", "10:00")), EventUid(Session("2026-12-05", "10:00")));
  EXPECT_NE(EventUid(Session("2026-12-05", "10:00")), EventUid(Session("2026-12-05", "17:00")));
  EXPECT_NE(EventUid(Session("2026-12-05")), EventUid(Session("2026-12-12")));
}

TEST(ICalendar, EveryLineEndsWithCrlfAndFitsInSeventyFiveOctets) {
  CalendarEvent e = Session("2026-12-05", "10:00", "12:00");
  e.description = std::string(300, 'x') + "\n改行のあと、カンマ;セミコロン";
  e.location = "東京都練馬区豊玉北6-12-1 練馬区役所 本庁舎 1階 アトリウム（地下鉄・西武池袋線 練馬駅 徒歩5分）";
  e.has_geo = true;
  e.lat = 35.735;
  e.lon = 139.651;
  std::string ics = RenderICalendar({e}, Options());
  size_t start = 0;
  while (start < ics.size()) {
    size_t end = ics.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u);
    EXPECT_EQ(ics.substr(start, end - start).find('\n'), std::string::npos);
    start = end + 2;
  }
  EXPECT_NE(ics.find("GEO:35.735000;139.651000\r\n"), std::string::npos);
}

}  // namespace
}  // namespace ibasho::model
