// How the project's processes prove to the registry that they are its own: a shared secret in a
// file (mode 0600, readable only by the service user), sent in every call's metadata.
//
// Why a secret and not a unix socket with 0600: the services run on separate hosts or pods in a
// scaled deployment (deploy/), where a socket cannot reach; a file mounted into each of them
// (a Kubernetes Secret, a systemd credential) works the same on one host and on many.
#ifndef IBASHO_SERVICES_COMMON_REGISTRY_SECRET_H_
#define IBASHO_SERVICES_COMMON_REGISTRY_SECRET_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"

namespace ibasho::services {

// The metadata key that carries the secret.
inline constexpr char kRegistrySecretHeader[] = "x-ibasho-registry-secret";
// Where every process looks by default (beside the registry's default database).
inline constexpr char kDefaultRegistrySecretFile[] = "var/registry.secret";

// The registry's side: the secret in path, created with 32 random bytes (hex) and mode 0600 when
// the file does not exist. Unavailable when it cannot be read or written.
StatusOr<std::string> LoadOrCreateRegistrySecret(const std::string& path);

// A client's side: the secret in path, waiting up to wait for the registry to create it (the
// processes start together). Unavailable when it does not appear.
StatusOr<std::string> ReadRegistrySecret(const std::string& path,
                                         std::chrono::milliseconds wait = std::chrono::seconds(30));

// A channel to the registry (as MakeChannel) that sends the secret with every call.
std::shared_ptr<grpc::Channel> MakeRegistryChannel(const std::string& address, const std::string& secret);

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_COMMON_REGISTRY_SECRET_H_
