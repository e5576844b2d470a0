#include "services/gateway/request_params.h"

#include "common/limits.h"
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

StatusOr<search::v1::SearchRequest> SearchRequestOf(const HttpRequest& req) {
  search::v1::SearchRequest sr;
  sr.set_q(req.Param("q"));
  for (const auto& v : req.Params("category")) sr.add_category(v);
  for (const auto& v : req.Params("municipality")) sr.add_municipality(v);
  for (const auto& v : req.Params("weekday")) sr.add_weekday(v);
  for (const auto& v : req.Params("fee")) sr.add_fee(v);
  for (const auto& v : req.Params("age_band")) sr.add_age_band(v);
  int age = 0, page_size = 0;
  bool has_age = false;
  if (Status st = IntParam(req, "age", 0, limits::kMaxAge, &age, &has_age); !st.ok()) return st;
  if (has_age) sr.set_age(age);
  if (Status st = IntParam(req, "page_size", 1, limits::kMaxSearchPageSize, &page_size); !st.ok()) return st;
  sr.set_page_size(page_size);
  sr.set_page_token(req.Param("page_token"));
  std::string near = req.Param("near");
  if (!near.empty()) {
    size_t comma = near.find(',');
    double lat = 0, lon = 0;
    if (comma == std::string::npos || !ParseDouble(near.substr(0, comma), &lat) ||
        !ParseDouble(near.substr(comma + 1), &lon))
      return InvalidArgument("near must be LAT,LON in degrees", "near");
    sr.set_has_near(true);
    sr.set_lat(lat);
    sr.set_lon(lon);
  }
  if (req.query.count("radius_m")) {
    double r = 0;
    if (!ParseDouble(req.Param("radius_m"), &r) || r <= 0)
      return InvalidArgument("radius_m must be a positive number of metres", "radius_m");
    sr.set_radius_m(r);
  }
  search::v1::SortOrder sort = search::v1::SORT_ORDER_UNSPECIFIED;
  if (!EnumFromWord(req.Param("sort"), &sort)) return InvalidArgument("sort must be relevance or distance", "sort");
  sr.set_sort(sort);
  sr.set_open_on(req.Param("open_on"));
  sr.set_today(req.Param("today"));
  sr.set_literal(IsTrue(req.Param("literal")));
  return sr;
}

}  // namespace ibasho::gateway
