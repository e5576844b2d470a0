// Request ids and access logs across the three processes. The gateway accepts a caller's
// X-Request-Id (or makes one) and puts it in scope for the request's thread; every gRPC context it
// makes in that scope carries it as "x-request-id" metadata (AddRequestId), and every service
// logs each call it answers as one JSON line with that id (AccessLogInterceptorFactory), so one
// id finds a request in all three logs.
//
// Thread-safety: the scope is per thread; WriteAccessLog may be called from any thread.
#ifndef IBASHO_SERVICES_COMMON_REQUEST_CONTEXT_H_
#define IBASHO_SERVICES_COMMON_REQUEST_CONTEXT_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ibasho::services {

inline constexpr char kRequestIdMetadata[] = "x-request-id";

// offered when it is 1..128 characters of [A-Za-z0-9._:-]; otherwise a new random id.
std::string AcceptOrMakeRequestId(std::string_view offered);

// Puts a request id in scope on this thread until destroyed.
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};
// The id in scope on this thread; empty when none.
const std::string& CurrentRequestId();

// Adds the id in scope (if any) to a call's metadata.
void AddRequestId(grpc::ClientContext* context);

// Logs every call a server answers: time, service, method, gRPC status code, latency, request id
// (not health checks, reflection, IndexStatus and GetStatus: probes and scrapes).
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> AccessLogInterceptorFactory(std::string service);

// Writes line (one JSON object) and a newline to stderr in one write.
void WriteAccessLog(const nlohmann::json& line);
// The same for a line already serialised (no newline).
void WriteAccessLog(std::string line);

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_COMMON_REQUEST_CONTEXT_H_
