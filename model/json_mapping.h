// JSON ↔ protobuf for the REST API and for stored documents.
//
// API JSON is protobuf's JSON mapping with snake_case names, except that enum values are written
// in lower case without their type's prefix (ListingStatus LISTING_STATUS_PENDING_REVIEW is
// "pending_review"; UNSPECIFIED is ""). Stored JSON is protobuf's own mapping (faster both ways).
// All functions are thread-safe.
#ifndef IBASHO_MODEL_JSON_MAPPING_H_
#define IBASHO_MODEL_JSON_MAPPING_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace ibasho {

// Deepest nesting of objects and arrays a request body may have (a group is about 5 deep).
inline constexpr int kMaxJsonDepth = 32;

// Parses an API JSON object into message. Unknown fields, wrong types, unknown enum words and
// nesting deeper than kMaxJsonDepth are InvalidArgument naming the field path (e.g.
// "activities[0].ages.min"); invalid UTF-8 is rejected.
Status ParseJson(const std::string& json, google::protobuf::Message* message);

// True when text nests objects and arrays at most max_depth deep (strings are skipped). Run it
// before any parser that recurses: a few hundred kilobytes of [[[[ would overflow the stack.
bool JsonDepthWithin(std::string_view text, int max_depth = kMaxJsonDepth);

// API JSON; with print_defaults, zero/empty fields are included.
std::string ToJson(const google::protobuf::Message& message, bool print_defaults = false);

// Stored documents: protobuf's JSON mapping. ParseStoredJson also reads API JSON (documents
// stored before enums were introduced); false when neither parses.
std::string ToStoredJson(const google::protobuf::Message& message);
bool ParseStoredJson(const std::string& json, google::protobuf::Message* message);

// The API word for an enum value ("pending_review"; "" for UNSPECIFIED), and back (nullptr when
// the word names no value of the enum).
std::string EnumWord(const google::protobuf::EnumValueDescriptor* value);
const google::protobuf::EnumValueDescriptor* EnumValueForWord(const google::protobuf::EnumDescriptor* type,
                                                              std::string_view word);
template <typename E>
std::string EnumWord(E value) {
  return EnumWord(google::protobuf::GetEnumDescriptor<E>()->FindValueByNumber(static_cast<int>(value)));
}
// Sets *out and returns true when word names a value of E.
template <typename E>
bool EnumFromWord(std::string_view word, E* out) {
  const auto* v = EnumValueForWord(google::protobuf::GetEnumDescriptor<E>(), word);
  if (!v) return false;
  *out = static_cast<E>(v->number());
  return true;
}

}  // namespace ibasho

#endif  // IBASHO_MODEL_JSON_MAPPING_H_
