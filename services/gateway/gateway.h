// The REST/JSON API (v1) over the registry and search gRPC services. Authenticates writers,
// strips non-public contact fields from anonymous responses, and maps gRPC status to HTTP.
// Thread-safe: Handle may run on many connection threads at once.
#ifndef IBASHO_SERVICES_GATEWAY_GATEWAY_H_
#define IBASHO_SERVICES_GATEWAY_GATEWAY_H_

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "ibasho/registry/v1/registry.grpc.pb.h"
#include "ibasho/search/v1/search.grpc.pb.h"
#include "services/gateway/http_server.h"

namespace ibasho::gateway {

struct GatewayOptions {
  std::string admin_token;  // Bearer token for writes; empty disables writes
  std::chrono::milliseconds rpc_deadline{5000};
};

class Gateway {
 public:
  Gateway(GatewayOptions options, std::shared_ptr<grpc::Channel> registry, std::shared_ptr<grpc::Channel> search);
  HttpResponse Handle(const HttpRequest& request);

 private:
  enum class Caller { kAnonymous, kAdmin };
  Caller Authenticate(const HttpRequest& request) const;
  std::unique_ptr<grpc::ClientContext> Context() const;

  HttpResponse Search(const HttpRequest& request);
  HttpResponse Suggest(const HttpRequest& request);
  HttpResponse Categories();
  HttpResponse Ready();
  HttpResponse CreateGroup(const HttpRequest& request);
  HttpResponse GetGroup(const HttpRequest& request, const std::string& id);
  HttpResponse PatchGroup(const HttpRequest& request, const std::string& id);
  HttpResponse DeleteGroup(const HttpRequest& request, const std::string& id);
  HttpResponse ListGroups(const HttpRequest& request);
  HttpResponse PutSourceGroup(const HttpRequest& request, const std::string& source, const std::string& external_id);
  HttpResponse Changes(const HttpRequest& request);

  GatewayOptions options_;
  std::unique_ptr<registry::v1::Registry::Stub> registry_;
  std::unique_ptr<search::v1::Search::Stub> search_;
};

// Drops contacts that are not public (for anonymous callers).
void StripPrivateFields(registry::v1::Group* group);

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_GATEWAY_H_
