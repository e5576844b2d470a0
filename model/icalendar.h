// iCalendar (RFC 5545) output for sessions of activities: a VCALENDAR with the Asia/Tokyo time
// zone and one VEVENT per session, subscribable from calendar applications. Pure functions;
// thread-safe.
#ifndef IBASHO_MODEL_ICALENDAR_H_
#define IBASHO_MODEL_ICALENDAR_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.h"

namespace ibasho::model {

// One session as a calendar event.
struct CalendarEvent {
  std::string activity_id;  // with date and opens, makes the UID stable across exports
  std::string summary;
  std::string description;
  std::string location;
  std::string url;  // the activity's page
  CivilDate date;
  std::string opens;   // "HH:MM"; empty: an all-day event
  std::string closes;  // "HH:MM"; empty: no end time
  bool has_geo = false;
  double lat = 0, lon = 0;
};

struct CalendarOptions {
  std::string name = "ibasho";  // X-WR-CALNAME
  std::string dtstamp;          // "YYYYMMDDTHHMMSSZ": when the file was made (UTC)
};

// The whole calendar, CRLF line ends, lines folded at 75 octets.
std::string RenderICalendar(const std::vector<CalendarEvent>& events, const CalendarOptions& options);

// TEXT value escaping: backslash, semicolon, comma and newlines (RFC 5545 3.3.11).
std::string EscapeICalText(std::string_view text);
// One content line folded at 75 octets without splitting a UTF-8 character, with CRLF ends.
std::string FoldICalLine(std::string_view line);
// The UID of a session: "<activity>-<YYYYMMDD>[T<HHMM>]@ibasho".
std::string EventUid(const CalendarEvent& event);

}  // namespace ibasho::model

#endif  // IBASHO_MODEL_ICALENDAR_H_
