// Wall-clock time behind a seam. Stored times are RFC 3339 in UTC; calendar logic (schedules, next
// occurrence) runs in Asia/Tokyo, which has no daylight saving time (UTC+9 all year).
//
// Components that stamp or compare times take a `const Clock*` in their options (default
// SystemClock()) so tests can fix or advance time. Clocks must be thread-safe.
#ifndef IBASHO_COMMON_CLOCK_H_
#define IBASHO_COMMON_CLOCK_H_

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

namespace ibasho {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;

  // e.g. "2026-11-26T07:30:15.123Z"
  std::string NowRfc3339() const;
  // The UTC time days ago, in the same format (for retention cutoffs).
  std::string Rfc3339DaysAgo(int days) const;
  // Today's date in Asia/Tokyo as "YYYY-MM-DD".
  std::string TokyoToday() const;
};

// The real clock; never null, lives for the whole process.
const Clock* SystemClock();

// A clock that stands still until told to move (tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start) : now_(start) {}
  std::chrono::system_clock::time_point Now() const override { return now_.load(); }
  void Set(std::chrono::system_clock::time_point t) { now_.store(t); }
  void Advance(std::chrono::system_clock::duration d) { now_.store(now_.load() + d); }

 private:
  std::atomic<std::chrono::system_clock::time_point> now_;
};

// Formats a time point as RFC 3339 UTC with milliseconds.
std::string FormatRfc3339(std::chrono::system_clock::time_point t);

// Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" (RFC 3339), or a date alone
// "YYYY-MM-DD", read as midnight in Asia/Tokyo. False when text is neither.
bool ParseRfc3339(std::string_view text, std::chrono::system_clock::time_point* out);

// Shorthands for SystemClock()'s.
inline std::string NowRfc3339() { return SystemClock()->NowRfc3339(); }
inline std::string Rfc3339DaysAgo(int days) { return SystemClock()->Rfc3339DaysAgo(days); }
inline std::string TokyoToday() { return SystemClock()->TokyoToday(); }

}  // namespace ibasho

#endif  // IBASHO_COMMON_CLOCK_H_
