// The printable guide (GET /guide): an A4 HTML page of listings grouped by area (municipality,
// then town) and category, each with its schedule, place, public contacts and a QR code to its
// page. Needs no script to print. Pure functions; thread-safe.
#ifndef IBASHO_SERVICES_GATEWAY_GUIDE_PAGE_H_
#define IBASHO_SERVICES_GATEWAY_GUIDE_PAGE_H_

#include <string>
#include <vector>

#include "ibasho/search/v1/search.pb.h"

namespace ibasho::gateway {

struct GuideOptions {
  std::string public_url;    // where /a/{id} pages are, without a trailing slash
  std::string conditions;    // what was asked for, e.g. 「練馬区 光が丘・こども食堂」; "" for everything
  std::string generated_on;  // YYYY-MM-DD
  bool truncated = false;    // more listings matched than the guide holds
};

// The whole page. listings: public search results (contacts already public only).
std::string RenderGuide(const std::vector<search::v1::SearchResult>& listings, const GuideOptions& options);

// The page's stylesheet, inline in a <style> element: its hash goes in the CSP (style-src).
const std::string& GuideStyle();

// The town (町名) of an address: what follows the municipality, up to the block number
// (「東京都練馬区光が丘7-3-1」, 「練馬区」 → 「光が丘」); "" when there is none.
std::string TownOf(const std::string& address, const std::string& municipality);

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_GUIDE_PAGE_H_
