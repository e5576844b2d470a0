// Request targets as a hostile client sends them: percent-decoding of paths and query strings,
// then the checks every route relies on (UTF-8, numbers, If-Match).
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/numbers.h"
#include "common/utf8.h"
#include "services/gateway/http_server.h"
#include "services/gateway/request_params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string target(reinterpret_cast<const char*>(data), size);
  ibasho::gateway::HttpRequest request;
  if (!ibasho::gateway::ParseTarget(target, &request).ok()) return 0;
  (void)ibasho::IsValidUtf8(request.path);
  (void)ibasho::gateway::SplitPath(request.path);
  for (const auto& [name, value] : request.query) {
    int n = 0;
    (void)ibasho::gateway::IntParam(request, name, 0, 1000, &n);
    double d = 0;
    (void)ibasho::ParseDouble(value, &d);
    (void)ibasho::gateway::ParseIfMatch(value);
  }
  return 0;
}
