// gRPC front of the Searcher.
#ifndef IBASHO_SERVICES_SEARCH_SEARCH_SERVICE_H_
#define IBASHO_SERVICES_SEARCH_SEARCH_SERVICE_H_

#include "ibasho/search/v1/search.grpc.pb.h"
#include "search/engine/searcher.h"
#include "search/index/index_writer.h"
#include "services/search/cache_warmer.h"
#include "services/search/feed_follower.h"
#include "services/search/fifo_gate.h"

namespace ibasho::services {

class SearchServiceImpl final : public search::v1::Search::Service {
 public:
  // All four must outlive the service. max_concurrent: searches running at once (others queue;
  // the default, two per core, keeps the cores busy while a search waits on its reader).
  SearchServiceImpl(search::Searcher* searcher, const search::IndexWriter* writer, const FeedFollower* follower,
                    const CacheWarmer* warmer, int max_concurrent)
      : searcher_(searcher), writer_(writer), follower_(follower), warmer_(warmer), gate_(max_concurrent) {}
  // Caught up with the feed and warmed: what readiness and IndexStatus.caught_up report.
  bool Ready() const { return follower_->caught_up() && warmer_->warmed(); }

  grpc::Status Search(grpc::ServerContext*, const search::v1::SearchRequest*, search::v1::SearchResponse*) override;
  grpc::Status Suggest(grpc::ServerContext*, const search::v1::SuggestRequest*, search::v1::SuggestResponse*) override;
  grpc::Status Events(grpc::ServerContext*, const search::v1::EventsRequest*, search::v1::EventsResponse*) override;
  grpc::Status GetActivity(grpc::ServerContext*, const search::v1::GetActivityRequest*,
                           search::v1::ActivityDetail*) override;
  grpc::Status IndexStatus(grpc::ServerContext*, const search::v1::IndexStatusRequest*,
                           search::v1::IndexStatusResponse*) override;

 private:
  search::Searcher* searcher_;
  const search::IndexWriter* writer_;
  const FeedFollower* follower_;
  const CacheWarmer* warmer_;
  FifoGate gate_;
};

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_SEARCH_SEARCH_SERVICE_H_
