// JSON ↔ protobuf for the REST API (protobuf's JSON mapping, snake_case names) and the error body
// every failure returns: {"error":{"code":"INVALID_ARGUMENT","message":"…","field":"…"}}.
#ifndef IBASHO_MODEL_JSON_MAPPING_H_
#define IBASHO_MODEL_JSON_MAPPING_H_

#include <google/protobuf/message.h>

#include <string>

#include "common/status.h"

namespace ibasho {

// Parses a JSON object into message. Unknown fields and wrong types are InvalidArgument naming
// the field path (e.g. "activities[0].ages.min"); invalid UTF-8 is rejected.
Status ParseJson(const std::string& json, google::protobuf::Message* message);

// Parses JSON this process wrote itself (stored documents): no UTF-8 or shape checks beyond the
// protobuf parser's. False when it does not parse.
bool ParseStoredJson(const std::string& json, google::protobuf::Message* message);

// Serialises with snake_case names; with print_defaults, zero/empty fields are included.
std::string ToJson(const google::protobuf::Message& message, bool print_defaults = false);

// The error body for a code name such as "INVALID_ARGUMENT".
std::string ErrorJson(const std::string& code, const std::string& message, const std::string& field);

}  // namespace ibasho

#endif  // IBASHO_MODEL_JSON_MAPPING_H_
