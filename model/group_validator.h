// Rules every stored group satisfies. The registry applies defaults, then validates, before any
// write; a failure names the offending field path, e.g. "activities[2].schedules[0].byday".
#ifndef IBASHO_MODEL_GROUP_VALIDATOR_H_
#define IBASHO_MODEL_GROUP_VALIDATOR_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::model {

// Fills what can be derived: status published when unspecified, activity status from the group,
// contact visibility staff when unspecified (private unless said otherwise), the municipality from the
// address (東京都練馬区… → 練馬区), fee.free when the amount is 0 and no text says otherwise.
void ApplyDefaults(registry::v1::Group* group);

// Returns OK or InvalidArgument naming the first offending field.
Status ValidateGroup(const registry::v1::Group& group);

// For importers: line breaks and other control characters in one-line fields (a name typed over
// two lines in a spreadsheet cell) become spaces; prose fields keep their line breaks.
void CleanImportedText(registry::v1::Group* group);

// "東京都練馬区石神井町1-2-3" → "練馬区"; "" when no municipality can be found.
std::string MunicipalityFromAddress(std::string_view address);

}  // namespace ibasho::model

#endif  // IBASHO_MODEL_GROUP_VALIDATOR_H_
