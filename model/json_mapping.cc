#include "model/json_mapping.h"

#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "common/utf8.h"

namespace ibasho {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using Json = nlohmann::ordered_json;

// protobuf reports errors like "(activities[0].title): invalid value 5 for type TYPE_STRING";
// the parenthesised prefix is the field path.
std::string FieldFromParseError(const std::string& message) {
  size_t open = message.find('(');
  size_t close = message.find(')', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos || close <= open + 1) return "";
  return message.substr(open + 1, close - open - 1);
}

// "ListingStatus" → "LISTING_STATUS_"
std::string EnumPrefix(const EnumDescriptor* type) {
  std::string out;
  for (char c : type->name()) {
    if (std::isupper(static_cast<unsigned char>(c)) && !out.empty()) out += '_';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out + "_";
}

// Whether a message type has an enum field anywhere in its tree (cached per type).
bool HasEnums(const Descriptor* d) {
  static std::mutex mu;
  static auto* known = new std::unordered_map<const Descriptor*, bool>();
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = known->find(d);
    if (it != known->end()) return it->second;
    (*known)[d] = false;  // recursive types: assume none while looking
  }
  bool found = false;
  for (int i = 0; i < d->field_count() && !found; ++i) {
    const FieldDescriptor* f = d->field(i);
    found = f->type() == FieldDescriptor::TYPE_ENUM ||
            (f->type() == FieldDescriptor::TYPE_MESSAGE && HasEnums(f->message_type()));
  }
  std::lock_guard<std::mutex> lock(mu);
  (*known)[d] = found;
  return found;
}

const FieldDescriptor* FindField(const Descriptor* d, const std::string& key) {
  const FieldDescriptor* f = d->FindFieldByName(key);
  return f ? f : d->FindFieldByCamelcaseName(key);
}

// Rewrites canonical enum names in j (protobuf's JSON of a message of type d) to API words.
void CanonicalToApi(const Descriptor* d, Json* j) {
  if (!j->is_object()) return;
  for (auto it = j->begin(); it != j->end(); ++it) {
    const FieldDescriptor* f = FindField(d, it.key());
    if (!f) continue;
    auto one = [&](Json* v) {
      if (f->type() == FieldDescriptor::TYPE_ENUM && v->is_string()) {
        *v = EnumWord(f->enum_type()->FindValueByName(v->get<std::string>()));
      } else if (f->type() == FieldDescriptor::TYPE_MESSAGE && HasEnums(f->message_type())) {
        CanonicalToApi(f->message_type(), v);
      }
    };
    if (it.value().is_array()) {
      for (auto& v : it.value()) one(&v);
    } else {
      one(&it.value());
    }
  }
}

Status EnumToCanonical(const FieldDescriptor* f, Json* value, const std::string& path) {
  const EnumDescriptor* e = f->enum_type();
  auto allowed = [&] {
    std::string list;
    for (int v = 0; v < e->value_count(); ++v) {
      std::string w = EnumWord(e->value(v));
      if (!w.empty()) list += (list.empty() ? "" : ", ") + w;
    }
    return list;
  };
  if (!value->is_string()) return InvalidArgument("must be one of " + allowed(), path);
  const EnumValueDescriptor* v = EnumValueForWord(e, value->get<std::string>());
  if (!v) return InvalidArgument("\"" + value->get<std::string>() + "\" is not one of " + allowed(), path);
  *value = v->name();
  return Status::Ok();
}

// Rewrites API enum words in j (an object of message type d) to canonical names.
Status ApiToCanonical(const Descriptor* d, Json* j, const std::string& path) {
  if (!j->is_object()) return Status::Ok();  // the protobuf parser names the type error
  for (auto it = j->begin(); it != j->end(); ++it) {
    const FieldDescriptor* f = FindField(d, it.key());
    if (!f || it.value().is_null()) continue;
    std::string here = path.empty() ? it.key() : path + "." + it.key();
    // protobuf's parser takes "true" for a bool; the API wants the JSON literal.
    if (f->type() == FieldDescriptor::TYPE_BOOL && !f->is_repeated() && !it.value().is_boolean())
      return InvalidArgument("must be true or false", here);
    bool is_enum = f->type() == FieldDescriptor::TYPE_ENUM;
    bool is_message = f->type() == FieldDescriptor::TYPE_MESSAGE && !f->is_map();
    if (!is_enum && !is_message) continue;
    auto one = [&](Json* v, const std::string& p) {
      return is_enum ? EnumToCanonical(f, v, p) : ApiToCanonical(f->message_type(), v, p);
    };
    if (f->is_repeated() && it.value().is_array()) {
      for (size_t k = 0; k < it.value().size(); ++k) {
        Status s = one(&it.value()[k], here + "[" + std::to_string(k) + "]");
        if (!s.ok()) return s;
      }
    } else if (!f->is_repeated()) {
      Status s = one(&it.value(), here);
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

}  // namespace

std::string EnumWord(const EnumValueDescriptor* value) {
  if (!value || value->number() == 0) return "";
  std::string prefix = EnumPrefix(value->type());
  std::string name = value->name();
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

const EnumValueDescriptor* EnumValueForWord(const EnumDescriptor* type, std::string_view word) {
  for (int v = 0; v < type->value_count(); ++v)
    if (EnumWord(type->value(v)) == word) return type->value(v);
  return nullptr;
}

bool JsonDepthWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

Status ParseJson(const std::string& json, google::protobuf::Message* message) {
  if (!IsValidUtf8(json)) return InvalidArgument("request body is not valid UTF-8");
  if (!JsonDepthWithin(json))
    return InvalidArgument("request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  // Reject non-objects and syntax errors with a clear message before the protobuf parser.
  Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("request body is not valid JSON");
  if (!doc.is_object()) return InvalidArgument("request body must be a JSON object");
  const Descriptor* desc = message->GetDescriptor();
  Status enums = ApiToCanonical(desc, &doc, "");
  if (!enums.ok()) return enums;
  google::protobuf::util::JsonParseOptions opts;
  opts.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(doc.dump(), message, opts);
  if (!status.ok()) {
    std::string msg(status.message());
    std::string field = FieldFromParseError(msg);
    size_t colon = msg.find("): ");
    std::string text = colon == std::string::npos ? msg : msg.substr(colon + 3);
    if (field.empty() && text.find("Cannot find field") != std::string::npos) {
      // "Cannot find field." does not name the field; find the first unknown top-level key.
      for (const auto& [key, value] : doc.items()) {
        if (!FindField(desc, key)) {
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

std::string ToStoredJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, opts);
  return out;
}

bool ParseStoredJson(const std::string& json, google::protobuf::Message* message) {
  if (google::protobuf::util::JsonStringToMessage(json, message).ok()) return true;
  message->Clear();
  return ParseJson(json, message).ok();
}

std::string ToJson(const google::protobuf::Message& message, bool print_defaults) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = print_defaults;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, opts);
  const Descriptor* d = message.GetDescriptor();
  if (!HasEnums(d)) return out;
  Json doc = Json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return out;
  CanonicalToApi(d, &doc);
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace ibasho
