// ibasho-search: the search gRPC service. Owns the Xapian index and feeds it from the registry.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "common/flags.h"
#include "search/analysis/query_dictionary.h"
#include "search/analysis/tokenizer.h"
#include "search/engine/searcher.h"
#include "search/index/index_writer.h"
#include "services/common/channel.h"
#include "services/common/registry_secret.h"
#include "services/common/server_main.h"
#include "services/search/feed_follower.h"
#include "services/search/search_service.h"

int main(int argc, char** argv) {
  using namespace ibasho;
  services::InitProcess();
  Flags flags(argc, argv);
  std::string listen = flags.Get("listen", "IBASHO_SEARCH_LISTEN", "127.0.0.1:50052");
  std::string registry = flags.Get("registry", "IBASHO_REGISTRY_ADDR", "127.0.0.1:50051");
  std::string index = flags.Get("index", "IBASHO_SEARCH_INDEX", "var/index");

  search::TokenizerOptions tok_options;
  tok_options.userdic = flags.Get("userdic", "IBASHO_USERDIC", IBASHO_DEFAULT_USERDIC);
  if (!std::filesystem::exists(tok_options.userdic)) {
    spdlog::warn("search: user dictionary {} not found; using ipadic only", tok_options.userdic);
    tok_options.userdic.clear();
  }
  auto tokenizer = search::Tokenizer::Create(tok_options);
  if (!tokenizer.ok()) {
    spdlog::error("search: {}", tokenizer.status().ToString());
    return 1;
  }
  std::string dict_dir = flags.Get("dict", "IBASHO_DICT_DIR", IBASHO_SOURCE_DIR "/search/dict");
  auto dictionary = search::QueryDictionary::Load(dict_dir, **tokenizer);
  if (!dictionary.ok()) {
    spdlog::error("search: {}", dictionary.status().ToString());
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
  options.posting_cache.max_bytes =
      static_cast<size_t>(std::max(1, flags.GetInt("posting_cache_mib", "IBASHO_POSTING_CACHE_MIB", 128))) << 20;
  auto searcher = search::Searcher::Open(options, **tokenizer, **dictionary);
  if (!searcher.ok()) {
    spdlog::error("search: {}", searcher.status().ToString());
    return 1;
  }
  (*writer)->set_listener((*searcher)->change_listener());
  spdlog::info("search: index {} ({} documents, applied cursor {}), {} dictionary entries", index,
               (*writer)->DocCount(), (*writer)->AppliedCursor(), (*dictionary)->size());

  auto secret = services::ReadRegistrySecret(
      flags.Get("registry_secret_file", "IBASHO_REGISTRY_SECRET_FILE", services::kDefaultRegistrySecretFile));
  if (!secret.ok()) {
    spdlog::error("search: {}", secret.status().ToString());
    return 1;
  }
  services::FeedFollower follower(services::MakeRegistryChannel(registry, *secret), writer->get());
  follower.Start();
  int max_concurrent = flags.GetInt("max_concurrent_searches", "IBASHO_MAX_CONCURRENT_SEARCHES",
                                    static_cast<int>(2 * std::max(1u, std::thread::hardware_concurrency())));
  services::SearchServiceImpl service(searcher->get(), writer->get(), &follower, max_concurrent);
  int rc = services::RunGrpcServer("search", listen, {&service});
  follower.Stop();
  return rc;
}
