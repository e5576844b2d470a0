// ibasho-registry: the registry gRPC service over a SQLite file.
#include <spdlog/spdlog.h>

#include "common/flags.h"
#include "services/common/server_main.h"
#include "services/registry/registry_service.h"
#include "storage/registry_store.h"

int main(int argc, char** argv) {
  ibasho::services::InitProcess();
  ibasho::Flags flags(argc, argv);
  std::string listen = flags.Get("listen", "IBASHO_REGISTRY_LISTEN", "127.0.0.1:50051");
  ibasho::storage::RegistryStoreOptions options;
  options.path = flags.Get("db", "IBASHO_REGISTRY_DB", "var/registry.db");
  auto store = ibasho::storage::RegistryStore::Open(options);
  if (!store.ok()) {
    spdlog::error("registry: {}", store.status().ToString());
    return 1;
  }
  spdlog::info("registry: {} (schema v{}, latest change {})", options.path, (*store)->SchemaVersion(),
               (*store)->LatestSeq());
  ibasho::services::RegistryServiceImpl service(store->get());
  return ibasho::services::RunGrpcServer("registry", listen, {&service}, [&] { service.Shutdown(); });
}
