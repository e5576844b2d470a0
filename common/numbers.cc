#include "common/numbers.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace ibasho {
namespace {

template <typename T>
bool ParseWhole(std::string_view s, T* out) {
  T value{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return false;
  *out = value;
  return true;
}

}  // namespace

bool ParseInt(std::string_view s, int* out) { return ParseWhole(s, out); }
bool ParseInt64(std::string_view s, int64_t* out) { return ParseWhole(s, out); }
bool ParseUint64(std::string_view s, uint64_t* out) { return ParseWhole(s, out); }

bool ParseDouble(std::string_view s, double* out) {
  // std::from_chars for double is in GCC 11+, but strtod is what every libstdc++ has; copy to get
  // a terminator and reject leading whitespace or '+' that strtod would accept.
  if (s.empty() || s.size() > 64 || s.front() == ' ' || s.front() == '+' || s.front() == '\t') return false;
  std::string copy(s);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

}  // namespace ibasho
