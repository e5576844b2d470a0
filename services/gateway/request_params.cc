#include "services/gateway/request_params.h"

#include "common/numbers.h"
#include "common/utf8.h"
#include "model/json_mapping.h"

namespace ibasho::gateway {

int ParseIfMatch(std::string v) {
  if (v.empty()) return 0;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int out = 0;
  if (!ParseInt(v, &out) || out <= 0) return -1;
  return out;
}

Status IntParam(const HttpRequest& req, const std::string& name, int min, int max, int* out, bool* present) {
  if (present) *present = req.query.count(name) > 0;
  if (!req.query.count(name)) return Status::Ok();
  int n = 0;
  if (!ParseInt(req.Param(name), &n) || n < min || n > max)
    return InvalidArgument(name + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max),
                           name);
  *out = n;
  return Status::Ok();
}

Status ParseJsonBody(const std::string& body, nlohmann::json* out) {
  if (!IsValidUtf8(body)) return InvalidArgument("request body is not valid UTF-8");
  if (!JsonDepthWithin(body))
    return InvalidArgument("request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  *out = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) return InvalidArgument("request body is not valid JSON");
  return Status::Ok();
}

bool IsTrue(const std::string& v) { return v == "true" || v == "1"; }

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

}  // namespace ibasho::gateway
