#include "services/gateway/api_response.h"

#include "model/json_mapping.h"
#include "services/common/grpc_status.h"
#include "services/gateway/api_error.h"

namespace ibasho::gateway {

HttpResponse Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse Error(int status, const std::string& code, const std::string& message, const std::string& field) {
  return Json(status, ApiErrorJson(status, code, message, field));
}

HttpResponse BadRequest(const Status& s) { return Error(400, "INVALID_ARGUMENT", s.message(), s.field()); }

HttpResponse Denied(const Principal& who, const std::string& what) {
  if (who.role == Role::kAnonymous) {
    HttpResponse r = Error(401, "UNAUTHENTICATED", what + " needs Authorization: Bearer <token>", "Authorization");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  return Error(403, "PERMISSION_DENIED", std::string("a ") + RoleName(who.role) + " token may not " + what);
}

int HttpStatusFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 412;
    case grpc::StatusCode::OUT_OF_RANGE:
      return 410;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

HttpResponse FromGrpc(const grpc::Status& s) {
  std::string message = s.error_message();
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE)
    message = "a backend service is unavailable (" + message + "); try again shortly";
  return Error(HttpStatusFor(s.error_code()), services::GrpcCodeName(s.error_code()), message, services::FieldOf(s));
}

HttpResponse FromStatus(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) return BadRequest(s);
  int http = s.code() == StatusCode::kUnauthenticated ? 401 : s.code() == StatusCode::kUnavailable ? 503 : 500;
  return Error(http, StatusCodeName(s.code()), s.message(), s.field());
}

HttpResponse SharedForSeconds(HttpResponse r, int max_age) {
  r.headers.emplace_back("Cache-Control", "public, max-age=" + std::to_string(max_age));
  return r;
}

std::string Etag(int version) { return "\"" + std::to_string(version) + "\""; }

HttpResponse GroupResponse(int status, const registry::v1::Group& g) {
  HttpResponse r = Json(status, ToJson(g));
  r.headers.emplace_back("ETag", Etag(g.version()));
  return r;
}

}  // namespace ibasho::gateway
