#include "model/json_mapping.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "common/utf8.h"

namespace ibasho {
namespace {

// protobuf reports errors like "(activities[0].title): invalid value 5 for type TYPE_STRING";
// the parenthesised prefix is the field path.
std::string FieldFromParseError(const std::string& message) {
  size_t open = message.find('(');
  size_t close = message.find(')', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos || close <= open + 1) return "";
  return message.substr(open + 1, close - open - 1);
}

}  // namespace

Status ParseJson(const std::string& json, google::protobuf::Message* message) {
  if (!IsValidUtf8(json)) return InvalidArgument("request body is not valid UTF-8");
  // Reject non-objects and syntax errors with a clear message before the protobuf parser.
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("request body is not valid JSON");
  if (!doc.is_object()) return InvalidArgument("request body must be a JSON object");
  google::protobuf::util::JsonParseOptions opts;
  opts.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, message, opts);
  if (!status.ok()) {
    std::string msg(status.message());
    std::string field = FieldFromParseError(msg);
    size_t colon = msg.find("): ");
    std::string text = colon == std::string::npos ? msg : msg.substr(colon + 3);
    if (field.empty() && text.find("Cannot find field") != std::string::npos) {
      // "Cannot find field." does not name the field; find the first unknown top-level key.
      const auto* desc = message->GetDescriptor();
      for (const auto& [key, value] : doc.items()) {
        if (!desc->FindFieldByName(key) && !desc->FindFieldByCamelcaseName(key)) {
          field = key;
          break;
        }
      }
      text = "unknown field";
    }
    return InvalidArgument(text, field);
  }
  return Status::Ok();
}

bool ParseStoredJson(const std::string& json, google::protobuf::Message* message) {
  return google::protobuf::util::JsonStringToMessage(json, message).ok();
}

std::string ToJson(const google::protobuf::Message& message, bool print_defaults) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = print_defaults;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, opts);
  return out;
}

std::string ErrorJson(const std::string& code, const std::string& message, const std::string& field) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}, {"field", field}}}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ibasho
