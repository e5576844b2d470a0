#include "services/gateway/web_assets.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "common/html.h"

namespace ibasho::gateway {
namespace {

namespace fs = std::filesystem;

StatusOr<std::string> ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kNotFound, "cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

WebAsset AssetOf(std::string body, const std::string& name, bool immutable) {
  WebAsset a;
  a.etag = "\"" + Sha256Hex(body).substr(0, 32) + "\"";
  a.content_type = ContentTypeFor(name);
  a.body = std::move(body);
  a.immutable = immutable;
  return a;
}

// index.html with the configuration in its <meta name="ibasho-config" content="…">.
std::string WithConfig(std::string html, const std::string& config) {
  const std::string tag = "<meta name=\"ibasho-config\" content=\"";
  size_t at = html.find(tag);
  if (at == std::string::npos) return html;
  size_t begin = at + tag.size();
  size_t end = html.find('"', begin);
  if (end == std::string::npos) return html;
  return html.replace(begin, end - begin, HtmlEscape(config));
}

}  // namespace

std::string ContentTypeFor(const std::string& name) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".json", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
  };
  auto it = kTypes.find(fs::path(name).extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

StatusOr<WebAssets> WebAssets::Load(const std::string& root, const std::string& page_config) {
  WebAssets out;
  StatusOr<std::string> index = ReadWhole(fs::path(root) / "index.html");
  if (!index.ok()) return index.status();
  out.page_ = AssetOf(WithConfig(std::move(*index), page_config), "index.html", false);
  size_t total = out.page_.body.size();
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string relative = fs::relative(it->path(), root).generic_string();
    if (relative == "index.html") continue;
    const bool hashed = relative.starts_with("assets/");
    if (!hashed && relative.find('/') != std::string::npos) continue;  // only assets/ and the top level
    StatusOr<std::string> body = ReadWhole(it->path());
    if (!body.ok()) return body.status();
    total += body->size();
    if (total > kMaxBytes) return InvalidArgument("web client files exceed " + std::to_string(kMaxBytes) + " bytes");
    out.files_.emplace("/" + relative, AssetOf(std::move(*body), relative, hashed));
  }
  if (ec) return Status(StatusCode::kUnavailable, "cannot list " + root + ": " + ec.message());
  return out;
}

const WebAsset* WebAssets::Find(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace ibasho::gateway
