// The age bands of search's age_band facet and filter, and of LINE delivery profiles: an activity
// is in every band its ages overlap. Codes are stable (API values); labels are Japanese.
#ifndef IBASHO_COMMON_AGE_BANDS_H_
#define IBASHO_COMMON_AGE_BANDS_H_

#include <string_view>
#include <vector>

namespace ibasho {

struct AgeBand {
  const char* code;
  const char* label;
  int min;
  int max;
};
inline const std::vector<AgeBand>& AgeBands() {
  static const std::vector<AgeBand> kBands = {
      {"preschool", "未就学児", 0, 5},   {"elementary", "小学生", 6, 12},  {"junior_high", "中学生", 13, 15},
      {"high_school", "高校生", 16, 18}, {"adult", "若者・大人", 19, 200},
  };
  return kBands;
}

// Whether an activity for ages min..max (max 0: no upper bound) is in the band.
inline bool InAgeBand(int min, int max, const AgeBand& band) {
  return min <= band.max && (max == 0 || max >= band.min);
}

// The band with code, or nullptr.
inline const AgeBand* FindAgeBand(std::string_view code) {
  for (const AgeBand& b : AgeBands())
    if (code == b.code) return &b;
  return nullptr;
}

}  // namespace ibasho

#endif  // IBASHO_COMMON_AGE_BANDS_H_
