#include "model/icalendar.h"

#include <algorithm>
#include <cstdio>

#include "common/utf8.h"

namespace ibasho::model {
namespace {

constexpr size_t kMaxLineOctets = 75;

// "YYYYMMDD".
std::string BasicDate(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year, d.month, d.day);
  return buf;
}

// "HH:MM" → "HHMM00".
std::string BasicTime(const std::string& hhmm) { return hhmm.substr(0, 2) + hhmm.substr(3, 2) + "00"; }

void AddLine(std::string* out, std::string_view line) { *out += FoldICalLine(line); }

void AddEvent(std::string* out, const CalendarEvent& e, const CalendarOptions& options) {
  AddLine(out, "BEGIN:VEVENT");
  AddLine(out, "UID:" + EventUid(e));
  AddLine(out, "DTSTAMP:" + options.dtstamp);
  if (e.opens.empty()) {
    AddLine(out, "DTSTART;VALUE=DATE:" + BasicDate(e.date));
    AddLine(out, "DTEND;VALUE=DATE:" + BasicDate(AddDays(e.date, 1)));
  } else {
    AddLine(out, "DTSTART;TZID=Asia/Tokyo:" + BasicDate(e.date) + "T" + BasicTime(e.opens));
    if (!e.closes.empty() && e.closes > e.opens)
      AddLine(out, "DTEND;TZID=Asia/Tokyo:" + BasicDate(e.date) + "T" + BasicTime(e.closes));
  }
  AddLine(out, "SUMMARY:" + EscapeICalText(e.summary));
  if (!e.description.empty()) AddLine(out, "DESCRIPTION:" + EscapeICalText(e.description));
  if (!e.location.empty()) AddLine(out, "LOCATION:" + EscapeICalText(e.location));
  if (e.has_geo) {
    char geo[64];
    std::snprintf(geo, sizeof geo, "GEO:%.6f;%.6f", e.lat, e.lon);
    AddLine(out, geo);
  }
  if (!e.url.empty()) AddLine(out, "URL:" + e.url);
  AddLine(out, "END:VEVENT");
}

}  // namespace

std::string EscapeICalText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        // Other control characters are not allowed in TEXT.
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    }
  }
  return out;
}

std::string FoldICalLine(std::string_view line) {
  std::string out;
  size_t limit = kMaxLineOctets;  // continuation lines start with a space, which counts
  size_t used = 0;
  for (size_t i = 0; i < line.size();) {
    size_t len = std::min(Utf8SequenceLength(static_cast<unsigned char>(line[i])), line.size() - i);
    if (used + len > limit) {
      out += "\r\n ";
      used = 1;
    }
    out.append(line.substr(i, len));
    used += len;
    i += len;
  }
  out += "\r\n";
  return out;
}

std::string EventUid(const CalendarEvent& e) {
  std::string uid = e.activity_id + "-" + BasicDate(e.date);
  if (!e.opens.empty()) uid += "T" + BasicTime(e.opens).substr(0, 4);
  return uid + "@ibasho";
}

std::string RenderICalendar(const std::vector<CalendarEvent>& events, const CalendarOptions& options) {
  std::string out;
  AddLine(&out, "BEGIN:VCALENDAR");
  AddLine(&out, "VERSION:2.0");
  AddLine(&out, "PRODID:-//ibasho//events//JA");
  AddLine(&out, "CALSCALE:GREGORIAN");
  AddLine(&out, "METHOD:PUBLISH");
  AddLine(&out, "X-WR-CALNAME:" + EscapeICalText(options.name));
  AddLine(&out, "X-WR-TIMEZONE:Asia/Tokyo");
  // Japan has kept +09:00 without daylight saving since 1951.
  for (const char* line : {"BEGIN:VTIMEZONE", "TZID:Asia/Tokyo", "BEGIN:STANDARD", "DTSTART:19700101T000000",
                           "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "TZNAME:JST", "END:STANDARD", "END:VTIMEZONE"})
    AddLine(&out, line);
  for (const CalendarEvent& e : events) AddEvent(&out, e, options);
  AddLine(&out, "END:VCALENDAR");
  return out;
}

}  // namespace ibasho::model
