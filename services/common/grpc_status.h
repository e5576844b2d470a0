// The one place where internal Status meets gRPC status. Every error carries a serialized
// google.rpc.Status in grpc::Status::error_details (the standard rich-error trailer) with an
// ErrorInfo (reason, domain "ibasho") and, when a field is at fault, a BadRequest naming it.
#ifndef IBASHO_SERVICES_COMMON_GRPC_STATUS_H_
#define IBASHO_SERVICES_COMMON_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "common/status.h"

namespace ibasho::services {

grpc::Status ToGrpcStatus(const Status& status);

// The field a gRPC error names (its BadRequest detail); empty when none.
std::string FieldOf(const grpc::Status& status);

// The canonical name: "INVALID_ARGUMENT", "NOT_FOUND", "OUT_OF_RANGE", …
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_COMMON_GRPC_STATUS_H_
