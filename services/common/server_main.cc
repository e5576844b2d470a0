#include "services/common/server_main.h"

#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <thread>

#include "services/common/request_context.h"

namespace ibasho::services {

int RunGrpcServer(const std::string& name, const std::string& address, std::vector<grpc::Service*> services,
                  const std::function<void()>& before_shutdown, const std::function<bool()>& ready) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  // A second process on the same port must fail loudly, not share the port with a stale one.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  for (auto* s : services) builder.RegisterService(s);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(AccessLogInterceptorFactory(name));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    spdlog::error("{}: cannot listen on {}", name, address);
    return 1;
  }
  std::atomic<bool> stopping{false};
  std::thread readiness;
  if (!ready) {
    server->GetHealthCheckService()->SetServingStatus(true);
  } else {
    server->GetHealthCheckService()->SetServingStatus(false);
    readiness = std::thread([&] {
      while (!stopping && !ready()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (!stopping) {
        server->GetHealthCheckService()->SetServingStatus(true);
        spdlog::info("{}: ready (health SERVING)", name);
      }
    });
  }
  spdlog::info("{} listening on {}", name, address);
  WaitForTerminationSignal();
  spdlog::info("{} shutting down", name);
  stopping = true;
  if (readiness.joinable()) readiness.join();
  server->GetHealthCheckService()->SetServingStatus(false);
  if (before_shutdown) before_shutdown();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}

}  // namespace ibasho::services
