#include "common/clock.h"

#include <cstdio>
#include <ctime>

#include "common/civil_date.h"

namespace ibasho {
namespace {

class RealClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace

const Clock* SystemClock() {
  static const RealClock kClock;
  return &kClock;
}

std::string FormatRfc3339(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string Clock::NowRfc3339() const { return FormatRfc3339(Now()); }

std::string Clock::Rfc3339DaysAgo(int days) const { return FormatRfc3339(Now() - std::chrono::days(days)); }

std::string Clock::TokyoToday() const {
  auto tokyo = std::chrono::floor<std::chrono::days>(Now() + std::chrono::hours(9));
  return FormatCivilDate(FromSysDays(tokyo));
}

}  // namespace ibasho
