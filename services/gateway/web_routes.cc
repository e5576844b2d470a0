// The public web: the search page (clients/web) at / and /a/{id}, its files, and the printable
// guide (/guide). Pages carry a strict Content-Security-Policy: scripts, styles and data only from
// the gateway itself, map tiles from the configured tile server.
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/html.h"
#include "common/limits.h"
#include "common/taxonomy.h"
#include "services/gateway/api_response.h"
#include "services/gateway/gateway.h"
#include "services/gateway/guide_page.h"
#include "services/gateway/request_params.h"

namespace ibasho::gateway {

namespace {

// A printed guide may be a few minutes old.
constexpr int kGuideMaxAge = 300;

// "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png" → "https://cyberjapandata.gsi.go.jp".
std::string OriginOf(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t path = url.find('/', scheme + 3);
  return url.substr(0, path);
}

std::string FrameAncestors(const std::vector<std::string>& origins) {
  std::string out = "frame-ancestors 'self'";
  for (const auto& o : origins)
    if (o != "*") out += " " + o;
  return out;
}

void AddSecurityHeaders(HttpResponse* r, const std::string& csp) {
  r->headers.emplace_back("Content-Security-Policy", csp);
  r->headers.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
  r->headers.emplace_back("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()");
  r->headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
}

// The file, or 304 when the client holds this version.
HttpResponse FromAsset(const HttpRequest& req, const WebAsset& a) {
  HttpResponse r;
  r.content_type = a.content_type;
  r.headers.emplace_back("ETag", a.etag);
  r.headers.emplace_back("Cache-Control", a.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (req.Header("if-none-match") == a.etag)
    r.status = 304;
  else
    r.body = a.body;
  return r;
}

// The page with the activity's name as its title and link-preview tags (LINE, messengers).
std::string PageFor(const std::string& page, const search::v1::ActivityDetail& detail, const std::string& url) {
  const auto& a = detail.result();
  std::string title =
      HtmlEscape(a.title() + (a.group_name().empty() ? "" : "（" + a.group_name() + "）") + " | ibasho");
  std::string out = page;
  size_t open = out.find("<title>"), close = out.find("</title>");
  if (open == std::string::npos || close == std::string::npos) return out;
  std::string description = HtmlEscape(a.summary().empty() ? a.schedule_text() : a.summary());
  out.replace(open, close + 8 - open,
              "<title>" + title + "</title><meta property=\"og:title\" content=\"" + title +
                  "\"><meta property=\"og:description\" content=\"" + description +
                  "\"><meta name=\"description\" content=\"" + description +
                  "\"><meta property=\"og:type\" content=\"website\"><meta property=\"og:url\" content=\"" +
                  HtmlEscape(url) + "\">");
  return out;
}

}  // namespace

void Gateway::LoadWeb() {
  const std::string tile_origin = OriginOf(options_.tile_url);
  page_csp_ = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:" +
              (tile_origin.empty() ? "" : " " + tile_origin) +
              "; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; " +
              FrameAncestors(options_.cors_origins);
  guide_csp_ = "default-src 'none'; style-src 'sha256-" + Sha256Base64(GuideStyle()) +
               "'; img-src 'self' data:; base-uri 'none'; form-action 'none'; " + FrameAncestors(options_.cors_origins);
  if (options_.web_root.empty()) return;
  nlohmann::json config = {{"tile_url", options_.tile_url}, {"tile_attribution", options_.tile_attribution}};
  StatusOr<WebAssets> loaded = WebAssets::Load(options_.web_root, config.dump());
  if (!loaded.ok()) {
    spdlog::warn("gateway: no web page at {}: {} (build clients/web with npm)", options_.web_root,
                 loaded.status().ToString());
    return;
  }
  web_ = std::move(*loaded);
}

HttpResponse Gateway::WebPage(const HttpRequest& req, const std::string& activity_id) {
  const WebAsset* page = web_.Page();
  if (!page) return Error(503, "UNAVAILABLE", "the web page is not built on this server (see README: clients/web)");
  HttpResponse r;
  if (activity_id.empty()) {
    r = FromAsset(req, *page);
  } else {
    // A shared link: the activity's name in the title; 404 when there is no such listing (the
    // page still loads and says so).
    search::v1::ActivityDetail detail;
    grpc::Status s = FetchActivity(activity_id, &detail);
    r.content_type = page->content_type;
    r.headers.emplace_back("Cache-Control", "no-cache");
    r.body = s.ok() ? PageFor(page->body, detail, options_.public_url + "/a/" + activity_id) : page->body;
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) r.status = 404;
  }
  AddSecurityHeaders(&r, page_csp_);
  return r;
}

HttpResponse Gateway::WebFile(const HttpRequest& req) {
  const WebAsset* a = web_.Find(req.path);
  if (!a) return Error(404, "NOT_FOUND", "no such file");
  HttpResponse r = FromAsset(req, *a);
  AddSecurityHeaders(&r, page_csp_);
  return r;
}

HttpResponse Gateway::Guide(const HttpRequest& req) {
  StatusOr<search::v1::SearchRequest> parsed = SearchRequestOf(req);
  if (!parsed.ok()) return BadRequest(parsed.status());
  search::v1::SearchRequest sr = *parsed;
  const std::string town = req.Param("town");
  sr.set_page_size(limits::kMaxSearchPageSize);
  std::vector<search::v1::SearchResult> listings;
  bool truncated = false;
  while (true) {
    search::v1::SearchResponse page;
    grpc::Status s = search_.Call([&](search::v1::Search::Stub& stub, grpc::ClientContext* ctx) {
      page.Clear();
      return stub.Search(ctx, sr, &page);
    });
    if (!s.ok()) return FromGrpc(s);
    for (auto& r : *page.mutable_results()) {
      if (!town.empty() && TownOf(r.address(), r.municipality()) != town && r.address().find(town) == std::string::npos)
        continue;
      if (listings.size() == static_cast<size_t>(limits::kMaxGuideListings)) {
        truncated = true;
        break;
      }
      listings.push_back(std::move(r));
    }
    if (truncated || page.next_page_token().empty()) break;
    sr.set_page_token(page.next_page_token());
  }
  GuideOptions options;
  options.public_url = options_.public_url;
  options.generated_on = TokyoToday();
  options.truncated = truncated;
  std::vector<std::string> conditions;
  for (const auto& m : sr.municipality()) conditions.push_back(m);
  if (!town.empty()) conditions.push_back(town);
  for (const auto& c : sr.category())
    if (const char* label = CategoryLabel(c)) conditions.push_back(label);
  if (!sr.q().empty()) conditions.push_back("「" + sr.q() + "」");
  for (const auto& c : conditions) options.conditions += (options.conditions.empty() ? "" : "・") + c;
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = RenderGuide(listings, options);
  r = SharedForSeconds(std::move(r), kGuideMaxAge);
  AddSecurityHeaders(&r, guide_csp_);
  return r;
}

}  // namespace ibasho::gateway
