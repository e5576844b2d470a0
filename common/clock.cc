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

namespace {

// Digits [at, at + n) of text as a number; -1 when any is not a digit.
int Digits(std::string_view text, size_t at, size_t n) {
  if (at + n > text.size()) return -1;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

}  // namespace

bool ParseRfc3339(std::string_view text, std::chrono::system_clock::time_point* out) {
  using namespace std::chrono;
  auto date = ParseCivilDate(text.substr(0, 10));
  if (!date) return false;
  if (text.size() == 10) {
    *out = ToSysDays(*date) - hours(9);
    return true;
  }
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
    return false;
  int h = Digits(text, 11, 2), m = Digits(text, 14, 2), sec = Digits(text, 17, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return false;
  size_t at = 19;
  milliseconds fraction{0};
  if (text[at] == '.') {
    size_t start = ++at;
    int scale = 100;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      fraction += milliseconds((text[at] - '0') * scale);
      scale /= 10;
      ++at;
    }
    if (at == start) return false;
  }
  minutes offset{0};
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z') && at + 1 == text.size()) {
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    int oh = Digits(text, at + 1, 2), om = Digits(text, at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return false;
    offset = minutes(oh * 60 + om) * (text[at] == '-' ? -1 : 1);
  } else {
    return false;
  }
  *out = ToSysDays(*date) + hours(h) + minutes(m) + seconds(sec) + fraction - offset;
  return true;
}

std::string Clock::NowRfc3339() const { return FormatRfc3339(Now()); }

std::string Clock::Rfc3339DaysAgo(int days) const { return FormatRfc3339(Now() - std::chrono::days(days)); }

std::string Clock::TokyoToday() const {
  auto tokyo = std::chrono::floor<std::chrono::days>(Now() + std::chrono::hours(9));
  return FormatCivilDate(FromSysDays(tokyo));
}

}  // namespace ibasho
