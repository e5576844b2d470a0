// ibasho-search: the search gRPC service. Owns the Xapian index and feeds it from the registry.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "common/flags.h"
#include "common/install_paths.h"
#include "search/analysis/query_dictionary.h"
#include "search/analysis/tokenizer.h"
#include "search/engine/searcher.h"
#include "search/index/index_writer.h"
#include "services/common/channel.h"
#include "services/common/registry_secret.h"
#include "services/common/server_main.h"
#include "services/search/cache_warmer.h"
#include "services/search/feed_follower.h"
#include "services/search/search_service.h"

int main(int argc, char** argv) {
  using namespace ibasho;
  services::InitProcess();
  Flags flags(argc, argv,
              "ibasho-search: the search gRPC service; keeps a Xapian index fed by the registry's change feed");
  std::string listen = flags.Get("listen", "IBASHO_SEARCH_LISTEN", "127.0.0.1:50052", "host:port to serve gRPC on");
  std::string registry =
      flags.Get("registry", "IBASHO_REGISTRY_ADDR", "127.0.0.1:50051", "the registry's gRPC address");
  std::string index = flags.Get("index", "IBASHO_SEARCH_INDEX", "var/index", "the Xapian index directory");
  search::TokenizerOptions tok_options;
  tok_options.userdic = flags.Get("userdic", "IBASHO_USERDIC", DataPath("ibasho_user.dic", IBASHO_DEFAULT_USERDIC),
                                  "the compiled MeCab user dictionary (place names, group names)");
  std::string dict_dir = flags.Get("dict", "IBASHO_DICT_DIR", DataPath("dict", IBASHO_SOURCE_DIR "/search/dict"),
                                   "the directory of synonyms, concepts and worry intents");
  const int posting_cache_mib = flags.GetInt("posting_cache_mib", "IBASHO_POSTING_CACHE_MIB", 128,
                                             "memory for term bitmaps and BM25 weights, in MiB");
  const std::string secret_file = flags.Get("registry_secret_file", "IBASHO_REGISTRY_SECRET_FILE",
                                            services::kDefaultRegistrySecretFile, "the registry's shared secret");
  int max_concurrent = flags.GetInt("max_concurrent_searches", "IBASHO_MAX_CONCURRENT_SEARCHES",
                                    static_cast<int>(2 * std::max(1u, std::thread::hardware_concurrency())),
                                    "searches run at once; the rest queue in arrival order");
  services::FeedFollowerOptions follower_options;
  follower_options.min_commit_interval = std::chrono::milliseconds(flags.GetInt(
      "commit_interval_ms", "IBASHO_COMMIT_INTERVAL_MS", static_cast<int>(follower_options.min_commit_interval.count()),
      "changes arriving sooner than this after the last index commit wait and are committed together"));
  flags.Finish();

  if (!std::filesystem::exists(tok_options.userdic)) {
    spdlog::warn("search: user dictionary {} not found; using ipadic only", tok_options.userdic);
    tok_options.userdic.clear();
  }
  auto tokenizer = search::Tokenizer::Create(tok_options);
  if (!tokenizer.ok()) {
    spdlog::error("search: {}", tokenizer.status().ToString());
    return 1;
  }
  auto dictionary = search::QueryDictionary::Load(dict_dir, **tokenizer);
  if (!dictionary.ok()) {
    spdlog::error("search: {}", dictionary.status().ToString());
    return 1;
  }
  auto translator = search::QueryTranslator::Load(dict_dir + "/english.tsv");
  if (!translator.ok()) {
    spdlog::error("search: {}", translator.status().ToString());
    return 1;
  }
  std::filesystem::create_directories(index);
  auto writer = search::IndexWriter::Open(index, **tokenizer);
  if (!writer.ok()) {
    spdlog::error("search: {}", writer.status().ToString());
    return 1;
  }
  search::SearcherOptions options;
  options.index_path = index;
  options.translator = translator->get();
  options.posting_cache.max_bytes = static_cast<size_t>(std::max(1, posting_cache_mib)) << 20;
  auto searcher = search::Searcher::Open(options, **tokenizer, **dictionary);
  if (!searcher.ok()) {
    spdlog::error("search: {}", searcher.status().ToString());
    return 1;
  }
  (*writer)->set_listener((*searcher)->change_listener());
  spdlog::info("search: index {} ({} documents, applied cursor {}), {} dictionary entries", index,
               (*writer)->DocCount(), (*writer)->AppliedCursor(), (*dictionary)->size());

  auto secret = services::ReadRegistrySecret(secret_file);
  if (!secret.ok()) {
    spdlog::error("search: {}", secret.status().ToString());
    return 1;
  }
  services::FeedFollower follower(services::MakeRegistryChannel(registry, *secret), writer->get(), follower_options);
  follower.Start();
  services::CacheWarmer warmer(searcher->get(), writer->get());
  warmer.Start();
  services::SearchServiceImpl service(searcher->get(), writer->get(), &follower, &warmer, max_concurrent);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();  // grpcurl and friends can list the API
  int rc = services::RunGrpcServer("search", listen, {&service}, nullptr, [&] { return service.Ready(); });
  warmer.Stop();
  follower.Stop();
  return rc;
}
