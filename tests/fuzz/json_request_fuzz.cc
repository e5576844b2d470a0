// Request bodies: the API's JSON → Group mapping (enum words, depth, types), then defaults and
// validation, as POST /v1/groups and partner writes run them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/group_validator.h"
#include "model/json_mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  ibasho::registry::v1::Group group;
  if (!ibasho::ParseJson(body, &group).ok()) return 0;
  ibasho::model::ApplyDefaults(&group);
  (void)ibasho::model::ValidateGroup(group);
  (void)ibasho::ToJson(group);
  return 0;
}
