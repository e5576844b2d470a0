// Shared start-up for the gRPC services: health checking, access logs, graceful
// shutdown on SIGINT/SIGTERM.
#ifndef IBASHO_SERVICES_COMMON_SERVER_MAIN_H_
#define IBASHO_SERVICES_COMMON_SERVER_MAIN_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>

#include "common/process.h"

namespace ibasho::services {

// Builds a server on address with the given services (health checking and a JSON
// access log of every call on), and blocks until SIGINT or SIGTERM. The health service says
// NOT_SERVING until ready() (polled; null: at once) first returns true. before_shutdown runs first
// on a signal (e.g. to end streaming calls). Returns the process exit code.
int RunGrpcServer(const std::string& name, const std::string& address, std::vector<grpc::Service*> services,
                  const std::function<void()>& before_shutdown = nullptr, const std::function<bool()>& ready = nullptr);

// InitProcess and WaitForTerminationSignal (common/process.h), under the names the services use.
using ::ibasho::InitProcess;
using ::ibasho::WaitForTerminationSignal;

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_COMMON_SERVER_MAIN_H_
