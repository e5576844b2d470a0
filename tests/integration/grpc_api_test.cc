// The gRPC services as a client sees them: rich google.rpc.Status errors, and server reflection.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/reflection/v1alpha/reflection_probe.grpc.pb.h"
#include "ibasho/registry/v1/registry.grpc.pb.h"
#include "services/common/channel.h"
#include "services/common/registry_secret.h"
#include "tests/integration/cluster.h"

namespace ibasho {
namespace {

using testing::Cluster;

std::vector<std::string> ListServices(const std::string& address) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(services::MakeChannel(address));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto stream = stub->ServerReflectionInfo(&ctx);
  grpc::reflection::v1alpha::ServerReflectionRequest req;
  req.set_list_services("");
  std::vector<std::string> names;
  if (!stream->Write(req)) return names;
  stream->WritesDone();
  grpc::reflection::v1alpha::ServerReflectionResponse resp;
  while (stream->Read(&resp))
    for (const auto& s : resp.list_services_response().service()) names.push_back(s.name());
  stream->Finish();
  return names;
}

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(GrpcApi, ErrorsCarryGoogleRpcStatusWithReasonAndField) {
  Cluster c;
  auto secret = services::ReadRegistrySecret(c.dir().File("registry.secret"));
  ASSERT_TRUE(secret.ok());
  auto stub = registry::v1::Registry::NewStub(services::MakeRegistryChannel(c.registry_address(), *secret));
  grpc::ClientContext ctx;
  registry::v1::CreateGroupRequest req;
  req.mutable_group()->set_name("");  // a group needs a name
  registry::v1::Group out;
  grpc::Status s = stub->CreateGroup(&ctx, req, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(s.error_details()));
  EXPECT_EQ(rich.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(rich.message(), s.error_message());
  ASSERT_EQ(rich.details_size(), 2);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(rich.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "INVALID_FIELD");
  EXPECT_EQ(info.domain(), "ibasho");
  google::rpc::BadRequest bad;
  ASSERT_TRUE(rich.details(1).UnpackTo(&bad));
  EXPECT_EQ(bad.field_violations(0).field(), "name");

  grpc::ClientContext missing_ctx;
  registry::v1::GetGroupRequest get;
  get.set_id("g_000000000000");
  s = stub->GetGroup(&missing_ctx, get, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(rich.ParseFromString(s.error_details()));
  ASSERT_TRUE(rich.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "NOT_FOUND");
}

TEST(GrpcApi, ReflectionListsEachServersServices) {
  Cluster c;
  auto registry = ListServices(c.registry_address());
  EXPECT_TRUE(Has(registry, "ibasho.registry.v1.Registry")) << registry.size();
  EXPECT_TRUE(Has(registry, "grpc.health.v1.Health"));
  auto search = ListServices(c.search_address());
  EXPECT_TRUE(Has(search, "ibasho.search.v1.Search")) << search.size();
}

}  // namespace
}  // namespace ibasho
