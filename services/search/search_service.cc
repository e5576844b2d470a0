#include "services/search/search_service.h"

#include "services/common/grpc_status.h"

namespace ibasho::services {

grpc::Status SearchServiceImpl::Search(grpc::ServerContext*, const search::v1::SearchRequest* req,
                                       search::v1::SearchResponse* resp) {
  gate_.Enter();
  auto result = searcher_->Search(*req);
  gate_.Leave();
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(result).value();
  return grpc::Status::OK;
}

grpc::Status SearchServiceImpl::Suggest(grpc::ServerContext*, const search::v1::SuggestRequest* req,
                                        search::v1::SuggestResponse* resp) {
  auto result = searcher_->Suggest(*req);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(result).value();
  return grpc::Status::OK;
}

grpc::Status SearchServiceImpl::Events(grpc::ServerContext*, const search::v1::EventsRequest* req,
                                       search::v1::EventsResponse* resp) {
  gate_.Enter();
  auto result = searcher_->Events(*req);
  gate_.Leave();
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(result).value();
  return grpc::Status::OK;
}

grpc::Status SearchServiceImpl::GetActivity(grpc::ServerContext*, const search::v1::GetActivityRequest* req,
                                            search::v1::ActivityDetail* resp) {
  auto result = searcher_->GetActivity(*req);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(result).value();
  return grpc::Status::OK;
}

grpc::Status SearchServiceImpl::IndexStatus(grpc::ServerContext*, const search::v1::IndexStatusRequest*,
                                            search::v1::IndexStatusResponse* resp) {
  auto count = searcher_->DocCount();
  if (!count.ok()) return ToGrpcStatus(count.status());
  resp->set_doc_count(static_cast<int32_t>(*count));
  resp->set_applied_cursor(std::to_string(writer_->AppliedCursor()));
  resp->set_following(follower_->following());
  resp->set_caught_up(Ready());
  resp->set_index_bytes(writer_->IndexBytes());
  resp->set_revision(static_cast<int64_t>(writer_->Revision()));
  return grpc::Status::OK;
}

}  // namespace ibasho::services
