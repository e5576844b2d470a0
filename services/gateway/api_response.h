// Building HTTP responses for the REST API: JSON bodies, the error shape every failure uses, and
// the mapping from gRPC and internal statuses to HTTP codes. Pure functions; thread-safe.
#ifndef IBASHO_SERVICES_GATEWAY_API_RESPONSE_H_
#define IBASHO_SERVICES_GATEWAY_API_RESPONSE_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "common/status.h"
#include "ibasho/registry/v1/registry.pb.h"
#include "services/gateway/auth.h"
#include "services/gateway/http_server.h"

namespace ibasho::gateway {

HttpResponse Json(int status, std::string body);
HttpResponse Error(int status, const std::string& code, const std::string& message, const std::string& field = "");
HttpResponse BadRequest(const Status& s);
// 401 for anonymous callers, 403 for callers whose token does not allow the route.
HttpResponse Denied(const Principal& who, const std::string& what);
int HttpStatusFor(grpc::StatusCode code);
HttpResponse FromGrpc(const grpc::Status& s);
HttpResponse FromStatus(const Status& s);

// r with "Cache-Control: public, max-age=<max_age>": an answer the same for every caller.
HttpResponse SharedForSeconds(HttpResponse r, int max_age);

std::string Etag(int version);
// The group as JSON with its ETag.
HttpResponse GroupResponse(int status, const registry::v1::Group& g);

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_API_RESPONSE_H_
