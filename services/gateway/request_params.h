// Reading the parts of a request the routes share: numeric and boolean query parameters,
// If-Match, and path segments. Errors are InvalidArgument naming the parameter. Thread-safe.
#ifndef IBASHO_SERVICES_GATEWAY_REQUEST_PARAMS_H_
#define IBASHO_SERVICES_GATEWAY_REQUEST_PARAMS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "ibasho/search/v1/search.pb.h"
#include "services/gateway/http_server.h"

namespace ibasho::gateway {

// Parses an If-Match value ("3", W/"3"); 0 when absent, -1 when malformed.
int ParseIfMatch(std::string v);

// An optional whole-number parameter within [min, max]: leaves *out untouched when absent, and
// names the parameter when it is malformed or out of range.
Status IntParam(const HttpRequest& req, const std::string& name, int min, int max, int* out, bool* present = nullptr);

// A JSON request body: valid UTF-8, nested at most kMaxJsonDepth deep (model/json_mapping.h),
// syntactically valid; InvalidArgument saying which is not.
Status ParseJsonBody(const std::string& body, nlohmann::json* out);

// The search parameters (q, category, municipality, weekday, fee, age, near, radius_m, sort,
// open_on, today, literal, page_size, page_token) of GET /v1/search and the routes that take the
// same filters; InvalidArgument naming a malformed one.
StatusOr<search::v1::SearchRequest> SearchRequestOf(const HttpRequest& req);

// "true" or "1".
bool IsTrue(const std::string& v);

// "/v1/groups/g_1" → {"v1", "groups", "g_1"}; empty segments are dropped.
std::vector<std::string> SplitPath(const std::string& path);

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_REQUEST_PARAMS_H_
