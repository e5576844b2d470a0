// The web client's built files (clients/web, built by Vite), held in memory and served by the
// gateway: the page itself at / and /a/{id}, hashed bundles under /assets/. Immutable after Load;
// thread-safe to read.
#ifndef IBASHO_SERVICES_GATEWAY_WEB_ASSETS_H_
#define IBASHO_SERVICES_GATEWAY_WEB_ASSETS_H_

#include <map>
#include <string>

#include "common/status.h"

namespace ibasho::gateway {

struct WebAsset {
  std::string body;
  std::string content_type;
  std::string etag;        // quoted strong validator (a hash of the body)
  bool immutable = false;  // under assets/: the name changes with the content
};

class WebAssets {
 public:
  // No page: Page() is null (the gateway answers 503 for it).
  WebAssets() = default;
  // Reads root/index.html and every file under root/assets and root's top level; page_config
  // (JSON) replaces the content of <meta name="ibasho-config"> in index.html. NotFound when
  // root/index.html does not exist; InvalidArgument when the files exceed kMaxBytes.
  static StatusOr<WebAssets> Load(const std::string& root, const std::string& page_config);

  // The page (index.html), or null when none was loaded.
  const WebAsset* Page() const { return page_.body.empty() ? nullptr : &page_; }
  // A file by URL path ("/assets/index-3f2a.js", "/favicon.svg"); null when there is none.
  const WebAsset* Find(const std::string& path) const;

  static constexpr size_t kMaxBytes = size_t{32} << 20;

 private:
  WebAsset page_;
  std::map<std::string, WebAsset> files_;  // by URL path
};

// The Content-Type for a file name's extension (application/octet-stream when unknown).
std::string ContentTypeFor(const std::string& name);

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_WEB_ASSETS_H_
