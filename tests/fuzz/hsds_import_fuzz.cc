// HSDS 3.0 organizations as partners upload them to the import route.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "model/group_validator.h"
#include "model/hsds.h"
#include "model/json_mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (!ibasho::JsonDepthWithin(text)) return 0;  // the gateway refuses these before parsing
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  nlohmann::json orgs = doc.is_array() ? doc : nlohmann::json::array({doc});
  for (const auto& org : orgs) {
    auto group = ibasho::model::GroupFromHsds(org);
    if (!group.ok()) continue;
    ibasho::model::ApplyDefaults(&*group);
    if (ibasho::model::ValidateGroup(*group).ok()) (void)ibasho::model::OrganizationToHsds(*group);
  }
  return 0;
}
