// The error body every failure of the HTTP API uses, in the shape of Google's AIP-193:
//   {"error":{"code":400,"status":"INVALID_ARGUMENT","message":"…","details":[
//     {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_FIELD","domain":"ibasho",…},
//     {"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"q","description":"…"}]}]}}
// `status` is always a canonical google.rpc.Code name; `reason` is a stable UPPER_SNAKE_CASE word a
// client may branch on. Pure functions; thread-safe.
#ifndef IBASHO_SERVICES_GATEWAY_API_ERROR_H_
#define IBASHO_SERVICES_GATEWAY_API_ERROR_H_

#include <string>
#include <string_view>

namespace ibasho::gateway {

struct ApiError {
  int http = 500;
  std::string status = "INTERNAL";  // canonical code name, e.g. INVALID_ARGUMENT
  std::string message;              // English, for developers
  std::string field;                // the parameter, header or body field at fault; may be empty
  std::string reason;               // empty: derived from http, status and field (ReasonFor)
};

// The reason a client branches on when the caller gave none, e.g. 400 with a field: INVALID_FIELD.
std::string ReasonFor(int http, std::string_view status, std::string_view field);

// The JSON body. japanese: the message is the Japanese one for the reason (the English message
// stays in the ErrorInfo metadata and the field violation's description).
std::string ApiErrorJson(const ApiError& error, bool japanese = false);
inline std::string ApiErrorJson(int http, std::string status, std::string message, std::string field = "") {
  ApiError e;
  e.http = http;
  e.status = std::move(status);
  e.message = std::move(message);
  e.field = std::move(field);
  return ApiErrorJson(e);
}

// True when an Accept-Language header prefers Japanese ("ja", "ja-JP", "ja;q=0.9, en;q=0.8").
bool PrefersJapanese(std::string_view accept_language);

// Rewrites an error body made by ApiErrorJson into Japanese; other bodies come back unchanged.
std::string LocalizeErrorJson(const std::string& body);

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_API_ERROR_H_
