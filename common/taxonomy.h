// The category and weekday vocabularies shared by the registry (validation), the search service
// (facet labels) and the gateway (GET /v1/categories). Codes are stable; extend, never rename.
#ifndef IBASHO_COMMON_TAXONOMY_H_
#define IBASHO_COMMON_TAXONOMY_H_

#include <string>
#include <string_view>
#include <vector>

namespace ibasho {

struct CategoryInfo {
  const char* code;
  const char* label;  // Japanese label shown to users
};

const std::vector<CategoryInfo>& Categories();
// Returns the label for a category code, or nullptr when the code is unknown.
const char* CategoryLabel(std::string_view code);

// Weekday codes in calendar order starting Monday: mon tue wed thu fri sat sun.
const std::vector<std::string>& WeekdayCodes();
// 0 = mon … 6 = sun, or -1 when the code is unknown.
int WeekdayIndex(std::string_view code);
// Japanese label such as 月曜日, or nullptr when unknown.
const char* WeekdayLabel(std::string_view code);

}  // namespace ibasho

#endif  // IBASHO_COMMON_TAXONOMY_H_
