// ibasho-registry: the registry gRPC service over a SQLite file.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "common/flags.h"
#include "services/common/registry_secret.h"
#include "services/common/server_main.h"
#include "services/registry/registry_service.h"
#include "storage/registry_store.h"

int main(int argc, char** argv) {
  ibasho::services::InitProcess();
  ibasho::Flags flags(argc, argv,
                      "ibasho-registry: the registry gRPC service (groups, review, tokens, change feed) over SQLite");
  std::string listen = flags.Get("listen", "IBASHO_REGISTRY_LISTEN", "127.0.0.1:50051", "host:port to serve gRPC on");
  ibasho::storage::RegistryStoreOptions options;
  options.path =
      flags.Get("db", "IBASHO_REGISTRY_DB", "var/registry.db", "the SQLite database file (created if missing)");
  options.cache_mib = flags.GetInt("cache_mib", "IBASHO_REGISTRY_CACHE_MIB", options.cache_mib,
                                   "SQLite's page cache in MiB (the file itself stays in the kernel's cache)");
  int retention_days = flags.GetInt("change_retention_days", "IBASHO_CHANGE_RETENTION_DAYS", 180,
                                    "superseded changes and tombstones older than this are compacted hourly");
  std::string secret_file =
      flags.Get("secret_file", "IBASHO_REGISTRY_SECRET_FILE", ibasho::services::kDefaultRegistrySecretFile,
                "the shared secret every caller must send (created with mode 0600 if missing)");
  flags.Finish();
  auto store = ibasho::storage::RegistryStore::Open(options);
  if (!store.ok()) {
    spdlog::error("registry: {}", store.status().ToString());
    return 1;
  }
  spdlog::info("registry: {} (schema v{}, latest change {})", options.path, (*store)->SchemaVersion(),
               (*store)->LatestSeq());
  // Feed retention: hourly, compact change rows older than the retention (tombstones included).
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread compactor([&] {
    std::unique_lock<std::mutex> lock(stop_mu);
    do {
      auto dropped = (*store)->CompactChanges(ibasho::Rfc3339DaysAgo(retention_days));
      if (dropped.ok() && *dropped > 0)
        spdlog::info("registry: compacted {} change rows older than {} days", *dropped, retention_days);
    } while (!stop_cv.wait_for(lock, std::chrono::hours(1), [&] { return stopping; }));
  });
  auto secret = ibasho::services::LoadOrCreateRegistrySecret(secret_file);
  if (!secret.ok()) {
    spdlog::error("registry: {}", secret.status().ToString());
    return 1;
  }
  ibasho::services::RegistryServiceImpl service(store->get(), *secret);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();  // grpcurl and friends can list the API
  int rc = ibasho::services::RunGrpcServer("registry", listen, {&service}, [&] { service.Shutdown(); });
  {
    std::lock_guard<std::mutex> lock(stop_mu);
    stopping = true;
  }
  stop_cv.notify_all();
  compactor.join();
  return rc;
}
