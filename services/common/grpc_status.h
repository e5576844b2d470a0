// The one place where internal Status meets gRPC status. The offending field path travels in
// grpc::Status::error_details so the gateway can report it.
#ifndef IBASHO_SERVICES_COMMON_GRPC_STATUS_H_
#define IBASHO_SERVICES_COMMON_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "common/status.h"

namespace ibasho::services {

grpc::Status ToGrpcStatus(const Status& status);

// "INVALID_ARGUMENT", "NOT_FOUND", … ("GONE" for OUT_OF_RANGE, as the REST API reports it).
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_COMMON_GRPC_STATUS_H_
