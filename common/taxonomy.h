// The category vocabulary shared by the registry (validation), the search service
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

}  // namespace ibasho

#endif  // IBASHO_COMMON_TAXONOMY_H_
