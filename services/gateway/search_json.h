// The search response as JSON, written directly: the hot path of the API. Produces exactly what
// the protobuf JSON mapping would (snake_case, every field present, distance_m only when set),
// about ten times faster (checked by search_json_test).
#ifndef IBASHO_SERVICES_GATEWAY_SEARCH_JSON_H_
#define IBASHO_SERVICES_GATEWAY_SEARCH_JSON_H_

#include <string>

#include "ibasho/search/v1/search.pb.h"

namespace ibasho::gateway {

std::string SearchResponseJson(const search::v1::SearchResponse& response);

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_SEARCH_JSON_H_
