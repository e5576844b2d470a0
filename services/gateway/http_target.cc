// Request targets and the request accessors: percent-decoding of the path and query string.
#include <string>
#include <string_view>

#include "services/gateway/http_server.h"

namespace ibasho::gateway {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

}  // namespace

std::string HttpRequest::Param(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

std::vector<std::string> HttpRequest::Params(const std::string& name) const {
  std::vector<std::string> out;
  auto [b, e] = query.equal_range(name);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

Status ParseTarget(const std::string& target, HttpRequest* request) {
  size_t q = target.find('?');
  if (!PercentDecode(std::string_view(target).substr(0, q), false, &request->path))
    return InvalidArgument("bad percent-encoding in the path");
  if (q == std::string::npos) return Status::Ok();
  std::string_view qs = std::string_view(target).substr(q + 1);
  size_t start = 0;
  while (start <= qs.size()) {
    size_t amp = qs.find('&', start);
    if (amp == std::string_view::npos) amp = qs.size();
    std::string_view pair = qs.substr(start, amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key, value;
      if (!PercentDecode(pair.substr(0, eq), true, &key))
        return InvalidArgument("bad percent-encoding in the query string");
      if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &value))
        return InvalidArgument("bad percent-encoding in parameter " + key, key);
      request->query.emplace(std::move(key), std::move(value));
    }
    start = amp + 1;
  }
  return Status::Ok();
}

}  // namespace ibasho::gateway
